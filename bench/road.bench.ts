import FlatQueue from 'flatqueue';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { emptyRoadLabels, RoadDirection, roadDijkstra, type RoadLabels, type RoadSeed } from '../src/travel/road-dijkstra';
import { RoadModeCosts } from '../src/travel/road-mode-costs';
import { RoadNetwork, type RoadEdgeInput, type RoadNodeInput } from '../src/travel/road-network';
import { DEFAULT_ROAD_SPEEDS } from '../src/travel/road-speeds';
import { RoadModel } from '../src/travel/road.model';
import type { PointPlaces, VillagePlaces } from '../src/travel/places';
import type { TravelModeName } from '../src/travel/travel-model';

/**
 * The road model at province scale, on a synthetic network (not wired into `npm run bench` yet):
 * a SIDE × SIDE grid (≥ 2 million nodes, ~240 m apart: about a 350 km square, the size of Fujian), every 20th row
 * and column primary, every 5th tertiary, the rest residential with a track in every 7, one residential way in 9
 * one-way; 60,000 villages and 2,000 points at random (seeded). Prints the time to build the CSR graph and its
 * index, then per mode:
 * - the bare multi-source Dijkstra (bucket queue), against the binary-heap Dijkstra it replaced (flatqueue, kept
 *   here) on the same seeds: the labels must be equal, bit for bit;
 * - a field over all villages, first (villages snapped) and again (their joins cached on the model), and with a
 *   cutoff of 30 min (`fieldCutoffMinutes`), then that field extended to 60 min (`ensureCutoff`);
 * - one addOrigin, one removeOrigin, nearestOrigins, and the roads reached from one point in 15 min (isochrones).
 * Then, when a PostgreSQL server with pgRouting is reachable (DATABASE_URL, else postgres://postgres@127.0.0.1:5432/
 * postgres), pgr_drivingDistance (equicost: each node to its nearest root; and, when small enough, every root's
 * own with the least per node, which is exact) on a PG_SIDE × PG_SIDE corner of the grid with the points inside it
 * (loading all 4.2 million ways for one query takes longer than the query), against our Dijkstra and field on the
 * same sub-grid, in a scratch database created and dropped here. Environment: SIDE, PG_SIDE (default 500; 0 skips
 * pgRouting), MODES (comma-separated).
 *
 *   npm run build && node --max-old-space-size=8192 dist/bench/road.bench.js
 */
const SIDE = Number(process.env.SIDE ?? 1450);
const PG_SIDE = Math.min(Number(process.env.PG_SIDE ?? 500), SIDE);
const SPACING_DEG = 0.0024; // ~240 m of latitude, ~215 m of longitude at 26°
const VILLAGES = Math.round((60_000 * SIDE * SIDE) / (1450 * 1450));
const POINTS = Math.max(2, Math.round((2_000 * SIDE * SIDE) / (1450 * 1450)));
const MODES = (process.env.MODES?.split(',') ?? ['WALK', 'BICYCLE', 'EBIKE', 'CAR']) as TravelModeName[];
const STRAIGHT_LINE = { speedsKmh: { WALK: 5, BICYCLE: 12, EBIKE: 20, CAR: 30 }, detourFactor: 1.3 };

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

/** The multi-source Dijkstra as it was before the bucket queue (a binary heap, flatqueue), for the comparison. */
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

const ms = (start: number): string => `${(performance.now() - start).toFixed(0)} ms`;

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

