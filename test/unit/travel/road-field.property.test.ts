import CheapRuler from 'cheap-ruler';
import fc from 'fast-check';
import { RoadNetwork, type RoadEdgeInput } from '../../../src/travel/road-network';
import { DEFAULT_ROAD_SPEEDS, type RoadClass } from '../../../src/travel/road-speeds';
import { DEFAULT_JOIN_SLACK_METERS, DEFAULT_MAX_JOINS, RoadModel, type ReachedWayPart, type RoadField } from '../../../src/travel/road.model';
import type { TravelModeName } from '../../../src/travel/travel-model';
import { TestPoints, TestVillages } from '../../helpers/road-places';

/**
 * The road field equals a brute-force computation, for every mode, after every change: random connected grid-like
 * networks (jittered nodes, random classes, one-way tags, maxspeeds, ferries, some ways bent into polylines), random
 * villages and points (some off the network), then random sequences of points added, removed and moved and
 * villages moved. The brute force is written here from the rules alone: join each place to the usable ways within
 * the join slack of its nearest usable way, the maxJoins nearest of them (ties: the smaller way index), by trying every
 * way (cheap-ruler's pointOnLine on its line; the fraction: its length along the line ÷ the line's), then one plain
 * O(n²) Dijkstra per point from all its joins over the way list (no heap, no CSR, no buckets), then each village's best
 * over all points and all its joins. The join rule's two parameters are drawn too (the defaults, the nearest way
 * alone, and others). Costs agree within 1e-9 minutes; the nearest point agrees unless another point is within 1e-9 (a tie up
 * to rounding). The reached roads (the field's, and the model's from the counted points) agree with the brute
 * force's minutes at sampled points of every way.
 */

const STRAIGHT_LINE = { speedsKmh: { WALK: 5, BICYCLE: 12, EBIKE: 20, CAR: 30 }, detourFactor: 1.3 };
const MODES: TravelModeName[] = ['WALK', 'BICYCLE', 'EBIKE', 'CAR'];
const CLASSES: RoadClass[] = ['motorway', 'trunk', 'primary', 'tertiary', 'residential', 'track', 'footway', 'steps', 'ferry'];
const MAX_OFF_ROAD = 1000;
const MAX_POINT_SNAP = 50_000;
const LAT = 26.2;
const base = new CheapRuler(LAT, 'meters');
const at = (east: number, north: number): [number, number] => base.offset([117.6, LAT], east, north);

interface Graph {
  nodes: { lon: number; lat: number }[];
  edges: RoadEdgeInput[];
  extentMeters: number;
}

/** A way's line: its geometry, or the straight segment between its nodes. */
const lineOf = (g: Graph, e: RoadEdgeInput): [number, number][] =>
  e.geometry ? e.geometry.map(([x, y]) => [x, y] as [number, number]) : [[g.nodes[e.from]!.lon, g.nodes[e.from]!.lat], [g.nodes[e.to]!.lon, g.nodes[e.to]!.lat]];

