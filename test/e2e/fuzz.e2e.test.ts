import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import fc from 'fast-check';
import {
  buildSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
} from 'graphql';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { testDatabaseKind } from '../helpers/test-env';

/**
 * Property-based fuzzing over real HTTP: whatever arrives, the server answers with a 2xx/3xx/4xx (never a 5xx,
 * never INTERNAL_SERVER_ERROR), within REQUEST_BOUND_MS, and is still healthy afterwards.
 *
 * (a) GraphQL documents built from schema/schema.graphql (Query only: nothing here writes): random root fields,
 *     arguments (real and malformed codes, coordinates with NaN/Infinity/out-of-range/huge values as numbers,
 *     literals and strings, random enums and unicode strings, forged and real cursors) inline or as variables,
 *     nested selections with aliases, and a share of syntactically broken documents;
 * (b) HTTP-level abuse: malformed JSON, wrong content types and encodings, huge strings, deeply nested JSON,
 *     GraphQL selections 10,000 levels deep, GET with odd query strings, odd tile and page URLs.
 *
 * FUZZ_RUNS (GraphQL cases; HTTP cases are half of it) and FUZZ_SEED make a run reproducible; the seed is
 * printed at the start and fast-check repeats it (with the counterexample's path) on failure.
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? 1400);
const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : 20261126;
/**
 * Longest a response may take. Generous: some valid documents are legitimately heavy (every township's county
 * boundaries in GCJ-02 is ~15 MB of JSON, seconds of work) and this machine's 2 cores are shared.
 */
const REQUEST_BOUND_MS = Number(process.env.FUZZ_BOUND_MS ?? 30_000);
/** FUZZ_DEBUG=1 prints the errors of the well-typed documents (to tune the generators). */
const DEBUG = process.env.FUZZ_DEBUG === '1';

const SCHEMA = buildSchema(fs.readFileSync(path.resolve(__dirname, '../../schema/schema.graphql'), 'utf8'));

// ---------------------------------------------------------------------------------------------------------
// Values

/** Text inserted as is in a GraphQL literal or a JSON body (e.g. 1e999, which JSON.parse turns into Infinity). */
class Raw {
  constructor(readonly text: string) {}
}
/** An enum value: a bare name in a literal, a string in JSON variables. */
class EnumName {
  constructor(readonly name: string) {}
}
type Value = string | number | boolean | null | Raw | EnumName | Value[] | { [k: string]: Value };

function literal(v: Value): string {
  if (v instanceof Raw) return v.text;
  if (v instanceof EnumName) return v.name;
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(literal).join(', ')}]`;
  return `{${Object.entries(v)
    .map(([k, x]) => `${k}: ${literal(x)}`)
    .join(', ')}}`;
}

function json(v: Value): string {
  if (v instanceof Raw) return v.text;
  if (v instanceof EnumName) return JSON.stringify(v.name);
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(json).join(',')}]`;
  return `{${Object.entries(v)
    .map(([k, x]) => `${JSON.stringify(k)}:${json(x)}`)
    .join(',')}}`;
}

type Gen = fc.GeneratorValue;

/**
 * A document being built. Half of them are `chaos` documents, with deliberate type errors (nulls for non-null,
 * wrong kinds, unknown enum values and arguments, missing required ones, broken syntax); the other half stay
 * well-typed, with odd values within the types, so that they get past validation into the resolvers.
 */
interface Doc {
  chaos: boolean;
  /** The field whose arguments are being generated. */
  field: string;
  variables: string[];
  values: string[];
}

/** In a chaos document, true one time in `n`. */
function oops(g: Gen, doc: Doc, n: number): boolean {
  return doc.chaos && g(fc.integer, { min: 0, max: n - 1 }) === 0;
}

/** One of `values` (for values fc.constantFrom cannot type through fc.gen). */
function pick<T>(g: Gen, values: readonly T[]): T {
  return values[g(fc.integer, { min: 0, max: values.length - 1 })];
}

/** Real codes and ids from the seeds, filled in beforeAll with a few more read from the server. */
const KNOWN = {
  areas: ['520121', '520121101', '520121001', '3504', '350403', '350424', '350481', '35', '52', '11', '110101'],
  villages: ['520121101002', '520121100201', '350403001001', '999999999999'],
  items: ['CHRONIC_DISEASE_CERT', 'RESIDENT_ENROLMENT', 'NOT_AN_ITEM', 'A'],
  points: ['CH-520121', 'TS-520121101', 'HS-520121-03', 'VP-520121100201', 'CH-350403', 'XX-0'],
  cursors: [] as string[],
};

