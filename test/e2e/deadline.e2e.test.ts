import { CoverageMethod, TravelMode } from '../../src/coverage/travel-mode.enum';
import { planReference, referenceCostPoints } from '../../src/coverage/reference-coverage';
import { CLI_ACTOR } from '../../src/write/actor';
import { Role } from '../../src/common/role.enum';
import { errorCodes, postGraphQL } from '../helpers/graphql-http';
import { TcpProxy } from '../helpers/tcp-proxy';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { testDatabaseKind, testDatabaseUrl } from '../helpers/test-env';

/**
 * Request deadlines and the PostGIS reference (hardening issue, item 1): one anonymous request must not freeze
 * the embedded server. The reference needs a key, costs what it works, is refused before it starts when its
 * estimate does not fit the deadline, and runs in short statements so cheap requests keep being answered.
 */

const COVERAGE = /* GraphQL */ `
  query ($areaCode: ID!, $itemCode: ID, $mode: TravelMode, $minutes: Float, $method: CoverageMethod) {
    coverage(areaCode: $areaCode, itemCode: $itemCode, mode: $mode, minutes: $minutes, method: $method) {
      villageCount coveredVillageCount provenance { method dataVersion }
    }
  }`;

describe('the PostGIS reference: a key, a cost that follows its work, and the deadline', () => {
  let t: TestApp;
  let baseUrl: string;
  let planner: string;

  beforeAll(async () => {
    t = await createTestApp({ RATE_LIMIT_COST_PER_MINUTE: '0' });
    ({ url: baseUrl } = await t.app.listen(0, '127.0.0.1'));
    planner = (await t.app.services.apiKey.create({ name: 'test planner', roles: [Role.PLANNER, Role.READER], areaCodes: [] }, CLI_ACTOR)).secret;
  });
  afterAll(() => t.close());

  it('is refused to anonymous callers (UNAUTHENTICATED), and answered to a PLANNER key', async () => {
    const variables = { areaCode: '520121', itemCode: 'RESIDENT_ENROLMENT', mode: 'WALK', method: 'POSTGIS' };
    const anonymous = await postGraphQL(baseUrl, COVERAGE, { variables });
    expect(errorCodes(anonymous)).toEqual(['UNAUTHENTICATED']);
    expect(anonymous.body.errors![0]!.message).toMatch(/API key/);
    const keyed = await postGraphQL<{ coverage: { villageCount: number; provenance: { method: string } } }>(baseUrl, COVERAGE, { variables, key: planner });
    expect(keyed.body.errors).toBeUndefined();
    expect(keyed.body.data!.coverage).toMatchObject({ villageCount: 136, provenance: { method: 'POSTGIS' } });
  });

  it('costs what it works: a city by car for two hours is over MAX_QUERY_COST before anything runs', async () => {
    const statements: string[] = [];
    const stop = t.db.ormLogger.onQuery((sql) => statements.push(sql));
    try {
      const r = await postGraphQL(baseUrl, COVERAGE, { variables: { areaCode: '3504', mode: 'CAR', minutes: 119.3, method: 'POSTGIS' }, key: planner });
      expect(r.status).toBe(400);
      expect(errorCodes(r)).toEqual(['LIMIT_EXCEEDED']);
      expect(r.body.errors![0]!.extensions).toMatchObject({ setting: 'MAX_QUERY_COST', limit: 5000 });
    } finally {
      stop();
    }
    expect(statements.filter((s) => /ST_DWithin/.test(s))).toEqual([]);
  });

  it('cheap requests keep answering within 200 ms while the heaviest allowed reference runs', async () => {
    // The heaviest reference the server lets through: Sanming by car, the longest budget whose estimate fits both
    // MAX_QUERY_COST and the deadline (10 s) on this database.
    const engine = await t.app.services.coverage.currentEngine();
    const sizes = await t.app.services.areaSizes.sizes(engine.dataVersion);
    const kind = testDatabaseKind();
    const allowed = (minutes: number) => {
      const radiusMeters = t.app.services.coverage.referenceRadiusMeters({ mode: TravelMode.CAR, minutes });
      return referenceCostPoints(sizes.of('3504'), sizes.of(''), radiusMeters) <= 5000 && planReference(engine, kind, '3504', radiusMeters).ms <= 0.9 * t.config.requestDeadlineMs;
    };
    let minutes = 1;
    while (minutes < 120 && allowed(minutes + 1)) minutes++;
    expect(minutes).toBeGreaterThan(10);
    const radiusMeters = t.app.services.coverage.referenceRadiusMeters({ mode: TravelMode.CAR, minutes });
    const estimatedMs = planReference(engine, kind, '3504', radiusMeters).ms;

    const latencies: number[] = [];
    let done = false;
    const heavy = (async () => {
      const started = Date.now();
      const r = await postGraphQL<{ coverage: { villageCount: number; coveredVillageCount: number } }>(baseUrl, COVERAGE, {
        variables: { areaCode: '3504', itemCode: 'RESIDENT_ENROLMENT', mode: 'CAR', minutes, method: CoverageMethod.POSTGIS },
        key: planner,
      });
      done = true;
      return { r, ms: Date.now() - started };
    })();
    const cheap = ['{ area(code: "350404") { name } }', '{ servicePoint(id: "CH-520121") { name } }', '{ serviceItems { code } }'];
    for (let i = 0; !done; i++) {
      const started = Date.now();
      const r = await postGraphQL(baseUrl, cheap[i % cheap.length]!.replace('}', ` n${i}: __typename }`));
      expect(r.body.errors).toBeUndefined();
      latencies.push(Date.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const { r, ms } = await heavy;
    expect(r.body.errors).toBeUndefined();
    const index = await postGraphQL<{ coverage: { coveredVillageCount: number } }>(baseUrl, COVERAGE, {
      variables: { areaCode: '3504', itemCode: 'RESIDENT_ENROLMENT', mode: 'CAR', minutes },
    });
    expect(r.body.data!.coverage.villageCount).toBe(1964);
    expect(r.body.data!.coverage.coveredVillageCount).toBe(index.body.data!.coverage.coveredVillageCount);
    console.info(
      `heaviest allowed reference (${kind}): Sanming, CAR ${minutes} min, estimated ${Math.round(estimatedMs)} ms, took ${ms} ms; ` +
        `${latencies.length} cheap requests meanwhile, slowest ${Math.max(...latencies)} ms, median ${latencies.sort((a, b) => a - b)[latencies.length >> 1]} ms`,
    );
    expect(ms).toBeGreaterThan(1000); // it really was heavy
    expect(latencies.length).toBeGreaterThan(5);
    expect(Math.max(...latencies)).toBeLessThan(200);
  });
});

describe('a tight deadline (REQUEST_DEADLINE_MS = 1500)', () => {
  let t: TestApp;
  let baseUrl: string;
  let planner: string;
  let proxy: TcpProxy;

  beforeAll(async () => {
    const target = new URL(testDatabaseUrl());
    proxy = new TcpProxy({ host: target.hostname, port: Number(target.port) });
    await proxy.start();
    t = await createTestApp({
      DATABASE_URL: proxy.proxiedUrl(testDatabaseUrl()),
      REQUEST_DEADLINE_MS: '1500',
      // Longer than the deadline (which must end the wait first), short enough for the pool to recover soon after.
      DATABASE_CONNECT_TIMEOUT_MS: '3000',
      RATE_LIMIT_COST_PER_MINUTE: '0',
    });
    ({ url: baseUrl } = await t.app.listen(0, '127.0.0.1'));
    planner = (await t.app.services.apiKey.create({ name: 'test planner', roles: [Role.PLANNER], areaCodes: [] }, CLI_ACTOR)).secret;
  });
  afterAll(async () => {
    await proxy.start();
    await t.close();
    await proxy.stop();
  });

  it('refuses a reference priced beyond the time left before any of its statements starts (DEADLINE_EXCEEDED)', async () => {
    await t.app.services.coverage.currentEngine();
    const statements: string[] = [];
    const stop = t.db.ormLogger.onQuery((sql) => statements.push(sql));
    let r;
    try {
      r = await postGraphQL(baseUrl, COVERAGE, { variables: { areaCode: '3504', mode: 'CAR', minutes: 60, method: 'POSTGIS' }, key: planner });
    } finally {
      stop();
    }
    expect(errorCodes(r)).toEqual(['DEADLINE_EXCEEDED']);
    expect(r.body.errors![0]!.message).toMatch(/estimated at [\d,]+ ms, more than the [\d,]+ ms left/);
    expect(r.body.errors![0]!.extensions).toMatchObject({ deadlineMs: 1500 });
    expect(statements.filter((s) => /ST_DWithin/.test(s))).toEqual([]);
  });

  it('answers DEADLINE_EXCEEDED (HTTP 503) at the deadline when the work does not finish, batches too, and serves again after', async () => {
    await proxy.blackhole(); // the database accepts and never answers: only the deadline ends the wait
    try {
      const started = Date.now();
      const single = await postGraphQL(baseUrl, '{ servicePoints(first: 3) { edges { node { id } } } }');
      const singleMs = Date.now() - started;
      expect(single.status).toBe(503);
      expect(errorCodes(single)).toEqual(['DEADLINE_EXCEEDED']);
      expect(single.body.errors![0]!.message).toMatch(/REQUEST_DEADLINE_MS/);
      expect(singleMs).toBeGreaterThanOrEqual(1400);
      expect(singleMs).toBeLessThan(5000);

      const res = await fetch(`${baseUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([{ query: '{ area(code: "520121") { name } }' }, { query: '{ village(code: "520121001001") { name } }' }]),
      });
      expect(res.status).toBe(503);
      const batch = (await res.json()) as { errors: { extensions: { code: string } }[] }[];
      expect(batch.map((b) => b.errors[0]!.extensions.code)).toEqual(['DEADLINE_EXCEEDED', 'DEADLINE_EXCEEDED']);
    } finally {
      await proxy.start();
    }
    // Back: the pool drops its hung connection (connect timeout) and the next requests are answered.
    const back = Date.now();
    let answered = false;
    while (!answered && Date.now() - back < 15_000) {
      const r = await postGraphQL(baseUrl, '{ area(code: "520121") { name } }').catch(() => null);
      answered = r !== null && r.status === 200 && r.body.errors === undefined;
      if (!answered) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(answered).toBe(true);
  });

  it('waits for a write past the deadline, so that its answer says whether it was written', async () => {
    const editor = (await t.app.services.apiKey.create({ name: 'test editor', roles: [Role.EDITOR], areaCodes: ['520121'] }, CLI_ACTOR)).secret;
    const close = 'mutation { closeServicePoint(id: "VP-520121001001") { id status } }';
    // The key is verified (and kept for API_KEY_CACHE_SECONDS) before the database hangs.
    expect(errorCodes(await postGraphQL(baseUrl, '{ __typename }', { key: editor }))).toEqual([]);
    await proxy.blackhole();
    const answers: { ms: number; codes: string[] }[] = [];
    try {
      // The first may fail at once (the pool's open connection was dropped); the next waits for a connection that
      // the hung database never completes, past the 1.5 s deadline, until the 3 s connect timeout.
      for (let i = 0; i < 2; i++) {
        const started = Date.now();
        const r = await postGraphQL(baseUrl, close, { key: editor });
        answers.push({ ms: Date.now() - started, codes: errorCodes(r) });
      }
    } finally {
      await proxy.start();
    }
    // Never DEADLINE_EXCEEDED while the write might still land: each answer came when the write had failed.
    expect(answers.map((a) => a.codes)).toEqual([['SERVICE_UNAVAILABLE'], ['SERVICE_UNAVAILABLE']]);
    expect(Math.max(...answers.map((a) => a.ms))).toBeGreaterThanOrEqual(2500);
    const [{ status }] = (await t.db.dataSource.query(`SELECT status FROM service_point WHERE id = 'VP-520121001001'`)) as { status: string }[];
    expect(status).toBe('ACTIVE');
  });

  (testDatabaseKind() === 'server' ? it : it.skip)('has the server cancel a statement running past the deadline (statement_timeout)', async () => {
    const started = Date.now();
    await expect(t.db.dataSource.query('SELECT pg_sleep(5)')).rejects.toMatchObject({ driverError: { code: '57014' } });
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
