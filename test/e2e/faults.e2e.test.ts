import { Client } from 'pg';
import { CLI_ACTOR } from '../../src/write/actor';
import { Role } from '../../src/common/role.enum';
import { errorCodes, postGraphQL } from '../helpers/graphql-http';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { testDatabaseKind, testDatabaseUrl } from '../helpers/test-env';
import { TcpProxy } from '../helpers/tcp-proxy';

/**
 * The database goes away mid-traffic and comes back. A TCP proxy sits between the app and the run's test
 * database (PostgreSQL server or the embedded PGlite behind pglite-socket; the proxy makes both look the
 * same): "stopping the server" closes its listener and cuts every open connection, "restarting" listens on
 * the same port again; "hanging" accepts connections and never answers.
 *
 * What must hold, under steady traffic (anonymous GraphQL reads, a read whose API key must be looked up, a
 * vector tile): while the database is down every response is HTTP 200 or 503 with `SERVICE_UNAVAILABLE` errors
 * (never a 500, INTERNAL_SERVER_ERROR or a hang past REQUEST_BOUND_MS) and /readyz says 503 with a reason; once
 * the database is back, every kind of read succeeds again within RECOVERY_BOUND_MS with no restart of the app;
 * every committed write survives, and a transaction cut mid-way leaves nothing. On a PostgreSQL server, the
 * sessions are also terminated the way a shutdown or failover ends them (FATAL 57P01).
 */

const CONNECT_TIMEOUT_MS = 2000;
/** Longest any request may take while the database is down or hanging: the connect timeout plus slack. */
const REQUEST_BOUND_MS = CONNECT_TIMEOUT_MS + 3000;
/** From the database's return to the first successful read of every kind and a 200 from /readyz. */
const RECOVERY_BOUND_MS = 5000;
/**
 * How long the database stays away. Long enough for two connect timeouts after a /readyz probe that itself waited
 * one out: with the embedded database's single connection, requests during a hang fail one connect timeout at a
 * time, and 3 s sometimes left room for only one answer.
 */
const DOWN_MS = 5000;

interface Body {
  data?: Record<string, unknown> | null;
  errors?: { extensions?: { code?: string } }[];
}

interface Read {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  query?: string;
  headers?: Record<string, string>;
  /** The answer with the database up. */
  ok(status: number, body: Body | null): boolean;
}

const graphqlOk = (field: string) => (status: number, body: Body | null) => status === 200 && !body?.errors && !!body?.data?.[field];

/** What the traffic is made of: anonymous reads, a request whose API key must be looked up, a vector tile. */
const READS: Read[] = [
  { name: 'servicePoints', method: 'POST', path: '/graphql', query: '{ servicePoints(first: 5) { edges { node { id name } } } }', ok: graphqlOk('servicePoints') },
  { name: 'area', method: 'POST', path: '/graphql', query: '{ area(code: "520121") { name } }', ok: graphqlOk('area') },
  {
    // A well-formed key this server does not know: looked up on every request (unknown keys are not cached),
    // 401 with the database up; the lookup runs while the context is built, outside any resolver.
    name: 'area with an API key',
    method: 'POST',
    path: '/graphql',
    query: '{ area(code: "520121") { name } }',
    headers: { 'x-api-key': `sc_${'A'.repeat(43)}` },
    ok: (status, body) => status === 401 && body?.errors?.[0]?.extensions?.code === 'UNAUTHENTICATED',
  },
  // Kaiyang's county seat at zoom 10; the ETag needs the data version, so every tile request reads the database.
  { name: 'tile', method: 'GET', path: '/tiles/service-points/10/816/431.mvt', ok: (status) => status === 200 },
];

interface Sample {
  read: string;
  start: number;
  end: number;
  status: number;
  ok: boolean;
  codes: string[];
  problem?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Traffic still running; afterEach stops it, so a failed expectation cannot leave loops hammering the server. */
const running: Traffic[] = [];

/** `workers` loops each sending one read after another (alternating the kinds) until stopped. */
class Traffic {
  readonly samples: Sample[] = [];
  private running = true;
  private readonly loops: Promise<void>[];