function province(): void {
  let t = performance.now();
  const { nodes, edges } = grid(SIDE);
  console.log(`input: ${nodes.length.toLocaleString('en')} nodes, ${edges.length.toLocaleString('en')} ways, generated in ${ms(t)}`);
  t = performance.now();
  const network = RoadNetwork.build(nodes, edges, 'synthetic-province');
  console.log(`CSR graph + KDBush index: ${ms(t)} (${network.edgeCount.toLocaleString('en')} directed edges, ~${Math.round(network.bytes / 1e6)} MB)`);
  const villages = villageTable(places(VILLAGES));
  const points = pointTable(places(POINTS + 2));
  const origins = Array.from({ length: POINTS }, (_, i) => i);
  const model = new RoadModel({ network, straightLine: STRAIGHT_LINE });
  const cut = new RoadModel({ network, straightLine: STRAIGHT_LINE, fieldCutoffMinutes: 30 });
  console.log(`${VILLAGES.toLocaleString('en')} villages, ${POINTS.toLocaleString('en')} points`);
  for (const mode of MODES) {
    const costs = new RoadModeCosts(network, DEFAULT_ROAD_SPEEDS, mode);
    const seeds = pointSeeds(network, costs, points.places.slice(0, POINTS));
    const heap = emptyRoadLabels(network.nodeCount);
    t = performance.now();
    heapDijkstra(costs, RoadDirection.TO_SOURCES, heap, seeds, 240, (a, b) => a < b);
    const heapTime = ms(t);
    const labels = emptyRoadLabels(network.nodeCount);
    t = performance.now();
    roadDijkstra(costs, RoadDirection.TO_SOURCES, labels, seeds, 240, (a, b) => a < b);
    const bare = ms(t);
    const equal = sameLabels(heap, labels);
    t = performance.now();
    model.createField(villages, points, origins, mode);
    const cold = ms(t);
    t = performance.now();
    const field = model.createField(villages, points, origins, mode);
    const warm = ms(t);
    cut.createField(villages, points, origins, mode); // its joins
    t = performance.now();
    const cutField = cut.createField(villages, points, origins, mode);
    const cutTime = ms(t);
    t = performance.now();
    cutField.ensureCutoff(60);
    const extend = ms(t);
    let covered = 0;
    let off = 0;
    let agree = 0;
    for (let v = 0; v < VILLAGES; v++) {
      if (field.cost[v]! <= 15) covered++;
      off += field.offNetwork[v]!;
      const c = field.cost[v]!;
      if (c <= 60 ? cutField.cost[v] === c && cutField.nearest[v] === field.nearest[v] : Number.isNaN(cutField.cost[v]!)) agree++;
    }
    t = performance.now();
    field.addOrigin(POINTS);
    const add = ms(t);
    points.places[POINTS + 1] = [117.5, 25.5];
    t = performance.now();
    field.addOrigin(POINTS + 1);
    const add2 = ms(t);
    t = performance.now();
    field.removeOrigin(POINTS);
    const remove = ms(t);
    t = performance.now();
    const near = field.nearestOrigins(117.7, 25.6, 5);
    const nearest = ms(t);
    t = performance.now();
    const roads = model.reachedRoadsFrom(117.7, 25.6, mode, 15);
    const reach = ms(t);
    console.log(
      `${mode.padEnd(7)} bare Dijkstra ${bare} (binary heap ${heapTime}, labels ${equal ? 'equal' : 'DIFFERENT'}); field ${cold} first, ${warm} with the joins cached; ` +
        `cut at 30 min ${cutTime}, extended to 60 ${extend} (${agree === VILLAGES ? 'all villages agree' : `${VILLAGES - agree} villages DIFFER`}); ` +
        `addOrigin ${add}, another ${add2}; removeOrigin ${remove}; nearestOrigins(5) ${nearest}; reachedRoadsFrom(15 min) ${reach} (${roads.length} parts); ` +
        `${covered.toLocaleString('en')} villages within 15 min, ${off} off the network, nearest of one place ${near[0]?.cost.toFixed(1)} min`,
    );
  }
}

