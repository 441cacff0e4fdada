import fs from 'node:fs';
import path from 'node:path';
import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { createTestApp, type TestApp } from '../helpers/test-app';

/** The whole HTTP path: express, body parsing, Apollo's CSRF prevention, error formatting, on a real socket. */

const EXAMPLES_PATH = path.resolve(__dirname, '../../schema/examples.graphql');
const EXAMPLES = fs.readFileSync(EXAMPLES_PATH, 'utf8');
const MALFORMED_JSON = 'malformed json';

interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string; [k: string]: unknown } }[];
}

interface HttpResult {
  status: number;
  contentType: string;
  text: string;
}

/**
 * A stack frame as V8 prints it ("    at fn (/path/file.js:12:34)", "at JSON.parse (<anonymous>)"), also
 * when escaped in JSON ("\\n    at …") or in HTML ("<br> &nbsp; &nbsp;at …").
 */
function hasStackLine(body: string): boolean {
  const text = body
    .replace(/\\n/g, '\n')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
  return /(^|\n)\s*at\s+[^\n]*(:\d+:\d+\)?|\(<anonymous>\)|\(node:)/.test(text);
}

describe('HTTP server (e2e)', () => {
  let t: TestApp;
  let baseUrl: string;
  /** Every response body seen, checked at the end for leaked stack traces. */
  const bodies: { what: string; text: string }[] = [];

  const request = async (what: string, urlPath: string, init: RequestInit = {}): Promise<HttpResult> => {
    const res = await fetch(`${baseUrl}${urlPath}`, init);
    const text = await res.text();
    bodies.push({ what, text });
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', text };
  };

  const postJson = (what: string, body: unknown, headers: Record<string, string> = {}) =>
    request(what, '/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  const graphql = async (what: string, body: unknown, headers: Record<string, string> = {}) => {
    const res = await postJson(what, body, headers);
    expect(res.contentType).toMatch(/^application\/(graphql-response\+)?json/);
    return { status: res.status, body: JSON.parse(res.text) as GraphQLBody };
  };

  beforeAll(async () => {
    t = await createTestApp();
    ({ url: baseUrl } = await t.app.listen(0, '127.0.0.1'));
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers a query for Kaiyang county over POST /graphql', async () => {
    const { status, body } = await graphql('area 520121', { query: '{ area(code: "520121") { code name level villageCount } }' });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({ area: { code: '520121', name: '开阳县', level: 'COUNTY', villageCount: 136 } });
  });

  describe('schema/examples.graphql', () => {
    const document = parse(EXAMPLES);
    const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);

    it('holds 6 to 8 named operations', () => {
      expect(operations.length).toBeGreaterThanOrEqual(6);
      expect(operations.length).toBeLessThanOrEqual(8);
      expect(operations.every((op) => op.name?.value)).toBe(true);
      expect(operations.every((op) => (op.variableDefinitions ?? []).length === 0)).toBe(true);
    });

    it('a subscription over HTTP is refused with a coded error saying to use WebSocket (subscriptions.e2e.test.ts runs it there)', async () => {
      const { status, body } = await graphql('example KaiyangCoverageLive over HTTP', { query: EXAMPLES, operationName: 'KaiyangCoverageLive' });
      expect(status).toBe(400);
      expect(body.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([['BAD_USER_INPUT', expect.stringMatching(/WebSocket/)]]);
    });

    it.each(operations.filter((op) => op.operation !== 'subscription').map((op) => [op.name!.value]))('%s runs with no errors and non-empty data', async (operationName) => {
      const { status, body } = await graphql(`example ${operationName}`, { query: EXAMPLES, operationName });
      expect(status).toBe(200);
      expect(body.errors).toBeUndefined();
      expect(body.data).toBeTruthy();
      const roots = Object.entries(body.data!);
      expect(roots.length).toBeGreaterThan(0);
      for (const [field, value] of roots) {
        expect([field, value]).not.toEqual([field, null]);
        if (Array.isArray(value)) expect(value.length).toBeGreaterThan(0);
        const edges = (value as { edges?: unknown[] }).edges;
        if (edges) expect(edges.length).toBeGreaterThan(0);
      }
    });

    it("KaiyangDirectoryNextPage's literal cursor is the endCursor of KaiyangDirectoryFirstPage, and the two pages cover Kaiyang", async () => {
      type Directory = { servicePoints: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string }; edges: { node: { id: string } }[] } };
      const first = await graphql('directory page 1', { query: EXAMPLES, operationName: 'KaiyangDirectoryFirstPage' });
      const next = await graphql('directory page 2', { query: EXAMPLES, operationName: 'KaiyangDirectoryNextPage' });
      const p1 = (first.body.data as Directory).servicePoints;
      const p2 = (next.body.data as Directory).servicePoints;
      expect(EXAMPLES).toContain(`after: "${p1.pageInfo.endCursor}"`);
      expect([p1.pageInfo.hasNextPage, p2.pageInfo.hasNextPage]).toEqual([true, false]);
      const ids = [...p1.edges, ...p2.edges].map((e) => e.node.id);
      expect(new Set(ids).size).toBe(p1.totalCount);
      expect(ids).toHaveLength(182);
    });
  });

  describe('plain routes', () => {
    it('GET /healthz → 200 {status: ok}', async () => {
      const res = await request('healthz', '/healthz');
      expect(res.status).toBe(200);
      expect(JSON.parse(res.text)).toEqual({ status: 'ok' });
    });

    it('GET /readyz → 200 when the database answers', async () => {
      const res = await request('readyz', '/readyz');
      expect(res.status).toBe(200);
      expect(JSON.parse(res.text)).toMatchObject({ status: 'ready' });
    });

    it('GET / → 200 HTML home page saying the seed locations are synthetic', async () => {
      const res = await request('home', '/');
      expect(res.status).toBe(200);
      expect(res.contentType).toMatch(/^text\/html/);
      expect(res.text).toMatch(/synthetic/);
    });
  });

  describe('bad requests', () => {
    it('a malformed JSON body → 400, and the server goes on serving', async () => {
      const res = await request(MALFORMED_JSON, '/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"query": "{ area(code: \\"520121\\") { name } }"',
      });
      expect(res.status).toBe(400);
      const next = await graphql('after malformed', { query: '{ area(code: "520121") { name } }' });
      expect(next.status).toBe(200);
      expect(next.body.data).toEqual({ area: { name: '开阳县' } });
    });

    it('a GET query with neither content-type nor apollo-require-preflight is blocked by CSRF prevention (400)', async () => {
      const query = encodeURIComponent('{ area(code: "520121") { name } }');
      const res = await request('csrf get', `/graphql?query=${query}`);
      expect(res.status).toBe(400);
      expect(res.text).toMatch(/Cross-Site Request Forgery|CSRF/);
      expect(res.text).not.toMatch(/开阳县/);
    });

    it('the same GET query with apollo-require-preflight is served', async () => {
      const query = encodeURIComponent('{ area(code: "520121") { name } }');
      const res = await request('preflight get', `/graphql?query=${query}`, { headers: { 'apollo-require-preflight': 'true' } });
      expect(res.status).toBe(200);
      expect(JSON.parse(res.text)).toEqual({ data: { area: { name: '开阳县' } } });
    });

    it('a POST with content-type text/plain is rejected, not a 5xx', async () => {
      const res = await request('text/plain post', '/graphql', {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: JSON.stringify({ query: '{ area(code: "520121") { name } }' }),
      });
      // Apollo's CSRF prevention: text/plain is a "simple" content type a browser form may send cross-site.
      expect(res.status).toBe(400);
      expect(res.text).toMatch(/Cross-Site Request Forgery|CSRF/);
      expect(res.text).not.toMatch(/开阳县/);
    });

    it('an unknown field → 400 GRAPHQL_VALIDATION_FAILED', async () => {
      const { status, body } = await graphql('unknown field', { query: '{ area(code: "520121") { name nonsense } }' });
      expect(status).toBe(400);
      expect(body.data).toBeUndefined();
      expect(body.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    });

    it('a syntax error → 400 GRAPHQL_PARSE_FAILED', async () => {
      const { status, body } = await graphql('syntax error', { query: '{ area(code: "520121") { name }' });
      expect(status).toBe(400);
      expect(body.errors?.[0].extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    });

    it('an unknown village code → 200 with NOT_FOUND and data.village null', async () => {
      const { status, body } = await graphql('unknown village', { query: '{ village(code: "520121999999") { code name } }' });
      expect(status).toBe(200);
      expect(body.data).toEqual({ village: null });
      expect(body.errors?.[0].extensions?.code).toBe('NOT_FOUND');
      expect(body.errors?.[0].path).toEqual(['village']);
    });

    it('a malformed village code → BAD_USER_INPUT', async () => {
      const { body } = await graphql('bad village code', { query: '{ village(code: "abc") { code } }' });
      expect(body.data).toEqual({ village: null });
      expect(body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(body.errors?.[0].message).toMatch(/12-digit/);
    });
  });

  it('accepts a client-sent x-request-id', async () => {
    const { status, body } = await graphql('x-request-id', { query: '{ area(code: "520121") { name } }' }, { 'x-request-id': 'partner-batch-42.7' });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
  });

  it('pages through all 182 Kaiyang service points with first: 50, matching a single first: 500 request', async () => {
    interface Page {
      totalCount: number;
      edges: { node: { id: string } }[];
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
    }
    const PAGE = `query Page($first: Int!, $after: String) {
      servicePoints(first: $first, after: $after, filter: { areaCode: "520121" }) {
        totalCount edges { node { id } } pageInfo { hasNextPage endCursor }
      }
    }`;
    const fetchPage = async (first: number, after: string | null): Promise<Page> => {
      const { status, body } = await graphql(`page ${first} after ${after}`, { query: PAGE, variables: { first, after } });
      expect(status).toBe(200);
      expect(body.errors).toBeUndefined();
      return (body.data as { servicePoints: Page }).servicePoints;
    };

    const collected: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const page: Page = await fetchPage(50, after);
      pages += 1;
      expect(page.totalCount).toBe(182);
      collected.push(...page.edges.map((e) => e.node.id));
      if (!page.pageInfo.hasNextPage) break;
      expect(page.edges).toHaveLength(50);
      after = page.pageInfo.endCursor;
      expect(after).toBeTruthy();
      expect(pages).toBeLessThan(10);
    }
    expect(pages).toBe(4);
    expect(collected).toHaveLength(182);
    expect(new Set(collected).size).toBe(182);
    expect(collected).toEqual([...collected].sort());

    const single = await fetchPage(500, null);
    expect(single.pageInfo.hasNextPage).toBe(false);
    expect(collected).toEqual(single.edges.map((e) => e.node.id));
  });

  it('never sends a stack trace in a response body', () => {
    expect(bodies.length).toBeGreaterThan(15);
    expect(hasStackLine('Error: x\n    at f (/a/b.js:1:2)')).toBe(true); // the detector itself
    for (const { what, text } of bodies.filter((b) => b.what !== MALFORMED_JSON)) {
      expect([what, /stacktrace/i.test(text)]).toEqual([what, false]);
      expect([what, hasStackLine(text)]).toEqual([what, false]);
    }
  });

  // express.json's parse failures used to reach express's HTML error page, stack and paths included.
  it('sends no stack trace for a malformed JSON body either, but a JSON error with a code', () => {
    const malformed = bodies.find((b) => b.what === MALFORMED_JSON);
    expect(malformed).toBeDefined();
    expect(hasStackLine(malformed!.text)).toBe(false);
    expect(JSON.parse(malformed!.text)).toEqual({ errors: [{ message: 'The request body is not valid JSON.', extensions: { code: 'BAD_REQUEST' } }] });
  });
});