const graphArb: fc.Arbitrary<Graph> = fc
  .record({ cols: fc.integer({ min: 2, max: 5 }), rows: fc.integer({ min: 2, max: 5 }), spacing: fc.integer({ min: 300, max: 1500 }) })
  .chain(({ cols, rows, spacing }) => {
    const n = cols * rows;
    const edgeArb = fc.record({
      present: fc.double({ min: 0, max: 1, noNaN: true }),
      cls: fc.constantFrom(...CLASSES),
      oneway: fc.constantFrom<boolean | 'reverse'>(false, false, true, 'reverse'),
      detour: fc.double({ min: 1, max: 1.6, noNaN: true }),
      maxspeed: fc.option(fc.constantFrom(20, 40, 60), { nil: undefined }),
      ferryMinutes: fc.option(fc.double({ min: 1, max: 30, noNaN: true }), { nil: undefined }),
      // Inner vertices at 1/3 and 2/3 of the way, pushed sideways by these fractions of the spacing (none: straight).
      bend: fc.option(fc.tuple(fc.double({ min: -0.4, max: 0.4, noNaN: true }), fc.double({ min: -0.4, max: 0.4, noNaN: true })), { nil: undefined, freq: 2 }),
    });
    return fc.record({
      jitter: fc.array(fc.tuple(fc.double({ min: -0.3, max: 0.3, noNaN: true }), fc.double({ min: -0.3, max: 0.3, noNaN: true })), { minLength: n, maxLength: n }),
      horizontal: fc.array(edgeArb, { minLength: n, maxLength: n }),
      vertical: fc.array(edgeArb, { minLength: n, maxLength: n }),
    }).map(({ jitter, horizontal, vertical }): Graph => {
      const nodes = jitter.map(([jx, jy], i) => {
        const [lon, lat] = at(((i % cols) + jx) * spacing, (Math.floor(i / cols) + jy) * spacing);
        return { lon, lat };
      });
      const edges: RoadEdgeInput[] = [];
      const add = (from: number, to: number, e: (typeof horizontal)[number]) => {
        const a: [number, number] = [nodes[from]!.lon, nodes[from]!.lat];
        const b: [number, number] = [nodes[to]!.lon, nodes[to]!.lat];
        const ruler = new CheapRuler(a[1], 'meters');
        let geometry: [number, number][] | undefined;
        if (e.bend) {
          // Sideways: perpendicular to a → b, in metres.
          const bearing = ruler.bearing(a, b);
          const inner = e.bend.map((side, k) => ruler.destination(ruler.along([a, b], (ruler.distance(a, b) * (k + 1)) / 3), side * spacing, bearing + 90));
          geometry = [a, ...inner, b];
        }
        const meters = ruler.lineDistance(geometry ?? [a, b]);
        edges.push({ from, to, lengthMeters: meters * e.detour, highway: e.cls, oneway: e.oneway, maxspeedKmh: e.maxspeed, ferryMinutes: e.cls === 'ferry' ? e.ferryMinutes : undefined, geometry });
      };
      for (let i = 0; i < n; i++) {
        const c = i % cols;
        const r = Math.floor(i / cols);
        // Every row whole and the first column: connected (for the modes allowed on them); other links at random.
        if (c + 1 < cols) add(i, i + 1, horizontal[i]!);
        if (r + 1 < rows && (c === 0 || vertical[i]!.present < 0.6)) add(i, i + cols, vertical[i]!);
      }
      return { nodes, edges, extentMeters: Math.max(cols, rows) * spacing };
    });
  });

type Op = { kind: 'add' | 'remove' | 'move' | 'village' | 'complete'; index: number; place: [number, number] };

/** A place over the network's extent and 1.5 km around it (some villages off the network). */
const placeArb = (extent: number) => fc.tuple(fc.double({ min: -1500, max: extent + 1500, noNaN: true }), fc.double({ min: -1500, max: extent + 1500, noNaN: true })).map(([e, n]) => at(e, n));

// ---- the brute force, from the rules ----

interface Joined {
  way: number;
  fraction: number;
  off: number;
}

function wayMinutes(g: Graph, mode: TravelModeName, w: number): number {
  const e = g.edges[w]!;
  const kmh = DEFAULT_ROAD_SPEEDS.kmh[mode][e.highway as RoadClass];
  if (kmh === undefined) return Number.POSITIVE_INFINITY;
  if (e.highway === 'ferry' && e.ferryMinutes !== undefined) return e.ferryMinutes;
  let mpm = (kmh * 1000) / 60;
  if (mode === 'CAR' && e.maxspeedKmh !== undefined) mpm = Math.min(mpm, (e.maxspeedKmh * 1000) / 60);
  return e.lengthMeters / mpm;
}

const forwardOpen = (g: Graph, mode: TravelModeName, w: number) => !(mode === 'CAR' && g.edges[w]!.oneway === 'reverse');
const backwardOpen = (g: Graph, mode: TravelModeName, w: number) => !(mode === 'CAR' && g.edges[w]!.oneway === true);

/** The join rule's parameters (RoadModelOptions.joinSlackMeters, maxJoins). */
interface JoinRule {
  slack: number;
  maxJoins: number;
}

