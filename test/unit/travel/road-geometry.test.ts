import CheapRuler from 'cheap-ruler';
import { RoadNetwork, type RoadEdgeInput, type RoadNodeInput } from '../../../src/travel/road-network';
import { RoadModel } from '../../../src/travel/road.model';
import { TestPoints, TestVillages } from '../../helpers/road-places';

/**
 * Ways with a line (the importer splits OSM ways at junctions, each edge keeping its vertices): the nearest point is
 * on the line, not on the chord between the nodes; the fraction is the length along the line up to it ÷ the line's
 * length (ST_LineLocatePoint's), applied to the way's lengthMeters; the index finds a way by its bends.
 */

const STRAIGHT_LINE = { speedsKmh: { WALK: 5, BICYCLE: 12, EBIKE: 20, CAR: 30 }, detourFactor: 1.3 };
const LAT = 26.2;
const ruler = new CheapRuler(LAT, 'meters');
/** A place `east` and `north` metres from (117.6, 26.2). */
const at = (east: number, north: number): [number, number] => ruler.offset([117.6, LAT], east, north);
const node = (east: number, north: number): RoadNodeInput => {
  const [lon, lat] = at(east, north);
  return { lon, lat };
};
const min = (meters: number, kmh: number): number => meters / ((kmh * 1000) / 60);

