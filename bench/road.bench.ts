import FlatQueue from 'flatqueue';
import os from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { emptyRoadLabels, RoadDirection, roadDijkstra, type RoadLabels, type RoadSeed } from '../src/travel/road-dijkstra';
import { RoadModeCosts } from '../src/travel/road-mode-costs';
import { RoadNetwork, type RoadEdgeInput, type RoadNodeInput } from '../src/travel/road-network';
import { DEFAULT_ROAD_SPEEDS } from '../src/travel/road-speeds';
import { roadSearchPool } from '../src/travel/road-search.pool';
import { DEFAULT_MAX_MINUTES, RoadModel, type RoadField } from '../src/travel/road.model';
import type { PointPlaces, VillagePlaces } from '../src/travel/places';
import type { TravelModeName } from '../src/travel/travel-model';
import { Report } from './bench-report';

/**
 * `npm run bench` (after coverage.bench and planning.bench; alone: `npm run bench:road`): the ROAD model at province
 * scale, on a synthetic network: a SIDE × SIDE grid (default 1450: 2.1 million nodes, ~240 m apart, about a
 * 350 km square, the size of Fujian), every 20th row and column primary, every 5th tertiary, the rest residential
 * with a track in every 7, one residential way in 9 one-way; 60,000 villages and 2,000 points at random (seeded).
 * Prints:
 * - the network's build from its nodes and ways in memory (CSR graph, Hilbert numbering, snapping index) with its
 *   rate and the process's peak memory. The database import (`npm run roads -- import`) is not run at this size
 *   here (it writes 6 million rows to PostGIS: minutes); its recorded figures are in README.md;
 * - per mode: a field over all villages (the first snaps the villages; then with their joins cached), uncut (every
 *   label to maxMinutes, 240) and cut at 30 and 15 minutes (median of 3 each); the 30-minute field extended to
 *   maxMinutes (`ensureCutoff`) and checked against the uncut one on every village, bit for bit; the 15-minute field
 *   completed for every village (what a province-wide village list needs); one addOrigin (target < 20 ms), one
 *   removeOrigin, nearestOrigins, the roads reached from one point in 15 min;
 * - per mode, the event loop while an uncut field (joins cached) is built: on the calling thread (createField, what
 *   the server does) and with its search in the worker thread (createFieldAsync: the network's arrays and the labels
 *   in shared memory), the largest and 99th-percentile delay of the event loop (perf_hooks.monitorEventLoopDelay,
 *   10 ms resolution) during each, and the two fields compared village by village and node by node, bit for bit;
 * - with HEAP=1, the bare multi-source Dijkstra against a binary-heap Dijkstra (flatqueue) on the same seeds: labels
 *   equal bit for bit (slow: off by default);
 * - pgRouting's pgr_drivingDistance (equicost) against our multi-source Dijkstra on the same roots, on a
 *   PG_SIDE × PG_SIDE corner of the grid (loading all 4.2 million ways into a table takes minutes), for PG_MODES,
 *   in a scratch database created and dropped here, when a PostgreSQL server with pgRouting is reachable
 *   (DATABASE_URL, else postgres://postgres@127.0.0.1:5432/postgres); a line says why when it is skipped.
 * Environment: SIDE, MODES, PG_SIDE (default 500; 0 skips pgRouting), PG_MODES (default MODES), HEAP.
 * Its output replaces the `road.bench:run` block of bench/RESULTS.md. About 3 minutes on 2 cores.
 *
 *   npm run build && node --max-old-space-size=6144 dist/bench/road.bench.js
 */
const SIDE = Number(process.env.SIDE ?? 1450);
const PG_SIDE = Math.min(Number(process.env.PG_SIDE ?? 500), SIDE);
const SPACING_DEG = 0.0024; // ~240 m of latitude, ~215 m of longitude at 26°
const VILLAGES = Math.round((60_000 * SIDE * SIDE) / (1450 * 1450));
const POINTS = Math.max(2, Math.round((2_000 * SIDE * SIDE) / (1450 * 1450)));
const MODES = (process.env.MODES?.split(',') ?? ['WALK', 'BICYCLE', 'EBIKE', 'CAR']) as TravelModeName[];
const PG_MODES = (process.env.PG_MODES?.split(',') ?? MODES) as TravelModeName[];
const HEAP = process.env.HEAP === '1';
const STRAIGHT_LINE = { speedsKmh: { WALK: 5, BICYCLE: 12, EBIKE: 20, CAR: 30 }, detourFactor: 1.3 };