/** Where a place joins: every usable way (not a ferry) within the slack of the nearest and within maxMeters, the maxJoins nearest (ties: smaller way). */
function joins(g: Graph, mode: TravelModeName, rule: JoinRule, [lon, lat]: [number, number], maxMeters: number): Joined[] {
  const ruler = new CheapRuler(lat, 'meters');
  const all: (Joined & { meters: number })[] = [];
  g.edges.forEach((e, w) => {
    if (e.highway === 'ferry' || wayMinutes(g, mode, w) === Number.POSITIVE_INFINITY) return;
    const line = lineOf(g, e);
    const { point, index, t } = ruler.pointOnLine(line, [lon, lat]);
    const meters = ruler.distance([lon, lat], point);
    if (!(meters <= maxMeters)) return;
    // Along the line: its segments before the point's, then the point's part of its own, over the whole.
    const along = ruler.lineDistance(line.slice(0, index + 1)) + Math.min(1, Math.max(0, t)) * ruler.distance(line[index]!, line[index + 1]!);
    const fraction = line.length === 2 ? Math.min(1, Math.max(0, t)) : Math.min(1, along / ruler.lineDistance(line));
    all.push({ way: w, fraction, off: meters / ((DEFAULT_ROAD_SPEEDS.offRoadWalkKmh * 1000) / 60), meters });
  });
  all.sort((a, b) => a.meters - b.meters || a.way - b.way);
  return all.filter((j) => j.meters <= all[0]!.meters + rule.slack).slice(0, rule.maxJoins);
}

/** Minutes from every node to the point joined at `js`: plain Dijkstra, picking the nearest unsettled node by a scan. */
function minutesToPoint(g: Graph, mode: TravelModeName, js: readonly Joined[]): Float64Array {
  const n = g.nodes.length;
  const dist = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  const done = new Uint8Array(n);
  for (const j of js) {
    const m = wayMinutes(g, mode, j.way);
    const e = g.edges[j.way]!;
    if (forwardOpen(g, mode, j.way)) dist[e.from] = Math.min(dist[e.from]!, j.off + j.fraction * m);
    if (backwardOpen(g, mode, j.way)) dist[e.to] = Math.min(dist[e.to]!, j.off + (1 - j.fraction) * m);
  }
  for (;;) {
    let u = -1;
    for (let k = 0; k < n; k++) if (!done[k] && dist[k]! < Number.POSITIVE_INFINITY && (u < 0 || dist[k]! < dist[u]!)) u = k;
    if (u < 0) return dist;
    done[u] = 1;
    g.edges.forEach((edge, w) => {
      const c = wayMinutes(g, mode, w);
      if (c === Number.POSITIVE_INFINITY) return;
      // Travel x → u along the way: forwards when u is its to node, backwards when its from node.
      if (edge.to === u && forwardOpen(g, mode, w) && dist[u]! + c < dist[edge.from]!) dist[edge.from] = dist[u]! + c;
      if (edge.from === u && backwardOpen(g, mode, w) && dist[u]! + c < dist[edge.to]!) dist[edge.to] = dist[u]! + c;
    });
  }
}

interface World {
  g: Graph;
  mode: TravelModeName;
  rule: JoinRule;
  maxMinutes: number;
  points: TestPoints;
  counted: Set<number>;
}

type PointCache = Map<number, { js: Joined[]; dist: Float64Array | null }>;

/** Minutes from a place (joined as a village) to point p, or Infinity: the best over the place's joins. */
function placeToPoint(w: World, place: [number, number], p: number, cache: PointCache): number {
  const vs = joins(w.g, w.mode, w.rule, place, MAX_OFF_ROAD);
  if (vs.length === 0) {
    const meters = new CheapRuler(place[1], 'meters').distance(place, w.points.places[p]!);
    return (meters * STRAIGHT_LINE.detourFactor) / ((STRAIGHT_LINE.speedsKmh[w.mode] * 1000) / 60);
  }
  return Math.min(...vs.map((v) => joinedToPoint(w, v, p, cache)));
}

