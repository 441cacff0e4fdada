import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import autocannon from 'autocannon';

/**
 * `npm run loadtest`: a fixed-rate HTTP load test of the GraphQL API with the Sanming seed.
 *
 * Starts `node dist/src/main.js` (or targets LOADTEST_URL) with SEED_DATASETS=sanming: the embedded database in
 * a temporary DATA_DIR, or the PostgreSQL server of DATABASE_URL (migrated and seeded at start unless
 * MIGRATE_ON_START / SEED_ON_START say otherwise). It waits for /readyz, reads the area codes, items and
 * directory cursors it will use, warms up, then sends LOADTEST_RATE requests per second for LOADTEST_DURATION
 * seconds, a mix with arguments varied on every request:
 *   40 % directory pages   servicePoints(first: 50, after: <a real cursor>, filter: { areaCode })
 *   28 % area lookups      area(code) with parent and children, city / county / township
 *   28 % coverage          coverage(areaCode, itemCode, mode, minutes): headline figures (no polygon)
 *    4 % map views         the same with the coverage polygon (GeoJSON), county or township, mostly not cached
 * and prints p50/p95/p99/max latency, throughput, non-2xx, connection errors and GraphQL `errors` (every
 * response body is checked), then writes them to the "Load test" section of bench/RESULTS.md.
 *
 * Rate control: autocannon paces each connection per second (it sends its share back to back, then waits for
 * the next second), which turns a fixed rate into one burst per second. The load is therefore split over
 * LOADTEST_GROUPS autocannon instances started evenly across the first second, so the bursts are spread out.
 *
 * Environment: LOADTEST_URL (a running server; nothing is started), LOADTEST_RATE (300), LOADTEST_DURATION (30 s),
 * LOADTEST_WARMUP (5 s), LOADTEST_CONNECTIONS (30), LOADTEST_GROUPS (10), LOADTEST_SEED (1), LOADTEST_WRITE
 * (false: do not touch RESULTS.md), LOADTEST_NODE_ARGS (extra node flags for the server, e.g. "--cpu-prof
 * --cpu-prof-dir=/tmp/prof"), LOADTEST_CAPACITY (other rates to try), LOADTEST_CITY_POLYGONS (see below),
 * POLYGON_THREADS and RESPONSE_CACHE (passed to the server), DATABASE_URL (server database instead of the embedded one).
 *
 * With LOADTEST_WORKERS (e.g. "1,2", or `npm run loadtest:scale`) it runs a capacity search per number of server
 * processes instead (scaleMain below); without it, everything above is unchanged.
 */

const RATE = Number(process.env.LOADTEST_RATE ?? 300);
const DURATION_S = Number(process.env.LOADTEST_DURATION ?? 30);
const WARMUP_S = Number(process.env.LOADTEST_WARMUP ?? 5);
const CONNECTIONS = Number(process.env.LOADTEST_CONNECTIONS ?? 30);
const GROUPS = Math.max(1, Math.min(Number(process.env.LOADTEST_GROUPS ?? 10), CONNECTIONS, RATE));
const SEED = Number(process.env.LOADTEST_SEED ?? 1);
const WRITE_RESULTS = process.env.LOADTEST_WRITE !== 'false';
/**
 * With LOADTEST_CITY_POLYGONS=true, one more client asks for city-wide coverage polygons (Sanming, thousands of
 * circles, 0.1–0.3 s of CPU each, never the same twice) back to back during the run: how much the big polygons
 * hold up everyone else (compare POLYGON_THREADS=0 and 1).
 */
const CITY_POLYGONS = process.env.LOADTEST_CITY_POLYGONS === 'true';
/** Optional other rates to try after the main run (15 s each), e.g. "150,450,600": where the target holds and where it stops. */
const CAPACITY_STEPS = (process.env.LOADTEST_CAPACITY ?? '')
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const TARGET_P99_MS = 100;
const ROOT = path.resolve(__dirname, '../..');
const RESULTS_FILE = path.join(ROOT, 'bench/RESULTS.md');

// ---------------------------------------------------------------------------------------------------------
// The server

