import { RoadNetwork, type RoadEdgeInput, type RoadNodeInput } from '../../../src/travel/road-network';
import { RoadSearchPool } from '../../../src/travel/road-search.pool';
import { isShared } from '../../../src/travel/shared-arrays';
import { RoadModel, type RoadField } from '../../../src/travel/road.model';
import type { TravelModeName } from '../../../src/travel/travel-model';
import { TestPoints, TestVillages } from '../../helpers/road-places';

/**
 * The field search in a worker thread (RoadModel.createFieldAsync, RoadField.ensureCutoffAsync / completeRangeAsync,
 * over the network's and the labels' shared memory) gives the field the calling thread's search gives, bit for bit:
 * every node's minutes and nearest source, every village's cost and nearest point, for every mode, uncut and cut
 * then extended. The points' ids run against their slots, and some points share a place, so that ties between
 * equally near points (decided by id, in the thread by a rank array) are exercised.
 */

const STRAIGHT_LINE = { speedsKmh: { WALK: 5, BICYCLE: 12, EBIKE: 20, CAR: 30 }, detourFactor: 1.3 };
const MODES: TravelModeName[] = ['WALK', 'BICYCLE', 'EBIKE', 'CAR'];
const SIDE = 110;
const SPACING = 0.0024;

let seed = 7;
const random = (): number => {
  seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
  return seed / 0x7fffffff;
};

function grid(): { nodes: RoadNodeInput[]; edges: RoadEdgeInput[] } {
  const nodes: RoadNodeInput[] = [];
  for (let r = 0; r < SIDE; r++) for (let c = 0; c < SIDE; c++) nodes.push({ lon: 116 + c * SPACING + random() * 0.0005, lat: 24 + r * SPACING + random() * 0.0005 });
  const classes = ['primary', 'tertiary', 'residential', 'residential', 'track', 'footway', 'motorway'];
  const edges: RoadEdgeInput[] = [];
  for (let r = 0; r < SIDE; r++) {
    for (let c = 0; c < SIDE; c++) {
      const i = r * SIDE + c;
      const link = (j: number) => {
        const roll = random();
        // Lengths rounded to whole metres: many equal path sums, so ties between points are common.
        edges.push({ from: i, to: j, lengthMeters: Math.round(200 + random() * 80), highway: classes[Math.floor(random() * classes.length)]!, oneway: roll < 0.1 ? true : roll < 0.15 ? 'reverse' : false, maxspeedKmh: random() < 0.1 ? 30 : undefined });
      };
      if (c + 1 < SIDE) link(i + 1);
      if (r + 1 < SIDE && (c === 0 || random() < 0.8)) link(i + SIDE);
    }
  }
  return { nodes, edges };
}

function places(count: number): [number, number][] {
  const extent = (SIDE - 1) * SPACING;
  return Array.from({ length: count }, () => [116 + random() * extent, 24 + random() * extent]);
}

/** Indices where two fields differ: labels (node minutes, source; unless `villagesOnly`) or village costs and nearest points. */
function differences(a: RoadField, b: RoadField, villagesOnly = false): string[] {
  const out: string[] = [];
  for (let u = 0; !villagesOnly && u < a.labels.minutes.length && out.length < 5; u++) {
    if (!Object.is(a.labels.minutes[u], b.labels.minutes[u]) || a.labels.source[u] !== b.labels.source[u]) out.push(`node ${u}: ${a.labels.minutes[u]}/${a.labels.source[u]} vs ${b.labels.minutes[u]}/${b.labels.source[u]}`);
  }
  for (let v = 0; v < a.cost.length && out.length < 10; v++) {
    if (!Object.is(a.cost[v], b.cost[v]) || a.nearest[v] !== b.nearest[v]) out.push(`village ${v}: ${a.cost[v]}/${a.nearest[v]} vs ${b.cost[v]}/${b.nearest[v]}`);
  }
  return out;
}

