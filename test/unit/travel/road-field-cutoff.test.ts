import CheapRuler from 'cheap-ruler';
import { emptyRoadLabels, RoadDirection, roadDijkstra } from '../../../src/travel/road-dijkstra';
import { RoadModeCosts } from '../../../src/travel/road-mode-costs';
import { RoadNetwork, type RoadEdgeInput, type RoadNodeInput } from '../../../src/travel/road-network';
import { DEFAULT_ROAD_SPEEDS } from '../../../src/travel/road-speeds';
import { RoadModel, type RoadField } from '../../../src/travel/road.model';
import type { TravelModeName } from '../../../src/travel/travel-model';
import { TestPoints, TestVillages } from '../../helpers/road-places';

/**
 * A field labelled only up to a cutoff against one labelled to maxMinutes, on a grid with an island (a patch of road
 * joined to nothing): after ensureCutoff(maxMinutes), completeRange or complete, costs and nearest points are those
 * of the uncut field, bit for bit, through origins added, removed and moved; the cutoff grows only as far as the
 * villages asked need (not for the island's village, which no origin can reach), a search that ends before its
 * cutoff leaves the field uncut, and roadDijkstra says which label it left out first.
 */

const STRAIGHT_LINE = { speedsKmh: { WALK: 5, BICYCLE: 12, EBIKE: 20, CAR: 30 }, detourFactor: 1.3 };
const LAT = 26.2;
const ruler = new CheapRuler(LAT, 'meters');
const at = (east: number, north: number): [number, number] => ruler.offset([117.6, LAT], east, north);
const MAX = 240;

/** A SIDE × SIDE grid 400 m apart (a one-way street in every 5th row), and a 2-node island 2 km east of it. */
function network(side: number): { nodes: RoadNodeInput[]; edges: RoadEdgeInput[] } {
  const nodes: RoadNodeInput[] = [];
  const edges: RoadEdgeInput[] = [];
  for (let r = 0; r < side; r++) {
    for (let c = 0; c < side; c++) {
      const [lon, lat] = at(c * 400, r * 400);
      nodes.push({ lon, lat });
      const i = r * side + c;
      if (c + 1 < side) edges.push({ from: i, to: i + 1, lengthMeters: 400 + ((r * 7 + c * 3) % 11) * 13, highway: r % 4 === 0 ? 'primary' : 'residential', oneway: r % 5 === 2 });
      if (r + 1 < side) edges.push({ from: i, to: i + side, lengthMeters: 400 + ((r * 5 + c * 11) % 13) * 9, highway: c % 4 === 0 ? 'tertiary' : 'track', oneway: false });
    }
  }
  const island = nodes.length;
  for (const [e, n] of [[(side - 1) * 400 + 2000, 0], [(side - 1) * 400 + 2400, 0]] as const) {
    const [lon, lat] = at(e, n);
    nodes.push({ lon, lat });
  }
  edges.push({ from: island, to: island + 1, lengthMeters: 400, highway: 'residential', oneway: false });
  return { nodes, edges };
}

const SIDE = 24;
const { nodes, edges } = network(SIDE);
const net = RoadNetwork.build(nodes, edges, 'cutoff grid');
const extent = (SIDE - 1) * 400;
/** Villages on a jittered lattice over the grid, and one on the island. */
const villagePlaces: [number, number][] = [];
for (let i = 0; i < 90; i++) villagePlaces.push(at(((i * 2654435761) % 1000) / 1000 * extent, ((i * 40503) % 997) / 997 * extent));
villagePlaces.push(at(extent + 2200, 10));
const ISLAND_VILLAGE = villagePlaces.length - 1;
const pointPlaces: [number, number][] = [at(100, 150), at(extent - 300, extent - 200), at(extent / 2, 60), at(300, extent - 100), at(extent / 3, extent / 2)];

function expectSame(cut: RoadField, full: RoadField, villages: readonly number[], what: string): void {
  for (const v of villages) {
    if (!Object.is(cut.cost[v], full.cost[v]) || cut.nearest[v] !== full.nearest[v]) throw new Error(`${what}: village ${v} cut ${cut.nearest[v]} at ${cut.cost[v]}, uncut ${full.nearest[v]} at ${full.cost[v]}`);
  }
}

