import http from 'node:http';
import { CLI_ACTOR } from '../../src/write/actor';
import { Role } from '../../src/common/role.enum';
import { TILE_COST } from '../../src/map/tile-budget';
import { postGraphQL } from '../helpers/graphql-http';
import { createTestApp, type TestApp } from '../helpers/test-app';

/**
 * Tiles in the caller's budget (hardening issue, items 4 and 5): each tile spends its layer's cost from the same
 * per-key (or per-address) budget as GraphQL, with RateLimit-* headers and 429 when it cannot pay; the distinct
 * coverage parameter sets a client may ask per minute are bounded; TileJSON does not build its URLs from a Host
 * header it does not know.
 */

/** Kaiyang's county seat at zoom 10. */
const SEAT = '10/816/431';

async function get(baseUrl: string, path: string, key?: string): Promise<{ status: number; headers: Headers; body: { errors?: { message: string; extensions: Record<string, unknown> }[] } | null }> {
  const res = await fetch(`${baseUrl}${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
  const text = Buffer.from(await res.arrayBuffer()).toString('utf8');
  return { status: res.status, headers: res.headers, body: (res.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : null };
}

describe('tiles spend from the rate-limit budget', () => {
  let t: TestApp;
  let baseUrl: string;
  beforeAll(async () => {
    // 60 points a minute: six coverage tiles (10 each); MAX_QUERY_COST must fit in the budget.
    t = await createTestApp({ RATE_LIMIT_COST_PER_MINUTE: '60', MAX_QUERY_COST: '50' });
    ({ url: baseUrl } = await t.app.listen(0, '127.0.0.1'));
  });
  afterAll(() => t.close());

  it('charges each tile its layer cost with RateLimit-* headers, answers 429 RATE_LIMITED when the budget is spent, and GraphQL shares that budget', async () => {
    expect(TILE_COST.coverage).toBe(10);
    const remaining: number[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await get(baseUrl, `/tiles/coverage/${SEAT}.mvt?minutes=15`);
      expect(r.status).toBe(200);
      expect(r.headers.get('ratelimit-limit')).toBe('60');
      remaining.push(Number(r.headers.get('ratelimit-remaining')));
    }
    expect(remaining).toEqual([50, 40, 30, 20, 10, 0]);
    const refused = await get(baseUrl, `/tiles/coverage/${SEAT}.mvt?minutes=15`);
    expect(refused.status).toBe(429);
    expect(refused.body!.errors![0]!.extensions.code).toBe('RATE_LIMITED');
    expect(refused.body!.errors![0]!.message).toMatch(/coverage tile costs 10 points/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // The same budget: a GraphQL query from this address is refused too.
    const graphql = await postGraphQL(baseUrl, '{ area(code: "520121") { name } }');
    expect(graphql.status).toBe(429);
  });
});

describe('distinct coverage parameters per client (TILE_COVERAGE_VARIANTS_PER_MINUTE = 3)', () => {
  let t: TestApp;
  let baseUrl: string;
  let key: string;
  beforeAll(async () => {
    t = await createTestApp({ TILE_COVERAGE_VARIANTS_PER_MINUTE: '3' });
    ({ url: baseUrl } = await t.app.listen(0, '127.0.0.1'));
    key = (await t.app.services.apiKey.create({ name: 'test dashboard', roles: [Role.PLANNER, Role.READER], areaCodes: [] }, CLI_ACTOR)).secret;
  });
  afterAll(() => t.close());

  it('serves three parameter sets, refuses a fourth with RATE_LIMITED, still serves the three; another client has its own sets', async () => {
    for (const minutes of ['15', '15.001', '15.002']) expect((await get(baseUrl, `/tiles/coverage/${SEAT}.mvt?minutes=${minutes}`)).status).toBe(200);
    // The villages layer takes the same parameters and counts against the same sets.
    expect((await get(baseUrl, `/tiles/villages/${SEAT}.mvt?minutes=15.001`)).status).toBe(200);
    const fourth = await get(baseUrl, `/tiles/villages/${SEAT}.mvt?minutes=15.003`);
    expect(fourth.status).toBe(429);
    expect(fourth.body!.errors![0]!.extensions).toMatchObject({ code: 'RATE_LIMITED', limit: 3 });
    expect(fourth.body!.errors![0]!.message).toMatch(/TILE_COVERAGE_VARIANTS_PER_MINUTE/);
    expect((await get(baseUrl, `/tiles/coverage/${SEAT}.mvt?minutes=15`)).status).toBe(200);
    // Layers without those parameters are not counted.
    expect((await get(baseUrl, `/tiles/service-points/${SEAT}.mvt`)).status).toBe(200);
    // A key is a client of its own.
    expect((await get(baseUrl, `/tiles/coverage/${SEAT}.mvt?minutes=15.003`, key)).status).toBe(200);
  });
});

describe('TileJSON URLs and the Host header', () => {
  /** GET with a Host header of our choosing (fetch does not let one set it). */
  const getWithHost = (port: number, path: string, host: string): Promise<{ status: number; json: { tiles: string[] } }> =>
    new Promise((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(text) }));
        })
        .on('error', reject);
    });

  it('builds tile URLs from a known Host, never from a forged one; PUBLIC_URL wins when set', async () => {
    const t = await createTestApp({ PUBLIC_HOSTS: 'localhost,maps.example.org' });
    const { url } = await t.app.listen(0, '127.0.0.1');
    const port = Number(new URL(url).port);
    try {
      const known = await getWithHost(port, '/tiles/areas.json', `localhost:${port}`);
      expect(known.json.tiles[0]).toBe(`http://localhost:${port}/tiles/areas/{z}/{x}/{y}.mvt`);
      expect((await getWithHost(port, '/tiles/areas.json', 'maps.example.org')).json.tiles[0]).toBe('http://maps.example.org/tiles/areas/{z}/{x}/{y}.mvt');
      for (const forged of ['evil.example', 'evil.example:443', 'localhost.evil.example']) {
        const r = await getWithHost(port, '/tiles/areas.json', forged);
        expect(r.status).toBe(200);
        expect(r.json.tiles[0]).not.toContain('evil');
        expect(r.json.tiles[0]).toBe(`http://${t.config.host}:${t.config.port}/tiles/areas/{z}/{x}/{y}.mvt`);
      }
    } finally {
      t.app.httpServer.close();
      await t.close();
    }
    const withUrl = await createTestApp({ PUBLIC_URL: 'https://maps.example.org/' });
    const listening = await withUrl.app.listen(0, '127.0.0.1');
    try {
      const r = await getWithHost(Number(new URL(listening.url).port), '/tiles/villages.json?minutes=10', 'evil.example');
      expect(r.json.tiles[0]).toBe('https://maps.example.org/tiles/villages/{z}/{x}/{y}.mvt?minutes=10');
    } finally {
      withUrl.app.httpServer.close();
      await withUrl.close();
    }
  });
});
