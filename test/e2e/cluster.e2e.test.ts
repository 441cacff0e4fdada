import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { createClient, type Client as WsClient } from 'graphql-ws';
import { Client } from 'pg';
import WebSocket from 'ws';
import { runNode } from '../helpers/run-process';
import { parseLogLines, ROOT, run, serverEnv, waitFor, type Started } from '../helpers/server-process';
import { testDatabaseKind } from '../helpers/test-env';

/**
 * Several processes (issue 17, item 1): `node dist/src/main.js` with WORKERS=2 against a fresh PostgreSQL database,
 * Redis for the rate limit. The primary migrates and seeds once and forks two workers sharing one port; the primary
 * hands connections to them round-robin, so every request here goes on a connection of its own and the worker that
 * served it is told by its X-Served-By header (the WebSocket upgrade's too). Shown: two pids serve; a subscription
 * held on one worker hears a write made through the other within 1 s; the rate-limit budget is one across both;
 * each worker's /metrics carries its pid label; a worker killed with SIGKILL is replaced while requests keep
 * succeeding; SIGTERM to the primary lets a request in flight finish, and the primary exits 0.
 */

const MAIN = path.join(ROOT, 'dist/src/main.js');
const AREA = '520121';
const VILLAGE = '520121001001';
const COVERAGE_CHANGED = `subscription { coverageChanged(areaCode: "${AREA}", itemCode: "CHRONIC_DISEASE_CERT", mode: WALK) { population provenance { dataVersion } } }`;
/** 1,001 cost points (500 nodes and the connection); RATE_LIMIT_COST_PER_MINUTE below pays for 9 of them. */
const COSTLY = '{ servicePoints(first: 500) { edges { node { id } } } }';
const BUDGET = 10_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `promise`, or 'timeout' after `ms` (the timer cleared either way, so that it keeps nothing running). */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

interface Answer {
  status: number;
  /** The pid in X-Served-By. */
  pid: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json<T = { data?: Record<string, unknown>; errors?: { extensions?: { code?: string } }[] }>(): T;
}