/** pgr_drivingDistance against our search on a PG_SIDE² corner of the grid (the same ways, in a scratch database). */
async function pgRouting(): Promise<void> {
  if (PG_SIDE <= 1) return;
  const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const admin = new Client({ connectionString: url });
  try {
    await admin.connect();
  } catch (err) {
    console.log(`pgRouting: skipped, no PostgreSQL server at ${url.replace(/:[^:@/]*@/, ':***@')} (${(err as Error).message})`);
    return;
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
      console.log(`pgRouting: skipped, not installed on this server (apt-get install postgresql-15-pgrouting): ${(err as Error).message}`);
      return;
    }
    const { rows: version } = await db.query<{ v: string }>('SELECT pgr_version() AS v');
    seed = 7;
    const { nodes, edges } = grid(PG_SIDE);
    const network = RoadNetwork.build(nodes, edges, 'pg-corner');
    const extent = (PG_SIDE - 1) * SPACING_DEG;
    const count = Math.max(2, Math.round((POINTS * PG_SIDE * PG_SIDE) / (SIDE * SIDE)));
    const ps = Array.from({ length: count }, (): [number, number] => [116 + random() * extent, 24 + random() * extent]);
    const villageCount = Math.round((VILLAGES * PG_SIDE * PG_SIDE) / (SIDE * SIDE));
    const vs = villageTable(Array.from({ length: villageCount }, (): [number, number] => [116 + random() * extent, 24 + random() * extent]));
    const model = new RoadModel({ network, straightLine: STRAIGHT_LINE });
    console.log(`pgRouting ${version[0]!.v}: a ${PG_SIDE} × ${PG_SIDE} corner (${network.nodeCount.toLocaleString('en')} nodes, ${network.wayCount.toLocaleString('en')} ways), ${count} points, ${villageCount.toLocaleString('en')} villages`);
    await db.query('CREATE TABLE road_bench (id bigint, source bigint, target bigint, cost float8, reverse_cost float8)');
    for (const mode of MODES) {
      const costs = new RoadModeCosts(network, DEFAULT_ROAD_SPEEDS, mode);
      // Towards the sources (as fields search): pgRouting's costs swapped, as in the integration test.
      const rows = { id: [] as number[], source: [] as number[], target: [] as number[], cost: [] as number[], reverse: [] as number[] };
      for (let w = 0; w < network.wayCount; w++) {
        const m = costs.wayMinutes[w]!;
        const forward = Number.isFinite(m) && costs.forwardOpen(w) ? m : -1;
        const backward = Number.isFinite(m) && costs.backwardOpen(w) ? m : -1;
        rows.id.push(w + 1);
        rows.source.push(network.wayFrom[w]! + 1);
        rows.target.push(network.wayTo[w]! + 1);
        rows.cost.push(backward);
        rows.reverse.push(forward);
      }
      await db.query('TRUNCATE road_bench');
      let t = performance.now();
      for (let k = 0; k < rows.id.length; k += 100_000) {
        const s = (a: number[]) => a.slice(k, k + 100_000);
        await db.query('INSERT INTO road_bench SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::float8[], $5::float8[])', [s(rows.id), s(rows.source), s(rows.target), s(rows.cost), s(rows.reverse)]);
      }
      const load = ms(t);
      const seeds = pointSeeds(network, costs, ps);
      const roots = [...new Set(seeds.filter((sd) => sd.minutes === 0).map((sd) => sd.node + 1))];
      const sql = `SELECT node, agg_cost FROM pgr_drivingDistance('SELECT id, source, target, cost, reverse_cost FROM road_bench', $1::bigint[], 240, directed => true, equicost => true)`;
      const exact = `SELECT node, min(agg_cost) AS agg_cost FROM pgr_drivingDistance('SELECT id, source, target, cost, reverse_cost FROM road_bench', $1::bigint[], 240, directed => true, equicost => false) GROUP BY node`;
      await db.query(sql, [roots]); // warm the server's caches
      t = performance.now();
      const { rows: reached } = await db.query<{ node: string; agg_cost: number }>(sql, [roots]);
      const pgTime = performance.now() - t;
      // Ours: the same roots, each its own source at 0 (a node's label is the same whichever root wins a tie).
      const labels = emptyRoadLabels(network.nodeCount);
      t = performance.now();
      roadDijkstra(costs, RoadDirection.TO_SOURCES, labels, roots.map((r, i) => ({ node: r - 1, minutes: 0, source: i })), 240, (a, b) => a < b);
      const ours = performance.now() - t;
      let worst = 0;
      for (const r of reached) worst = Math.max(worst, Math.abs(labels.minutes[Number(r.node) - 1]! - Number(r.agg_cost)));
      // pgRouting 3.4's equicost labels are not all the nearest root's (up to ~1 min off here): the exact reference,
      // every root's own driving distance with the least kept per node, when its rows (roots × nodes) are few enough.
      let exactNote = 'equicost => false skipped (too many rows)';
      if (roots.length * network.nodeCount <= 5_000_000) {
        t = performance.now();
        const { rows: all } = await db.query<{ node: string; agg_cost: number }>(exact, [roots]);
        const exactTime = performance.now() - t;
        let worstExact = 0;
        for (const r of all) worstExact = Math.max(worstExact, Math.abs(labels.minutes[Number(r.node) - 1]! - Number(r.agg_cost)));
        exactNote = `equicost => false + min per node ${exactTime.toFixed(0)} ms (largest difference from ours ${worstExact.toExponential(1)} min)`;
      }
      const labelled = labels.minutes.reduce((n, m) => n + (m < Number.POSITIVE_INFINITY ? 1 : 0), 0);
      const pts = pointTable(ps);
      model.createField(vs, pts, ps.map((_, i) => i), mode);
      t = performance.now();
      model.createField(vs, pts, ps.map((_, i) => i), mode);
      const field = performance.now() - t;
      console.log(
        `${mode.padEnd(7)} pgr_drivingDistance equicost ${pgTime.toFixed(0)} ms (${reached.length.toLocaleString('en')} nodes, largest difference from ours ${worst.toExponential(1)} min; ways loaded in ${load}); ${exactNote}; ` +
          `ours: Dijkstra ${ours.toFixed(1)} ms (${labelled.toLocaleString('en')} nodes), ${(pgTime / ours).toFixed(0)}× faster than equicost; the whole field (villages' joins cached) ${field.toFixed(1)} ms`,
      );
    }
  } finally {
    await db.end().catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

async function main(): Promise<void> {
  province();
  await pgRouting();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
