import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { Role } from '../../src/common/role.enum';
import { REPLICA_APPLICATION_NAME } from '../../src/db/data-source';
import { CLI_ACTOR } from '../../src/write/actor';
import { postGraphQL, type GraphQLHttpResult } from '../helpers/graphql-http';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { testDatabaseKind, testDatabaseUrl } from '../helpers/test-env';

/**
 * Read replicas (issue 17, item 2): a real hot standby of the CI cluster, made with `pg_basebackup -R -X stream` and
 * started with pg_ctl on a free port, behind the app with DATABASE_REPLICA_URLS (the run's test database on it). Shown:
 * reads served by the replica (X-Served-From, the metrics, its pg_stat_activity); with replay paused on the standby, a
 * write through the API, then a read carrying the write's version (X-Min-Data-Version) answered from the primary with
 * the new data while a read without one still comes from the replica, which serves again once replay resumes and it
 * has caught up; read-your-writes over many mutation-then-read rounds; the replica stopped: reads move to the primary,
 * never a 500, and come back to it once it is started again.
 *
 * The standby is a copy of the whole cluster (every database on it); it is stopped and its directory deleted in
 * afterAll, whatever happened. The cluster must accept replication connections from 127.0.0.1 (.ci/run sees to it).
 */

const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
const AREA = '520121';
const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function report(line: string): void {
  process.stdout.write(`[read-replicas] ${line}\n`);
}