describe('road field search in a worker thread', () => {
  const { nodes, edges } = grid();
  const network = RoadNetwork.build(nodes, edges, 'worker-check');
  const villages = new TestVillages(places(3000));
  const spots = places(40);
  // 60 points: 40 places, 20 of them twice; ids in the reverse order of the slots.
  const pointPlaces = [...spots, ...spots.slice(0, 20)].map((p) => [...p] as [number, number]);
  const points = new TestPoints(pointPlaces, pointPlaces.map((_, i) => `P${String(1000 - i).padStart(4, '0')}`));
  const origins = pointPlaces.map((_, i) => i);
  const pool = new RoadSearchPool();
  // Fields cut at 5 minutes unless asked for more (cutoffCost), as the server cuts them at ROAD_FIELD_CUTOFF_MINUTES.
  const inThread = new RoadModel({ network, straightLine: STRAIGHT_LINE, fieldCutoffMinutes: 5 });
  const inWorker = new RoadModel({ network, straightLine: STRAIGHT_LINE, fieldCutoffMinutes: 5, searchPool: pool, workerMinNodes: 0 });

  afterAll(() => pool.close());

  it('keeps the searches\' graph and the labels in shared memory', () => {
    expect(isShared(network.edgeOffsets)).toBe(true);
    expect(isShared(network.edgeTarget)).toBe(true);
    const f = inThread.createField(villages, points, origins, 'WALK');
    expect(isShared(f.labels.minutes)).toBe(true);
    expect(isShared(f.labels.source)).toBe(true);
  });

  it.each(MODES)('%s: an uncut field built in the thread equals the one built here, bit for bit', async (mode) => {
    const before = pool.stats.searches;
    const here = inThread.createField(villages, points, origins, mode, { cutoffCost: 240 });
    const there = await inWorker.createFieldAsync(villages, points, origins, mode, { cutoffCost: 240 });
    expect(pool.stats.searches).toBe(before + 1);
    expect(differences(here, there)).toEqual([]);
    // Not vacuous: most villages reached, ties between equally near points decided (the doubled places).
    let reached = 0;
    for (let v = 0; v < here.cost.length; v++) if (here.nearest[v]! >= 0) reached++;
    expect(reached).toBeGreaterThan(villages.size / 2);
    // Of two points at one place, the one with the smaller id labels every node either would: the later slot
    // (ids run against the slots), so points 0-19 label none, their twins 40-59 some.
    const sources = new Set(there.labels.source);
    expect([...sources].filter((p) => p >= 0 && p < 20)).toEqual([]);
    expect([...sources].some((p) => p >= 40)).toBe(true);
  });

  it.each(MODES)('%s: a field cut at 5 minutes, extended and completed in the thread, equals the same done here', async (mode) => {
    const here = inThread.createField(villages, points, origins, mode);
    const there = await inWorker.createFieldAsync(villages, points, origins, mode);
    expect(here.cutoffMinutes).toBe(5);
    expect(there.cutoffMinutes).toBe(5);
    expect(differences(here, there)).toEqual([]);
    here.ensureCutoff(12);
    await there.ensureCutoffAsync(12);
    expect(differences(here, there)).toEqual([]);
    here.completeRange(0, villages.size);
    await there.completeRangeAsync(0, villages.size);
    expect(there.cutoffMinutes).toBe(here.cutoffMinutes);
    expect(differences(here, there)).toEqual([]);
    // Completed, the villages' costs are an uncut field's (nodes no village needs stay unlabelled).
    expect(differences(here, inThread.createField(villages, points, origins, mode, { cutoffCost: 240 }), true)).toEqual([]);
  });

  it('refuses to be used while its search runs', async () => {
    const field = await inWorker.createFieldAsync(villages, points, origins, 'CAR');
    const extending = field.ensureCutoffAsync(60);
    expect(() => field.addOrigin(0)).toThrow(/under way/);
    await extending;
    expect(() => field.removeOrigin(0)).not.toThrow();
  });
});