/** Minutes from a place joined at v (a road point when v.off = 0) to point p (the best over p's joins), or Infinity. */
function joinedToPoint(w: World, v: Joined, p: number, cache: PointCache): number {
  const { g, mode } = w;
  let known = cache.get(p);
  if (!known) {
    const js = joins(g, mode, w.rule, w.points.places[p]!, MAX_POINT_SNAP);
    known = { js, dist: js.length > 0 ? minutesToPoint(g, mode, js) : null };
    cache.set(p, known);
  }
  if (!known.dist) return Number.POSITIVE_INFINITY;
  const m = wayMinutes(g, mode, v.way);
  const e = g.edges[v.way]!;
  let best = Number.POSITIVE_INFINITY;
  if (backwardOpen(g, mode, v.way)) best = Math.min(best, v.off + (v.fraction * m + known.dist[e.from]!));
  if (forwardOpen(g, mode, v.way)) best = Math.min(best, v.off + ((1 - v.fraction) * m + known.dist[e.to]!));
  for (const j of known.js) {
    if (j.way === v.way && (j.fraction >= v.fraction ? forwardOpen(g, mode, v.way) : backwardOpen(g, mode, v.way))) {
      best = Math.min(best, v.off + (Math.abs(j.fraction - v.fraction) * m + j.off));
    }
  }
  return best;
}

/** The best point for a place, and the runner-up's cost (to tell a rounding tie). */
function bruteNearest(w: World, place: [number, number], cache: PointCache, limit = w.maxMinutes) {
  const all = [...w.counted]
    .map((p) => ({ p, cost: placeToPoint(w, place, p, cache) }))
    .filter((r) => r.cost <= limit)
    .sort((a, b) => a.cost - b.cost || (w.points.id(a.p) < w.points.id(b.p) ? -1 : 1));
  return { best: all[0], ties: all.filter((r) => all[0] && r.cost - all[0].cost <= 1e-9).map((r) => r.p) };
}

/**
 * Reached parts against the brute force: at sampled fractions of every way, a point within the budget (by the
 * brute force's minutes from it, as a road point, to its nearest counted point) lies in a part, at the minutes
 * left that the part's linear ends give; a point beyond it lies in none; ways no place may join have none.
 */
function checkReach(w: World, parts: readonly ReachedWayPart[], budget: number, step: string): void {
  const cache: PointCache = new Map();
  const byWay = new Map<number, ReachedWayPart[]>();
  for (const part of parts) {
    if (!(part.from < part.to) || part.from < 0 || part.to > 1 || part.remainingAtStart < 0 || part.remainingAtEnd < 0) throw new Error(`${w.mode} ${step}: a malformed part ${JSON.stringify(part)}`);
    byWay.set(part.way, [...(byWay.get(part.way) ?? []), part]);
  }
  w.g.edges.forEach((e, way) => {
    const mine = byWay.get(way) ?? [];
    if (e.highway === 'ferry' || wayMinutes(w.g, w.mode, way) === Number.POSITIVE_INFINITY) {
      if (mine.length > 0) throw new Error(`${w.mode} ${step}: way ${way} (${e.highway}) has reached parts`);
      return;
    }
    const samples = [0, 0.013, 0.25, 0.5, 0.77, 0.999, 1, ...mine.flatMap((p) => [p.from, p.to, (p.from + p.to) / 2])];
    const costAt = (f: number) => Math.min(...[...w.counted].map((p) => joinedToPoint(w, { way, fraction: f, off: 0 }, p, cache)));
    for (const f of samples) {
      const cost = costAt(f);
      const containing = mine.filter((p) => p.from - 1e-12 <= f && f <= p.to + 1e-12);
      // A point reached alone (an origin at a one-way way's end, reached from no other point of it) is no part.
      const isolated = [f - 1e-6, f + 1e-6].every((x) => x < 0 || x > 1 || costAt(x) > budget);
      if (cost <= budget - 1e-7 && !isolated) {
        // The minutes left jump where an origin sits at a one-way way's point: there a part may give either side's.
        const sides = [f - 1e-6, f + 1e-6].filter((x) => x >= 0 && x <= 1).map(costAt);
        const ok = containing.some((p) => {
          const left = p.remainingAtStart + ((p.remainingAtEnd - p.remainingAtStart) * (f - p.from)) / (p.to - p.from);
          return Math.abs(left - (budget - cost)) <= 1e-6 || sides.some((c) => Math.abs(left - (budget - c)) <= 1e-4);
        });
        if (!ok) throw new Error(`${w.mode} ${step}: way ${way} at ${f}: ${budget - cost} min left by the brute force, parts ${JSON.stringify(mine)}`);
      } else if (cost > budget + 1e-7 && mine.some((p) => p.from + 1e-6 < f && f < p.to - 1e-6)) {
        throw new Error(`${w.mode} ${step}: way ${way} at ${f} is beyond the budget (${cost} min) but in a part ${JSON.stringify(mine)}`);
      }
    }
  });
}

