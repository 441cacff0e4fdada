import pino from 'pino';
import { CLI_ACTOR } from '../../src/write/actor';
import { Role } from '../../src/common/role.enum';
import { postGraphQL } from '../helpers/graphql-http';
import { createTestApp, type TestApp } from '../helpers/test-app';

/**
 * Operations (issue 5): Prometheus /metrics after real traffic (GraphQL counts and latency by operation, HTTP
 * requests by route, the database pool, the coverage cache, process metrics), and the structured logs with
 * request ids (pino-http's line per request and the GraphQL operation line share the x-request-id).
 */

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, k, v] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[k!] = v!;
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** The value of the one sample with that name whose labels include `labels`; undefined when there is none. */
function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (found.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} matches ${found.length} samples`);
  return found[0]?.value;
}

/** Operation names of the explorer and schema/examples.graphql: labelled for anonymous callers too (OperationLabels). */
const COVERAGE = 'query KaiyangCoverage { coverage(areaCode: "520121", itemCode: "CHRONIC_DISEASE_CERT") { villageCount coveredVillageCount } }';
/** The same coverage with other fields: not the same response (the response cache misses), the same coverage result (its cache hits). */
const coverageWith = (fields: string) => `query KaiyangCoverage { coverage(areaCode: "520121", itemCode: "CHRONIC_DISEASE_CERT") { ${fields} } }`;
const OVERVIEW = 'query KaiyangOverview { area(code: "520121") { name } }';

describe('GET /metrics (e2e)', () => {
  let t: TestApp;
  let baseUrl: string;
  let samples: Sample[];
  let contentType: string;

  beforeAll(async () => {
    t = await createTestApp();
    ({ url: baseUrl } = await t.app.listen(0, '127.0.0.1'));
    for (let i = 0; i < 3; i++) expect((await postGraphQL(baseUrl, OVERVIEW)).status).toBe(200);
    expect((await postGraphQL(baseUrl, COVERAGE)).body.errors).toBeUndefined(); // computed: a cache miss
    expect((await postGraphQL(baseUrl, coverageWith('population'))).body.errors).toBeUndefined(); // the same result again: a hit
    expect((await postGraphQL(baseUrl, 'query Broken { area(code: "520121") { nonsense } }')).status).toBe(400);
    expect((await postGraphQL(baseUrl, '{ village(code: "520121999999") { name } }')).body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await fetch(`${baseUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${baseUrl}/no-such-page`)).status).toBe(404);
    const res = await fetch(`${baseUrl}/metrics`);
    expect(res.status).toBe(200);
    contentType = res.headers.get('content-type') ?? '';
    samples = parseMetrics(await res.text());
  });
  afterAll(() => t?.close());

  it('is Prometheus text format', () => {
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(samples.length).toBeGreaterThan(50);
  });

  it('counts GraphQL operations by name and outcome', () => {
    expect(value(samples, 'graphql_requests_total', { operation: 'KaiyangOverview', status: 'ok' })).toBe(3);
    expect(value(samples, 'graphql_requests_total', { operation: 'KaiyangCoverage', status: 'ok' })).toBe(2);
    // An anonymous caller's own name is not a label (it could make up thousands): "other".
    expect(value(samples, 'graphql_requests_total', { operation: 'other', status: 'error' })).toBe(1);
    expect(value(samples, 'graphql_requests_total', { operation: 'anonymous', status: 'partial' })).toBe(1);
    expect(value(samples, 'graphql_errors_total', { operation: 'other', code: 'GRAPHQL_VALIDATION_FAILED' })).toBe(1);
    expect(value(samples, 'graphql_errors_total', { operation: 'anonymous', code: 'NOT_FOUND' })).toBe(1);
  });

  it('has a latency histogram per operation, and the cost of each', () => {
    expect(value(samples, 'graphql_request_duration_seconds_count', { operation: 'KaiyangOverview' })).toBe(3);
    expect(value(samples, 'graphql_request_duration_seconds_bucket', { operation: 'KaiyangOverview', le: '+Inf' })).toBe(3);
    expect(value(samples, 'graphql_request_duration_seconds_sum', { operation: 'KaiyangOverview' })).toBeGreaterThan(0);
    const buckets = samples.filter((s) => s.name === 'graphql_request_duration_seconds_bucket' && s.labels.operation === 'KaiyangCoverage');
    expect(buckets.length).toBeGreaterThan(5);
    expect(value(samples, 'graphql_request_cost_sum', { operation: 'KaiyangOverview' })).toBe(3); // 1 point each
    expect(value(samples, 'graphql_request_cost_sum', { operation: 'KaiyangCoverage' })).toBe(100); // 50 each
  });

  it('counts HTTP requests by method, route and status', () => {
    expect(value(samples, 'http_requests_total', { method: 'POST', route: '/graphql', status: '200' })).toBe(6);
    expect(value(samples, 'http_requests_total', { method: 'POST', route: '/graphql', status: '400' })).toBe(1);
    expect(value(samples, 'http_requests_total', { method: 'GET', route: '/healthz', status: '200' })).toBe(1);
    expect(value(samples, 'http_requests_total', { method: 'GET', route: 'other', status: '404' })).toBe(1);
    expect(value(samples, 'http_request_duration_seconds_count', { method: 'POST', route: '/graphql' })).toBe(7);
  });

  it('shows the database pool', () => {
    // The tests reach the embedded database through its socket too, so both kinds are a pg pool (1 or 4 connections).
    expect(value(samples, 'db_pool_max_connections')).toBe(t.config.database.kind === 'server' ? t.config.database.poolSize : 1);
    const total = value(samples, 'db_pool_connections')!;
    expect(total).toBeGreaterThanOrEqual(1);
    expect(total).toBeLessThanOrEqual(value(samples, 'db_pool_max_connections')!);
    expect(value(samples, 'db_pool_idle_connections')).toBeLessThanOrEqual(total);
    expect(value(samples, 'db_pool_waiting_requests')).toBe(0);
  });

  it('counts coverage cache hits and misses', () => {
    expect(value(samples, 'coverage_cache_misses_total')).toBe(1);
    expect(value(samples, 'coverage_cache_hits_total')).toBe(1);
    expect(value(samples, 'coverage_engine_loads_total')).toBe(1);
  });

  it('counts response cache hits, misses and responses not kept', () => {
    // KaiyangOverview 3× (1 miss, 2 hits), the two coverage queries (2 misses), the unknown village (a miss, not kept: an error).
    expect(value(samples, 'graphql_response_cache_hits_total')).toBe(2);
    expect(value(samples, 'graphql_response_cache_misses_total')).toBe(4);
    expect(value(samples, 'graphql_response_cache_skipped_total')).toBe(1);
    expect(value(samples, 'graphql_response_cache_bytes')).toBeGreaterThan(0);
  });

  it('adds what happened since the last scrape, and has the default process metrics', async () => {
    await postGraphQL(baseUrl, coverageWith('population coveredPopulation'));
    const again = parseMetrics(await (await fetch(`${baseUrl}/metrics`)).text());
    expect(value(again, 'coverage_cache_hits_total')).toBe(2);
    expect(value(again, 'coverage_cache_misses_total')).toBe(1);
    expect(value(again, 'http_requests_total', { method: 'GET', route: '/metrics', status: '200' })).toBe(1);
    expect(value(again, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(value(again, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  });

  it('with METRICS_TOKEN, answers only a scrape with that bearer token (401 otherwise)', async () => {
    const token = 'metrics-token-for-the-test-0123';
    const guarded = await createTestApp({ METRICS_TOKEN: token });
    try {
      const { url } = await guarded.app.listen(0, '127.0.0.1');
      const scrape = (authorization?: string) => fetch(`${url}/metrics`, { headers: authorization ? { authorization } : {} });
      const none = await scrape();
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(await none.text()).toMatch(/METRICS_TOKEN/);
      expect((await scrape(`Bearer ${token}x`)).status).toBe(401);
      expect((await scrape(`Basic ${token}`)).status).toBe(401);
      const ok = await scrape(`Bearer ${token}`);
      expect(ok.status).toBe(200);
      expect(await ok.text()).toMatch(/^http_requests_total\{method="GET",route="\/metrics",status="401"\} 3$/m);
    } finally {
      await guarded.close();
    }
  });

  it('keeps each app instance’s metrics to itself; METRICS_ENABLED=false turns /metrics off', async () => {
    const other = await createTestApp({ METRICS_ENABLED: 'false' });
    try {
      const { url } = await other.app.listen(0, '127.0.0.1');
      expect((await postGraphQL(url, OVERVIEW)).status).toBe(200);
      expect((await fetch(`${url}/metrics`)).status).toBe(404);
    } finally {
      await other.close();
    }
    const third = await createTestApp();
    try {
      const { url } = await third.app.listen(0, '127.0.0.1');
      const fresh = parseMetrics(await (await fetch(`${url}/metrics`)).text());
      expect(value(fresh, 'graphql_requests_total', { operation: 'KaiyangOverview', status: 'ok' })).toBeUndefined();
    } finally {
      await third.close();
    }
  });
});

describe('request logs (e2e)', () => {
  interface Line {
    level: number;
    msg: string;
    requestId?: string;
    operationName?: string;
    cost?: number;
    outcome?: string;
    req?: { method: string; url: string; headers?: unknown };
    res?: { statusCode: number };
    responseTime?: number;
  }
  const lines: Line[] = [];
  let logged: TestApp;
  let baseUrl: string;

  beforeAll(async () => {
    logged = await createTestApp({}, { logger: pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Line) }) });
    ({ url: baseUrl } = await logged.app.listen(0, '127.0.0.1'));
  });
  afterAll(() => logged?.close());

  it('logs the HTTP request and the GraphQL operation with the same request id, the one the client sent back in x-request-id', async () => {
    const reply = await postGraphQL(baseUrl, OVERVIEW, { headers: { 'x-request-id': 'trace-me-1' } });
    expect(reply.headers.get('x-request-id')).toBe('trace-me-1');
    await new Promise((r) => setTimeout(r, 50)); // pino-http logs when the response has finished
    const mine = lines.filter((l) => l.requestId === 'trace-me-1');
    const http = mine.find((l) => l.msg === 'request completed');
    const operation = mine.find((l) => l.msg === 'graphql operation');
    expect(http).toMatchObject({ level: 30, req: { method: 'POST', url: '/graphql' }, res: { statusCode: 200 } });
    expect(http!.responseTime).toBeGreaterThanOrEqual(0);
    expect(http!.req!.headers).toBeUndefined(); // headers carry API keys: never logged
    expect(operation).toMatchObject({ level: 30, operationName: 'KaiyangOverview', cost: 1, outcome: 'ok' });
  });

  it('makes up a request id when the client sends none, and logs 4xx at warn', async () => {
    const reply = await postGraphQL(baseUrl, '{ area(code: "520121") { nonsense } }');
    const id = reply.headers.get('x-request-id')!;
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-/);
    await new Promise((r) => setTimeout(r, 50));
    expect(lines.find((l) => l.requestId === id && l.msg === 'request completed')).toMatchObject({ level: 40, res: { statusCode: 400 } });
  });
});

describe('operation labels cannot be exhausted or polluted by anonymous callers (e2e)', () => {
  let t: TestApp;
  let baseUrl: string;
  let partner: string;
  let greedy: string;
  const named = (name: string) => `query ${name} { __typename }`;
  const labels = async () => {
    const samples = parseMetrics(await (await fetch(`${baseUrl}/metrics`)).text());
    const counts = new Map<string, number>();
    for (const s of samples) if (s.name === 'graphql_requests_total') counts.set(s.labels.operation!, (counts.get(s.labels.operation!) ?? 0) + s.value);
    return counts;
  };

  beforeAll(async () => {
    t = await createTestApp();
    ({ url: baseUrl } = await t.app.listen(0, '127.0.0.1'));
    partner = (await t.app.services.apiKey.create({ name: 'test metrics partner', roles: [Role.READER], areaCodes: [] }, CLI_ACTOR)).secret;
    greedy = (await t.app.services.apiKey.create({ name: 'test metrics greedy', roles: [Role.READER], areaCodes: [] }, CLI_ACTOR)).secret;
  });
  afterAll(async () => {
    await t.db.dataSource.query(`DELETE FROM audit_log WHERE entity_key IN (SELECT id::text FROM api_key WHERE name LIKE 'test metrics%')`);
    await t.db.dataSource.query(`DELETE FROM api_key WHERE name LIKE 'test metrics%'`);
    await t?.close();
  });

  it('anonymous made-up names count as "other"; the bundled pages\' and examples\' names and a keyed caller\'s own stay labelled', async () => {
    for (let i = 0; i < 250; i++) expect((await postGraphQL(baseUrl, named(`Probe${i}`))).status).toBe(200);
    // Names the bundled map page, the explorer and schema/examples.graphql use, sent anonymously (as the pages do).
    for (const name of ['MapInit', 'KaiyangCoverage', 'KaiyangOverview']) expect((await postGraphQL(baseUrl, named(name))).status).toBe(200);
    expect((await postGraphQL(baseUrl, named('PartnerSync'), { key: partner })).status).toBe(200);
    // A name a key brought in is that key's series: the same name sent anonymously does not count there.
    expect((await postGraphQL(baseUrl, named('PartnerSync'))).status).toBe(200);

    const counts = await labels();
    expect([...counts.keys()].filter((l) => l.startsWith('Probe'))).toEqual([]);
    expect(counts.get('other')).toBe(251);
    expect(counts.get('MapInit')).toBe(1);
    expect(counts.get('KaiyangCoverage')).toBe(1);
    expect(counts.get('KaiyangOverview')).toBe(1);
    expect(counts.get('PartnerSync')).toBe(1);
  });

  it('one key cannot take every free label: past its share its new names count as "other", and another key still gets labels', async () => {
    for (let i = 0; i < 60; i++) expect((await postGraphQL(baseUrl, named(`Greedy${i}`), { key: greedy })).status).toBe(200);
    expect((await postGraphQL(baseUrl, named('PartnerReport'), { key: partner })).status).toBe(200);
    const counts = await labels();
    const greedyLabels = [...counts.keys()].filter((l) => l.startsWith('Greedy'));
    expect(greedyLabels.length).toBeGreaterThan(0);
    expect(greedyLabels.length).toBeLessThan(60);
    expect(counts.get('other')).toBe(251 + 60 - greedyLabels.length);
    expect(counts.get('PartnerReport')).toBe(1);
  });
});