const ODD_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\\',
  '%',
  '_',
  "'; DROP TABLE villages; --",
  '" OR 1=1 --',
  '村',
  '社区',
  '开阳县',
  '\u202e\u202d',
  '👩‍👩‍👧‍👦',
  '\ud800',
  '\udfff',
  '\uffff',
  '\r\n',
  '${7*7}',
  '../../etc/passwd',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-Infinity',
  '1e999',
  '0x10',
  ' 520121 ',
  '520121\n',
  '５２０１２１',
];

/** A plausible value spoiled: a real code or a word with U+0000, a lone surrogate or a control character in it. */
function spoiled(g: Gen): string {
  const base = g(fc.constantFrom, '520121', '3504', '520121101002', 'CHRONIC_DISEASE_CERT', 'TS-520121101', '村', '社区', 'abc');
  const at = g(fc.integer, { min: 0, max: base.length });
  const bad = g(fc.boolean) ? '\u0000' : g(fc.constantFrom, '\ud800', '\u0001', '\u007f', '\ufeff', '\u2028');
  return `${base.slice(0, at)}${bad}${base.slice(at)}`;
}

function oddString(g: Gen): string {
  switch (g(fc.integer, { min: 0, max: 14 })) {
    case 10:
    case 11:
    case 12:
    case 13:
    case 14:
      return spoiled(g);
    case 0:
      return g(fc.string, { unit: 'binary', maxLength: 40 });
    case 1:
      return g(fc.string, { unit: 'grapheme', maxLength: 40 });
    case 2:
      return g(fc.stringMatching, /^\d{1,14}$/);
    case 3:
      return g(fc.constantFrom, 'a', '9', '村', '\u0000', '%') .repeat(g(fc.constantFrom, 51, 1000, 20_000));
    case 4:
      return g(fc.stringMatching, /^[A-Z][A-Z0-9_-]{0,70}$/);
    default:
      return g(fc.constantFrom, ...ODD_STRINGS);
  }
}

/** Scopes of the cursors a connection field issues (see encodeCursor calls), by field name. */
const CURSOR_SCOPES: Record<string, string[]> = {
  servicePoints: ['id', 'near:106.97,27.06,5000', 'near:106.96121,27.06131,3000'],
  villages: ['code', 'coverage:all', 'coverage:true', 'coverage:false'],
};

/** A cursor for `field`: real, forged with the field's scope (mostly the right arity) and odd values, or garbage. */
function cursor(g: Gen, field: string): string {
  const kind = g(fc.integer, { min: 0, max: 5 });
  if (kind === 0 && KNOWN.cursors.length) return g(fc.constantFrom, ...KNOWN.cursors);
  if (kind <= 3) {
    const scopes = CURSOR_SCOPES[field] ?? ['id', 'code', 'coverage:all', 'x'];
    const scope = g(fc.boolean) || g(fc.boolean) ? g(fc.constantFrom, ...scopes) : g(fc.constantFrom, 'id', 'code', 'coverage:all', 'near:0,0,1', 'x', '');
    const oddValue = () =>
      g(fc.integer, { min: 0, max: 3 }) === 0
        ? g(() => fc.oneof(fc.double(), fc.constant(null), fc.object({ maxDepth: 1 }), fc.boolean()))
        : g(fc.boolean)
          ? spoiled(g)
          : g(fc.boolean)
            ? oddString(g)
            : g(fc.constantFrom, 0, -1, 1e308, 'VP-520121100201', '520121100201', 'zzzz', '');
    const arity = scope.startsWith('near:') ? 2 : 1;
    const count = g(fc.integer, { min: 0, max: 3 }) === 0 ? g(fc.integer, { min: 0, max: 3 }) : arity;
    const values = Array.from({ length: count }, oddValue);
    const text = JSON.stringify([scope, ...values]);
    return Buffer.from(text, 'utf8').toString(g(fc.constantFrom, 'base64url', 'base64') as BufferEncoding);
  }
  return oddString(g);
}

function intValue(g: Gen, doc: Doc): Value {
  switch (g(fc.integer, { min: doc.chaos ? 0 : 4, max: 6 })) {
    case 0:
      return g(fc.constantFrom, 0, -1, 1, 50, 500, 501, 2147483647, -2147483648, 2147483648, 1e15, Number.MAX_SAFE_INTEGER);
    case 4:
      return g(fc.constantFrom, 0, -1, -2147483648, 2147483647, 50, 51, 500, 501, 5000);
    case 1:
      return g(fc.double, {});
    case 2:
      return new Raw(g(fc.constantFrom, '1e999', '-1e999', '0.5', '1.0', '007', '-0', '99999999999999999999999'));
    case 3:
      return oddString(g);
    default:
      return g(fc.integer, { min: -2, max: 30 });
  }
}