/** As the postgres user when we are root (PostgreSQL refuses to run as root). */
function asPostgres(command: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  const root = process.getuid?.() === 0;
  return run(root ? 'runuser' : command, root ? ['-u', 'postgres', '--', command, ...args] : args, { timeout: 120_000 });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

(testDatabaseKind() === 'server' ? describe : describe.skip)('read replicas: DATABASE_REPLICA_URLS with a real hot standby (e2e; skipped on the embedded run: it cannot be replicated)', () => {
  let dir: string | null = null;
  let dataDir: string;
  let replicaPort: number;
  let replicaUrl: string;
  let t: TestApp;
  let baseUrl: string;
  let primary: Client;
  let editorKey: string;
  let point: { id: string; opening_hours: string | null };
  let replicaRunning = false;

  const standby = async () => {
    const c = new Client({ connectionString: replicaUrl });
    await c.connect();
    return c;
  };
  const onStandby = async <T>(sql: string): Promise<T[]> => {
    const c = await standby();
    try {
      return (await c.query(sql)).rows as T[];
    } finally {
      await c.end();
    }
  };
  const primaryVersion = async () => BigInt(((await primary.query('SELECT version::text AS v FROM data_version')).rows[0] as { v: string }).v);
  const standbyVersion = async () => BigInt((await onStandby<{ v: string }>('SELECT version::text AS v FROM data_version'))[0]!.v);
  const startReplica = async () => {
    await asPostgres(path.join(PG_BIN, 'pg_ctl'), ['-D', dataDir, '-l', path.join(dir!, 'replica.log'), '-w', '-t', '60', 'start']);
    replicaRunning = true;
  };
  const stopReplica = async () => {
    await asPostgres(path.join(PG_BIN, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
    replicaRunning = false;
  };

  const POINT_QUERY = 'query Hours($id: ID!) { servicePoint(id: $id) { id openingHours } }';
  const readHours = (headers: Record<string, string> = {}) =>
    postGraphQL<{ servicePoint: { id: string; openingHours: string | null } }>(baseUrl, POINT_QUERY, { variables: { id: point.id }, headers });
  const setHours = (hours: string) =>
    postGraphQL<{ updateServicePoint: { id: string; openingHours: string } }>(
      baseUrl,
      'mutation Set($id: ID!, $input: UpdateServicePointInput!) { updateServicePoint(id: $id, input: $input) { id openingHours } }',
      { key: editorKey, variables: { id: point.id, input: { openingHours: hours } } },
    );
  const servedFrom = (res: GraphQLHttpResult<unknown>) => res.headers.get('x-served-from');
  const metricsText = async () => (await fetch(`${baseUrl}/metrics`)).text();
  const metric = (text: string, series: string) => Number(new RegExp(`^${series.replace(/[{}"]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);

  beforeAll(async () => {
    primary = new Client({ connectionString: testDatabaseUrl() });
    await primary.connect();
    const rules = (await primary.query(`SELECT count(*)::int AS n FROM pg_hba_file_rules WHERE 'replication' = ANY(database) AND auth_method = 'trust' AND (address IS NULL OR address = '127.0.0.1')`)).rows as { n: number }[];
    if (rules[0]!.n === 0) {
      throw new Error("the cluster does not accept replication connections from 127.0.0.1: add 'host replication all 127.0.0.1/32 trust' to its pg_hba.conf and reload (.ci/run does)");
    }

    // The standby: a base backup of the whole cluster (-R: standby.signal and primary_conninfo), on a port of its own.
    const started = Date.now();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-replica-'));
    dataDir = path.join(dir, 'data');
    if (process.getuid?.() === 0) fs.chownSync(dir, ...(await postgresIds()));
    fs.chmodSync(dir, 0o700);
    const server = new URL(testDatabaseUrl());
    await asPostgres(path.join(PG_BIN, 'pg_basebackup'), ['-h', server.hostname, '-p', server.port || '5432', '-U', decodeURIComponent(server.username) || 'postgres', '-D', dataDir, '-R', '-X', 'stream', '-c', 'fast']);
    const backupMs = Date.now() - started;
    replicaPort = await freePort();
    // Debian keeps postgresql.conf and pg_hba.conf outside the data directory: the standby gets its own.
    fs.writeFileSync(
      path.join(dataDir, 'postgresql.conf'),
      [`port = ${replicaPort}`, `listen_addresses = '127.0.0.1'`, `unix_socket_directories = '${dir}'`, 'hot_standby = on', 'max_connections = 100', 'fsync = off', ''].join('\n'),
    );
    fs.writeFileSync(path.join(dataDir, 'pg_hba.conf'), 'local all all trust\nhost all all 127.0.0.1/32 trust\n');
    if (process.getuid?.() === 0) for (const f of ['postgresql.conf', 'pg_hba.conf']) fs.chownSync(path.join(dataDir, f), ...(await postgresIds()));
    const u = new URL(testDatabaseUrl());
    u.port = String(replicaPort);
    replicaUrl = u.toString();
    await startReplica();
    await until('the standby accepts connections and is in recovery', async () => (await onStandby<{ r: boolean }>('SELECT pg_is_in_recovery() AS r'))[0]!.r, 60_000);
    const target = await primaryVersion();
    await until('the standby to reach the primary\'s data version', async () => (await standbyVersion()) >= target, 30_000);
    report(`standby ready ${Date.now() - started} ms after the start (pg_basebackup -c fast: ${backupMs} ms), on port ${replicaPort}`);

    t = await createTestApp({ DATABASE_REPLICA_URLS: replicaUrl, DATABASE_REPLICA_CHECK_MS: '100', RESPONSE_CACHE: 'false' });
    baseUrl = (await t.app.listen(0, '127.0.0.1')).url;
    editorKey = (await t.app.services.apiKey.create({ name: `replica writer ${process.pid}`, roles: [Role.EDITOR], areaCodes: [AREA] }, CLI_ACTOR)).secret;
    point = (await primary.query(`SELECT id, opening_hours FROM service_point WHERE area_code LIKE $1 AND status = 'ACTIVE' ORDER BY id LIMIT 1`, [`${AREA}%`])).rows[0] as typeof point;
    // The key just made must be on the standby before anything is read there (keys are read from the primary anyway).
    const now = await primaryVersion();
    await until('the standby to catch up', async () => (await standbyVersion()) >= now, 30_000);
  }, 240_000);

  afterAll(async () => {
    // Whatever happened: the app closed, the point's hours back, the standby stopped and its directory gone.
    await t?.close().catch(() => undefined);
    if (point) await primary?.query('UPDATE service_point SET opening_hours = $2 WHERE id = $1', [point.id, point.opening_hours]).catch(() => undefined);
    await primary?.end().catch(() => undefined);
    if (dir) {
      if (replicaRunning || fs.existsSync(path.join(dataDir, 'postmaster.pid'))) await stopReplica().catch((err: unknown) => report(`stopping the standby: ${String(err)}`));
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('serves reads from the replica: X-Served-From, the metrics, and the standby sees the statements', async () => {
    const res = await readHours();
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data?.servicePoint.id).toBe(point.id);
    expect(servedFrom(res)).toBe('replica-1');
    expect(res.headers.get('x-data-version')).toMatch(/^\d+$/);

    const area = await postGraphQL<{ area: { name: string } }>(baseUrl, `{ area(code: "${AREA}") { name villageCount } }`);
    expect(servedFrom(area)).toBe('replica-1');
    expect(area.body.data?.area.name).toBeTruthy();

    // The HTTP routes too (OGC API - Features, tiles): GET requests read where GraphQL queries do.
    const ogc = await fetch(`${baseUrl}/ogc/collections/villages/items?limit=2`);
    expect([ogc.status, ogc.headers.get('x-served-from')]).toEqual([200, 'replica-1']);
    const tile = await fetch(`${baseUrl}/tiles/service-points/10/816/431.mvt`);
    expect([tile.status, tile.headers.get('x-served-from')]).toEqual([200, 'replica-1']);

    const sessions = await onStandby<{ n: number; queries: string[] }>(
      `SELECT count(*)::int AS n, array_agg(query) AS queries FROM pg_stat_activity WHERE application_name = '${REPLICA_APPLICATION_NAME}' AND datname = current_database()`,
    );
    expect(sessions[0]!.n).toBeGreaterThan(0);
    expect(sessions[0]!.queries.join('\n')).toMatch(/service_point|area|data_version/);
    const text = await metricsText();
    expect(metric(text, 'db_read_requests_total{database="replica-1"}')).toBeGreaterThanOrEqual(2);
    expect(metric(text, 'db_replica_up{replica="replica-1"}')).toBe(1);
  });

  it('bypasses a lagging replica for a read that carries a newer version, and uses it again once it has caught up', async () => {
    const before = await readHours();
    const old = before.body.data!.servicePoint.openingHours;
    await onStandby("SELECT pg_wal_replay_pause()");
    let paused = true;
    try {
      await until('replay to pause', async () => (await onStandby<{ s: string }>('SELECT pg_get_wal_replay_pause_state() AS s'))[0]!.s === 'paused', 10_000);
      const hours = `replica lag test ${Date.now()}`;
      const write = await setHours(hours);
      expect(write.body.errors).toBeUndefined();
      expect(servedFrom(write)).toBe('primary');
      const version = write.headers.get('x-data-version')!;
      expect(BigInt(version)).toBeGreaterThan(BigInt(before.headers.get('x-data-version')!));
      await sleep(150); // past DATABASE_REPLICA_CHECK_MS: the replica's version is read again, and found behind

      const fresh = await readHours({ 'x-min-data-version': version });
      expect([servedFrom(fresh), fresh.body.data?.servicePoint.openingHours]).toEqual(['primary', hours]);
      expect(BigInt(fresh.headers.get('x-data-version')!)).toBeGreaterThanOrEqual(BigInt(version));

      const stale = await readHours();
      expect([servedFrom(stale), stale.body.data?.servicePoint.openingHours]).toEqual(['replica-1', old]);
      expect(BigInt(stale.headers.get('x-data-version')!)).toBeLessThan(BigInt(version));
      expect(metric(await metricsText(), 'db_replica_fallbacks_total{reason="lag"}')).toBeGreaterThanOrEqual(1);

      const resumedAt = Date.now();
      await onStandby('SELECT pg_wal_replay_resume()');
      paused = false;
      const caughtUp = await until(
        'the replica to serve the read with the version again',
        async () => {
          const res = await readHours({ 'x-min-data-version': version });
          expect(res.body.data?.servicePoint.openingHours).toBe(hours); // never the old hours, whichever answers
          return servedFrom(res) === 'replica-1' ? res : undefined;
        },
        20_000,
      );
      report(`replica back in use ${Date.now() - resumedAt} ms after replay resumed (version ${caughtUp.headers.get('x-data-version')} ≥ ${version})`);
    } finally {
      if (paused) await onStandby('SELECT pg_wal_replay_resume()').catch(() => undefined);
    }
  });

  it('keeps read-your-writes: a mutation, then a read with its X-Data-Version, never shows the old data', async () => {
    const from: Record<string, number> = {};
    const lags: number[] = [];
    const watcher = await standby();
    for (let i = 0; i < 30; i++) {
      const hours = `read your writes ${i} ${Date.now()}`;
      const write = await setHours(hours);
      expect(write.body.errors).toBeUndefined();
      const version = write.headers.get('x-data-version')!;
      if (i % 5 === 4) {
        // How long the standby takes to replay the write (its data version reaching the write's), polled every ms.
        const written = Date.now();
        for (;;) {
          const v = BigInt(((await watcher.query('SELECT version::text AS v FROM data_version')).rows[0] as { v: string }).v);
          if (v >= BigInt(version)) break;
          await sleep(1);
        }
        lags.push(Date.now() - written);
      }
      if (i % 3 === 0) await sleep(20 + i * 3); // sometimes give the replica time to catch up
      const read = await readHours({ 'x-min-data-version': version });
      expect([i, read.status, read.body.errors, read.body.data?.servicePoint.openingHours]).toEqual([i, 200, undefined, hours]);
      expect(BigInt(read.headers.get('x-data-version')!)).toBeGreaterThanOrEqual(BigInt(version));
      const source = servedFrom(read) ?? 'none';
      from[source] = (from[source] ?? 0) + 1;
    }
    await watcher.end();
    report(`read-your-writes: 30 of 30 reads saw their write; served from ${JSON.stringify(from)}; the standby replayed a write ${Math.min(...lags)}–${Math.max(...lags)} ms after its answer`);
    // Which database answered depends on timing (the replica is used once its version, read at most every 100 ms here,
    // has reached the write's); that none answered with the old hours is the point.
    expect(Object.keys(from).every((f) => f === 'primary' || f === 'replica-1')).toBe(true);
  });

  it('moves reads to the primary when the replica stops (never a 500), and back once it answers again', async () => {
    await stopReplica();
    const answers: { status: number; from: string | null; errors: unknown }[] = [];
    const stoppedAt = Date.now();
    for (let i = 0; i < 10; i++) {
      const res = await readHours();
      answers.push({ status: res.status, from: servedFrom(res), errors: res.body.errors });
    }
    const area = await postGraphQL(baseUrl, `{ area(code: "${AREA}") { name } }`);
    answers.push({ status: area.status, from: servedFrom(area), errors: area.body.errors });
    report(`replica stopped: ${answers.length} reads in ${Date.now() - stoppedAt} ms, served from ${[...new Set(answers.map((a) => a.from))].join(' / ')}`);
    expect(answers.filter((a) => a.status !== 200 || a.errors !== undefined)).toEqual([]);
    expect(answers.slice(1).every((a) => a.from === 'primary')).toBe(true);
    const text = await metricsText();
    expect(metric(text, 'db_replica_up{replica="replica-1"}')).toBe(0);
    expect((await (await fetch(`${baseUrl}/readyz`)).json()) as { status: string; replicas: { up: boolean }[] }).toMatchObject({ status: 'ready', replicas: [{ name: 'replica-1', up: false }] });

    const restartedAt = Date.now();
    await startReplica();
    await until('reads served by the replica again', async () => servedFrom(await readHours()) === 'replica-1', 30_000);
    report(`replica serving again ${Date.now() - restartedAt} ms after pg_ctl start (probe backs off up to 5 s)`);
  }, 60_000);
});

/** The postgres user's uid and gid (the standby's files must be its own). */
async function postgresIds(): Promise<[number, number]> {
  const { stdout } = await run('id', ['-u', 'postgres']);
  const { stdout: g } = await run('id', ['-g', 'postgres']);
  return [Number(stdout.trim()), Number(g.trim())];
}
