import CheapRuler from 'cheap-ruler';
import { RoadNetwork, type RoadEdgeInput, type RoadNodeInput } from '../../../src/travel/road-network';
import { RoadModel, type ReachedWayPart } from '../../../src/travel/road.model';
import type { TravelModeName } from '../../../src/travel/travel-model';
import { TestPoints, TestVillages } from '../../helpers/road-places';

/**
 * The roads reached within a budget (for isochrone polygons), on hand-made networks whose minutes are worked out
 * here: minutes left at the ends of each reached part, cut points, a way reached from both ends (two parts, with
 * or without a gap), one-way streets for cars, ferries and ways closed to the mode (none), an origin in the middle
 * of a way, a bent way cut on its second leg. The property test checks the same against a brute force on random
 * networks.
 */

const STRAIGHT_LINE = { speedsKmh: { WALK: 5, BICYCLE: 12, EBIKE: 20, CAR: 30 }, detourFactor: 1.3 };
const LAT = 26.2;
const ruler = new CheapRuler(LAT, 'meters');
const at = (east: number, north: number): [number, number] => ruler.offset([117.6, LAT], east, north);
const node = (east: number, north: number): RoadNodeInput => {
  const [lon, lat] = at(east, north);
  return { lon, lat };
};

/** A road along the x axis through nodes at these metres east, residential unless told. */
function line(xs: number[], edit: (e: RoadEdgeInput, i: number) => RoadEdgeInput = (e) => e): RoadModel {
  const nodes = xs.map((x) => node(x, 0));
  const edges = xs.slice(1).map((x, i) => edit({ from: i, to: i + 1, lengthMeters: x - xs[i]!, highway: 'residential', oneway: false }, i));
  return new RoadModel({ network: RoadNetwork.build(nodes, edges, 'line'), straightLine: STRAIGHT_LINE });
}

/** Parts sorted by way and start, rounded for comparison. */
const parts = (ps: ReachedWayPart[]) =>
  [...ps]
    .sort((a, b) => a.way - b.way || a.from - b.from)
    .map((p) => [p.way, round(p.from), round(p.to), round(p.remainingAtStart), round(p.remainingAtEnd)]);
const round = (x: number) => Math.round(x * 1e6) / 1e6;

