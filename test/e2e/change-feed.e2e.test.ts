import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Client } from 'pg';
import { LISTENER_APPLICATION_NAME } from '../../src/db/change-listener';
import { CLI_ACTOR } from '../../src/write/actor';
import { Role } from '../../src/common/role.enum';
import { postGraphQL } from '../helpers/graphql-http';
import { parseLogLines, ROOT, run, serverEnv, waitFor, type Started } from '../helpers/server-process';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { testDatabaseKind, testDatabaseUrl } from '../helpers/test-env';

/**
 * The change feed across processes (coverage core issue, item 5): two real server processes on one PostgreSQL
 * database. A write through one reaches the other's engine by NOTIFY within 1 s, without a request to it (its
 * /readyz shows the engine's version, and reading it does not make the engine catch up), and its coverage answers
 * reflect the write; again after the listener's connection has been killed. On the embedded database (one process)
 * the feed is in-process: a write by any connection reaches the engine the same way.
 */

const COVERAGE = '{ coverage(areaCode: "520121", itemCode: "CHRONIC_DISEASE_CERT", mode: WALK) { coveredVillageCount provenance { dataVersion } } }';
type CoverageAnswer = { coverage: { coveredVillageCount: number; provenance: { dataVersion: string } } };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` every 10 ms until it is true; the milliseconds it took, or throws after `timeoutMs`. */
async function within(timeoutMs: number, what: string, probe: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await probe()) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await sleep(10);
  }
}

async function engineVersion(baseUrl: string): Promise<bigint> {
  const body = (await (await fetch(`${baseUrl}/readyz`)).json()) as { coverageEngine: { dataVersion: string | null } };
  return BigInt(body.coverageEngine.dataVersion ?? '0');
}

(testDatabaseKind() === 'server' ? describe : describe.skip)('change feed across two server processes (PostgreSQL server)', () => {
  const children: ChildProcess[] = [];
  let t: TestApp;
  let admin: Client;
  let editor: string;
  const servers: { url: string; started: Started }[] = [];

  const start = async (): Promise<{ url: string; started: Started }> => {
    // The TypeScript sources through @swc/core (scripts/register-ts.cjs): a real process, without a build first.
    const started = run(process.execPath, ['--require', path.join(ROOT, 'scripts/register-ts.cjs'), path.join(ROOT, 'src/main.ts')], serverEnv({ NODE_ENV: 'test', RATE_LIMIT_COST_PER_MINUTE: '0' }));
    children.push(started.child);
    const graphqlUrl = await waitFor(
      '"Service Circle ready at …"',
      () => parseLogLines(started.stdout).find((l) => l.msg?.startsWith('Service Circle ready at '))?.msg?.replace('Service Circle ready at ', ''),
      started.exited,
      60_000,
      () => `stdout:\n${started.stdout.join('\n')}\nstderr:\n${started.stderr.join('\n')}`,
    );
    return { url: graphqlUrl.replace(/\/graphql$/, ''), started };
  };

  beforeAll(async () => {
    t = await createTestApp();
    editor = (await t.app.services.apiKey.create({ name: 'test feed editor', roles: [Role.EDITOR, Role.READER, Role.PLANNER], areaCodes: ['520121'] }, CLI_ACTOR)).secret;
    admin = new Client({ connectionString: testDatabaseUrl() });
    await admin.connect();
    servers.push(...(await Promise.all([start(), start()])));
  }, 120_000);

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await Promise.all(servers.map((s) => s.started.exited));
    await admin?.end();
    await t?.close();
  });

  it('a write through one process is in the other within 1 s, and again after its listener connection was killed', async () => {
    const [a, b] = [servers[0]!, servers[1]!];
    // Both engines loaded (the first coverage answer loads them).
    const before = await postGraphQL<CoverageAnswer>(b.url, COVERAGE);
    expect(before.body.errors).toBeUndefined();
    await postGraphQL(a.url, COVERAGE);
    const [{ id }] = (await admin.query(
      `SELECT sp.id FROM service_point sp JOIN service_point_item i ON i.service_point_id = sp.id AND i.item_code = 'CHRONIC_DISEASE_CERT'
       WHERE sp.status = 'ACTIVE' AND sp.kind = 'TOWNSHIP_STATION' AND sp.area_code LIKE '520121%' ORDER BY sp.id LIMIT 1`,
    )).rows as { id: string }[];

    const writeThroughA = async (mutation: string) => {
      const r = await postGraphQL(a.url, mutation, { key: editor });
      expect(r.body.errors).toBeUndefined();
      const { rows } = await admin.query<{ v: string }>('SELECT version::text AS v FROM data_version');
      return BigInt(rows[0]!.v);
    };

    try {
      // 1. Close a township station through A; B hears of it by NOTIFY.
      const closedAt = await writeThroughA(`mutation { closeServicePoint(id: "${id}") { id status } }`);
      const first = await within(1000, `B's engine at version ${closedAt}`, async () => (await engineVersion(b.url)) >= closedAt);
      const closed = await postGraphQL<CoverageAnswer>(b.url, COVERAGE);
      expect(BigInt(closed.body.data!.coverage.provenance.dataVersion)).toBeGreaterThanOrEqual(closedAt);
      expect(closed.body.data!.coverage.coveredVillageCount).toBeLessThanOrEqual(before.body.data!.coverage.coveredVillageCount);

      // 2. Kill every listener session (as a failover or an idle-session killer would), then write again.
      const killed = await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()`, [
        LISTENER_APPLICATION_NAME,
      ]);
      expect(killed.rowCount).toBeGreaterThanOrEqual(2); // both processes (and this test's own app)
      const reopenedAt = await writeThroughA(`mutation { updateServicePoint(id: "${id}", input: { status: ACTIVE }) { id status } }`);
      const second = await within(1000, `B's engine at version ${reopenedAt} after its listener was killed`, async () => (await engineVersion(b.url)) >= reopenedAt);
      const reopened = await postGraphQL<CoverageAnswer>(b.url, COVERAGE);
      expect(reopened.body.data!.coverage.coveredVillageCount).toBe(before.body.data!.coverage.coveredVillageCount);
      console.info(`change feed: B caught up ${first} ms after the write through A; ${second} ms after the next one, its listener connection killed`);

      // B patched its engine (no reload) and says so in its metrics.
      const metrics = await (await fetch(`${b.url}/metrics`)).text();
      expect(metrics).toMatch(/^coverage_engine_loads_total 1$/m);
      expect(Number(/^coverage_engine_patches_total (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(2);
    } finally {
      await admin.query(`UPDATE service_point SET status = 'ACTIVE' WHERE id = $1`, [id]);
    }
  }, 60_000);
});

(testDatabaseKind() === 'embedded' ? describe : describe.skip)('change feed on the embedded database (in-process)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('a write by any connection reaches the engine without a request, within 1 s', async () => {
    await t.execute(COVERAGE); // the engine loaded
    const before = BigInt(t.app.services.coverage.engineState.dataVersion!);
    await t.db.dataSource.query(`UPDATE village SET population = population + 1 WHERE code = '520121001001'`);
    try {
      const [{ v }] = (await t.db.dataSource.query('SELECT version::text AS v FROM data_version')) as { v: string }[];
      expect(BigInt(v!)).toBeGreaterThan(before);
      await within(1000, 'the engine at the new version', async () => BigInt(t.app.services.coverage.engineState.dataVersion!) >= BigInt(v!));
      expect(t.app.services.coverage.store.stats.loads).toBe(1);
    } finally {
      await t.db.dataSource.query(`UPDATE village SET population = population - 1 WHERE code = '520121001001'`);
    }
  });
});