const report = new Report();
const say = (s: string) => report.say(s);

let seed = 42;
const random = (): number => {
  seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
  return seed / 0x7fffffff;
};

function grid(side: number): { nodes: RoadNodeInput[]; edges: RoadEdgeInput[] } {
  const nodes: RoadNodeInput[] = [];
  for (let r = 0; r < side; r++) for (let c = 0; c < side; c++) nodes.push({ lon: 116 + c * SPACING_DEG, lat: 24 + r * SPACING_DEG });
  const edges: RoadEdgeInput[] = [];
  const cls = (line: number, k: number): string => (line % 20 === 0 ? 'primary' : line % 5 === 0 ? 'tertiary' : k % 7 === 0 ? 'track' : 'residential');
  for (let r = 0; r < side; r++) {
    for (let c = 0; c < side; c++) {
      const i = r * side + c;
      if (c + 1 < side) {
        const highway = cls(r, c);
        edges.push({ from: i, to: i + 1, lengthMeters: 215 * (1 + random() * 0.2), highway, oneway: highway === 'residential' && (r + c) % 9 === 0 });
      }
      if (r + 1 < side) edges.push({ from: i, to: i + side, lengthMeters: 267 * (1 + random() * 0.2), highway: cls(c, r), oneway: false, maxspeedKmh: c % 20 === 0 ? 60 : undefined });
    }
  }
  return { nodes, edges };
}

function places(count: number): [number, number][] {
  const extent = (SIDE - 1) * SPACING_DEG;
  return Array.from({ length: count }, () => [116 + random() * extent, 24 + random() * extent]);
}

function villageTable(ps: [number, number][]): VillagePlaces {
  return {
    size: ps.length,
    longitude: Float64Array.from(ps, (p) => p[0]),
    latitude: Float64Array.from(ps, (p) => p[1]),
    inBox: () => [],
  };
}

function pointTable(ps: [number, number][]): PointPlaces & { places: [number, number][] } {
  return { places: ps, longitude: (p) => ps[p]![0], latitude: (p) => ps[p]![1], id: (p) => `P${String(p).padStart(5, '0')}` };
}

/** A plain multi-source Dijkstra with a binary heap (flatqueue), per way and one-way flag as the network stores them: the reference for the bucket queue. */
function heapDijkstra(costs: RoadModeCosts, direction: RoadDirection, labels: RoadLabels, seeds: readonly RoadSeed[], maxMinutes: number, sourceBefore: (a: number, b: number) => boolean): void {
  const { edgeOffsets, edgeTarget, edgeWay, edgeOneway } = costs.network;
  const { wayMinutes, respectsOneway } = costs;
  const { minutes, source } = labels;
  const closed = !respectsOneway ? 255 : direction === RoadDirection.TO_SOURCES ? 1 : 2;
  const queue = new FlatQueue<number>();
  const better = (node: number, m: number, s: number): boolean => m < minutes[node]! || (m === minutes[node]! && s !== source[node]! && sourceBefore(s, source[node]!));
  for (const sd of seeds) {
    if (sd.minutes <= maxMinutes && better(sd.node, sd.minutes, sd.source)) {
      minutes[sd.node] = sd.minutes;
      source[sd.node] = sd.source;
      queue.push(sd.node, sd.minutes);
    }
  }
  while (queue.length > 0) {
    const m = queue.peekValue()!;
    const u = queue.pop()!;
    if (m > minutes[u]!) continue;
    const s = source[u]!;
    for (let e = edgeOffsets[u]!, end = edgeOffsets[u + 1]!; e < end; e++) {
      if (edgeOneway[e] === closed) continue;
      const c = wayMinutes[edgeWay[e]!]!;
      if (c === Number.POSITIVE_INFINITY) continue;
      const x = edgeTarget[e]!;
      const next = m + c;
      if (next > maxMinutes) continue;
      if (next < minutes[x]! || (next === minutes[x]! && s !== source[x]! && sourceBefore(s, source[x]!))) {
        minutes[x] = next;
        source[x] = s;
        queue.push(x, next);
      }
    }
  }
}

