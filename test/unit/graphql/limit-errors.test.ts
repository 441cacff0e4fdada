import { GraphQLError, parse, Source } from 'graphql';
import { NotFoundError } from '../../../src/common/errors';
import { armorFound, bodyTooLarge, countTokens, formatLimitErrors, limitExceeded } from '../../../src/graphql/plugins/limit-errors';

describe('limitExceeded', () => {
  it('says which limit, its value and what was sent, with them in extensions', () => {
    const error = limitExceeded('MAX_QUERY_DEPTH', 12, 13);
    expect(error.message).toBe('The query nests fields 13 levels deep; the limit is 12 (MAX_QUERY_DEPTH). Ask for the nested objects in a separate query, by their code or id.');
    expect(error.extensions).toEqual({ code: 'LIMIT_EXCEEDED', setting: 'MAX_QUERY_DEPTH', limit: 12, actual: 13 });
  });

  it.each([
    ['MAX_ALIASES', 30, 31, /31 aliases; the limit is 30/],
    ['MAX_DIRECTIVES', 50, 51, /51 directives; the limit is 50/],
    ['MAX_QUERY_COST', 5000, 12345, /costs 12,345 points; the limit is 5,000 per operation/],
    ['MAX_QUERY_TOKENS', 5000, 6000, /6,000 tokens; the limit is 5,000/],
    ['MAX_BATCH_SIZE', 10, 11, /11 operations; the limit is 10/],
    ['MAX_BODY_BYTES', 1048576, 2000000, /2,000,000 bytes; the limit is 1,048,576 bytes/],
  ] as const)('%s', (setting, limit, actual, message) => {
    const error = limitExceeded(setting, limit, actual);
    expect(error.message).toMatch(message);
    expect(error.message).toContain(`(${setting})`);
    expect(error.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', setting, limit, actual });
  });

  it('carries an HTTP status for Apollo when asked (formatError drops it before the client sees it)', () => {
    expect(limitExceeded('MAX_QUERY_COST', 10, 11, { status: 400 }).extensions.http).toEqual({ status: 400 });
  });
});

describe('bodyTooLarge', () => {
  it('names the setting of the route, with or without the declared size', () => {
    expect(bodyTooLarge('MAX_BODY_BYTES', 1024, 4096).message).toBe(
      'The request body is 4,096 bytes; the limit is 1,024 bytes (MAX_BODY_BYTES). Send a shorter query, or fewer or smaller variables.',
    );
    expect(bodyTooLarge('IMPORT_MAX_BYTES', 1024, undefined).message).toBe('The request body is more than 1,024 bytes; the limit is 1,024 bytes (IMPORT_MAX_BYTES). Split the file.');
    expect(bodyTooLarge('IMPORT_MAX_BYTES', 1024, undefined).extensions).toEqual({ code: 'LIMIT_EXCEEDED', setting: 'IMPORT_MAX_BYTES', limit: 1024 });
  });
});

describe('armorFound', () => {
  it("reads the count from graphql-armor's messages", () => {
    expect(armorFound('Syntax Error: Query depth limit of 12 exceeded, found 13.')).toBe(13);
    expect(armorFound('Syntax Error: Aliases limit of 30 exceeded, found 31.')).toBe(31);
    expect(armorFound('Query validation error.')).toBeNull();
  });
});

describe('countTokens', () => {
  it.each(['{ a }', 'query Q($x: Int = 3) { a(x: $x) @include(if: true) { ...F } } fragment F on T { b }', '# comment\n{ a(s: "str", t: """block"""), b }'])(
    'counts as graphql-js does for maxTokens: %s',
    (body) => {
      const n = countTokens(body);
      expect(() => parse(body, { maxTokens: n })).not.toThrow();
      expect(() => parse(body, { maxTokens: n - 1 })).toThrow(/tokens/);
    },
  );

  it('stops at the cap and survives lexical errors', () => {
    expect(countTokens('{ a b c d e f }', 3)).toBe(3);
    expect(countTokens('{ a ^ b }')).toBe(2);
  });
});

describe('formatLimitErrors', () => {
  const inner = jest.fn((formatted: { message: string }) => ({ message: `inner: ${formatted.message}` }));
  const format = formatLimitErrors(inner);
  beforeEach(() => inner.mockClear());

  it('turns a LimitExceededError that Apollo wrapped as GRAPHQL_VALIDATION_FAILED back into LIMIT_EXCEEDED', () => {
    // As Apollo's ValidationError wraps what a validation rule reported (the e2e tests go through the real one).
    const reported = limitExceeded('MAX_ALIASES', 30, 31);
    const wrapped = new GraphQLError(reported.message, { originalError: reported, extensions: { ...reported.extensions, code: 'GRAPHQL_VALIDATION_FAILED' } });
    expect(wrapped.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(format({ message: wrapped.message, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }, wrapped)).toEqual({
      message: limitExceeded('MAX_ALIASES', 30, 31).message,
      locations: undefined,
      extensions: { code: 'LIMIT_EXCEEDED', setting: 'MAX_ALIASES', limit: 30, actual: 31 },
    });
    expect(inner).not.toHaveBeenCalled();
  });

  it("turns graphql-js's maxTokens parse failure into LIMIT_EXCEEDED with the tokens sent", () => {
    const body = `{ ${'a '.repeat(20)}}`;
    let parseError: GraphQLError | undefined;
    try {
      parse(new Source(body), { maxTokens: 10 });
    } catch (e) {
      parseError = e as GraphQLError;
    }
    const apolloSyntaxError = new GraphQLError(parseError!.message, { source: parseError!.source, positions: parseError!.positions, originalError: parseError, extensions: { code: 'GRAPHQL_PARSE_FAILED' } });
    const formatted = format({ message: apolloSyntaxError.message, extensions: { code: 'GRAPHQL_PARSE_FAILED' } }, apolloSyntaxError);
    expect(formatted.extensions).toEqual({ code: 'LIMIT_EXCEEDED', setting: 'MAX_QUERY_TOKENS', limit: 10, actual: 22 });
    expect(formatted.message).toMatch(/22 tokens; the limit is 10 \(MAX_QUERY_TOKENS\)/);
  });

  it('leaves everything else, resolver errors included, to the inner formatError', () => {
    const resolverError = new GraphQLError('x', { path: ['area'], originalError: new NotFoundError('Area', '1') });
    format({ message: 'x' }, resolverError);
    format({ message: 'Syntax Error: Unexpected Name' }, new GraphQLError('Syntax Error: Unexpected Name'));
    format({ message: 'boom' }, new Error('boom'));
    expect(inner).toHaveBeenCalledTimes(3);
  });
});