/** One HTTP request on a connection of its own (no keep-alive), so that the primary hands it to the next worker. */
function request(baseUrl: string, method: string, urlPath: string, options: { body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const req = http.request(
      `${baseUrl}${urlPath}`,
      { method, agent: false, headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...options.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, pid: Number(res.headers['x-served-by']), headers: res.headers, text, json: () => JSON.parse(text) });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${urlPath}: no answer within 30 s`)));
    req.end(body);
  });
}

const graphql = (baseUrl: string, query: string, key?: string) =>
  request(baseUrl, 'POST', '/graphql', { body: { query }, headers: key ? { authorization: `Bearer ${key}` } : {} });

/** Asks `urlPath` until worker `pid` answers (the primary alternates the workers; a few tries suffice). */
async function onWorker(baseUrl: string, pid: number, urlPath: string): Promise<Answer> {
  for (let i = 0; i < 20; i++) {
    const answer = await request(baseUrl, 'GET', urlPath);
    if (answer.pid === pid) return answer;
  }
  throw new Error(`worker ${pid} did not answer ${urlPath} in 20 tries`);
}

/** Distinct X-Served-By pids of `n` requests to /healthz. */
async function servingPids(baseUrl: string, n = 8): Promise<Set<number>> {
  const pids = new Set<number>();
  for (let i = 0; i < n; i++) pids.add((await request(baseUrl, 'GET', '/healthz')).pid);
  return pids;
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('several processes: WORKERS (e2e, compiled)', () => {
  const running: ChildProcess[] = [];

  beforeAll(async () => {
    const tsc = await runNode([require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME } });
    if (tsc.code !== 0) throw new Error(`tsc -p tsconfig.json failed (${tsc.code}):\n${tsc.stdout}${tsc.stderr}`);
  }, 180_000);

  afterAll(() => {
    // Only the primaries this file started, by pid (their workers follow them out: they exit when the primary is gone).
    for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  it('refuses WORKERS > 1 on the embedded database, and a WORKERS that is not a number, with exit code 78 and what to do', async () => {
    const embeddedEnv = (workers: string) => {
      const env = serverEnv({ WORKERS: workers, DATA_DIR: 'memory' });
      delete env.DATABASE_URL;
      return env;
    };
    const refused = run(process.execPath, [MAIN], embeddedEnv('2'));
    running.push(refused.child);
    expect(await refused.exited).toEqual({ code: 78, signal: null });
    expect(refused.stderr.join('\n')).toMatch(/WORKERS: 2 worker processes need a PostgreSQL server: set DATABASE_URL/);

    for (const bad of ['two', '0', '1.5', '65']) {
      const started = run(process.execPath, [MAIN], embeddedEnv(bad));
      running.push(started.child);
      expect(await started.exited).toEqual({ code: 78, signal: null });
      expect([bad, started.stderr.join('\n')]).toEqual([bad, expect.stringMatching(/^ {2}- WORKERS: must be/m)]);
    }
  }, 60_000);

  (testDatabaseKind() === 'server' ? describe : describe.skip)('WORKERS=2 on a PostgreSQL server (skipped on the embedded run: it refuses WORKERS > 1, one process holds that database)', () => {
    const databaseName = `service_circle_test_${process.pid}_cluster`;
    let databaseUrl: string;
    let admin: Client;
    let primary: Started;
    let baseUrl: string;
    let readyMs: number;
    let editorKey: string;
    let readerKey: string;
    const clients: WsClient[] = [];
    const state = () => `stdout:\n${primary.stdout.slice(-60).join('\n')}\nstderr:\n${primary.stderr.join('\n')}`;

    const createKey = async (name: string, roles: string) => {
      const created = await runNode([path.join(ROOT, 'dist/src/cli/api-key.js'), 'create', '--name', name, '--roles', roles, '--areas', AREA], {
        cwd: ROOT,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: databaseUrl, DATABASE_POOL_SIZE: '1', LOG_LEVEL: 'warn' },
      });
      const secret = /^(sc_[A-Za-z0-9_-]{43})$/m.exec(created.stdout)?.[1];
      if (created.code !== 0 || !secret) throw new Error(`api-key create failed (${created.code}): ${created.stdout}${created.stderr}`);
      return secret;
    };

    beforeAll(async () => {
      const adminUrl = process.env.DATABASE_URL!;
      admin = new Client({ connectionString: adminUrl });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${databaseName}`);
      const u = new URL(adminUrl);
      u.pathname = `/${databaseName}`;
      databaseUrl = u.toString();
      await admin.end();
      admin = new Client({ connectionString: databaseUrl });
      await admin.connect();

      const started = Date.now();
      primary = run(
        process.execPath,
        [MAIN],
        serverEnv({
          WORKERS: '2',
          DATABASE_URL: databaseUrl,
          // Migrated and seeded by the primary, once.
          MIGRATE_ON_START: 'true',
          SEED_ON_START: 'true',
          SEED_DATASETS: 'kaiyang',
          RATE_LIMIT_COST_PER_MINUTE: String(BUDGET),
          RATE_LIMIT_REDIS_URL: 'redis://127.0.0.1:6379',
          RATE_LIMIT_KEY_PREFIX: `service-circle-test-cluster:${process.pid}:${Date.now()}`,
        }),
      );
      running.push(primary.child);
      const url = await waitFor(
        '"Service Circle ready at …"',
        () => parseLogLines(primary.stdout).find((l) => l.msg?.startsWith('Service Circle ready at '))?.msg?.replace('Service Circle ready at ', ''),
        primary.exited,
        90_000,
        state,
      );
      readyMs = Date.now() - started;
      baseUrl = url.replace(/\/graphql$/, '');
      [editorKey, readerKey] = [await createKey('test cluster editor', 'editor,reader,planner'), await createKey('test cluster reader', 'reader')];
    }, 150_000);

    afterAll(async () => {
      await Promise.all(clients.map((c) => c.dispose()));
      if (primary && primary.child.exitCode === null && primary.child.signalCode === null) {
        primary.child.kill('SIGTERM');
        await within(primary.exited, 30_000);
      }
      await admin?.end();
      if (process.env.KEEP_TEST_DATABASE !== 'true') {
        const drop = new Client({ connectionString: process.env.DATABASE_URL });
        await drop.connect();
        await drop.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`).finally(() => drop.end());
      }
    }, 60_000);

    it('migrates and seeds once, in the primary; two worker processes with distinct pids serve, each saying so in /healthz and /readyz', async () => {
      const lines = parseLogLines(primary.stdout);
      const primaryPid = primary.child.pid!;
      const prepared = lines.filter((l) => ['migrations applied', 'database schema is up to date', 'seeding'].includes(l.msg ?? ''));
      expect(prepared.map((l) => [l.msg, l.pid])).toEqual([
        ['migrations applied', primaryPid],
        ['seeding', primaryPid],
      ]);
      const ready = lines.find((l) => l.msg?.startsWith('Service Circle ready at '))!;
      expect(ready.pid).toBe(primaryPid);
      const workers = ready.workers as { worker: number; pid: number }[];
      expect(workers.map((w) => w.worker)).toEqual([1, 2]);

      const pids = await servingPids(baseUrl);
      expect([...pids].sort()).toEqual(workers.map((w) => w.pid).sort());
      expect(pids.has(primaryPid)).toBe(false); // the primary serves nothing itself
      for (const { worker, pid } of workers) {
        const health = await onWorker(baseUrl, pid, '/healthz');
        expect(health.json()).toEqual({ status: 'ok', pid, worker });
        const readiness = await onWorker(baseUrl, pid, '/readyz');
        expect([readiness.status, readiness.json()]).toEqual([200, expect.objectContaining({ status: 'ready', pid, worker })]);
      }
      const memory = workers.map(({ pid }) => {
        const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
        return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]) / 1024);
      });
      console.info(`cluster: ready ${readyMs} ms after the start (fresh database: migrations, Kaiyang seed, 2 workers); workers' RSS ${memory.join(' and ')} MB`);
    });

    it('a subscription held on one worker receives a write made through the other within 1 s', async () => {
      // One graphql-ws connection (and subscription) on each worker: connect until both are held.
      const held = new Map<number, { events: { coverageChanged: { population: number; provenance: { dataVersion: string } } }[]; error: unknown }>();
      for (let i = 0; i < 10 && held.size < 2; i++) {
        let servedBy = 0;
        const Tracking = class extends WebSocket {
          constructor(address: string, protocols?: string | string[]) {
            super(address, protocols);
            this.on('upgrade', (res: http.IncomingMessage) => (servedBy = Number(res.headers['x-served-by'])));
          }
        };
        const client = createClient({ url: `${baseUrl.replace(/^http/, 'ws')}/graphql`, webSocketImpl: Tracking, connectionParams: { authorization: `Bearer ${editorKey}` }, retryAttempts: 0, lazy: false });
        clients.push(client);
        await new Promise<void>((resolve, reject) => {
          const offConnected = client.on('connected', () => resolve());
          client.on('error', reject);
          setTimeout(() => {
            offConnected();
            reject(new Error('no graphql-ws connection within 5 s'));
          }, 5000);
        });
        expect(servedBy).toBeGreaterThan(0);
        if (held.has(servedBy)) {
          await client.dispose();
          continue;
        }
        const sub: { events: { coverageChanged: { population: number; provenance: { dataVersion: string } } }[]; error: unknown } = { events: [], error: null };
        client.subscribe<{ coverageChanged: { population: number; provenance: { dataVersion: string } } }>(
          { query: COVERAGE_CHANGED },
          { next: (v) => (v.errors ? (sub.error = v.errors) : sub.events.push(v.data!)), error: (e) => (sub.error = e), complete: () => undefined },
        );
        held.set(servedBy, sub);
      }
      expect(held.size).toBe(2);
      // Each worker holds its subscription (graphql_ws_subscriptions, labelled with its pid) and has begun reading
      // its starting figures (the first coverage these fresh workers compute: a coverage cache miss), so the
      // subscription is registered for the engine's next step.
      for (const pid of held.keys()) {
        for (const until = Date.now() + 5000; ; ) {
          const metrics = (await onWorker(baseUrl, pid, '/metrics')).text;
          const subscribed = new RegExp(`^graphql_ws_subscriptions\\{pid="${pid}"\\} 1$`, 'm').test(metrics);
          const started = Number(new RegExp(`^coverage_cache_misses_total\\{pid="${pid}"\\} (\\d+)$`, 'm').exec(metrics)?.[1] ?? 0) >= 1;
          if (subscribed && started) break;
          if (Date.now() > until) throw new Error(`worker ${pid}'s subscription has not started:\n${metrics.split('\n').filter((l) => /^(graphql_ws|coverage_cache)/.test(l)).join('\n')}`);
          await sleep(50);
        }
      }

      // The write: a village's population, through whichever worker takes it.
      const { data } = (await graphql(baseUrl, `{ village(code: "${VILLAGE}") { code name longitude latitude population } }`)).json<{
        data: { village: { code: string; name: string; longitude: number; latitude: number; population: number } };
      }>();
      const v = data.village;
      const upsert = (population: number) =>
        graphql(
          baseUrl,
          `mutation { upsertVillages(villages: [{ code: "${v.code}", name: ${JSON.stringify(v.name)}, location: { longitude: ${v.longitude}, latitude: ${v.latitude} }, population: ${population} }]) { updated rejected } }`,
          editorKey,
        );
      const written = await upsert(v.population + 11);
      const writtenAt = Date.now();
      expect([written.status, written.json()]).toEqual([200, { data: { upsertVillages: { updated: 1, rejected: 0 } } }]);
      const writer = written.pid;
      const other = [...held.keys()].find((pid) => pid !== writer)!;
      expect(held.has(writer) && other).toBeTruthy();

      const arrived = new Map<number, number>();
      while (arrived.size < 2 && Date.now() - writtenAt < 1000) {
        for (const [pid, sub] of held) if (sub.events.length > 0 && !arrived.has(pid)) arrived.set(pid, Date.now() - writtenAt);
        await sleep(5);
      }
      for (const sub of held.values()) expect(sub.error).toBeNull();
      console.info(`cluster: the write through worker ${writer} reached the subscription on worker ${other} in ≤ ${arrived.get(other)} ms (on the writer's own: ≤ ${arrived.get(writer)} ms)`);
      expect(arrived.get(other)).toBeLessThan(1000);
      expect(held.get(other)!.events[0]!.coverageChanged.population).toBe(held.get(writer)!.events[0]!.coverageChanged.population);

      const restored = await upsert(v.population);
      expect(restored.json()).toEqual({ data: { upsertVillages: { updated: 1, rejected: 0 } } });
      await Promise.all(clients.splice(0).map((c) => c.dispose()));
    });

    it('shares the rate limit: the budget spent on both workers runs out for both, with 429 RATE_LIMITED on either', async () => {
      const answers: { pid: number; status: number; remaining: number; code: string | undefined }[] = [];
      for (let i = 0; i < 40; i++) {
        const a = await graphql(baseUrl, COSTLY, readerKey);
        answers.push({ pid: a.pid, status: a.status, remaining: Number(a.headers['ratelimit-remaining']), code: a.json().errors?.[0]?.extensions?.code });
        const refusedBy = new Set(answers.filter((x) => x.status === 429).map((x) => x.pid));
        if (refusedBy.size === 2) break;
      }
      const served = answers.filter((a) => a.status === 200);
      const refused = answers.filter((a) => a.status === 429);
      // One budget: 9 queries of 1,001 points in 10,000 (two budgets in memory would have taken 18).
      expect(served.length).toBe(Math.floor(BUDGET / 1001));
      expect(new Set(served.map((a) => a.pid)).size).toBe(2);
      // Each answer's remaining budget is below the one before, whichever worker gave it.
      expect(served.map((a) => a.remaining)).toEqual(served.map((_, i) => BUDGET - 1001 * (i + 1)));
      expect(new Set(refused.map((a) => a.pid)).size).toBe(2);
      expect(refused.every((a) => a.code === 'RATE_LIMITED')).toBe(true);
      expect(answers.slice(served.length).every((a) => a.status === 429)).toBe(true);
    });

    it("each worker's /metrics labels every series with its pid", async () => {
      for (const pid of await servingPids(baseUrl)) {
        const text = (await onWorker(baseUrl, pid, '/metrics')).text;
        const samples = text.split('\n').filter((l) => l && !l.startsWith('#'));
        expect(samples.length).toBeGreaterThan(50);
        expect(samples.filter((l) => !l.includes(`pid="${pid}"`))).toEqual([]);
        expect(text).toMatch(new RegExp(`^http_requests_total\\{[^}]*route="/healthz"[^}]*pid="${pid}"[^}]*\\} \\d+$`, 'm'));
        expect(text).toMatch(new RegExp(`^process_resident_memory_bytes\\{pid="${pid}"\\} \\d+$`, 'm'));
      }
    });

    it('GET /metrics?workers=all on either worker gives every worker\'s series, each with its pid, as one valid exposition', async () => {
      const pids = [...(await servingPids(baseUrl))];
      const all = await request(baseUrl, 'GET', '/metrics?workers=all');
      expect(all.status).toBe(200);
      expect(all.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      for (const pid of pids) expect(all.text).toMatch(new RegExp(`^process_resident_memory_bytes\\{pid="${pid}"\\} \\d+$`, 'm'));
      // One HELP and TYPE per family (the workers' series merged under it), as Prometheus requires.
      const types = all.text.split('\n').filter((l) => l.startsWith('# TYPE '));
      expect(types.length).toBe(new Set(types.map((l) => l.split(' ')[2])).size);
      const samples = all.text.split('\n').filter((l) => l && !l.startsWith('#'));
      expect(samples.filter((l) => !pids.some((pid) => l.includes(`pid="${pid}"`)))).toEqual([]);
    });

    it('a worker killed with SIGKILL is replaced (a new pid serves) and requests keep succeeding', async () => {
      const before = await servingPids(baseUrl);
      const [victim, survivor] = [...before];
      const area = () => graphql(baseUrl, `{ area(code: "${AREA}") { name } }`);
      const killedAt = Date.now();
      process.kill(victim!, 'SIGKILL');
      // Sent at once, before the primary knows: one may be handed to the dead worker. It is cut at once (the primary
      // closes what the dead worker never took), never left hanging; the others are answered.
      const window = await Promise.all(
        [1, 2, 3, 4].map(async () => {
          const sent = Date.now();
          const outcome = await area().then(
            (a) => `${a.status}`,
            (err: Error) => (/ECONNRESET|socket hang up|EPIPE/.test(err.message) ? 'cut' : err.message),
          );
          return { outcome, ms: Date.now() - sent };
        }),
      );
      expect(window.filter((w) => w.outcome !== '200' && w.outcome !== 'cut')).toEqual([]);
      expect(Math.max(...window.map((w) => w.ms))).toBeLessThan(2000);

      const restart = await waitFor(
        'the primary to log the exit',
        () => parseLogLines(primary.stdout).find((l) => l.workerPid === victim && l.msg?.includes('exited unexpectedly')),
        primary.exited,
        5000,
        state,
      );
      expect(restart).toMatchObject({ pid: primary.child.pid, signal: 'SIGKILL', code: null, restartInMs: 250, level: 50 });
      const answers: { status: number; pid: number }[] = [];
      let replacement: number | undefined;
      while (Date.now() - killedAt < 20_000) {
        const a = await area();
        answers.push({ status: a.status, pid: a.pid });
        if (a.pid !== victim && a.pid !== survivor && a.status === 200) replacement = a.pid;
        if (replacement && answers.filter((x) => x.pid === replacement).length >= 3) break;
        await sleep(20);
      }
      const replacedMs = Date.now() - killedAt;
      expect(replacement).toBeDefined();
      expect(processExists(victim!)).toBe(false);
      expect(answers.filter((a) => a.status !== 200)).toEqual([]);
      expect(new Set(answers.map((a) => a.pid))).toEqual(new Set([survivor, replacement]));
      const health = (await onWorker(baseUrl, replacement!, '/healthz')).json<{ worker: number }>();
      expect(health.worker).toBe(restart.worker); // the replacement keeps the number
      console.info(
        `cluster: worker ${victim} killed; sent at once: ${window.map((w) => `${w.outcome} in ${w.ms} ms`).join(', ')}; ` +
          `then ${answers.length} requests, all 200; the replacement ${replacement} served ${replacedMs} ms after the kill`,
      );
    }, 40_000);

    it('SIGTERM to the primary: a request in flight completes, every worker drains, the primary exits 0', async () => {
      const workers = [...(await servingPids(baseUrl))];
      expect(workers).toHaveLength(2);
      // A read that waits on a lock this test holds: in flight for as long as the test wants.
      const lock = new Client({ connectionString: databaseUrl });
      await lock.connect();
      await lock.query('BEGIN');
      await lock.query('LOCK TABLE area IN ACCESS EXCLUSIVE MODE');
      const slow = graphql(baseUrl, `{ slowOne: area(code: "${AREA}001") { name } }`);
      try {
        for (const until = Date.now() + 5000; ; ) {
          const { rows } = await admin.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE '%area%'`);
          if (rows[0].n > 0) break;
          if (Date.now() > until) throw new Error('the slow request never reached the database');
          await sleep(20);
        }
        const signalledAt = Date.now();
        primary.child.kill('SIGTERM');
        await sleep(700);
        // Draining: the request is still waiting, the primary still up, and new connections are no longer taken.
        expect(primary.child.exitCode).toBeNull();
        await expect(request(baseUrl, 'GET', '/healthz')).rejects.toThrow(/ECONNREFUSED|ECONNRESET|socket hang up/);
        await lock.query('ROLLBACK');
        const answer = await slow;
        expect([answer.status, answer.json()]).toEqual([200, { data: { slowOne: { name: '硒城街道' } } }]);
        const exit = await primary.exited;
        expect(exit).toEqual({ code: 0, signal: null });
        console.info(`cluster: SIGTERM; the request in flight answered 200 after the lock was released; the primary exited 0 ${Date.now() - signalledAt} ms after the signal`);
      } finally {
        await lock.end().catch(() => undefined);
      }
      for (const pid of workers) expect(processExists(pid)).toBe(false);
      const lines = parseLogLines(primary.stdout);
      const stopped = lines.filter((l) => l.msg === 'stopped').map((l) => l.pid);
      expect(stopped.sort()).toEqual([...workers, primary.child.pid].sort());
      expect(primary.stderr).toEqual([]);
      // No errors but the kill of the test before.
      expect(lines.filter((l) => (l.level ?? 0) >= 50 && !String(l.msg).includes('exited unexpectedly'))).toEqual([]);
    }, 60_000);

    it('fails the start (exit 1, no restart loop) when the workers cannot listen', async () => {
      const taken = net.createServer();
      await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
      const port = (taken.address() as net.AddressInfo).port;
      try {
        const started = run(process.execPath, [MAIN], serverEnv({ WORKERS: '2', PORT: String(port), RATE_LIMIT_COST_PER_MINUTE: '0' }));
        running.push(started.child);
        const exit = await within(started.exited, 30_000);
        expect(exit).toEqual({ code: 1, signal: null });
        const lines = parseLogLines(started.stdout);
        expect(lines.some((l) => l.msg?.includes('exited during start'))).toBe(true);
        expect(lines.some((l) => l.msg?.includes('starting a new one'))).toBe(false);
      } finally {
        taken.close();
      }
    }, 40_000);
  });
});