const fmt = (ms: number): string => (ms < 10 ? ms.toFixed(1) : ms.toFixed(0));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const timed = <T>(f: () => T): [T, number] => {
  const t = performance.now();
  const out = f();
  return [out, performance.now() - t];
};
const mb = (bytes: number): string => `${Math.round(bytes / 1e6).toLocaleString('en')} MB`;
const peakRss = (): number => process.resourceUsage().maxRSS * 1024;

/** Seeds of the points: each at both ends of its nearest usable way, at 0 (as the integration test against pgRouting does). */
function pointSeeds(network: RoadNetwork, costs: RoadModeCosts, ps: readonly [number, number][]): RoadSeed[] {
  const seeds: RoadSeed[] = [];
  ps.forEach(([lon, lat], p) => {
    const s = network.snap(lon, lat, costs.snappable, 50_000);
    if (s) seeds.push({ node: network.wayFrom[s.way]!, minutes: 0, source: p }, { node: network.wayTo[s.way]!, minutes: 0, source: p });
  });
  return seeds;
}

function sameLabels(a: RoadLabels, b: RoadLabels): boolean {
  for (let u = 0; u < a.minutes.length; u++) if (!Object.is(a.minutes[u], b.minutes[u]) || a.source[u] !== b.source[u]) return false;
  return true;
}

/** Villages whose cost and nearest point differ between two fields. */
function differing(a: RoadField, b: RoadField): number {
  let n = 0;
  for (let v = 0; v < a.cost.length; v++) if (!Object.is(a.cost[v], b.cost[v]) || a.nearest[v] !== b.nearest[v]) n++;
  return n;
}

/** The event loop's delays (ms) while `work` runs: the largest and the 99th percentile, with its wall time. */
async function eventLoopDuring<T>(work: () => Promise<T> | T): Promise<{ value: T; ms: number; maxDelay: number; p99Delay: number }> {
  const h = monitorEventLoopDelay({ resolution: 10 });
  // Enabled a few turns ahead: the monitor measures a delay between two of its timer's ticks, the first only starting it.
  h.enable();
  await new Promise((r) => setTimeout(r, 50));
  const started = performance.now();
  const value = await work();
  const ms = performance.now() - started;
  // One more turn of the loop, so that a block that just ended is measured.
  await new Promise((r) => setTimeout(r, 30));
  h.disable();
  return { value, ms, maxDelay: h.max / 1e6, p99Delay: h.percentile(99) / 1e6 };
}

function sameField(a: RoadField, b: RoadField): boolean {
  return differing(a, b) === 0 && sameLabels(a.labels, b.labels);
}