/**
 * The field's costs against the brute force's. A field with a cutoff costs only the villages within it, but villages
 * off the network up to maxMinutes (no search), and those `settled` (completeRange / complete) as an uncut field.
 */
function check(w: World, field: RoadField, villages: [number, number][], step: string, settled: (v: number) => boolean = () => false): void {
  const cache: PointCache = new Map();
  villages.forEach((place, v) => {
    const offNetwork = joins(w.g, w.mode, w.rule, place, MAX_OFF_ROAD).length === 0;
    const { best, ties } = bruteNearest(w, place, cache, offNetwork || settled(v) ? w.maxMinutes : Math.min(w.maxMinutes, field.cutoffMinutes));
    const got = field.nearest[v]!;
    const cost = field.cost[v]!;
    const ok = best ? ties.includes(got) && Math.abs(cost - best.cost) <= 1e-9 : got === -1 && Number.isNaN(cost);
    if (!ok) throw new Error(`${w.mode} ${step}: village ${v} field ${got} at ${cost} min, brute force ${best?.p} at ${best?.cost} (ties ${ties})`);
    const off = offNetwork ? 1 : 0;
    if (field.offNetwork[v] !== off) throw new Error(`${w.mode} ${step}: village ${v} offNetwork ${field.offNetwork[v]}, brute force ${off}`);
  });
}