function floatValue(g: Gen, doc: Doc): Value {
  switch (g(fc.integer, { min: doc.chaos ? 0 : 1, max: 7 })) {
    case 0:
      return g(fc.double, {}); // NaN and ±Infinity render as names in literals and null in JSON
    case 2:
      if (doc.chaos) return g(fc.constantFrom, 'NaN', 'Infinity', '-Infinity', '1e999', '15', '');
      return g(fc.double, { noNaN: true, noDefaultInfinity: true });
    case 1:
      return new Raw(g(fc.constantFrom, '1e999', '-1e999', '1e-999', '-0.0', '4.9e-324', '1.7976931348623157e308', '0.1e1', '123456789012345678901234567890'));
    case 3:
      return g(fc.constantFrom, 0, -0, 1, 15, 120, 120.0001, 0.9999, -180, 180, 180.000001, -90, 90, 90.5, 200000, 200001, 1e308, -1e308);
    case 4:
      return g(fc.double, { min: -200, max: 200, noNaN: true });
    default:
      // Mostly a few plausible budgets: a coverage polygon costs seconds to compute and is cached per budget, so
      // fresh random budgets everywhere would spend the run recomputing polygons (the cases above vary them).
      return g(fc.constantFrom, 5, 10, 15, 30, 60, 120);
  }
}

function idValue(g: Gen, argName: string): Value {
  if (g(fc.boolean)) return oddString(g);
  if (/cursor|after/i.test(argName)) return cursor(g, '');
  const pool = /village/i.test(argName) ? KNOWN.villages : /item/i.test(argName) ? KNOWN.items : /point|^id$/i.test(argName) ? KNOWN.points : KNOWN.areas;
  return g(fc.constantFrom, ...pool, ...KNOWN.areas.slice(0, 3));
}

/** A value for an input type: mostly well-typed, sometimes null, sometimes of the wrong kind. */
function inputValue(g: Gen, type: GraphQLInputType, name: string, depth: number, doc: Doc): Value {
  if (isNonNullType(type) ? oops(g, doc, 15) : g(fc.integer, { min: 0, max: 19 }) === 0) return null;
  if (oops(g, doc, 15)) return pick<Value>(g, ['x', 1, true, [], {}, new Raw('1e999'), new EnumName('NOPE')]);
  return typedValue(g, isNonNullType(type) ? type.ofType : type, name, depth, doc);
}

