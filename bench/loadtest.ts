import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
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

async function startServer(): Promise<Server> {
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
    try {
      if ((await fetch(`${url}/readyz`)).status === 200) break;
    } catch {
      // not listening yet
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
): Promise<number> {
  const started = Date.now();
  const instances: Promise<autocannon.Result>[] = [];
  for (let g = 0; g < GROUPS; g++) {
    const rate = Math.floor(totalRate / GROUPS) + (g < totalRate % GROUPS ? 1 : 0);
    const connections = Math.max(1, Math.floor(CONNECTIONS / GROUPS) + (g < CONNECTIONS % GROUPS ? 1 : 0));
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
    if (g < GROUPS - 1) await sleep(1000 / GROUPS);
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

async function main(): Promise<void> {
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
