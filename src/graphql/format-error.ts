import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ArgumentValidationError } from 'type-graphql';
import type { ValidationError } from 'class-validator';
import { AppError, clientError, ServiceUnavailableError } from '../common/errors';
import type { Logger } from '../common/logger';

/** Codes produced by Apollo and graphql-js for bad requests; passed through unchanged. */
const CLIENT_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

const CONNECTION_ERRORS =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EPIPE|Connection terminated|timeout exceeded when trying to connect|is not queryable|terminating connection due to administrator command|the database system is (starting up|shutting down|in recovery mode)/i;
/**
 * Socket errors, and SQLSTATEs of a server that is going away or refusing sessions: class 08 (connection
 * exception), 57P01-57P03 (admin/crash shutdown, cannot connect now), 53300 (too many connections).
 */
const CONNECTION_CODES = /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|EPIPE|08[0-9A-Z]{3}|57P0[123]|53300)$/;

/**
 * Whether an error (or what it wraps: TypeORM's `driverError`, a `cause`, an AggregateError's `errors`,
 * which Node raises with an empty message when every address of a host refuses) means the database is unreachable.
 */
export function isConnectionError(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 3) return false;
  const e = err as { message?: unknown; code?: unknown; driverError?: unknown; cause?: unknown; originalError?: unknown; errors?: unknown };
  if (typeof e.code === 'string' && CONNECTION_CODES.test(e.code)) return true;
  if (typeof e.message === 'string' && CONNECTION_ERRORS.test(e.message)) return true;
  const inner = [e.driverError, e.cause, e.originalError, ...(Array.isArray(e.errors) ? e.errors : [])];
  return inner.some((i) => i !== err && isConnectionError(i, depth + 1));
}

/**
 * SQLSTATEs for text PostgreSQL cannot store: 22021 (U+0000 in any text value, or bytes invalid in the encoding)
 * and 22P05 (a character outside the database encoding). Only a client's text gets there: BAD_USER_INPUT.
 */
const UNSTORABLE_TEXT = new Set(['22021', '22P05']);

function sqlStateOf(err: unknown): string | undefined {
  const e = err as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = e?.driverError?.code ?? e?.code;
  return typeof code === 'string' ? code : undefined;
}

/** SQLSTATE 57014: a statement cancelled by statement_timeout (or a cancel request). */
const QUERY_CANCELED = '57014';

const UNAVAILABLE_MESSAGE = 'The database is unavailable; try again shortly.';

/**
 * For work outside resolvers (the context's API-key check, HTTP routes): a database connection failure becomes
 * a ServiceUnavailableError (SERVICE_UNAVAILABLE, HTTP 503); anything else is returned as it is.
 */
export function asServiceUnavailable(err: unknown): unknown {
  return isConnectionError(err) ? new ServiceUnavailableError(UNAVAILABLE_MESSAGE) : err;
}

function flatten(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    return [...Object.values(e.constraints ?? {}).map((m) => `${path}: ${m}`), ...flatten(e.children ?? [], path)];
  });
}

/**
 * graphql-js's "Did you mean …?" sentences (fields, arguments, types, input fields, enum values: "Did you mean the
 * enum value "ADMIN"?") and graphql-armor's mask for some of them ("[Suggestion hidden]?").
 */
const SUGGESTION = /\s*(?:Did you mean\b[^?]*(?:\?|$)|\[Suggestion hidden\]\??)/g;

/** A message without schema suggestions; what the client got wrong is still said. */
export function withoutSuggestions(message: string): string {
  return message.replace(SUGGESTION, '').trim();
}

/**
 * The last word on what a client sees: coded errors pass, validation errors get a readable message,
 * database outages become SERVICE_UNAVAILABLE, and anything else is masked as INTERNAL_SERVER_ERROR
 * (logged with its stack, never sent). With `hideSuggestions` (introspection off) no message suggests schema
 * names: graphql-armor's blockFieldSuggestion misses enum values (variables and literals), so every message is
 * cleaned here.
 */
export function createFormatError(logger: Logger, options: { hideSuggestions?: boolean } = {}) {
  const format = formatError(logger);
  if (!options.hideSuggestions) return format;
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const shown = format(formatted, error);
    return { ...shown, message: withoutSuggestions(shown.message) };
  };
}

function formatError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (original instanceof AppError) {
      return { ...clientError(original), path: formatted.path, locations: formatted.locations };
    }
    if (original instanceof ArgumentValidationError) {
      const problems = flatten(original.extensions.validationErrors as unknown as ValidationError[]);
      return {
        message: `Invalid argument: ${problems.join('; ')}`,
        path: formatted.path,
        locations: formatted.locations,
        extensions: { code: 'BAD_USER_INPUT', problems },
      };
    }
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && CLIENT_CODES.has(code)) {
      return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions: { code } };
    }
    // Apollo's own request errors without a code (e.g. "provided sha does not match query" for an automatic
    // persisted query) carry a 4xx status: the client's fault, so say so instead of INTERNAL_SERVER_ERROR.
    const httpStatus = original instanceof GraphQLError ? (original.extensions.http as { status?: unknown } | undefined)?.status : undefined;
    if (original instanceof GraphQLError && original.extensions.code === undefined && typeof httpStatus === 'number' && httpStatus >= 400 && httpStatus < 500) {
      return { message: formatted.message, locations: formatted.locations, extensions: { code: 'BAD_REQUEST' } };
    }
    if (UNSTORABLE_TEXT.has(sqlStateOf(original) ?? '')) {
      logger.info({ err: original, path: formatted.path }, 'text the database cannot store');
      return {
        message: 'A text argument contains a character the database cannot store (U+0000, NUL); remove it and try again.',
        path: formatted.path,
        locations: formatted.locations,
        extensions: { code: 'BAD_USER_INPUT' },
      };
    }
    if (sqlStateOf(original) === QUERY_CANCELED) {
      // statement_timeout (REQUEST_DEADLINE_MS) cancelled the statement: the request ran out of time.
      return { message: 'The database statement was cancelled at the request deadline (REQUEST_DEADLINE_MS). Ask for less: a smaller area or page.', path: formatted.path, locations: formatted.locations, extensions: { code: 'DEADLINE_EXCEEDED' } };
    }
    if (isConnectionError(original)) {
      logger.warn({ err: original }, 'database unavailable');
      return { message: UNAVAILABLE_MESSAGE, path: formatted.path, extensions: { code: 'SERVICE_UNAVAILABLE' } };
    }
    logger.error({ err: original, path: formatted.path }, 'unexpected error');
    return { message: 'Internal server error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}