  constructor(
    private readonly baseUrl: string,
    workers: number,
  ) {
    this.loops = Array.from({ length: workers }, (_, i) => this.loop(i));
    running.push(this);
  }

  private async loop(worker: number): Promise<void> {
    for (let n = worker; this.running; n++) {
      this.samples.push(await send(this.baseUrl, READS[n % READS.length]));
      await sleep(10);
    }
  }

  async stop(): Promise<Sample[]> {
    this.running = false;
    await Promise.all(this.loops);
    return this.samples;
  }
}

async function send(baseUrl: string, read: Read): Promise<Sample> {
  const start = Date.now();
  try {
    const res = await fetch(`${baseUrl}${read.path}`, {
      method: read.method,
      headers: { ...(read.query ? { 'content-type': 'application/json' } : {}), ...read.headers },
      body: read.query ? JSON.stringify({ query: read.query }) : undefined,
      signal: AbortSignal.timeout(REQUEST_BOUND_MS + 5000),
    });
    const buffer = Buffer.from(await res.arrayBuffer());
    let body: Body | null = null;
    if ((res.headers.get('content-type') ?? '').includes('json')) {
      try {
        body = JSON.parse(buffer.toString('utf8')) as Body;
      } catch {
        return { read: read.name, start, end: Date.now(), status: res.status, ok: false, codes: [], problem: `not JSON: ${buffer.toString('utf8').slice(0, 200)}` };
      }
    }
    const codes = (body?.errors ?? []).map((e) => e.extensions?.code ?? '(none)');
    return { read: read.name, start, end: Date.now(), status: res.status, ok: read.ok(res.status, body), codes };
  } catch (err) {
    return { read: read.name, start, end: Date.now(), status: 0, ok: false, codes: [], problem: String(err) };
  }
}

interface Readiness {
  status?: string;
  reason?: string;
  coverageEngine?: { loaded?: boolean };
}

async function readyz(baseUrl: string): Promise<{ status: number; body: Readiness; ms: number }> {
  const start = Date.now();
  const res = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(REQUEST_BOUND_MS + 5000) });
  return { status: res.status, body: (await res.json()) as Readiness, ms: Date.now() - start };
}

/** Polls `probe` every 100 ms until it returns true; the time it took, or throws after `boundMs`. */
async function until(what: string, probe: () => Promise<boolean> | boolean, boundMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await probe()) return Date.now() - started;
    if (Date.now() - started > boundMs) throw new Error(`${what}: not within ${boundMs} ms`);
    await sleep(100);
  }
}

/** A response is acceptable when it is what the read gets with the database up, or a clean SERVICE_UNAVAILABLE. */
function unclean(samples: Sample[]): string[] {
  const bad = samples.filter(
    (s) =>
      s.problem !== undefined ||
      s.end - s.start > REQUEST_BOUND_MS ||
      (!s.ok && (![200, 503].includes(s.status) || s.codes.length === 0 || s.codes.some((c) => c !== 'SERVICE_UNAVAILABLE'))),
  );
  const shown = bad.slice(0, 10).map((s) => `${s.read}: ${s.status} ${s.codes.join(',') || '-'} in ${s.end - s.start} ms${s.problem ? ` (${s.problem})` : ''}`);
  return bad.length > 10 ? [...shown, `… and ${bad.length - 10} more`] : shown;
}

/** The samples that are not `ok`, briefly (for expectations that print well). */
const notOk = (samples: Sample[]) => samples.filter((s) => !s.ok).map((s) => `${s.read}: ${s.status} ${s.codes.join(',') || '-'}`);

function report(line: string): void {
  process.stdout.write(`[faults:${testDatabaseKind()}] ${line}\n`);
}