describe('RoadField against a brute force (fast-check)', () => {
  it('costs and nearest points equal a plain Dijkstra per point after every change, for every mode', () => {
    fc.assert(
      fc.property(
        graphArb.chain((g) =>
          fc.record({
            g: fc.constant(g),
            villages: fc.array(placeArb(g.extentMeters), { minLength: 1, maxLength: 12 }),
            points: fc.array(placeArb(g.extentMeters), { minLength: 1, maxLength: 7 }),
            initial: fc.array(fc.boolean(), { minLength: 7, maxLength: 7 }),
            ops: fc.array(
              fc.record({ kind: fc.constantFrom<Op['kind']>('add', 'remove', 'move', 'village', 'complete'), index: fc.nat(), place: placeArb(g.extentMeters) }),
              { maxLength: 12 },
            ),
            maxMinutes: fc.constantFrom(15, 60, 240),
            probe: placeArb(g.extentMeters),
            budget: fc.constantFrom(5, 12, 40),
            cutoff: fc.constantFrom(undefined, undefined, 4, 10),
            rule: fc.constantFrom<JoinRule>(
              { slack: DEFAULT_JOIN_SLACK_METERS, maxJoins: DEFAULT_MAX_JOINS },
              { slack: DEFAULT_JOIN_SLACK_METERS, maxJoins: DEFAULT_MAX_JOINS },
              { slack: 0, maxJoins: 1 },
              { slack: 2000, maxJoins: 2 },
              { slack: 150, maxJoins: 8 },
            ),
          }),
        ),
        ({ g, villages: initialVillages, points: places, initial, ops, maxMinutes, probe, budget: asked, cutoff, rule }) => {
          const network = RoadNetwork.build(g.nodes, g.edges, 'random');
          // With a cutoff, the field costs villages only up to it (or further, when its search reached everything
          // before it) until the end, where it is extended to maxMinutes; 'complete' ops settle all villages or one.
          const model = new RoadModel({ network, straightLine: STRAIGHT_LINE, maxMinutes, fieldCutoffMinutes: cutoff, joinSlackMeters: rule.slack, maxJoins: rule.maxJoins });
          for (const mode of MODES) {
            const points = new TestPoints(places.map((p) => [...p] as [number, number]));
            const villages = initialVillages.map((p) => [...p] as [number, number]);
            const table = new TestVillages(villages);
            const counted = new Set(places.map((_, i) => i).filter((i) => initial[i]));
            const field = model.createField(table, points, [...counted], mode);
            const w: World = { g, mode, rule, maxMinutes, points, counted };
            check(w, field, villages, 'built');
            ops.forEach((op, k) => {
              const p = op.index % places.length;
              if (op.kind === 'complete') {
                const v = op.index % villages.length;
                if (op.index % 2 === 0) field.completeRange(0, villages.length);
                else field.complete([v]);
                check(w, field, villages, `after op ${k} (complete ${op.index % 2 === 0 ? 'all' : v})`, (u) => op.index % 2 === 0 || u === v);
                return;
              }
              if (op.kind === 'add' && !counted.has(p)) {
                counted.add(p);
                field.addOrigin(p);
              } else if (op.kind === 'remove' && counted.has(p)) {
                counted.delete(p);
                field.removeOrigin(p);
              } else if (op.kind === 'move') {
                points.places[p] = op.place;
                if (counted.has(p)) field.moveOrigin(p);
              } else if (op.kind === 'village') {
                const v = op.index % villages.length;
                villages[v] = op.place;
                table.longitude[v] = op.place[0];
                table.latitude[v] = op.place[1];
                field.villagesMoved([v]);
              }
              check(w, field, villages, `after op ${k} (${op.kind} ${p})`);
            });
            // The roads reached: read off the field (extending its cutoff to the budget), and searched afresh from the
            // counted points' places. Then the field's cutoff extended to maxMinutes.
            const budget = Math.min(asked, maxMinutes);
            expect(field.cutoffMinutes).toBeGreaterThanOrEqual(Math.min(cutoff ?? maxMinutes, maxMinutes));
            checkReach(w, field.reachedWayParts(budget), budget, 'field reach');
            expect(field.cutoffMinutes).toBeGreaterThanOrEqual(Math.min(Math.max(cutoff ?? maxMinutes, budget), maxMinutes));
            check(w, field, villages, 'reach asked');
            checkReach(w, model.reachedWayParts([...counted].map((p) => points.places[p]!), mode, budget), budget, 'model reach');
            field.ensureCutoff(maxMinutes);
            expect(field.cutoffMinutes).toBe(maxMinutes);
            check(w, field, villages, 'cutoff extended');
            // The single-place questions: nearestOrigins and costsBetween from a place, reachFrom to it.
            const cache: PointCache = new Map();
            const expected = [...counted].map((p) => ({ p, cost: placeToPoint(w, probe, p, cache) })).filter((r) => r.cost <= maxMinutes);
            const near = field.nearestOrigins(probe[0], probe[1], 99);
            expect(near.length).toBe(expected.length);
            for (const { point, cost } of near) expect(Math.abs(cost - expected.find((r) => r.p === point)!.cost)).toBeLessThanOrEqual(1e-9);
            const between = field.costsBetween(probe[0], probe[1], [...counted].map((p) => points.places[p]!));
            [...counted].forEach((p, i) => {
              const e = placeToPoint(w, probe, p, cache);
              if (e <= maxMinutes) expect(Math.abs(between[i]! - e)).toBeLessThanOrEqual(1e-9);
              else expect(between[i]).toBe(Number.POSITIVE_INFINITY);
            });
            // reachFrom: the probe as a point (index past the others), each village's minutes to it.
            const asPoint = new TestPoints([...points.places, probe]);
            const wp: World = { ...w, points: asPoint };
            const reach = field.reachFrom(probe[0], probe[1], maxMinutes);
            const pc: PointCache = new Map();
            villages.forEach((place, v) => {
              const e = placeToPoint(wp, place, places.length, pc);
              const i = reach.villages.indexOf(v);
              const bad = e <= maxMinutes - 1e-9 ? !(i >= 0 && Math.abs(reach.costs[i]! - e) <= 1e-9) : e > maxMinutes + 1e-9 && i !== -1;
              if (bad) throw new Error(`${mode} reachFrom: village ${v} field ${i >= 0 ? reach.costs[i] : 'absent'}, brute force ${e}`);
            });
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