describe('RoadNetwork: ways with a geometry', () => {
  // An L: from (0, 0) east 1000 m to the bend (1000, 0), then north 1000 m to (1000, 1000). 2 km of line, 2.4 km long by the importer.
  const L = (): RoadNetwork =>
    RoadNetwork.build([node(0, 0), node(1000, 1000)], [{ from: 0, to: 1, lengthMeters: 2400, highway: 'residential', oneway: false, geometry: [at(0, 0), at(1000, 0), at(1000, 1000)] }]);

  it('projects onto the leg nearest the place: the second leg of an L, at the length along the line', () => {
    const net = L();
    // 100 m east of the second leg, 600 m up it: the chord (0,0)–(1000,1000) would be ~290 m away.
    const s = net.project(0, ...at(1100, 600));
    // (Places are laid out by a ruler at 26.2°, measured by one at their own latitude: centimetres apart.)
    expect(s.offRoadMeters).toBeCloseTo(100, 1);
    expect(s.fraction).toBeCloseTo((1000 + 600) / 2000, 4); // 0.8
    // On the first leg, 300 m along, 50 m south of it.
    const first = net.project(0, ...at(300, -50));
    expect(first.fraction).toBeCloseTo(300 / 2000, 4);
    expect(first.offRoadMeters).toBeCloseTo(50, 1);
    // Beyond the ends: the nodes.
    expect(net.project(0, ...at(-200, 0)).fraction).toBe(0);
    expect(net.project(0, ...at(1000, 1300)).fraction).toBe(1);
    // Inside the bend: 90 m from the first leg, 100 m from the second.
    expect(net.project(0, ...at(900, 90)).fraction).toBeCloseTo(900 / 2000, 4);
    expect(net.project(0, ...at(910, 100)).fraction).toBeCloseTo(1100 / 2000, 4);
  });

  it('a zigzag: fractions by hand', () => {
    // (0,0) → (300,400) → (600,0) → (900,400): three legs of 500 m each, 1500 m of line.
    const net = RoadNetwork.build([node(0, 0), node(900, 400)], [
      { from: 0, to: 1, lengthMeters: 1500, highway: 'residential', oneway: false, geometry: [at(0, 0), at(300, 400), at(600, 0), at(900, 400)] },
    ]);
    // The middle of the second leg is (450, 200); 40 m off it along its normal (0.8, 0.6) → (482, 224).
    const s = net.project(0, ...at(482, 224));
    expect(s.fraction).toBeCloseTo((500 + 250) / 1500, 5);
    expect(s.offRoadMeters).toBeCloseTo(40, 1);
    // The third leg, 100 m along it: (660, 80).
    expect(net.project(0, ...at(660, 80)).fraction).toBeCloseTo((1000 + 100) / 1500, 5);
    expect(net.vertexCount(0)).toBe(4);
    expect(net.wayCoordinates(0)).toHaveLength(4);
  });

  it('the index finds a way by its bend, far from its nodes and from their chord', () => {
    // A horseshoe: nodes 200 m apart, the line going 6 km north and back.
    const net = RoadNetwork.build([node(0, 0), node(200, 0)], [
      { from: 0, to: 1, lengthMeters: 12_200, highway: 'track', oneway: false, geometry: [at(0, 0), at(0, 6000), at(200, 6000), at(200, 0)] },
    ]);
    const s = net.snap(...at(100, 6050), () => true, 1000)!;
    expect(s).not.toBeNull();
    expect(s.offRoadMeters).toBeCloseTo(50, 0);
    expect(s.fraction).toBeCloseTo((6000 + 100) / 12_200, 5);
    // Halfway up a long leg: found by the samples along the leg.
    expect(net.snap(...at(-300, 3000), () => true, 1000)!.offRoadMeters).toBeCloseTo(300, 0);
  });

  it('the fraction applies to lengthMeters: minutes along the line to where a village joins it', () => {
    const net = L();
    const model = new RoadModel({ network: net, straightLine: STRAIGHT_LINE });
    // A village 100 m east of the second leg, 600 m up it (fraction 0.8); the point at the from node.
    const f = model.createField(new TestVillages([at(1100, 600)]), new TestPoints([at(0, 0)]), [0], 'WALK');
    expect(f.cost[0]).toBeCloseTo(min(100, 4) + min(0.8 * 2400, 5), 3);
  });

  it('cuts a way between two fractions: the points at them and the vertices between, reversed when from > to', () => {
    const net = L();
    const near = (got: [number, number][], want: [number, number][]) => {
      expect(got).toHaveLength(want.length);
      got.forEach((p, i) => expect(ruler.distance(p, want[i]!)).toBeLessThan(0.01));
    };
    near(net.wayLine(0, 0.25, 0.75), [at(500, 0), at(1000, 0), at(1000, 500)]);
    near(net.wayLine(0, 0.75, 0.25), [at(1000, 500), at(1000, 0), at(500, 0)]);
    near(net.wayLine(0, 0, 1), [at(0, 0), at(1000, 0), at(1000, 1000)]);
    near(net.wayLine(0, 0.1, 0.4), [at(200, 0), at(800, 0)]);
    near(net.wayLine(0, 0.5, 0.5), [at(1000, 0), at(1000, 0)]);
    near(net.wayLine(0, 0.6, 1), [at(1000, 200), at(1000, 1000)]);
    expect(net.wayLine(0, 0, 1)[0]).toEqual([net.nodeLon[0], net.nodeLat[0]]);
    // A straight way: its two points.
    const straight = RoadNetwork.build([node(0, 0), node(1000, 0)], [{ from: 0, to: 1, lengthMeters: 1000, highway: 'residential', oneway: false }]);
    near(straight.wayLine(0, 0.2, 0.7), [at(200, 0), at(700, 0)]);
    expect(straight.wayCoordinates(0)).toEqual([[straight.nodeLon[0], straight.nodeLat[0]], [straight.nodeLon[1], straight.nodeLat[1]]]);
  });

  it('a two-vertex geometry is the straight way; a bad geometry is refused', () => {
    const nodes = [node(0, 0), node(1000, 0)];
    const base: RoadEdgeInput = { from: 0, to: 1, lengthMeters: 1000, highway: 'residential', oneway: false };
    expect(RoadNetwork.build(nodes, [{ ...base, geometry: [at(0, 0), at(1000, 0)] }]).vertexCount(0)).toBe(2);
    expect(() => RoadNetwork.build(nodes, [{ ...base, geometry: [at(0, 0)] }])).toThrow(/at least 2/);
    expect(() => RoadNetwork.build(nodes, [{ ...base, geometry: [at(1000, 0), at(500, 50), at(0, 0)] }])).toThrow(/from its from node/);
    expect(() => RoadNetwork.build(nodes, [{ ...base, geometry: [at(0, 0), [Number.NaN, 26], at(1000, 0)] }])).toThrow(/finite/);
  });
});
