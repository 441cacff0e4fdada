import { GraphQLError, Lexer, Source, TokenKind, type GraphQLFormattedError } from 'graphql';
import { AppError, clientError, LimitExceededError } from '../../common/errors';

/** The query limits, each named after the setting that holds it. */
export type QueryLimit =
  | 'MAX_QUERY_DEPTH'
  | 'MAX_ALIASES'
  | 'MAX_DIRECTIVES'
  | 'MAX_QUERY_COST'
  | 'MAX_BATCH_COST'
  | 'MAX_QUERY_TOKENS'
  | 'MAX_BATCH_SIZE'
  | 'MAX_BODY_BYTES'
  | 'MAX_RESPONSE_BYTES';

const n = (value: number) => value.toLocaleString('en');

const ADVICE: Record<QueryLimit, (limit: number, actual: number) => string> = {
  MAX_QUERY_DEPTH: (limit, actual) =>
    `The query nests fields ${actual} levels deep; the limit is ${limit} (MAX_QUERY_DEPTH). Ask for the nested objects in a separate query, by their code or id.`,
  MAX_ALIASES: (limit, actual) =>
    `The query uses ${n(actual)} aliases; the limit is ${n(limit)} (MAX_ALIASES). Use a list field (areas, villages, servicePoints) or send several requests.`,
  MAX_DIRECTIVES: (limit, actual) => `The query uses ${n(actual)} directives; the limit is ${n(limit)} (MAX_DIRECTIVES). Remove the repeated @include/@skip.`,
  MAX_QUERY_COST: (limit, actual) =>
    `The query costs ${n(actual)} points; the limit is ${n(limit)} per operation (MAX_QUERY_COST). Ask for a smaller page (first), fewer nested objects or fewer polygons, or split it; every object counts 1, once per item of its page.`,
  MAX_BATCH_COST: (limit, actual) =>
    `The operations of this batch cost ${n(actual)} points together; the limit is ${n(limit)} per request (MAX_QUERY_COST, shared by a batch's operations). Send fewer or cheaper operations per request.`,
  MAX_RESPONSE_BYTES: (limit, actual) =>
    `The answer is ${n(actual)} bytes; the limit is ${n(limit)} bytes (MAX_RESPONSE_BYTES). Ask for a smaller area or page, fewer fields, or use the vector tiles for maps.`,
  MAX_QUERY_TOKENS: (limit, actual) =>
    `The query document has ${n(actual)} tokens; the limit is ${n(limit)} (MAX_QUERY_TOKENS). Send only the operation you run, with fewer fields, or split it.`,
  MAX_BATCH_SIZE: (limit, actual) => `The batch holds ${n(actual)} operations; the limit is ${n(limit)} (MAX_BATCH_SIZE). Send fewer operations per request.`,
  MAX_BODY_BYTES: (limit, actual) =>
    `The request body is ${n(actual)} bytes; the limit is ${n(limit)} bytes (MAX_BODY_BYTES). Send a shorter query, or fewer or smaller variables.`,
};

/** A body over its limit (body-parser's 413): on /graphql that is MAX_BODY_BYTES, on an upload route its own setting. */
export function bodyTooLarge(setting: string, limit: number, actual: number | undefined): LimitExceededError {
  const size = actual === undefined ? `more than ${n(limit)}` : n(actual);
  const advice = setting === 'MAX_BODY_BYTES' ? ' Send a shorter query, or fewer or smaller variables.' : ' Split the file.';
  return new LimitExceededError(`The request body is ${size} bytes; the limit is ${n(limit)} bytes (${setting}).${advice}`, {
    setting,
    limit,
    ...(actual === undefined ? {} : { actual }),
  });
}

/** LIMIT_EXCEEDED for one limit: a message saying which limit, its value and what was sent; `limit`, `actual`, `setting` in extensions. */
export function limitExceeded(setting: QueryLimit, limit: number, actual: number, http?: { status: number }): LimitExceededError {
  // A batch's operations share one MAX_QUERY_COST budget: the setting to change is that one.
  const name = setting === 'MAX_BATCH_COST' ? 'MAX_QUERY_COST' : setting;
  return new LimitExceededError(ADVICE[setting](limit, actual), { setting: name, limit, actual, ...(http ? { http } : {}) });
}

/** graphql-armor's rules say "… limit of 12 exceeded, found 13." (exposeLimits); the number found, or null. */
export function armorFound(message: string): number | null {
  const match = /found (\d+)/.exec(message);
  return match ? Number(match[1]) : null;
}

/** Tokens in a GraphQL document as graphql-js's parser counts them for `maxTokens` (comments excluded), up to `cap`. */
export function countTokens(body: string, cap = 10_000_000): number {
  const lexer = new Lexer(new Source(body));
  let count = 0;
  try {
    while (count < cap && lexer.advance().kind !== TokenKind.EOF) count++;
  } catch {
    // A lexical error after the limit: what was counted so far is what the client sent before it.
  }
  return count;
}

/** graphql-js 16 says "more that" (sic); accept the corrected wording too. */
const TOKEN_LIMIT_MESSAGE = /Document contains more tha[nt] (\d+) tokens/;

/**
 * Formats the limit errors Apollo wraps before `formatError` sees them, then hands everything else to `inner`:
 * - a LimitExceededError reported by a validation rule arrives as GRAPHQL_VALIDATION_FAILED with it as originalError;
 * - graphql-js's `maxTokens` parse failure arrives as GRAPHQL_PARSE_FAILED (and says neither how many were sent).
 */
export function formatLimitErrors(inner: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    if (error instanceof GraphQLError && !error.path) {
      const original = error.originalError;
      if (original instanceof AppError) return { ...clientError(original), locations: formatted.locations };
      const tokens = original instanceof GraphQLError ? TOKEN_LIMIT_MESSAGE.exec(original.message) : null;
      if (tokens && original instanceof GraphQLError) {
        const limit = Number(tokens[1]);
        const actual = original.source ? countTokens(original.source.body) : limit + 1;
        return clientError(limitExceeded('MAX_QUERY_TOKENS', limit, actual));
      }
    }
    return inner(formatted, error);
  };
}