async function province(): Promise<void> {
  const [{ nodes, edges }, generated] = timed(() => grid(SIDE));
  const [network, built] = timed(() => RoadNetwork.build(nodes, edges, 'synthetic-province'));
  say(
    `Network: ${SIDE} × ${SIDE} grid, ${network.nodeCount.toLocaleString('en')} nodes, ${network.wayCount.toLocaleString('en')} ways (${network.edgeCount.toLocaleString('en')} directed edges); ` +
      `input generated in ${fmt(generated)} ms; built in memory (CSR graph, Hilbert numbering, snapping index) in ${fmt(built)} ms: ` +
      `${Math.round(network.nodeCount / (built / 1000)).toLocaleString('en')} nodes/s, ${Math.round(network.wayCount / (built / 1000)).toLocaleString('en')} ways/s; ` +
      `network ~${mb(network.bytes)}; peak RSS so far ${mb(peakRss())} (the input objects included)`,
  );
  nodes.length = 0;
  edges.length = 0;
  const villages = villageTable(places(VILLAGES));
  const points = pointTable(places(POINTS + 2));
  const origins = Array.from({ length: POINTS }, (_, i) => i);
  say(`${VILLAGES.toLocaleString('en')} villages, ${POINTS.toLocaleString('en')} points; maxMinutes ${DEFAULT_MAX_MINUTES}`);
  // One model, as the server has: fields cut at 15 min unless asked for more (`cutoffCost`, as the engine asks for
  // the largest budget asked so far); maxMinutes is uncut.
  const model = new RoadModel({ network, straightLine: STRAIGHT_LINE, fieldCutoffMinutes: 15 });
  for (const mode of MODES) {
    let heapNote = '';
    if (HEAP) {
      const costs = new RoadModeCosts(network, DEFAULT_ROAD_SPEEDS, mode);
      const seeds = pointSeeds(network, costs, points.places.slice(0, POINTS));
      const heap = emptyRoadLabels(network.nodeCount);
      const [, heapMs] = timed(() => heapDijkstra(costs, RoadDirection.TO_SOURCES, heap, seeds, DEFAULT_MAX_MINUTES, (a, b) => a < b));
      const labels = emptyRoadLabels(network.nodeCount);
      roadDijkstra(costs, RoadDirection.TO_SOURCES, labels, seeds, DEFAULT_MAX_MINUTES, (a, b) => a < b); // its edge arrays made
      labels.minutes.fill(Number.POSITIVE_INFINITY);
      labels.source.fill(-1);
      const [, bareMs] = timed(() => roadDijkstra(costs, RoadDirection.TO_SOURCES, labels, seeds, DEFAULT_MAX_MINUTES, (a, b) => a < b));
      heapNote = `; bare Dijkstra ${fmt(bareMs)} ms against a binary heap's ${fmt(heapMs)} ms, labels ${sameLabels(heap, labels) ? 'equal' : 'DIFFERENT'}`;
    }
    const [, first] = timed(() => model.createField(villages, points, origins, mode, { cutoffCost: DEFAULT_MAX_MINUTES }));
    // Median of 3 builds, wall clock and this process's CPU time (on a shared machine the two differ).
    const runs = (cutoffCost: number): { field: RoadField; ms: number; cpu: number } => {
      const out = [0, 1, 2].map(() => {
        const cpu = process.cpuUsage();
        const [field, ms] = timed(() => model.createField(villages, points, origins, mode, { cutoffCost }));
        const used = process.cpuUsage(cpu);
        return { field, ms, cpu: (used.user + used.system) / 1000 };
      });
      return { field: out[2]!.field, ms: median(out.map((o) => o.ms)), cpu: median(out.map((o) => o.cpu)) };
    };
    const both = (r: { ms: number; cpu: number }): string => `${fmt(r.ms)} ms (CPU ${fmt(r.cpu)} ms)`;
    const full = runs(DEFAULT_MAX_MINUTES);
    const c30 = runs(30);
    const c15 = runs(15);
    const cutAt30 = c30.field.cutoffMinutes;
    const cutAt15 = c15.field.cutoffMinutes;
    const [, extend] = timed(() => c30.field.ensureCutoff(DEFAULT_MAX_MINUTES));
    const differ = differing(c30.field, full.field);
    const [, complete] = timed(() => c15.field.completeRange(0, VILLAGES));
    const completedTo = c15.field.cutoffMinutes;
    const differ15 = differing(c15.field, full.field);
    const field = full.field;
    let within15 = 0;
    for (let v = 0; v < VILLAGES; v++) if (field.cost[v]! <= 15) within15++;
    const [, add] = timed(() => field.addOrigin(POINTS));
    points.places[POINTS + 1] = [117.5, 25.5];
    const [, add2] = timed(() => field.addOrigin(POINTS + 1));
    const [, remove] = timed(() => field.removeOrigin(POINTS));
    const [near, nearest] = timed(() => field.nearestOrigins(117.7, 25.6, 5));
    const [roads, reach] = timed(() => model.reachedRoadsFrom(117.7, 25.6, mode, 15));
    const cutNote = (at: number, asked: number) => (at === asked ? '' : ` (its search reached every node before ${asked} min: uncut)`);
    say(
      `${mode.padEnd(7)} field of all villages: uncut ${both(full)} (the first, snapping the villages, ${fmt(first)} ms); cut at 30 min ${both(c30)}${cutNote(cutAt30, 30)}, at 15 min ${both(c15)}${cutNote(cutAt15, 15)} (target < 500 ms); ` +
        `the 30-min field extended to ${DEFAULT_MAX_MINUTES} in ${fmt(extend)} ms (${differ === 0 ? 'every village equal to the uncut field' : `${differ} villages DIFFER`}); ` +
        `the 15-min field completed for every village in ${fmt(complete)} ms (to ${completedTo} min; ${differ15 === 0 ? 'equal to the uncut field' : `${differ15} villages DIFFER`}); ` +
        `addOrigin ${fmt(add)} ms, another ${fmt(add2)} ms (target < 20 ms); removeOrigin ${fmt(remove)} ms; nearestOrigins(5) ${fmt(nearest)} ms (nearest ${near[0]?.cost.toFixed(1)} min); ` +
        `reachedRoadsFrom(15 min) ${fmt(reach)} ms (${roads.length.toLocaleString('en')} parts); ${within15.toLocaleString('en')} villages within 15 min${heapNote}`,
    );
  }
  // The event loop while a field is built (joins cached): on this thread, then with the search in the worker thread.
  for (const mode of MODES) {
    const inThread = await eventLoopDuring(() => model.createField(villages, points, origins, mode, { cutoffCost: DEFAULT_MAX_MINUTES }));
    const inWorker = await eventLoopDuring(() => model.createFieldAsync(villages, points, origins, mode, { cutoffCost: DEFAULT_MAX_MINUTES }));
    const second = await eventLoopDuring(() => model.createFieldAsync(villages, points, origins, mode, { cutoffCost: DEFAULT_MAX_MINUTES }));
    say(
      `${mode.padEnd(7)} event loop while an uncut field is built: on this thread ${fmt(inThread.ms)} ms, largest delay ${fmt(inThread.maxDelay)} ms (p99 ${fmt(inThread.p99Delay)} ms); ` +
        `search in the worker thread ${fmt(inWorker.ms)} ms, largest delay ${fmt(inWorker.maxDelay)} ms (p99 ${fmt(inWorker.p99Delay)} ms), again ${fmt(second.ms)} ms, largest delay ${fmt(second.maxDelay)} ms (p99 ${fmt(second.p99Delay)} ms); ` +
        `the fields ${sameField(inThread.value, inWorker.value) && sameField(inThread.value, second.value) ? 'equal bit for bit (every village and node)' : 'DIFFER'}`,
    );
  }
  await roadSearchPool.close();
  const mem = process.memoryUsage();
  say(`Memory: peak RSS ${mb(peakRss())}; now RSS ${mb(mem.rss)}, array buffers ${mb(mem.arrayBuffers)}, JS heap ${mb(mem.heapUsed)} (the network, each mode's edge costs, scratch labels and last fields)`);
}