describe('RoadField with a cutoff', () => {
  const all = villagePlaces.map((_, v) => v);

  it.each<TravelModeName>(['WALK', 'BICYCLE', 'CAR'])('%s: extended, completed for a range or some villages, patched: as the uncut field', (mode) => {
    const cutModel = new RoadModel({ network: net, straightLine: STRAIGHT_LINE, maxMinutes: MAX, fieldCutoffMinutes: 3 });
    const fullModel = new RoadModel({ network: net, straightLine: STRAIGHT_LINE, maxMinutes: MAX });
    const villages = new TestVillages(villagePlaces);
    const points = new TestPoints(pointPlaces.map((p) => [...p] as [number, number]));
    const origins = [0, 1, 2];
    const full = fullModel.createField(villages, points, origins, mode);
    const fresh = () => cutModel.createField(villages, points, origins, mode);

    let cut = fresh();
    expect(cut.cutoffMinutes).toBe(3);
    // Within the cutoff, the same; beyond it, no cost yet.
    for (const v of all) {
      if (full.cost[v]! <= 3) expect([cut.cost[v], cut.nearest[v]]).toEqual([full.cost[v], full.nearest[v]]);
      else expect(cut.nearest[v]).toBe(-1);
    }
    expect(all.some((v) => cut.nearest[v] === -1 && full.nearest[v]! >= 0)).toBe(true);
    cut.ensureCutoff(MAX);
    expect(cut.cutoffMinutes).toBe(MAX);
    expectSame(cut, full, all, 'ensureCutoff(max)');

    // completeRange over some villages: those get the uncut costs; the cutoff grows only as far as they need.
    cut = fresh();
    const some = all.slice(10, 30);
    cut.completeRange(10, 30);
    expectSame(cut, full, some, 'completeRange(10, 30)');
    const needed = Math.max(...some.map((v) => (full.nearest[v]! >= 0 ? full.cost[v]! : 0)));
    expect(cut.cutoffMinutes).toBeGreaterThanOrEqual(needed);
    // (or the whole reachable grid was labelled on the way there: then the field is uncut)
    if (cut.cutoffMinutes !== MAX) expect(cut.cutoffMinutes).toBeLessThanOrEqual(Math.max(2 * needed, 6));

    // The island's village: no origin can reach it, so asking for it extends nothing.
    cut = fresh();
    expect(full.nearest[ISLAND_VILLAGE]).toBe(-1);
    expect(full.offNetwork[ISLAND_VILLAGE]).toBe(0);
    cut.complete([ISLAND_VILLAGE]);
    expect(cut.cutoffMinutes).toBe(3);
    cut.complete(all);
    expectSame(cut, full, all, 'complete(all)');

    // Patched after being extended part way, then completed again: as the uncut field patched the same way.
    cut = fresh();
    cut.completeRange(0, 20);
    const steps: [string, () => void][] = [
      ['add 3', () => (cut.addOrigin(3), full.addOrigin(3))],
      ['remove 0', () => (cut.removeOrigin(0), full.removeOrigin(0))],
      ['move 1', () => ((points.places[1] = at(extent / 2, extent / 2)), cut.moveOrigin(1), full.moveOrigin(1))],
      ['add 4', () => (cut.addOrigin(4), full.addOrigin(4))],
      ['remove 2', () => (cut.removeOrigin(2), full.removeOrigin(2))],
    ];
    for (const [what, step] of steps) {
      step();
      // Whatever the cutoff stands at, the costs within it are the uncut field's; the rest come on asking.
      for (const v of all) if (cut.nearest[v]! >= 0) expect([what, v, cut.cost[v], cut.nearest[v]]).toEqual([what, v, full.cost[v], full.nearest[v]]);
      cut.completeRange(0, all.length);
      expectSame(cut, full, all, `after ${what}`);
    }
  });

  it('a search that labels everything before its cutoff leaves the field uncut', () => {
    const model = new RoadModel({ network: net, straightLine: STRAIGHT_LINE, maxMinutes: MAX, fieldCutoffMinutes: 200 });
    // By car the whole grid is a few minutes from a point: nothing is left out at 200 min.
    const f = model.createField(new TestVillages(villagePlaces), new TestPoints(pointPlaces), [0], 'CAR');
    expect(f.cutoffMinutes).toBe(MAX);
  });

  it('roadDijkstra returns the cheapest label it left out, Infinity when it left none', () => {
    const costs = new RoadModeCosts(net, DEFAULT_ROAD_SPEEDS, 'WALK');
    const seeds = [{ node: net.nodeOfInput[0]!, minutes: 0, source: 0 }];
    const whole = emptyRoadLabels(net.nodeCount);
    expect(roadDijkstra(costs, RoadDirection.TO_SOURCES, whole, seeds, Number.POSITIVE_INFINITY, () => false)).toBe(Number.POSITIVE_INFINITY);
    const cut = emptyRoadLabels(net.nodeCount);
    const beyond = roadDijkstra(costs, RoadDirection.TO_SOURCES, cut, seeds, 20, () => false);
    const reached = Array.from(whole.minutes).filter((m) => m < Number.POSITIVE_INFINITY);
    // The cheapest label beyond 20 min in the uncut search is the one left out first.
    expect(beyond).toBe(Math.min(...reached.filter((m) => m > 20)));
    for (let u = 0; u < net.nodeCount; u++) expect(cut.minutes[u]).toBe(whole.minutes[u]! <= 20 ? whole.minutes[u] : Number.POSITIVE_INFINITY);
  });

  it('numbers nodes along a Hilbert curve, the input numbers mapped (nodeOfInput), ways as given', () => {
    expect(new Set(net.nodeOfInput).size).toBe(net.nodeCount);
    nodes.forEach((n, i) => {
      expect(net.nodeLon[net.nodeOfInput[i]!]).toBe(n.lon);
      expect(net.nodeLat[net.nodeOfInput[i]!]).toBe(n.lat);
    });
    edges.forEach((e, w) => {
      expect(net.wayFrom[w]).toBe(net.nodeOfInput[e.from]);
      expect(net.wayTo[w]).toBe(net.nodeOfInput[e.to]);
    });
    // Neighbours along the curve are near: the mean grid step between consecutive node numbers is small.
    let steps = 0;
    for (let u = 1; u < SIDE * SIDE; u++) steps += ruler.distance([net.nodeLon[u - 1]!, net.nodeLat[u - 1]!], [net.nodeLon[u]!, net.nodeLat[u]!]);
    expect(steps / (SIDE * SIDE - 1)).toBeLessThan(800);
  });
});