describe(`database outage (e2e, TCP proxy in front of the ${testDatabaseKind()} test database)`, () => {
  let proxy: TcpProxy;
  let t: TestApp;
  let baseUrl: string;

  beforeAll(async () => {
    const target = new URL(testDatabaseUrl());
    proxy = new TcpProxy({ host: target.hostname, port: Number(target.port) });
    await proxy.start();
    t = await createTestApp({ DATABASE_URL: proxy.proxiedUrl(testDatabaseUrl()), DATABASE_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS), RATE_LIMIT_COST_PER_MINUTE: '0' });
    ({ url: baseUrl } = await t.app.listen(0, '127.0.0.1'));
    await readyz(baseUrl); // the first probe loads the coverage engine
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((traffic) => traffic.stop()));
  });
  afterAll(async () => {
    await proxy?.start(); // let the pool close its connections politely
    await t?.close();
    await proxy?.stop();
  });

  it('/readyz is 200 with the database up and the coverage engine loaded', async () => {
    const r = await readyz(baseUrl);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'ready', database: 'ok', coverageEngine: { loaded: true } });
  });

  it.each([
    ['stops (connections cut, new ones refused)', () => proxy.stop()],
    ['hangs (connections cut, new ones accepted and never answered)', () => proxy.blackhole()],
  ])('server %s: clean SERVICE_UNAVAILABLE, /readyz 503, recovery on its own', async (_what, goDown) => {
    const traffic = new Traffic(baseUrl, 4);
    await sleep(800);

    const cutAt = Date.now();
    await goDown();
    const downAt = Date.now();
    const ready = await readyz(baseUrl);
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ status: 'unavailable', reason: 'database unreachable', coverageEngine: { loaded: true } });
    await sleep(Math.max(0, DOWN_MS - (Date.now() - downAt)));

    const backAt = Date.now();
    await proxy.start();
    const firstOk = new Map<string, number>();
    const recoveredMs = await until(
      'every read succeeds and /readyz is 200 again',
      async () => {
        for (const s of traffic.samples) if (s.ok && s.start >= backAt && !firstOk.has(s.read)) firstOk.set(s.read, s.end - backAt);
        return firstOk.size === READS.length && (await readyz(baseUrl)).status === 200;
      },
      RECOVERY_BOUND_MS,
    );
    await sleep(800);
    const samples = await traffic.stop();

    const before = samples.filter((s) => s.end < cutAt);
    const down = samples.filter((s) => s.start >= downAt && s.end <= backAt);
    const after = samples.filter((s) => s.start >= backAt + recoveredMs);
    const slowest = Math.max(...samples.map((s) => s.end - s.start));
    report(
      `server ${_what}: ${samples.length} requests; before ${before.length} ok; down ${DOWN_MS} ms: ${down.length} answered ` +
        `(${down.filter((s) => s.status === 503).length}×503, ${down.filter((s) => s.status === 200).length}×200), /readyz 503 in ${ready.ms} ms; ` +
        `back: first reads ok after ${[...firstOk].map(([k, v]) => `${k} ${v} ms`).join(', ')}, /readyz 200 after ${recoveredMs} ms; slowest request ${slowest} ms`,
    );

    expect(unclean(samples)).toEqual([]);
    expect(before.length).toBeGreaterThan(0);
    expect(before.every((s) => s.ok)).toBe(true);
    // Down: nothing can succeed, and the answers keep coming (no request parked until the database returns;
    // while it hangs each one waits out the connect timeout).
    expect(down.length).toBeGreaterThanOrEqual(2);
    expect(down.filter((s) => s.ok).length).toBe(0);
    expect(after.length).toBeGreaterThan(0);
    expect(notOk(after)).toEqual([]);
    expect(recoveredMs).toBeLessThan(RECOVERY_BOUND_MS);
  });

  // What a real server does on `pg_ctl stop -m fast` or a failover: it ends every session with FATAL 57P01
  // "terminating connection due to administrator command" before closing the socket. PGlite has no such thing.
  (testDatabaseKind() === 'server' ? it : it.skip)('server terminates the sessions (57P01, as on shutdown): clean SERVICE_UNAVAILABLE, then served again', async () => {
    const admin = new Client({ connectionString: testDatabaseUrl(), application_name: 'faults-test-admin' });
    await admin.connect();
    try {
      const traffic = new Traffic(baseUrl, 4);
      await sleep(500);
      const startedAt = Date.now();
      let terminated = 0;
      while (Date.now() - startedAt < 2000) {
        const rows: { pg_terminate_backend: boolean }[] = (
          await admin.query(
            `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
              WHERE datname = current_database() AND application_name = 'service-circle' AND pid <> pg_backend_pid()`,
          )
        ).rows;
        terminated += rows.filter((r) => r.pg_terminate_backend).length;
        await sleep(25);
      }
      const endedAt = Date.now();
      await sleep(1000);
      const samples = await traffic.stop();
      const during = samples.filter((s) => s.start >= startedAt && s.end <= endedAt);
      const after = samples.filter((s) => s.start >= endedAt + 200);
      report(
        `sessions terminated ${terminated}× over 2 s: ${during.length} requests during (${during.filter((s) => s.ok).length} ok, ` +
          `${during.filter((s) => !s.ok).length} SERVICE_UNAVAILABLE), ${after.length} after, all ok: ${after.every((s) => s.ok)}`,
      );
      expect(terminated).toBeGreaterThan(0);
      expect(unclean(samples)).toEqual([]);
      expect(during.some((s) => !s.ok)).toBe(true);
      expect(after.length).toBeGreaterThan(0);
      expect(notOk(after)).toEqual([]);
    } finally {
      await admin.end();
    }
  });

  it('keeps every committed write; a transaction cut mid-way leaves nothing; writes while down fail', async () => {
    const ds = t.db.dataSource;
    const table = `fault_writes_${process.pid}`;
    await ds.query(`CREATE TABLE ${table} (id int PRIMARY KEY, note text NOT NULL)`);
    try {
      const committed: { id: number; note: string }[] = [];
      for (let id = 1; id <= 20; id++) {
        await ds.transaction((m) => m.query(`INSERT INTO ${table} (id, note) VALUES ($1, 'committed')`, [id]));
        committed.push({ id, note: 'committed' });
      }
      // Autocommit statements count as committed writes too.
      await ds.query(`INSERT INTO ${table} (id, note) VALUES (21, 'committed')`);
      committed.push({ id: 21, note: 'committed' });

      // The server goes away between two statements of a transaction.
      const cut = ds.transaction(async (m) => {
        await m.query(`INSERT INTO ${table} (id, note) VALUES (100, 'cut')`);
        await m.query(`UPDATE ${table} SET note = 'cut' WHERE id = 1`);
        await proxy.stop();
        await m.query(`INSERT INTO ${table} (id, note) VALUES (101, 'cut')`);
      });
      await expect(cut).rejects.toThrow();
      await expect(ds.query(`INSERT INTO ${table} (id, note) VALUES (200, 'down')`)).rejects.toThrow();

      const backAt = Date.now();
      await proxy.start();
      let rows: { id: number; note: string }[] = [];
      const recoveredMs = await until(
        'the table answers again',
        async () => {
          try {
            rows = await ds.query(`SELECT id, note FROM ${table} ORDER BY id`);
            return true;
          } catch {
            return false;
          }
        },
        RECOVERY_BOUND_MS,
      );
      report(`writes: ${committed.length} committed before the cut all present, cut transaction absent; SQL answered ${recoveredMs} ms after the return (${Date.now() - backAt} ms)`);
      expect(rows).toEqual(committed);

      // And writing works again.
      await ds.query(`INSERT INTO ${table} (id, note) VALUES (300, 'after')`);
      expect(await ds.query(`SELECT count(*)::int AS n FROM ${table}`)).toEqual([{ n: 22 }]);
    } finally {
      await proxy.start();
      await until(
        'drop the test table',
        () =>
          ds.query(`DROP TABLE IF EXISTS ${table}`).then(
            () => true,
            () => false,
          ),
        RECOVERY_BOUND_MS,
      );
    }
  });
  it('GraphQL writes through an outage: each one answered as written is there with its audit row, the others fail with SERVICE_UNAVAILABLE', async () => {
    const ds = t.db.dataSource;
    const prefix = `FAULT-${process.pid}-`;
    const { secret, apiKey: key } = await t.app.services.apiKey.create({ name: `fault writer ${process.pid}`, roles: [Role.EDITOR], areaCodes: ['520121'] }, CLI_ACTOR);
    const create = 'mutation($input: CreateServicePointInput!) { createServicePoint(input: $input) { id } }';
    const outcomes: { id: string; status: number; codes: string[]; ms: number; problem?: string }[] = [];
    let writing = true;
    const writer = (async () => {
      for (let k = 1; writing; k++) {
        const id = `${prefix}${String(k).padStart(4, '0')}`;
        const started = Date.now();
        try {
          const res = await postGraphQL<{ createServicePoint: { id: string } }>(baseUrl, create, {
            key: secret,
            variables: { input: { id, name: `故障测试 ${k}`, kind: 'TOWNSHIP_STATION', areaCode: '520121001', location: { longitude: 106.9612, latitude: 27.0613 } } },
          });
          const written = res.body.data?.createServicePoint?.id === id;
          outcomes.push({ id, status: res.status, codes: written ? [] : errorCodes(res), ms: Date.now() - started });
          if (!written) await sleep(10); // refused at once while down: do not spin
        } catch (err) {
          outcomes.push({ id, status: 0, codes: [], ms: Date.now() - started, problem: String(err) });
        }
      }
    })();
    try {
      await sleep(800);
      await proxy.stop();
      await sleep(DOWN_MS);
      await proxy.start();
      const back = outcomes.length;
      await until('writes succeed again', () => outcomes.slice(back).filter((o) => o.codes.length === 0 && o.status === 200).length >= 3, RECOVERY_BOUND_MS + 5000);
      writing = false;
      await writer;

      const written = outcomes.filter((o) => o.status === 200 && o.codes.length === 0);
      const failed = outcomes.filter((o) => !written.includes(o));
      report(`GraphQL writes: ${written.length} answered as written, ${failed.length} failed (${[...new Set(failed.map((f) => `${f.status} ${f.codes.join(',')}`))].join('; ')})`);
      expect(failed.length).toBeGreaterThan(0); // the outage was seen
      expect(written.length).toBeGreaterThan(3); // before and after it
      const unclean = failed.filter((f) => f.problem || ![200, 503].includes(f.status) || f.codes.length === 0 || f.codes.some((c) => c !== 'SERVICE_UNAVAILABLE') || f.ms > REQUEST_BOUND_MS);
      expect(unclean).toEqual([]);

      const points: { id: string }[] = await ds.query(`SELECT id FROM service_point WHERE id LIKE $1 ORDER BY id`, [`${prefix}%`]);
      const audits: { entity_key: string; n: number }[] = await ds.query(
        `SELECT entity_key, count(*)::int AS n FROM audit_log WHERE entity = 'service_point' AND entity_key LIKE $1 GROUP BY entity_key ORDER BY entity_key`,
        [`${prefix}%`],
      );
      const present = points.map((p) => p.id);
      // No committed write lost: everything answered as written is there.
      expect(written.map((w) => w.id).filter((id) => !present.includes(id))).toEqual([]);
      // Nothing half-written: every point that is there has exactly one audit row, and no audit row lacks its point.
      expect(audits).toEqual(present.map((id) => ({ entity_key: id, n: 1 })));
      // A failed write is absent, unless its commit went through and only the answer was lost (reported, allowed).
      const committedButFailed = failed.filter((f) => present.includes(f.id));
      if (committedButFailed.length) report(`writes committed whose answer was an error: ${committedButFailed.map((f) => f.id).join(', ')}`);
      expect(committedButFailed.length).toBeLessThanOrEqual(1);
    } finally {
      writing = false;
      await writer;
      await proxy.start();
      await until(
        'clean up the fault writes',
        () =>
          ds
            .query(`DELETE FROM audit_log WHERE actor_key_id = $1`, [key.id])
            .then(() => ds.query(`DELETE FROM service_point WHERE id LIKE $1`, [`${prefix}%`]))
            .then(() => ds.query(`DELETE FROM api_key WHERE id = $1`, [key.id]))
            .then(
              () => true,
              () => false,
            ),
        RECOVERY_BOUND_MS,
      );
    }
  });
});