function typedValue(g: Gen, type: GraphQLInputType, name: string, depth: number, doc: Doc): Value {
  if (isListType(type)) {
    if (g(fc.boolean)) return inputValue(g, type.ofType, name, depth, doc); // a single value is coerced to a list
    return Array.from({ length: g(fc.integer, { min: 0, max: 3 }) }, () => inputValue(g, type.ofType, name, depth + 1, doc));
  }
  if (isEnumType(type)) {
    const values = type.getValues().map((v) => v.name);
    return oops(g, doc, 5) ? new EnumName(g(fc.stringMatching, /^[A-Z_]{1,12}$/)) : new EnumName(g(fc.constantFrom, ...values));
  }
  if (isInputObjectType(type)) {
    if (depth > 3) return {};
    const out: { [k: string]: Value } = {};
    for (const field of Object.values(type.getFields())) {
      if (isNonNullType(field.type) && field.defaultValue === undefined ? !oops(g, doc, 10) : g(fc.boolean)) {
        out[field.name] = inputValue(g, field.type, field.name, depth + 1, doc);
      }
    }
    if (oops(g, doc, 10)) out.unknownField = 1;
    return out;
  }
  if (isScalarType(type)) {
    switch (type.name) {
      case 'Int':
        return intValue(g, doc);
      case 'Float':
        return floatValue(g, doc);
      case 'Boolean':
        return oops(g, doc, 5) ? g(fc.constantFrom, 'true', 0, 1) : g(fc.boolean);
      case 'ID':
        return idValue(g, name);
      case 'String':
        return /after|cursor/i.test(name) ? cursor(g, doc.field) : oddString(g);
      default:
        // GeoJSON and other custom scalars: any JSON.
        return g(fc.boolean) ? { type: 'Point', coordinates: [106.97, 27.06] } : (g(fc.jsonValue, { maxDepth: 3 }) as Value);
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------------
// Documents


function argsText(g: Gen, args: readonly GraphQLArgument[], doc: Doc): string {
  const parts: string[] = [];
  for (const arg of args) {
    const required = isNonNullType(arg.type) && arg.defaultValue === undefined;
    if (required ? oops(g, doc, 10) : g(fc.boolean)) continue;
    const value = inputValue(g, arg.type, arg.name, 0, doc);
    if (g(fc.integer, { min: 0, max: 2 }) === 0) {
      const v = `v${doc.variables.length}`;
      const declared = oops(g, doc, 8) ? g(fc.constantFrom, 'String', 'Int!', '[ID]', 'Float', 'Nope') : String(arg.type);
      doc.variables.push(`$${v}: ${declared}`);
      doc.values.push(`${JSON.stringify(v)}:${json(value)}`);
      parts.push(`${arg.name}: $${v}`);
    } else {
      parts.push(`${arg.name}: ${literal(value)}`);
    }
  }
  if (oops(g, doc, 15)) parts.push(`bogus: 1`);
  return parts.length ? `(${parts.join(', ')})` : '';
}

function selection(g: Gen, type: GraphQLObjectType, depth: number, doc: Doc): string {
  let fields = Object.values(type.getFields());
  // At the root, mostly the fields that take arguments: that is where input reaches SQL and the engine.
  if (depth === 0 && g(fc.integer, { min: 0, max: 3 }) > 0) fields = fields.filter((f) => f.args.length > 0);
  const n = g(fc.integer, { min: 1, max: Math.min(depth === 0 ? 2 : 4, fields.length) });
  // Indices, not the field objects: fc.gen compares its arguments deeply, and schema objects are cyclic.
  const picked = g(fc.shuffledSubarray, fields.map((_f, i) => i), { minLength: n, maxLength: n });
  return picked.map((k, i) => fieldText(g, fields[k], depth, doc, i)).join(' ');
}

function fieldText(g: Gen, field: GraphQLField<unknown, unknown>, depth: number, doc: Doc, index: number): string {
  const alias = g(fc.integer, { min: 0, max: 4 }) === 0 ? `a${depth}_${index}: ` : '';
  const named = getNamedType(field.type);
  let sub = '';
  if (isObjectType(named)) {
    sub = depth >= 3 ? '{ __typename }' : `{ ${selection(g, named, depth + 1, doc)} }`;
  } else if (isLeafType(named) && oops(g, doc, 15)) {
    sub = '{ name }'; // a selection on a leaf: a validation error
  }
  doc.field = field.name;
  return `${alias}${field.name}${argsText(g, field.args, doc)} ${sub}`;
}

interface HttpCase {
  what: string;
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

function graphqlCase(g: Gen): HttpCase {
  const query = SCHEMA.getQueryType()!;
  const doc: Doc = { chaos: g(fc.boolean), field: '', variables: [], values: [] };
  let selectionText: string;
  const special = g(fc.integer, { min: 0, max: 39 });
  if (special === 0) selectionText = '__schema { types { name kind } } __typename';
  else if (special === 1) selectionText = '__type(name: "Coverage") { fields { name args { name type { name kind } } } }';
  else selectionText = selection(g, query, 0, doc);

  const name = g(fc.boolean) ? 'Fuzz' : '';
  const header = doc.variables.length ? `query ${name || 'Q'}(${doc.variables.join(', ')})` : name ? `query ${name}` : '';
  let text = `${header} { ${selectionText} }`;
  if (oops(g, doc, 5)) {
    // Break it: cut it short, or drop in a random character.
    const at = g(fc.integer, { min: 0, max: text.length });
    text = g(fc.boolean) ? text.slice(0, at) : `${text.slice(0, at)}${g(fc.constantFrom, '{', '}', '(', ')', '"', '$', '!', '@', '...', '#', ':', '\u0000', '\ud800')}${text.slice(at)}`;
  }
  const variables = `{${doc.values.join(',')}}`;
  const operationName = oops(g, doc, 5) ? g(fc.constantFrom, 'Nope', '', 'Fuzz', 'Q') : name || undefined;

  if (g(fc.integer, { min: 0, max: 9 }) === 0) {
    // The same over GET (CSRF prevention asks for a preflight header or it refuses with 400).
    const params = new URLSearchParams({ query: text });
    if (doc.values.length) params.set('variables', variables);
    if (operationName !== undefined) params.set('operationName', operationName);
    const headers: Record<string, string> = g(fc.boolean) ? { 'apollo-require-preflight': 'true' } : {};
    return { what: `graphql GET${doc.chaos ? '' : ' (well-typed)'}`, method: 'GET', path: `/graphql?${params}`, headers };
  }
  const body = `{"query":${JSON.stringify(text)}${doc.values.length ? `,"variables":${variables}` : ''}${operationName !== undefined ? `,"operationName":${JSON.stringify(operationName)}` : ''}}`;
  return { what: `graphql POST${doc.chaos ? '' : ' (well-typed)'}`, method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json' }, body };
}

// ---------------------------------------------------------------------------------------------------------
// HTTP-level cases

const nested = (open: string, close: string, depth: number, inner: string) => `${open.repeat(depth)}${inner}${close.repeat(depth)}`;

function httpCase(g: Gen): HttpCase {
  const post = (what: string, body: string | Buffer, contentType?: string, extra: Record<string, string> = {}): HttpCase => ({
    what,
    method: 'POST',
    path: g(fc.constantFrom, '/graphql', '/graphql', '/graphql/', '/graphql?x=1', '/GRAPHQL', '/'),
    headers: { ...(contentType !== undefined ? { 'content-type': contentType } : {}), ...extra },
    body,
  });
  const depth = g(fc.constantFrom, 100, 1000, 10_000, 100_000);
  switch (g(fc.integer, { min: 0, max: 13 })) {
    case 0: {
      // Malformed JSON: random text, or a valid body cut short or with junk appended.
      const valid = JSON.stringify({ query: '{ area(code: "520121") { name } }', variables: { a: [1, 2, { b: 'c' }] } });
      const at = g(fc.integer, { min: 0, max: valid.length - 1 });
      const body = g(fc.constantFrom, 0, 1, 2) === 0 ? g(fc.string, { unit: 'binary', maxLength: 200 }) : g(fc.boolean) ? valid.slice(0, at) : `${valid}${g(fc.constantFrom, '}', ',', 'x', '\u0000', ']')}`;
      return post('malformed JSON', body, 'application/json');
    }
    case 1: {
      // Valid JSON of the wrong shape.
      const body = g(fc.constantFrom, 'null', '[]', '[{"query":"{__typename}"}]', '"{__typename}"', '42', 'true', '{}', '{"query":null}', '{"query":42}', '{"query":["{__typename}"]}', '{"query":{"a":1}}', '{"query":"{__typename}","variables":"x"}', '{"query":"{__typename}","variables":[1]}', '{"query":"{__typename}","extensions":"x"}', '{"query":"{__typename}","extensions":{"persistedQuery":{"version":1,"sha256Hash":"abc"}}}', '{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"0000000000000000000000000000000000000000000000000000000000000000"}}}', '{"query":"{__typename}","operationName":7}', '{"__proto__":{"query":"{__typename}"}}', '{"constructor":{"prototype":{"x":1}},"query":"{__typename}"}');
      return post('JSON of the wrong shape', body, 'application/json');
    }
    case 2: {
      // Wrong or odd content types and encodings.
      const body = JSON.stringify({ query: '{ area(code: "520121") { name } }' });
      const type = g(fc.constantFrom, undefined, 'text/plain', 'text/plain; charset=utf-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'multipart/form-data', 'application/graphql', 'application/graphql-response+json', 'application/json; charset=latin1', 'application/json; charset=utf-16', 'application/xml', '*/*', 'application/json, text/plain', ';;;', 'application/json; boundary=\u0001');
      const extra: Record<string, string> = g(fc.integer, { min: 0, max: 3 }) === 0 ? { 'content-encoding': g(fc.constantFrom, 'gzip', 'deflate', 'br', 'identity', 'x-unknown') } : {};
      const payload = type?.startsWith('application/x-www-form-urlencoded') ? `query=${encodeURIComponent('{__typename}')}` : type?.startsWith('multipart') ? `--x\r\nContent-Disposition: form-data; name="operations"\r\n\r\n${body}\r\n--x--\r\n` : body;
      return post(`content type ${type ?? '(none)'} ${JSON.stringify(extra)}`, payload, type, extra);
    }
    case 3: {
      // Huge strings: just under and over the 1 MB body limit, as the query and as a variable.
      const size = g(fc.constantFrom, 200_000, 1_000_000, 1_100_000, 3_000_000);
      const where = g(fc.integer, { min: 0, max: 2 });
      const big = 'a'.repeat(size);
      const body =
        where === 0
          ? JSON.stringify({ query: `{ __typename } # ${big}` })
          : where === 1
            ? JSON.stringify({ query: 'query($s: String) { villages(first: 1, filter: { nameContains: $s }) { totalCount } }', variables: { s: big } })
            : JSON.stringify({ query: `{ area(code: "${big.slice(0, 100_000)}") { name } }` });
      return post(`huge body (${size} bytes, where ${where})`, body, 'application/json');
    }
    case 4:
      // Deeply nested JSON: as the whole body, as variables, inside an extension.
      return post(
        `nested JSON ${depth}`,
        g(fc.constantFrom, 0, 1, 2) === 0
          ? nested('[', ']', depth, '1')
          : g(fc.boolean)
            ? `{"query":"query($v: GeoJSON) { __typename }","variables":{"v":${nested('{"a":', '}', depth, '1')}}}`
            : `{"query":"{ __typename }","extensions":${nested('{"a":[', ']}', Math.floor(depth / 2), '1')}}`,
        'application/json',
      );
    case 5: {
      // Deeply nested GraphQL: selections, list values, object values, parentheses.
      const form = g(fc.integer, { min: 0, max: 4 });
      const query =
        form === 0
          ? nested('{a', '}', depth, '')
          : form === 1
            ? `{ area(code: ${nested('[', ']', depth, '"520121"')}) { name } }`
            : form === 2
              ? `{ servicePoints(filter: ${nested('{near: ', '}', depth, '1')}) { totalCount } }`
              : form === 3
                ? `{ ${nested('area(code: "520121") { children { ', '} }', Math.min(depth, 2000), 'name')} }`
                : `{ ${Array.from({ length: Math.min(depth, 20_000) }, (_, i) => `a${i}: __typename`).join(' ')} }`;
      return post(`nested GraphQL form ${form} depth ${depth}`, JSON.stringify({ query }), 'application/json');
    }
    case 6: {
      // Many fragments, directives, aliases of cheap fields.
      const n = g(fc.constantFrom, 10, 1000, 5000);
      const query =
        g(fc.boolean)
          ? `{ ...F0 } ${Array.from({ length: n }, (_, i) => `fragment F${i} on Query { ${i + 1 < n ? `...F${i + 1}` : '__typename'} }`).join(' ')}`
          : `{ __typename ${'@skip(if: false) '.repeat(n)} }`;
      return post(`fragments/directives ${n}`, JSON.stringify({ query }), 'application/json');
    }
    case 7: {
      // GET with odd query strings.
      const qs = g(fc.constantFrom, '', '?', '?query', '?query=', '?query={__typename}', '?query[]=a&query[]=b', '?query[a]=b', '?query=%E0%A4%A', '?query=%00', '?query={__typename}&variables=notjson', '?query={__typename}&variables=%7B%7D&extensions=%7B', '?query=mutation{__typename}', '?query=subscription{__typename}', `?query=${'a'.repeat(g(fc.constantFrom, 1000, 20_000))}`, '?operationName=x', '?query={area(code:"520121"){name}}&query={__typename}', `?${'a=1&'.repeat(2000)}`);
      const headers = pick<Record<string, string>>(g, [{}, { 'apollo-require-preflight': 'true' }, { accept: 'text/html' }, { accept: 'application/json', 'content-type': 'application/json' }, { accept: '\u0001' }]);
      return { what: 'GET /graphql odd query', method: 'GET', path: `/graphql${qs}`, headers };
    }
    case 8: {
      // Tiles, TileJSON, pages and health with odd parameters.
      const layer = g(fc.constantFrom, 'villages', 'service-points', 'coverage', 'areas', 'x', '..', '%00', '');
      const num = () => g(fc.constantFrom, '0', '6', '10', '22', '30', '-1', '1e3', 'NaN', '99999999999999999999', '0x1', '%20', '');
      const qs = g(fc.constantFrom, '', '?item=CHRONIC_DISEASE_CERT&mode=WALK&minutes=15', '?minutes=NaN', '?minutes=1e999', '?minutes=-1', '?mode=FLY', '?crs=GCJ02', '?crs=xx', '?item=%00', '?item[]=a&item[]=b', '?minutes[a]=1', `?item=${'A'.repeat(5000)}`);
      const p = g(fc.constantFrom, `/tiles/${layer}/${num()}/${num()}/${num()}.mvt${qs}`, `/tiles/${layer}/${num()}/${num()}/${num()}.pbf${qs}`, `/tiles/${layer}.json${qs}`, `/tiles/${layer}/${num()}`, `/map${qs}`, `/map/static/..%2f..%2fpackage.json`, `/healthz${qs}`, `/readyz${qs}`, `/${qs}`, '/%', '/graphql/../graphql');
      const headers = pick<Record<string, string>>(g, [{}, { 'if-none-match': '*' }, { 'if-none-match': '"x", W/"y"' }, { host: 'evil.example' }, { accept: 'text/html' }]);
      return { what: 'GET odd route', method: 'GET', path: p, headers };
    }
    case 9:
      // A body that is not UTF-8, or binary.
      return post('binary body', Buffer.from(g(fc.uint8Array, { maxLength: 300 })), g(fc.constantFrom, 'application/json', 'application/octet-stream'));
    case 10: {
      // Batch arrays and odd top-level members.
      const n = g(fc.constantFrom, 1, 2, 100);
      return post(`batch of ${n}`, JSON.stringify(Array.from({ length: n }, () => ({ query: '{ area(code: "520121") { name } }' }))), 'application/json');
    }
    case 11: {
      // Odd HTTP methods on /graphql.
      return { what: 'odd method', method: 'POST', path: '/graphql', headers: { 'x-http-method-override': 'DELETE', 'content-type': 'application/json' }, body: '{"query":"{__typename}"}' };
    }
    default: {
      // Odd headers with a valid query.
      const headers = pick<Record<string, string>>(g, [{ 'x-request-id': 'a'.repeat(5000) }, { 'x-request-id': '\u0001' }, { 'x-api-key': 'x'.repeat(2000) }, { authorization: 'Bearer \u0000' }, { authorization: 'Basic %%%' }, { 'x-api-key': '' }, { accept: 'application/xml' }, { accept: 'text/event-stream' }, { 'accept-charset': 'latin1' }]);
      return post(`odd headers ${Object.keys(headers).join(',')}`, JSON.stringify({ query: '{ area(code: "520121") { name } }' }), 'application/json', headers);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  problem?: string;
}

/**
 * One request on its own TCP connection, written byte for byte: fetch and http.request refuse (or normalise)
 * the odd paths and header values this test wants the server to see.
 */
function rawRequest(baseUrl: string, c: HttpCase): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let failure: Error | undefined;
    const socket = net.connect(Number(port), hostname);
    socket.setTimeout(REQUEST_BOUND_MS + 5000, () => socket.destroy(new Error(`no answer within ${REQUEST_BOUND_MS + 5000} ms`)));
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', (err) => (failure = err));
    socket.on('close', () => {
      const raw = Buffer.concat(chunks);
      const end = raw.indexOf('\r\n\r\n');
      const statusLine = /^HTTP\/1\.[01] (\d{3})/.exec(raw.subarray(0, 20).toString('latin1'));
      if (end < 0 || !statusLine) {
        resolve({ status: 0, headers: {}, body: raw, problem: `no HTTP response (${raw.length} bytes${failure ? `, ${failure.message}` : ''})` });
        return;
      }
      const headers: Record<string, string> = {};
      for (const line of raw.subarray(0, end).toString('latin1').split('\r\n').slice(1)) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      let body = raw.subarray(end + 4);
      if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
        const parts: Buffer[] = [];
        let at = 0;
        for (;;) {
          const eol = body.indexOf('\r\n', at);
          if (eol < 0) break;
          const size = parseInt(body.subarray(at, eol).toString('latin1'), 16);
          if (!(size > 0)) break;
          parts.push(body.subarray(eol + 2, eol + 2 + size));
          at = eol + 2 + size + 2;
        }
        body = Buffer.concat(parts);
      }
      resolve({ status: Number(statusLine[1]), headers, body });
    });
    const body = c.body === undefined ? undefined : Buffer.isBuffer(c.body) ? c.body : Buffer.from(c.body, 'utf8');
    const lines = [`${c.method} ${c.path} HTTP/1.1`];
    if (!Object.keys(c.headers).some((h) => h.toLowerCase() === 'host')) lines.push(`Host: ${hostname}:${port}`);
    for (const [k, v] of Object.entries(c.headers)) lines.push(`${k}: ${v}`);
    lines.push('Connection: close');
    if (body) lines.push(`Content-Length: ${body.length}`);
    socket.write(Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8'));
    if (body) socket.write(body);
  });
}

interface Outcome {
  status: number;
  ms: number;
  codes: string[];
  problem?: string;
}

describe(`fuzzing over HTTP (e2e, ${testDatabaseKind()} database)`, () => {
  let t: TestApp;
  let baseUrl: string;
  const statuses = new Map<number, number>();
  const codes = new Map<string, number>();
  const withData = { n: 0 };
  let caseNo = 0;
  const slowest = { ms: 0, what: '' };

  const send = async (c: HttpCase): Promise<Outcome> => {
    const started = Date.now();
    const res = await rawRequest(baseUrl, c);
    const ms = Date.now() - started;
    caseNo++;
    if (DEBUG && ms > 300) process.stdout.write(`  SLOW #${caseNo} ${ms} ms: ${c.what} ${c.path.slice(0, 200)} ${String(c.body ?? '').slice(0, 600)}\n`);
    if (res.status === 0) return { status: 0, ms, codes: [], problem: res.problem ?? 'no response' };
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    let found: string[] = [];
    if (ms > slowest.ms) Object.assign(slowest, { ms, what: `${c.what}: ${c.method} ${c.path.slice(0, 100)} ${String(c.body ?? '').slice(0, 300)}` });
    if ((res.headers['content-type'] ?? '').includes('json')) {
      try {
        const body = JSON.parse(res.body.toString('utf8')) as { data?: Record<string, unknown> | null; errors?: { message?: string; extensions?: { code?: string } }[] };
        found = (body.errors ?? []).map((e) => e.extensions?.code ?? '(none)');
        if (DEBUG && c.what.includes('well-typed')) for (const e of body.errors ?? []) process.stdout.write(`  ${e.extensions?.code}: ${e.message?.slice(0, 160)}\n`);
        if (body.data && Object.values(body.data).some((v) => v !== null)) withData.n++;
      } catch {
        return { status: res.status, ms, codes: [], problem: `JSON content type, body not JSON: ${res.body.toString('utf8').slice(0, 120)}` };
      }
    }
    for (const code of found) codes.set(code, (codes.get(code) ?? 0) + 1);
    return { status: res.status, ms, codes: found };
  };

  const check = (c: HttpCase, o: Outcome) => {
    const bad = o.problem !== undefined || o.status >= 500 || o.status === 0 || o.ms > REQUEST_BOUND_MS || o.codes.includes('INTERNAL_SERVER_ERROR');
    if (bad) {
      throw new Error(`${c.what}: ${c.method} ${c.path.slice(0, 300)} → ${o.status} in ${o.ms} ms, codes ${o.codes.join(',') || '-'}${o.problem ? `, ${o.problem}` : ''}`);
    }
  };

  const run = async (label: string, arb: fc.Arbitrary<HttpCase>, numRuns: number) => {
    const started = Date.now();
    process.stdout.write(`[fuzz:${testDatabaseKind()}] ${label}: ${numRuns} cases, seed ${SEED} (FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS} to repeat)\n`);
    await fc.assert(
      fc.asyncProperty(arb, async (c) => check(c, await send(c))),
      { numRuns, seed: SEED, endOnFailure: true },
    );
    process.stdout.write(`[fuzz:${testDatabaseKind()}] ${label}: ${numRuns} cases in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  };

  beforeAll(async () => {
    // The rate limiter (0 = off) would answer most of this with 429 and hide the rest.
    t = await createTestApp({ RATE_LIMIT_COST_PER_MINUTE: '0' });
    ({ url: baseUrl } = await t.app.listen(0, '127.0.0.1'));
    // Real ids and cursors, so some generated requests go past validation into the database.
    const res = await fetch(`${baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: `{ servicePoints(first: 5, filter: { areaCode: "3504" }) { edges { cursor node { id } } }
                  near: servicePoints(first: 2, filter: { near: { longitude: 106.97, latitude: 27.06, radiusMeters: 5000 } }) { edges { cursor } }
                  villages(first: 5, filter: { areaCode: "3504" }) { edges { cursor node { code } } }
                  coverage(areaCode: "520121") { villages(first: 2) { edges { cursor } } } }`,
      }),
    });
    const body = (await res.json()) as {
      data: {
        servicePoints: { edges: { cursor: string; node: { id: string } }[] };
        near: { edges: { cursor: string }[] };
        villages: { edges: { cursor: string; node: { code: string } }[] };
        coverage: { villages: { edges: { cursor: string }[] } };
      };
    };
    KNOWN.points.push(...body.data.servicePoints.edges.map((e) => e.node.id));
    KNOWN.villages.push(...body.data.villages.edges.map((e) => e.node.code));
    KNOWN.cursors.push(
      ...[body.data.servicePoints, body.data.near, body.data.villages, body.data.coverage.villages].flatMap((c) => c.edges.map((e: { cursor: string }) => e.cursor)),
    );
  });
  afterAll(async () => {
    process.stdout.write(
      `[fuzz:${testDatabaseKind()}] statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}; ` +
        `${withData.n} responses with data; error codes ${JSON.stringify(Object.fromEntries(codes))}; slowest ${slowest.ms} ms: ${slowest.what}\n`,
    );
    await t?.close();
  });

  it(`random GraphQL documents and variables from the schema (${RUNS} cases)`, async () => {
    await run('GraphQL documents', fc.gen().map(graphqlCase), RUNS);
  }, 300_000);

  it(`malformed bodies, content types, huge and deeply nested inputs, odd URLs (${Math.ceil(RUNS / 2)} cases)`, async () => {
    await run('HTTP-level cases', fc.gen().map(httpCase), Math.ceil(RUNS / 2));
  }, 300_000);

  it('is still healthy and serving afterwards', async () => {
    const health = await fetch(`${baseUrl}/healthz`);
    expect(health.status).toBe(200);
    const res = await fetch(`${baseUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ area(code: "520121") { name } }' }) });
    expect(await res.json()).toEqual({ data: { area: { name: '开阳县' } } });
    expect((await fetch(`${baseUrl}/readyz`)).status).toBe(200);
  });
});