interface Server {
  url: string;
  pid: number | null;
  database: string;
  logErrors: () => string[];
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** postgres://user:secret@host:port/db → host:port/db (no credentials in output). */
function describeDatabaseUrl(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || 5432}${u.pathname}`;
}

/**
 * `extraEnv` (the scale runs below) adds server settings and `workers` makes it wait until that many processes
 * answer /readyz; without them the server starts exactly as `npm run loadtest` always started it.
 */
async function startServer(extraEnv: Record<string, string> = {}, workers = 1): Promise<Server> {
  const main = path.join(ROOT, 'dist/src/main.js');
  if (!fs.existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` (npm run loadtest does).`);
  const port = await freePort();
  const serverDb = process.env.DATABASE_URL;
  const dataDir = serverDb ? null : fs.mkdtempSync(path.join(os.tmpdir(), 'service-circle-loadtest-'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    SEED_DATASETS: 'sanming',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_COST_PER_MINUTE: '0', // the rate limiter would be measured instead of the API
    // Server settings a run may vary (compare one against the other in the same session).
    ...Object.fromEntries(['POLYGON_THREADS', 'RESPONSE_CACHE'].filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]!])),
    ...(serverDb
      ? {
          DATABASE_URL: serverDb,
          MIGRATE_ON_START: process.env.MIGRATE_ON_START ?? 'true',
          SEED_ON_START: process.env.SEED_ON_START ?? 'true',
          ...(process.env.DATABASE_POOL_SIZE ? { DATABASE_POOL_SIZE: process.env.DATABASE_POOL_SIZE } : {}),
        }
      : { DATA_DIR: dataDir! }),
    ...extraEnv,
  };
  const nodeArgs = (process.env.LOADTEST_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, main], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const errorLines: string[] = [];
  const output: string[] = [];
  for (const stream of [child.stdout!, child.stderr!]) {
    readline.createInterface({ input: stream }).on('line', (line) => {
      output.push(line);
      if (output.length > 200) output.shift();
      try {
        if ((JSON.parse(line) as { level?: number }).level! >= 50) errorLines.push(line);
      } catch {
        errorLines.push(line); // not a log line: a crash or a stray print
      }
    });
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let gone = false;
  void exited.then(() => (gone = true));

  const url = `http://127.0.0.1:${port}`;
  const started = Date.now();
  process.stdout.write(`starting the server (${serverDb ? `PostgreSQL at ${describeDatabaseUrl(serverDb)}` : `embedded database in ${dataDir}`}) … `);
  for (;;) {
    if (gone) throw new Error(`the server exited during start:\n${output.join('\n')}`);
    if (workers > 1) {
      // Each new connection goes to the next worker: ready once every worker has answered 200 (each loads its own engine).
      if ((await readyWorkers(port, workers)) >= workers) break;
    } else {
      try {
        if ((await fetch(`${url}/readyz`)).status === 200) break;
      } catch {
        // not listening yet
      }
    }
    if (Date.now() - started > 240_000) throw new Error(`the server was not ready within 240 s:\n${output.join('\n')}`);
    await sleep(500);
  }
  console.log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return {
    url,
    pid: child.pid ?? null,
    database: serverDb ? `PostgreSQL server + PostGIS (${describeDatabaseUrl(serverDb)})` : 'embedded PGlite + PostGIS (pglite-socket, one connection)',
    logErrors: () => errorLines,
    async stop() {
      if (!gone) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** CPU seconds (utime + stime) from a /proc stat line (Linux). */
function cpuSecondsOf(statPath: string): number {
  const stat = fs.readFileSync(statPath, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The whole process's CPU and its main (event-loop) thread's, whose thread id is the pid, and its resident memory; null off Linux. */
function processStats(pid: number | null): { cpuSeconds: number; mainThreadCpuSeconds: number; rssMb: number } | null {
  if (pid === null) return null;
  try {
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    return { cpuSeconds: cpuSecondsOf(`/proc/${pid}/stat`), mainThreadCpuSeconds: cpuSecondsOf(`/proc/${pid}/task/${pid}/stat`), rssMb: rssKb / 1024 };
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------------------
// What to ask

async function graphql<T>(url: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as { data?: T; errors?: { message: string }[] };
  if (!res.ok || body.errors || !body.data) throw new Error(`${query.slice(0, 60)}…: HTTP ${res.status} ${JSON.stringify(body.errors ?? body).slice(0, 300)}`);
  return body.data;
}

const DIRECTORY_QUERY = `query Directory($area: ID!, $after: String, $withTotal: Boolean!) {
  servicePoints(first: 50, after: $after, filter: { areaCode: $area }) {
    totalCount @include(if: $withTotal)
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id name kind status longitude latitude openingHours items { code } } }
  }
}`;

const AREA_QUERY = `query Area($code: ID!) {
  area(code: $code) {
    code name level villageCount population
    parent { code name }
    children { code name level villageCount population }
  }
}`;

const COVERAGE_QUERY = `query Coverage($area: ID!, $item: ID, $mode: TravelMode, $minutes: Float) {
  coverage(areaCode: $area, itemCode: $item, mode: $mode, minutes: $minutes) {
    villageCount coveredVillageCount population coveredPopulation coveredPopulationRatio coveredVillageRatio
    provenance { dataVersion computedAt radiusMeters }
  }
}`;

const MAP_QUERY = `query MapView($area: ID!, $item: ID, $mode: TravelMode, $minutes: Float) {
  coverage(areaCode: $area, itemCode: $item, mode: $mode, minutes: $minutes) {
    coveredPopulationRatio polygonAreaKm2 polygon
  }
}`;

type Kind = 'directory' | 'area' | 'coverage' | 'map';
const KINDS: Kind[] = ['directory', 'area', 'coverage', 'map'];
const MIX: [Kind, number][] = [
  ['directory', 0.4],
  ['area', 0.28],
  ['coverage', 0.28],
  ['map', 0.04],
];
const MODES = ['WALK', 'BICYCLE', 'EBIKE', 'CAR'];
const MINUTES = [10, 15, 20, 30];

interface Workload {
  pages: { area: string; after: string | null }[];
  areas: string[];
  coverageAreas: string[];
  mapAreas: string[];
  items: (string | null)[];
}

/** The real codes, items and cursors of the Sanming seed the requests draw from. */
async function discover(url: string): Promise<Workload> {
  const { area } = await graphql<{ area: { code: string; children: { code: string; children: { code: string }[] }[] } }>(
    url,
    '{ area(code: "3504") { code children { code children { code } } } }',
  );
  const counties = area.children.map((c) => c.code);
  const townships = area.children.flatMap((c) => c.children.map((t) => t.code));
  const { serviceItems } = await graphql<{ serviceItems: { code: string; delegationLevel: string }[] }>(url, '{ serviceItems { code delegationLevel } }');
  const byLevel = (level: string) => serviceItems.filter((i) => i.delegationLevel === level).map((i) => i.code);
  const items = [null, ...byLevel('VILLAGE').slice(0, 2), ...byLevel('TOWNSHIP').slice(0, 3), ...byLevel('COUNTY').slice(0, 2)];

  // Directory pages: every page of the city, of each county, and of a sample of townships, with real cursors.
  const pages: Workload['pages'] = [];
  const directoryAreas = ['3504', ...counties, ...townships.filter((_t, i) => i % 10 === 0)];
  for (const code of directoryAreas) {
    let after: string | null = null;
    for (;;) {
      pages.push({ area: code, after });
      const { servicePoints }: { servicePoints: { pageInfo: { hasNextPage: boolean; endCursor: string | null } } } = await graphql<{ servicePoints: { pageInfo: { hasNextPage: boolean; endCursor: string | null } } }>(url, DIRECTORY_QUERY, {
        area: code,
        after,
        withTotal: false,
      });
      if (!servicePoints.pageInfo.hasNextPage || !servicePoints.pageInfo.endCursor) break;
      after = servicePoints.pageInfo.endCursor;
    }
  }
  return {
    pages,
    areas: ['3504', ...counties, ...townships],
    coverageAreas: ['3504', ...counties, ...townships.filter((_t, i) => i % 5 === 0)],
    mapAreas: [...counties, ...townships.filter((_t, i) => i % 5 === 0)],
    items,
  };
}

/** A small seeded PRNG (mulberry32), so a run's request sequence can be repeated. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function requestMaker(w: Workload, seed: number) {
  const next = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)];
  const coverageBody = (query: string, operationName: string, areas: string[]) =>
    JSON.stringify({ query, operationName, variables: { area: pick(areas), item: pick(w.items), mode: pick(MODES), minutes: pick(MINUTES) } });
  return (): { kind: Kind; body: string } => {
    let r = next();
    const kind = MIX.find(([, share]) => (r -= share) < 0)?.[0] ?? 'directory';
    switch (kind) {
      case 'directory': {
        const page = pick(w.pages);
        return { kind, body: JSON.stringify({ query: DIRECTORY_QUERY, operationName: 'Directory', variables: { area: page.area, after: page.after, withTotal: page.after === null } }) };
      }
      case 'area':
        return { kind, body: JSON.stringify({ query: AREA_QUERY, operationName: 'Area', variables: { code: pick(w.areas) } }) };
      case 'map':
        return { kind, body: coverageBody(MAP_QUERY, 'MapView', w.mapAreas) };
      default:
        return { kind, body: coverageBody(COVERAGE_QUERY, 'Coverage', w.coverageAreas) };
    }
  };
}

/** The response cache's counters from /metrics, or null when it is off or /metrics is not served. */
async function responseCacheCounters(url: string): Promise<{ hits: number; misses: number } | null> {
  try {
    const res = await fetch(`${url}/metrics`);
    if (!res.ok) return null;
    const text = await res.text();
    const read = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
    const hits = read('graphql_response_cache_hits_total');
    const misses = read('graphql_response_cache_misses_total');
    return Number.isFinite(hits) && Number.isFinite(misses) ? { hits, misses } : null;
  } catch {
    return null;
  }
}

/** One client asking for distinct city-wide polygons back to back until stopped (LOADTEST_CITY_POLYGONS). */
function cityPolygonsAlongside(url: string, w: Workload): { stop(): Promise<{ count: number; medianMs: number; maxMs: number; errors: number }> } {
  let running = true;
  const times: number[] = [];
  let errors = 0;
  const loop = (async () => {
    for (let i = 0; running; i++) {
      const variables = { area: '3504', item: w.items[i % w.items.length], mode: MODES[Math.floor(i / w.items.length) % MODES.length], minutes: 5 + i * 0.25 };
      const started = performance.now();
      try {
        const res = await fetch(`${url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: MAP_QUERY, operationName: 'MapView', variables }),
        });
        const body = (await res.json()) as { errors?: unknown };
        if (!res.ok || body.errors) errors++;
      } catch {
        errors++;
      }
      times.push(performance.now() - started);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      const sorted = [...times].sort((a, b) => a - b);
      return { count: times.length, medianMs: percentile(sorted, 50), maxMs: sorted[sorted.length - 1] ?? 0, errors };
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// The run

interface Tally {
  latencies: number[];
  byKind: Record<Kind, number[]>;
  statuses: Map<number, number>;
  graphqlErrors: Map<string, number>;
  errorSamples: string[];
  connectionErrors: number;
  timeouts: number;
  sent: number;
}

const newTally = (): Tally => ({
  latencies: [],
  byKind: { directory: [], area: [], coverage: [], map: [] },
  statuses: new Map(),
  graphqlErrors: new Map(),
  errorSamples: [],
  connectionErrors: 0,
  timeouts: 0,
  sent: 0,
});

/** LOADTEST_GROUPS autocannon instances at RATE/GROUPS each, started 1/GROUPS s apart; all responses into `tally`. */
async function runLoad(
  url: string,
  seconds: number,
  tally: Tally,
  seed: number,
  make: (seed: number) => () => { kind: Kind; body: string },
  totalRate = RATE,
  totalConnections = CONNECTIONS,
  groups = GROUPS,
): Promise<number> {
  const started = Date.now();
  const instances: Promise<autocannon.Result>[] = [];
  for (let g = 0; g < groups; g++) {
    const rate = Math.floor(totalRate / groups) + (g < totalRate % groups ? 1 : 0);
    const connections = Math.max(1, Math.floor(totalConnections / groups) + (g < totalConnections % groups ? 1 : 0));
    const nextRequest = make(seed * 1000 + g);
    let lastKind: Kind = 'directory';
    let finished!: (result: autocannon.Result) => void;
    let failed!: (err: unknown) => void;
    instances.push(
      new Promise<autocannon.Result>((resolve, reject) => {
        finished = resolve;
        failed = reject;
      }),
    );
    const options: autocannon.Options = {
      url: `${url}/graphql`,
      connections,
      overallRate: rate,
      duration: seconds,
      timeout: 10,
      requests: [
        {
          setupRequest: (request, context) => {
            const { kind, body } = nextRequest();
            (context as { kind?: Kind }).kind = kind;
            return { ...request, method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json' }, body };
          },
          onResponse: (status, body, context) => {
            lastKind = (context as { kind?: Kind }).kind ?? 'directory';
            // Every body is checked for GraphQL errors; only those that have one are parsed.
            if (body.includes('"errors"')) {
              try {
                const parsed = JSON.parse(body) as { errors?: { message?: string; extensions?: { code?: string } }[] };
                for (const e of parsed.errors ?? []) {
                  const code = e.extensions?.code ?? '(no code)';
                  tally.graphqlErrors.set(code, (tally.graphqlErrors.get(code) ?? 0) + 1);
                  if (tally.errorSamples.length < 5) tally.errorSamples.push(`${lastKind} ${status} ${code}: ${e.message?.slice(0, 160)}`);
                }
              } catch {
                tally.graphqlErrors.set('(unparsable body)', (tally.graphqlErrors.get('(unparsable body)') ?? 0) + 1);
              }
            }
          },
        },
      ],
    };
    const instance = autocannon(options, (err: unknown, result: autocannon.Result) => (err ? failed(err) : finished(result)));
    // Emitted right after onResponse for the same connection, so lastKind is this response's kind.
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      tally.latencies.push(responseTime);
      tally.byKind[lastKind].push(responseTime);
      tally.statuses.set(statusCode, (tally.statuses.get(statusCode) ?? 0) + 1);
    });
    instance.on('reqError', () => undefined); // counted in the result's `errors`
    if (g < groups - 1) await sleep(1000 / groups);
  }
  for (const result of await Promise.all(instances)) {
    tally.connectionErrors += result.errors;
    tally.timeouts += result.timeouts;
    tally.sent += result.requests.sent;
  }
  return (Date.now() - started) / 1000;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '-');

function summary(label: string, latencies: number[]): string {
  const sorted = [...latencies].sort((a, b) => a - b);
  return `${label}: ${sorted.length} responses, p50 ${f1(percentile(sorted, 50))} ms, p95 ${f1(percentile(sorted, 95))} ms, p99 ${f1(percentile(sorted, 99))} ms, max ${f1(sorted[sorted.length - 1])} ms`;
}

// ---------------------------------------------------------------------------------------------------------
// RESULTS.md

const SECTION = '<!-- loadtest -->';

/** Result blocks, in the order RESULTS.md shows them: each database kind, and the variants a run may be. */
const BLOCKS = ['embedded', 'embedded-no-response-cache', 'server', 'server-no-response-cache', 'server-city-polygons-0', 'server-city-polygons-1', 'embedded-city-polygons-0', 'embedded-city-polygons-1', 'external'];
const NO_RESPONSE_CACHE = process.env.RESPONSE_CACHE === 'false';

/** Replaces this run's block inside the "Load test" section (created at the end if missing); the rest of the file stays. */
function writeResults(kind: string, block: string[]): void {
  const file = fs.existsSync(RESULTS_FILE) ? fs.readFileSync(RESULTS_FILE, 'utf8') : '';
  const first = file.indexOf(SECTION);
  const second = first >= 0 ? file.indexOf(SECTION, first + SECTION.length) : -1;
  let before = file;
  let section = '';
  let after = '';
  if (first >= 0 && second > first) {
    before = file.slice(0, first);
    section = file.slice(first + SECTION.length, second);
    after = file.slice(second + SECTION.length);
  }
  const marker = `<!-- loadtest:${kind} -->`;
  const blocks = new Map<string, string>();
  for (const k of BLOCKS) {
    const m = `<!-- loadtest:${k} -->`;
    const a = section.indexOf(m);
    const b = a >= 0 ? section.indexOf(m, a + m.length) : -1;
    if (a >= 0 && b > a) blocks.set(k, section.slice(a, b + m.length));
  }
  blocks.set(kind, `${marker}\n${block.join('\n')}\n${marker}`);
  const header = [
    '## Load test (`npm run loadtest`)',
    '',
    `Fixed rate of ${RATE} requests/s against \`node dist/src/main.js\` with the Sanming seed: 40 % directory pages`,
    '(`servicePoints(first: 50, after, filter: { areaCode })`, real cursors), 28 % `area(code)` lookups with parent and',
    'children, 28 % `coverage(areaCode, itemCode, mode, minutes)` headline figures, 4 % map views (the same with the',
    'coverage `polygon` of a county or township, mostly computed afresh); arguments vary on every request.',
    'Server defaults unless a heading says otherwise (response cache on; the baselines turn it off with RESPONSE_CACHE=false).',
    `Target: 0 errors and p99 < ${TARGET_P99_MS} ms at 300 requests/s. Latency is measured by autocannon from the request's`,
    'write to the end of its response, on the same machine as the server.',
  ].join('\n');
  const body = BLOCKS.filter((k) => blocks.has(k)).map((k) => blocks.get(k)!);
  const newSection = `${SECTION}\n${header}\n\n${body.join('\n\n')}\n${SECTION}`;
  const text = first >= 0 && second > first ? `${before}${newSection}${after}` : `${before.replace(/\n*$/, '\n\n')}${newSection}\n`;
  fs.writeFileSync(RESULTS_FILE, text);
}

// ---------------------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------------------
// One process and several: `LOADTEST_WORKERS=1,2 DATABASE_URL=… npm run loadtest` (or `npm run loadtest:scale`)

/**
 * For each entry of LOADTEST_WORKERS (e.g. "1,2"; `npm run loadtest:scale` means "1,2"), in order: start the server
 * on DATABASE_URL with WORKERS=n, warm up, find the highest rate at which p99 stays under TARGET_P99_MS with no error
 * (capacitySearch), record CPU and RSS of every process, stop it; then the next. With LOADTEST_REPLICA_URL a last
 * configuration runs WORKERS=2 with DATABASE_REPLICA_URLS=$LOADTEST_REPLICA_URL (reads on the replica). Same query mix,
 * same database, same seeds (each step's seed is derived from its rate), and in every configuration the rate limiter
 * shares its budget through Redis (RATE_LIMIT_REDIS_URL, default redis://127.0.0.1:6379) with a budget far above what
 * the load spends (RATE_LIMIT_COST_PER_MINUTE 100,000,000, a fresh key prefix per configuration), so the workers are
 * measured with the limiter they would really run with, and the single process pays the same Redis round trip.
 *
 * Environment: LOADTEST_STEP_DURATION (10 s per step), LOADTEST_SCALE_START (200 req/s: the first step),
 * LOADTEST_SCALE_FACTOR (1.5: the ramp), LOADTEST_SCALE_BISECT (3 bisection steps after the first failure),
 * LOADTEST_SCALE_MAX (6000 req/s), LOADTEST_SCALE_CONFIRM (true: a rate that fails is tried once more with other
 * requests, the second try decides), LOADTEST_WARMUP (30 s at the first step's rate); LOADTEST_CONNECTIONS and
 * LOADTEST_GROUPS default to 64 and 16 here (autocannon paces each connection per second, so at 1,500 req/s a
 * connection of 30 would have to finish 50 requests a second back to back).
 */
const SCALE_WORKERS = (process.env.LOADTEST_WORKERS ?? (process.argv.includes('--scale') ? '1,2' : ''))
  .split(',')
  .map((w) => Number(w.trim()))
  .filter((n) => Number.isInteger(n) && n >= 1);
const REPLICA_URL = process.env.LOADTEST_REPLICA_URL?.trim() || null;
const STEP_S = Number(process.env.LOADTEST_STEP_DURATION ?? 10);
const SCALE_START = Number(process.env.LOADTEST_SCALE_START ?? 200);
const SCALE_FACTOR = Number(process.env.LOADTEST_SCALE_FACTOR ?? 1.5);
const SCALE_BISECT = Number(process.env.LOADTEST_SCALE_BISECT ?? 3);
const SCALE_MAX = Number(process.env.LOADTEST_SCALE_MAX ?? 6000);
const SCALE_CONFIRM = process.env.LOADTEST_SCALE_CONFIRM !== 'false';
/** Longer than the plain run's: every worker builds its own accessibility fields and fills its own cache. */
const SCALE_WARMUP_S = Number(process.env.LOADTEST_WARMUP ?? 30);
const SCALE_CONNECTIONS = Number(process.env.LOADTEST_CONNECTIONS ?? 64);
const SCALE_GROUPS = Math.max(1, Math.min(Number(process.env.LOADTEST_GROUPS ?? 16), SCALE_CONNECTIONS));
const SCALE_REDIS_URL = process.env.RATE_LIMIT_REDIS_URL ?? 'redis://127.0.0.1:6379';
const SCALE_BUDGET = 100_000_000;

/** How many distinct worker pids answered /readyz with 200, each probe on a new connection (the primary hands them out in turn). */
async function readyWorkers(port: number, workers: number): Promise<number> {
  const ready = new Set<string>();
  for (let i = 0; i < workers * 3 && ready.size < workers; i++) {
    const answer = await new Promise<{ status: number; pid: string } | null>((resolve) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/readyz', agent: false, timeout: 30_000 }, (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, pid: String(res.headers['x-served-by'] ?? '') });
      });
      req.on('error', () => resolve(null));
      req.on('timeout', () => req.destroy());
    });
    if (answer?.status === 200 && answer.pid) ready.add(answer.pid);
  }
  return ready.size;
}

/** `pid` and all its descendants (the cluster's primary and its workers), from /proc/<pid>/task/<tid>/children. */
function processTree(pid: number): number[] {
  const out: number[] = [];
  const visit = (p: number) => {
    out.push(p);
    let tasks: string[] = [];
    try {
      tasks = fs.readdirSync(`/proc/${p}/task`);
    } catch {
      return;
    }
    for (const t of tasks) {
      try {
        for (const c of fs.readFileSync(`/proc/${p}/task/${t}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)) visit(Number(c));
      } catch {
        // gone
      }
    }
  };
  visit(pid);
  return out;
}

/** The PostgreSQL backends serving `database` (their process titles: "postgres: 15/main: user database host(port) state"). */
function postgresBackends(database: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const title = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (title.startsWith('postgres: ') && title.split(/\s+/).includes(database)) pids.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}

/** The machine's busy and total CPU ticks, all cores (/proc/stat). */
function machineTicks(): { busy: number; total: number } {
  const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - fields[3] - fields[4], total };
}

interface CpuSample {
  at: number;
  perPid: Map<number, number>;
  /** CPU seconds per PostgreSQL backend of the database (the pool opens and closes them, so they are compared pid by pid). */
  postgres: Map<number, number>;
  generator: number;
  machine: { busy: number; total: number };
}

function cpuSample(pids: number[], database: string): CpuSample {
  const perPid = new Map<number, number>();
  for (const pid of pids) {
    try {
      perPid.set(pid, cpuSecondsOf(`/proc/${pid}/stat`));
    } catch {
      // gone
    }
  }
  const postgres = new Map<number, number>();
  for (const pid of postgresBackends(database)) {
    try {
      postgres.set(pid, cpuSecondsOf(`/proc/${pid}/stat`));
    } catch {
      // gone
    }
  }
  const own = process.cpuUsage();
  return { at: performance.now(), perPid, postgres, generator: (own.user + own.system) / 1e6, machine: machineTicks() };
}

interface CpuShares {
  /** % of one core per server process, in the order of `pids` (primary first). */
  perProcess: { pid: number; percent: number }[];
  postgres: number;
  generator: number;
  /** The whole machine busy (everyone's, other engineers' too), % of one core: 200 % is both cores of two. */
  machine: number;
  /** What of `machine` is neither the server, its PostgreSQL backends nor the load generator: other work on a shared machine. */
  others: number;
}

function cpuShares(a: CpuSample, b: CpuSample, pids: number[]): CpuShares {
  const seconds = (b.at - a.at) / 1000;
  const pct = (x: number) => (100 * x) / seconds;
  // A backend opened during the step counts whole; one that ended during it is missed (its last seconds are unknown).
  const perProcess = pids.map((pid) => ({ pid, percent: pct((b.perPid.get(pid) ?? NaN) - (a.perPid.get(pid) ?? NaN)) }));
  const postgres = pct([...b.postgres].reduce((n, [pid, cpu]) => n + cpu - (a.postgres.get(pid) ?? 0), 0));
  const generator = pct(b.generator - a.generator);
  const machine = (100 * os.cpus().length * (b.machine.busy - a.machine.busy)) / Math.max(1, b.machine.total - a.machine.total);
  const ours = perProcess.reduce((n, p) => n + (Number.isFinite(p.percent) ? p.percent : 0), 0) + postgres + generator;
  return { perProcess, postgres, generator, machine, others: Math.max(0, machine - ours) };
}

function memoryOf(pid: number): { rssMb: number; peakMb: number } | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
    return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
  } catch {
    return null;
  }
}

/** The response cache's counters summed over every worker (/metrics?workers=all; one process: /metrics). */
async function responseCacheAll(url: string, workers: number): Promise<{ hits: number; misses: number } | null> {
  if (workers <= 1) return responseCacheCounters(url);
  try {
    const res = await fetch(`${url}/metrics?workers=all`);
    if (!res.ok) return null;
    const text = await res.text();
    const sum = (name: string) =>
      [...text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm'))].reduce((n, m) => n + Number(m[1]), 0);
    return { hits: sum('graphql_response_cache_hits_total'), misses: sum('graphql_response_cache_misses_total') };
  } catch {
    return null;
  }
}

interface Step {
  rate: number;
  p50: number;
  p99: number;
  throughput: number;
  errors: number;
  ok: boolean;
  cpu: CpuShares;
}

interface Configuration {
  label: string;
  workers: number;
  replica: boolean;
}

interface ScaleResult {
  config: Configuration;
  steps: Step[];
  capacity: Step | null;
  firstFailure: Step | null;
  pids: number[];
  memory: { pid: number; rssMb: number; peakMb: number }[];
  cache: { hits: number; misses: number } | null;
  loadBefore: number[];
  loadAfter: number[];
  readySeconds: number;
  logErrors: number;
}

/** One step: `rate` req/s for STEP_S seconds, seed derived from the rate (the same in every configuration). */
async function scaleStep(server: Server, pids: number[], database: string, rate: number, attempt: number, make: (seed: number) => () => { kind: Kind; body: string }): Promise<Step> {
  const tally = newTally();
  const a = cpuSample(pids, database);
  // Not the same requests on a second try: they would all be answered from the response cache the first try filled.
  await runLoad(server.url, STEP_S, tally, SEED + rate + 100_003 * attempt, make, rate, SCALE_CONNECTIONS, Math.min(SCALE_GROUPS, rate));
  const b = cpuSample(pids, database);
  const sorted = [...tally.latencies].sort((x, y) => x - y);
  const errors =
    tally.connectionErrors +
    [...tally.statuses].filter(([c]) => c < 200 || c >= 300).reduce((n, [, c]) => n + c, 0) +
    [...tally.graphqlErrors.values()].reduce((x, y) => x + y, 0);
  const throughput = sorted.length / STEP_S;
  const step: Step = {
    rate,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    throughput,
    errors,
    ok: errors === 0 && percentile(sorted, 99) < TARGET_P99_MS && throughput >= rate * 0.95,
    cpu: cpuShares(a, b, pids),
  };
  for (const s of tally.errorSamples.slice(0, 2)) console.log(`    error sample: ${s}`);
  return step;
}

const stepLine = (s: Step) =>
  `${s.rate} req/s: p50 ${f1(s.p50)} ms, p99 ${f1(s.p99)} ms, ${s.throughput.toFixed(0)} responses/s, ${s.errors} errors, ` +
  `server ${s.cpu.perProcess.map((p) => p.percent.toFixed(0)).join('+')} %, PostgreSQL ${s.cpu.postgres.toFixed(0)} %, generator ${s.cpu.generator.toFixed(0)} %, machine ${s.cpu.machine.toFixed(0)} % busy (others ${s.cpu.others.toFixed(0)} %) ` +
  `(${s.ok ? 'met' : 'not met'})`;

/**
 * Ramp from SCALE_START by SCALE_FACTOR while the target holds (p99 < TARGET_P99_MS, 0 errors, ≥ 95 % of the rate
 * answered), then bisect between the last rate that held and the first that did not, SCALE_BISECT times. If the
 * first step fails, halve until one holds. The capacity is the highest rate that held.
 */
async function capacitySearch(server: Server, pids: number[], database: string, make: (seed: number) => () => { kind: Kind; body: string }): Promise<Step[]> {
  const steps: Step[] = [];
  const once = async (rate: number, attempt: number) => {
    process.stdout.write(`  step ${steps.length + 1}: ${STEP_S} s at ${rate} req/s … `);
    const step = await scaleStep(server, pids, database, rate, attempt, make);
    steps.push(step);
    console.log(stepLine(step).replace(/^\d+ req\/s: /, ''));
    await sleep(2000); // let the queues drain before the next step
    return step;
  };
  // On a shared machine another job's burst can fail one step: a rate that fails is tried once more, and the second try decides.
  const run = async (rate: number) => {
    const first = await once(rate, 0);
    return first.ok || !SCALE_CONFIRM ? first : once(rate, 1);
  };
  let good = 0;
  let bad = Infinity;
  for (let rate = SCALE_START; rate <= SCALE_MAX; rate = Math.round(rate * SCALE_FACTOR)) {
    if ((await run(rate)).ok) good = rate;
    else {
      bad = rate;
      break;
    }
  }
  while (good === 0 && bad > 10) {
    const rate = Math.round(bad / 2);
    if ((await run(rate)).ok) good = rate;
    else bad = rate;
  }
  for (let i = 0; i < SCALE_BISECT && Number.isFinite(bad) && good > 0 && bad - good > 10; i++) {
    const rate = Math.round((good + bad) / 2 / 10) * 10 || Math.round((good + bad) / 2);
    if (rate <= good || rate >= bad) break;
    if ((await run(rate)).ok) good = rate;
    else bad = rate;
  }
  return steps;
}

async function runConfiguration(config: Configuration, database: string): Promise<ScaleResult> {
  console.log(`\n== ${config.label} ==`);
  const loadBefore = os.loadavg();
  const started = Date.now();
  const server = await startServer(
    {
      WORKERS: String(config.workers),
      RATE_LIMIT_COST_PER_MINUTE: String(SCALE_BUDGET),
      RATE_LIMIT_REDIS_URL: SCALE_REDIS_URL,
      RATE_LIMIT_KEY_PREFIX: `loadtest-scale-${Date.now()}`,
      ...(config.replica ? { DATABASE_REPLICA_URLS: REPLICA_URL! } : {}),
    },
    config.workers,
  );
  const readySeconds = (Date.now() - started) / 1000;
  try {
    const pids = processTree(server.pid!);
    console.log(`  processes: ${pids.join(', ')}${config.workers > 1 ? ' (primary first)' : ''}`);
    const workload = await discover(server.url);
    const make = (seed: number) => requestMaker(workload, seed);
    if (SCALE_WARMUP_S > 0) {
      process.stdout.write(`  warm-up: ${SCALE_WARMUP_S} s at ${SCALE_START} req/s … `);
      const warm = newTally();
      await runLoad(server.url, SCALE_WARMUP_S, warm, SEED + 7919, make, SCALE_START, SCALE_CONNECTIONS, SCALE_GROUPS);
      console.log(`${warm.latencies.length} responses, p99 ${f1(percentile([...warm.latencies].sort((a, b) => a - b), 99))} ms`);
    }
    const logErrorsBefore = server.logErrors().length;
    const cacheBefore = await responseCacheAll(server.url, config.workers);
    const steps = await capacitySearch(server, pids, database, make);
    const cacheAfter = await responseCacheAll(server.url, config.workers);
    const memory = pids.flatMap((pid) => {
      const m = memoryOf(pid);
      return m ? [{ pid, ...m }] : [];
    });
    const passed = steps.filter((s) => s.ok).sort((a, b) => b.rate - a.rate);
    const failed = steps.filter((s) => !s.ok).sort((a, b) => a.rate - b.rate);
    const capacity = passed[0] ?? null;
    return {
      config,
      steps,
      capacity,
      firstFailure: failed.find((s) => !capacity || s.rate > capacity.rate) ?? null,
      pids,
      memory,
      cache: cacheBefore && cacheAfter ? { hits: cacheAfter.hits - cacheBefore.hits, misses: cacheAfter.misses - cacheBefore.misses } : null,
      loadBefore,
      loadAfter: os.loadavg(),
      readySeconds,
      logErrors: server.logErrors().length - logErrorsBefore,
    };
  } finally {
    await server.stop();
  }
}

const SCALE_SECTION = '<!-- loadtest-scale -->';

/** Replaces the generated block between the two SCALE_SECTION markers (created after the "Load test" section if missing); the rest of the file stays. */
function writeScaleResults(block: string[]): void {
  const file = fs.readFileSync(RESULTS_FILE, 'utf8');
  const first = file.indexOf(SCALE_SECTION);
  const second = first >= 0 ? file.indexOf(SCALE_SECTION, first + SCALE_SECTION.length) : -1;
  const section = `${SCALE_SECTION}\n${block.join('\n')}\n${SCALE_SECTION}`;
  let text: string;
  if (first >= 0 && second > first) text = `${file.slice(0, first)}${section}${file.slice(second + SCALE_SECTION.length)}`;
  else {
    const a = file.indexOf(SECTION);
    const b = a >= 0 ? file.indexOf(SECTION, a + SECTION.length) : -1;
    text = b > a ? `${file.slice(0, b + SECTION.length)}\n\n${section}${file.slice(b + SECTION.length)}` : `${file.replace(/\n*$/, '\n\n')}${section}\n`;
  }
  fs.writeFileSync(RESULTS_FILE, text);
}

async function scaleMain(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error('LOADTEST_WORKERS needs DATABASE_URL (postgres://…): several processes cannot share the embedded database.');
  if (process.env.LOADTEST_URL) throw new Error('LOADTEST_WORKERS starts its own servers: unset LOADTEST_URL.');
  const database = decodeURIComponent(new URL(databaseUrl).pathname.slice(1)) || 'postgres';
  // A number may repeat ("1,2,2,1": against a machine whose other load drifts); the ratio then compares the means.
  const configs: Configuration[] = SCALE_WORKERS.map((workers, i) => {
    const runs = SCALE_WORKERS.filter((w) => w === workers).length;
    const nth = SCALE_WORKERS.slice(0, i + 1).filter((w) => w === workers).length;
    return { label: `WORKERS=${workers}${runs > 1 ? ` (run ${nth})` : ''}`, workers, replica: false };
  });
  if (REPLICA_URL) configs.push({ label: 'WORKERS=2, reads on a replica (DATABASE_REPLICA_URLS)', workers: 2, replica: true });
  const runStarted = new Date();
  const loadAtStart = os.loadavg();
  const results: ScaleResult[] = [];
  for (const config of configs) results.push(await runConfiguration(config, database));
  const loadAtEnd = os.loadavg();

  const la = (l: number[]) => l.map((x) => x.toFixed(2)).join(' / ');
  const cpus = os.cpus();
  const perWorkers = new Map<number, number[]>();
  for (const r of results.filter((x) => !x.config.replica && x.capacity)) perWorkers.set(r.config.workers, [...(perWorkers.get(r.config.workers) ?? []), r.capacity!.rate]);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const one = perWorkers.get(1);
  const lines = [
    `## Load test: one process and two (\`LOADTEST_WORKERS=${SCALE_WORKERS.join(',')}\`${REPLICA_URL ? ', `LOADTEST_REPLICA_URL`' : ''}), ${runStarted.toISOString()}`,
    '',
    `- Machine: ${cpus.length} × ${cpus[0]?.model.trim() ?? 'CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GB, Node ${process.version}; load average (1/5/15 min) ${la(loadAtStart)} at the start, ${la(loadAtEnd)} at the end (shared machine)`,
    `- Database: PostgreSQL server + PostGIS (${describeDatabaseUrl(databaseUrl)}), the same for every configuration; rate limit shared through Redis in every configuration (budget ${SCALE_BUDGET.toLocaleString('en')} points a minute, never reached)${REPLICA_URL ? `; the replica configuration reads from ${describeDatabaseUrl(REPLICA_URL)} (its PostgreSQL CPU counts the backends of this database name on this machine, the replica's too if it runs here)` : ''}`,
    `- Method: the query mix of \`npm run loadtest\`; per configuration ${SCALE_WARMUP_S} s warm-up at ${SCALE_START} req/s, then steps of ${STEP_S} s from ${SCALE_START} req/s, ×${SCALE_FACTOR} while the target holds, then ${SCALE_BISECT} bisection steps${SCALE_CONFIRM ? ' (a rate that failed was tried once more, with other requests, and the second try decided)' : ''}; ${SCALE_CONNECTIONS} connections in ${SCALE_GROUPS} autocannon groups; seed ${SEED} (a step's requests are drawn from seed + its rate, + 100003 on a second try, so a rate sees the same requests in every configuration). Capacity: the highest step with p99 < ${TARGET_P99_MS} ms, 0 errors and ≥ 95 % of the rate answered`,
    `- CPU is % of one core over a step (${100 * cpus.length} % = all ${cpus.length} cores): each server process (primary first), the PostgreSQL backends of this database, this load generator (autocannon), the whole machine busy, and of that what was none of these (others: other work on this shared machine)`,
    '',
    '| Configuration | Capacity (req/s) | At capacity: p50 / p99 | CPU at capacity: server processes | PostgreSQL | Generator | Machine busy (others) | First rate not met | RSS per process (peak) | Response cache | Load average before → after |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...results.map((r) => {
      const c = r.capacity;
      const role = (pid: number) => {
        const i = r.pids.indexOf(pid);
        return r.config.workers > 1 ? (i === 0 ? 'primary' : `worker ${i}`) : 'process';
      };
      const cpu = c ? c.cpu.perProcess.map((p) => `${role(p.pid)} ${p.percent.toFixed(0)} %`).join(', ') : '-';
      const mem = r.memory.map((m) => `${role(m.pid)} ${m.rssMb.toFixed(0)} MB (${m.peakMb.toFixed(0)})`).join(', ');
      const cache = r.cache ? `${f1((100 * r.cache.hits) / Math.max(1, r.cache.hits + r.cache.misses))} % hits` : 'n/a';
      const fail = r.firstFailure ? `${r.firstFailure.rate} (p99 ${f1(r.firstFailure.p99)} ms, ${r.firstFailure.throughput.toFixed(0)}/s, ${r.firstFailure.errors} errors)` : 'none';
      return `| ${r.config.label} | **${c ? c.rate : 'none'}** | ${c ? `${f1(c.p50)} / ${f1(c.p99)} ms` : '-'} | ${cpu} | ${c ? c.cpu.postgres.toFixed(0) : '-'} % | ${c ? c.cpu.generator.toFixed(0) : '-'} % | ${c ? `${c.cpu.machine.toFixed(0)} % (${c.cpu.others.toFixed(0)} %)` : '-'} | ${fail} | ${mem} | ${cache} | ${la(r.loadBefore.slice(0, 1))} → ${la(r.loadAfter.slice(0, 1))} |`;
    }),
    '',
    ...[...perWorkers]
      .filter(([w]) => w > 1 && one)
      .map(([w, caps]) => `- Ratio WORKERS=${w} / WORKERS=1: **${(mean(caps) / mean(one!)).toFixed(2)}** (${caps.join(', ')} against ${one!.join(', ')} req/s${caps.length + one!.length > 2 ? ', means' : ''})`),
    ...results.filter((r) => r.config.replica && r.capacity && one).map((r) => `- Ratio with reads on a replica / WORKERS=1: **${(r.capacity!.rate / mean(one!)).toFixed(2)}**`),
    ...results.map((r) => `- Steps, ${r.config.label} (ready in ${r.readySeconds.toFixed(1)} s, ${r.logErrors} server error log lines): ${r.steps.map(stepLine).join('; ')}`),
  ];
  console.log(`\n${lines.join('\n')}`);
  if (WRITE_RESULTS) {
    writeScaleResults(lines);
    console.log(`\nwritten to ${path.relative(process.cwd(), RESULTS_FILE)}`);
  }
  process.exitCode = results.every((r) => r.capacity) ? 0 : 1;
}

async function main(): Promise<void> {
  if (SCALE_WORKERS.length) return scaleMain();
  const target = process.env.LOADTEST_URL?.replace(/\/+$/, '');
  const server: Server = target
    ? { url: target, pid: null, database: process.env.LOADTEST_DB_KIND ?? 'a running server (LOADTEST_URL)', logErrors: () => [], stop: async () => undefined }
    : await startServer();
  const kind: 'embedded' | 'server' | 'external' = target ? 'external' : process.env.DATABASE_URL ? 'server' : 'embedded';
  try {
    const workload = await discover(server.url);
    console.log(
      `workload: ${workload.pages.length} directory pages, ${workload.areas.length} areas, ${workload.coverageAreas.length} coverage areas × ` +
        `${workload.items.length} items × ${MODES.length} modes × ${MINUTES.length} budgets`,
    );
    const make = (seed: number) => requestMaker(workload, seed);

    if (WARMUP_S > 0) {
      process.stdout.write(`warm-up: ${WARMUP_S} s at ${RATE} req/s … `);
      const warm = newTally();
      await runLoad(server.url, WARMUP_S, warm, SEED + 7919, make);
      console.log(`${warm.latencies.length} responses, p99 ${f1(percentile([...warm.latencies].sort((a, b) => a - b), 99))} ms`);
    }

    const loadBefore = os.loadavg()[0];
    const before = processStats(server.pid);
    console.log(`run: ${DURATION_S} s at ${RATE} req/s, ${CONNECTIONS} connections in ${GROUPS} groups, seed ${SEED} …`);
    const tally = newTally();
    const ownCpuBefore = process.cpuUsage();
    const logErrorsBefore = server.logErrors().length;
    const city = CITY_POLYGONS ? cityPolygonsAlongside(server.url, workload) : null;
    const cacheBefore = await responseCacheCounters(server.url);
    const seconds = await runLoad(server.url, DURATION_S, tally, SEED, make);
    const cacheAfter = await responseCacheCounters(server.url);
    const cityPolygons = city ? await city.stop() : null;
    const afterStats = processStats(server.pid);
    const ownCpu = process.cpuUsage(ownCpuBefore);
    const loadAfter = os.loadavg()[0];

    const responses = tally.latencies.length;
    const sorted = [...tally.latencies].sort((a, b) => a - b);
    const p = (q: number) => percentile(sorted, q);
    const non2xx = [...tally.statuses].filter(([s]) => s < 200 || s >= 300).reduce((n, [, c]) => n + c, 0);
    const graphqlErrorCount = [...tally.graphqlErrors.values()].reduce((a, b) => a + b, 0);
    const serverLogErrors = server.logErrors().length - logErrorsBefore;
    // Each autocannon group runs DURATION_S; the groups start within the first second, so the wall time is a bit longer.
    const throughput = responses / DURATION_S;
    const met = tally.connectionErrors === 0 && non2xx === 0 && graphqlErrorCount === 0 && serverLogErrors === 0 && p(99) < TARGET_P99_MS && throughput >= RATE * 0.95;
    const cpu =
      before && afterStats
        ? `${((100 * (afterStats.cpuSeconds - before.cpuSeconds)) / seconds).toFixed(0)} % of one core (its event-loop thread ${((100 * (afterStats.mainThreadCpuSeconds - before.mainThreadCpuSeconds)) / seconds).toFixed(0)} %), RSS ${afterStats.rssMb.toFixed(0)} MB`
        : 'n/a';

    const cpus = os.cpus();
    const lines = [
      `### ${kind === 'embedded' ? 'Embedded database' : kind === 'server' ? 'PostgreSQL server' : 'External server'}${CITY_POLYGONS ? `, with city-wide polygons alongside, POLYGON_THREADS=${process.env.POLYGON_THREADS === '0' ? 0 : 1}` : ''}${NO_RESPONSE_CACHE ? ', response cache off (baseline)' : ''}, ${new Date().toISOString()}`,
      '',
      `- Machine: ${cpus.length} × ${cpus[0]?.model.trim() ?? 'CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GB, Node ${process.version}; load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after (shared machine)`,
      `- Database: ${server.database}`,
      `- Load: ${RATE} req/s for ${DURATION_S} s (after ${WARMUP_S} s warm-up), ${CONNECTIONS} connections in ${GROUPS} autocannon groups, seed ${SEED}`,
      `- Latency: p50 ${f1(p(50))} ms, p95 ${f1(p(95))} ms, p99 ${f1(p(99))} ms, max ${f1(sorted[sorted.length - 1])} ms`,
      `- By kind: ${KINDS.map((k) => summary(k, tally.byKind[k]).replace(/^(\w+): (\d+) responses, /, '$1 ($2) ')).join('; ')}`,
      `- Throughput: ${throughput.toFixed(1)} responses/s (${responses} in ${DURATION_S} s)${throughput < RATE * 0.95 ? `: the server did not keep up with ${RATE} req/s; with every connection waiting, autocannon sends no more (closed loop), so the latencies above understate what an open ${RATE} req/s would see` : ''}`,
      `- Errors: ${tally.connectionErrors} connection errors (${tally.timeouts} timeouts), ${non2xx} non-2xx, ${graphqlErrorCount} GraphQL errors in bodies${graphqlErrorCount ? ` ${JSON.stringify(Object.fromEntries(tally.graphqlErrors))}` : ''}, ${serverLogErrors} server error log lines`,
      ...(cityPolygons
        ? [
            `- Alongside: ${cityPolygons.count} city-wide coverage polygons (3504, all different) requested back to back by one more client, ` +
              `median ${f1(cityPolygons.medianMs)} ms, max ${f1(cityPolygons.maxMs)} ms, ${cityPolygons.errors} errors; POLYGON_THREADS=${process.env.POLYGON_THREADS ?? '1 (default)'}`,
          ]
        : []),
      `- Response cache: ${
        cacheBefore && cacheAfter
          ? `${cacheAfter.hits - cacheBefore.hits} hits, ${cacheAfter.misses - cacheBefore.misses} misses (${f1((100 * (cacheAfter.hits - cacheBefore.hits)) / Math.max(1, cacheAfter.hits - cacheBefore.hits + cacheAfter.misses - cacheBefore.misses))} % answered from it)`
          : 'off (RESPONSE_CACHE=false) or no /metrics'
      }`,
      `- Server process: ${cpu}; this load generator: ${((ownCpu.user + ownCpu.system) / 1e4 / seconds).toFixed(0)} % of one core`,
      `- Target (0 errors, p99 < ${TARGET_P99_MS} ms at ${RATE} req/s): **${met ? 'met' : 'not met'}**`,
    ];
    if (CAPACITY_STEPS.length) {
      const steps: string[] = [];
      for (const rate of CAPACITY_STEPS) {
        process.stdout.write(`capacity step: 15 s at ${rate} req/s … `);
        const step = newTally();
        await runLoad(server.url, 15, step, SEED + rate, make, rate);
        const st = [...step.latencies].sort((a, b) => a - b);
        const bad = step.connectionErrors + [...step.statuses].filter(([c]) => c < 200 || c >= 300).reduce((n, [, c]) => n + c, 0) + [...step.graphqlErrors.values()].reduce((a, b) => a + b, 0);
        const ok = bad === 0 && percentile(st, 99) < TARGET_P99_MS && st.length / 15 >= rate * 0.95;
        steps.push(`${rate} req/s: p50 ${f1(percentile(st, 50))} ms, p99 ${f1(percentile(st, 99))} ms, ${(st.length / 15).toFixed(0)} responses/s, ${bad} errors (${ok ? 'p99 target met' : 'not met'})`);
        console.log(steps[steps.length - 1]);
      }
      lines.splice(lines.length - 1, 0, `- Other rates, 15 s each: ${steps.join('; ')}`);
    }
    console.log(`\n${lines.join('\n')}`);
    for (const s of tally.errorSamples) console.log(`  error sample: ${s}`);
    for (const l of server.logErrors().slice(logErrorsBefore, logErrorsBefore + 5)) console.log(`  server log: ${l.slice(0, 300)}`);
    if (WRITE_RESULTS) {
      const block = CITY_POLYGONS ? `${kind}-city-polygons-${process.env.POLYGON_THREADS === '0' ? 0 : 1}` : NO_RESPONSE_CACHE ? `${kind}-no-response-cache` : kind;
      writeResults(BLOCKS.includes(block) ? block : kind, lines);
      console.log(`\nwritten to ${path.relative(process.cwd(), RESULTS_FILE)}`);
    }
    process.exitCode = met ? 0 : 1;
  } finally {
    await server.stop();
  }
}

main().catch((err) => {
  console.error('loadtest failed:', err instanceof Error ? err.message : err);
  process.exit(2);
});