describe('reached roads', () => {
  // WALK at 5 km/h: 12 min per km.
  it('from one point: whole ways with the minutes left falling from it, the last cut where they reach 0', () => {
    const model = line([0, 1000, 2000, 5000]);
    expect(parts(model.reachedWayParts([at(0, 0)], 'WALK', 18))).toEqual([
      [0, 0, 1, 18, 6],
      [1, 0, 0.5, 6, 0],
    ]);
    const roads = model.reachedRoadsFrom(...at(0, 0), 'WALK', 18);
    expect(roads).toHaveLength(2);
    const cut = roads.find((r) => r.remainingAtEnd === 0)!;
    expect(cut.line).toHaveLength(2);
    expect(ruler.distance(cut.line[0]!, at(1000, 0))).toBeLessThan(0.01);
    expect(ruler.distance(cut.line[1]!, at(1500, 0))).toBeLessThan(0.01);
    expect(cut.remainingAtStart).toBeCloseTo(6, 9);
  });

  it('a way reached from both ends: two parts, with a gap or meeting where the minutes left are equal', () => {
    // Points at both ends of a 3 km way (36 min on foot).
    const model = line([0, 1000, 4000, 5000]);
    const both = [at(1000, 0), at(4000, 0)];
    expect(parts(model.reachedWayParts(both, 'WALK', 12)).filter((p) => p[0] === 1)).toEqual([
      [1, 0, round(1 / 3), 12, 0],
      [1, round(2 / 3), 1, 0, 12],
    ]);
    expect(parts(model.reachedWayParts(both, 'WALK', 24)).filter((p) => p[0] === 1)).toEqual([
      [1, 0, 0.5, 24, 6],
      [1, 0.5, 1, 6, 24],
    ]);
  });

  it('an origin in the middle of a way: the minutes left fall both ways from it', () => {
    const model = line([0, 1000]);
    expect(parts(model.reachedWayParts([at(500, 0)], 'WALK', 3))).toEqual([
      [0, 0.25, 0.5, 0, 3],
      [0, 0.5, 0.75, 3, 0],
    ]);
  });

  it('one-way streets: a car reaches the point only along them', () => {
    // Way 1 (1 km → 4 km) one-way eastwards; cars 20 km/h on residential: 9 min for its 3 km.
    const model = line([0, 1000, 4000, 5000], (e, i) => (i === 1 ? { ...e, oneway: true } : e));
    // The point at its east end: reached from the way, driving east, the last 2 km within 6 min.
    expect(parts(model.reachedWayParts([at(4000, 0)], 'CAR', 6)).filter((p) => p[0] === 1)).toEqual([[1, round(1 / 3), 1, 0, 6]]);
    // The point at its west end: no one drives west on it, and there is no other road.
    expect(model.reachedWayParts([at(1000, 0)], 'CAR', 60).filter((p) => p.way === 1)).toEqual([]);
    // On foot the one-way does not bind: 3 km at 12 min/km.
    expect(parts(model.reachedWayParts([at(1000, 0)], 'WALK', 12)).filter((p) => p[0] === 1)).toEqual([[1, 0, round(1 / 3), 12, 0]]);
  });

  it('ferries and ways closed to the mode have no reached part; the road beyond a ferry has', () => {
    // 0 –(residential 1 km)– 1 –(ferry 2 km, 10 min)– 2 –(residential 1 km)– 3 –(footway 1 km)– 4
    const model = line([0, 1000, 3000, 4000, 5000], (e, i) => (i === 1 ? { ...e, highway: 'ferry', ferryMinutes: 10 } : i === 3 ? { ...e, highway: 'footway' } : e));
    const car = model.reachedWayParts([at(0, 0)], 'CAR', 60);
    // Cars at 20 km/h: 3 min for the first way, the ferry's 10, then 3 more: all of way 2 within 60.
    expect(parts(car)).toEqual([
      [0, 0, 1, 60, 57],
      [2, 0, 1, 47, 44],
    ]);
    const walk = model.reachedWayParts([at(0, 0)], 'WALK', 60);
    // On foot: 12 + 10 = 22 min to node 2, 34 to node 3, then the footway.
    expect(parts(walk)).toEqual([
      [0, 0, 1, 60, 48],
      [2, 0, 1, 38, 26],
      [3, 0, 1, 26, 14],
    ]);
  });

  it('a bent way is cut on its second leg, at the length along its line', () => {
    // An L of 2 km of line, 2.4 km long by the importer: 28.8 min on foot. 24 min reach 5/6 of it: 1666.7 m of line.
    const nodes = [node(0, 0), node(1000, 1000)];
    const model = new RoadModel({
      network: RoadNetwork.build(nodes, [{ from: 0, to: 1, lengthMeters: 2400, highway: 'residential', oneway: false, geometry: [at(0, 0), at(1000, 0), at(1000, 1000)] }]),
      straightLine: STRAIGHT_LINE,
    });
    const [road, ...rest] = model.reachedRoadsFrom(...at(0, 0), 'WALK', 24);
    expect(rest).toEqual([]);
    expect(road!.remainingAtStart).toBeCloseTo(24, 9);
    expect(road!.remainingAtEnd).toBeCloseTo(0, 9);
    const want = [at(0, 0), at(1000, 0), at(1000, 2000 / 3)];
    expect(road!.line).toHaveLength(3);
    road!.line.forEach((p, i) => expect(ruler.distance(p, want[i]!)).toBeLessThan(0.05));
  });

  it('the field reads the same parts off its labels, and a box keeps the ways through it', () => {
    const model = line([0, 1000, 4000, 5000, 6000]);
    const places: [number, number][] = [at(1000, 0), at(4500, 0)];
    for (const mode of ['WALK', 'CAR'] as TravelModeName[]) {
      const field = model.createField(new TestVillages([at(0, 10)]), new TestPoints(places), [0, 1], mode);
      for (const budget of [5, 12, 30]) expect(parts(field.reachedWayParts(budget))).toEqual(parts(model.reachedWayParts(places, mode, budget)));
      // A box around the middle of way 1 (1 km → 4 km): that way only.
      const box = [...at(2400, -20), ...at(2600, 20)] as [number, number, number, number];
      expect(new Set(field.reachedWayParts(30, box).map((p) => p.way))).toEqual(new Set([1]));
      expect(field.reachedRoads(30, box).length).toBe(field.reachedWayParts(30, box).length);
    }
    expect(model.offRoadMetersPerMinute).toBeCloseTo((4 * 1000) / 60, 9);
    expect(model.maxOffRoadMeters).toBe(1000);
    expect(model.reachShape('WALK', 15)).toEqual({ kind: 'network', walkMetersPerMinute: model.offRoadMetersPerMinute, maxOffRoadMeters: 1000 });
  });
});