/** pgr_drivingDistance against our search on a PG_SIDE² corner of the grid (the same ways, in a scratch database). */
async function pgRouting(): Promise<void> {
  if (PG_SIDE <= 1) return say('pgRouting: skipped (PG_SIDE=0)');
  const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const admin = new Client({ connectionString: url });
  try {
    await admin.connect();
  } catch (err) {
    return say(`pgRouting: skipped, no PostgreSQL server at ${url.replace(/:[^:@/]*@/, ':***@')} (${(err as Error).message})`);
  }
  const name = `road_bench_${process.pid}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const u = new URL(url);
  u.pathname = `/${name}`;
  const db = new Client({ connectionString: u.toString() });
  try {
    await db.connect();
    try {
      await db.query('CREATE EXTENSION IF NOT EXISTS postgis');
      await db.query('CREATE EXTENSION IF NOT EXISTS pgrouting');
    } catch (err) {
      return say(`pgRouting: skipped, not installed on this server (apt-get install postgresql-15-pgrouting): ${(err as Error).message}`);
    }
    const { rows: version } = await db.query<{ v: string }>('SELECT pgr_version() AS v');
    seed = 7;
    const { nodes, edges } = grid(PG_SIDE);
    const network = RoadNetwork.build(nodes, edges, 'pg-corner');
    const extent = (PG_SIDE - 1) * SPACING_DEG;
    const count = Math.max(2, Math.round((POINTS * PG_SIDE * PG_SIDE) / (SIDE * SIDE)));
    const ps = Array.from({ length: count }, (): [number, number] => [116 + random() * extent, 24 + random() * extent]);
    say(`pgRouting ${version[0]!.v}, same run: a ${PG_SIDE} × ${PG_SIDE} corner of the grid (${network.nodeCount.toLocaleString('en')} nodes, ${network.wayCount.toLocaleString('en')} ways), ${count} points as roots, to ${DEFAULT_MAX_MINUTES} min`);
    await db.query('CREATE TABLE road_bench (id bigint, source bigint, target bigint, cost float8, reverse_cost float8)');
    for (const mode of PG_MODES) {
      const costs = new RoadModeCosts(network, DEFAULT_ROAD_SPEEDS, mode);
      // Towards the sources (as fields search): pgRouting's costs swapped, as in the integration test.
      const rows = { id: [] as number[], source: [] as number[], target: [] as number[], cost: [] as number[], reverse: [] as number[] };
      for (let w = 0; w < network.wayCount; w++) {
        const m = costs.wayMinutes[w]!;
        rows.id.push(w + 1);
        rows.source.push(network.wayFrom[w]! + 1);
        rows.target.push(network.wayTo[w]! + 1);
        rows.cost.push(Number.isFinite(m) && costs.backwardOpen(w) ? m : -1);
        rows.reverse.push(Number.isFinite(m) && costs.forwardOpen(w) ? m : -1);
      }
      await db.query('TRUNCATE road_bench');
      const [, load] = await (async () => {
        const t = performance.now();
        for (let k = 0; k < rows.id.length; k += 100_000) {
          const s = (a: number[]) => a.slice(k, k + 100_000);
          await db.query('INSERT INTO road_bench SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::float8[], $5::float8[])', [s(rows.id), s(rows.source), s(rows.target), s(rows.cost), s(rows.reverse)]);
        }
        return [null, performance.now() - t] as const;
      })();
      const roots = [...new Set(pointSeeds(network, costs, ps).map((sd) => sd.node + 1))];
      const sql = `SELECT node, agg_cost FROM pgr_drivingDistance('SELECT id, source, target, cost, reverse_cost FROM road_bench', $1::bigint[], ${DEFAULT_MAX_MINUTES}, directed => true, equicost => true)`;
      await db.query(sql, [roots]); // warm the server's caches
      let t = performance.now();
      const { rows: reached } = await db.query<{ node: string; agg_cost: number }>(sql, [roots]);
      const pgTime = performance.now() - t;
      // Ours: the same roots, each its own source at 0 (a node's label is the same whichever root wins a tie).
      const seeds = roots.map((r, i) => ({ node: r - 1, minutes: 0, source: i }));
      roadDijkstra(costs, RoadDirection.TO_SOURCES, emptyRoadLabels(network.nodeCount), seeds, DEFAULT_MAX_MINUTES, (a, b) => a < b); // warm, as pgRouting's
      const labels = emptyRoadLabels(network.nodeCount);
      t = performance.now();
      roadDijkstra(costs, RoadDirection.TO_SOURCES, labels, seeds, DEFAULT_MAX_MINUTES, (a, b) => a < b);
      const ours = performance.now() - t;
      let worst = 0;
      for (const r of reached) worst = Math.max(worst, Math.abs(labels.minutes[Number(r.node) - 1]! - Number(r.agg_cost)));
      say(
        `${mode.padEnd(7)} pgr_drivingDistance (equicost) ${fmt(pgTime)} ms for ${reached.length.toLocaleString('en')} nodes (ways loaded in ${fmt(load)} ms, not counted); ` +
          `our multi-source Dijkstra ${fmt(ours)} ms: ${(pgTime / ours).toFixed(0)}× faster; largest difference ${worst.toExponential(1)} min (pgRouting 3.4's equicost labels are not all the nearest root's; the integration test checks against pgr_dijkstraCost)`,
      );
    }
  } finally {
    await db.end().catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  say(`# Road model benchmark, ${new Date().toISOString()} (\`bench/road.bench.ts\`)`);
  say(`Machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), Node ${process.version}; load average ${os.loadavg()[0]!.toFixed(2)} at the start`);
  say('');
  await province();
  await pgRouting();
  say(`Whole run ${((performance.now() - started) / 1000).toFixed(0)} s; load average ${os.loadavg()[0]!.toFixed(2)} at the end`);
  console.log(`\nwritten to ${report.write('road.bench:run')}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
