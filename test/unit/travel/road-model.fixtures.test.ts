import CheapRuler from 'cheap-ruler';
import { RoadNetwork, type RoadEdgeInput, type RoadNodeInput } from '../../../src/travel/road-network';
import { DEFAULT_ROAD_SPEEDS, roadSpeedsWith } from '../../../src/travel/road-speeds';
import { RoadModel } from '../../../src/travel/road.model';
import { TravelModelName } from '../../../src/travel/travel-model';
import { TravelModels } from '../../../src/travel/travel-models';
import { TestPoints, TestVillages } from '../../helpers/road-places';

/**
 * Small hand-made networks whose minutes are worked out here by hand: a gorge (two villages 1 km apart, 20 km by
 * road), a one-way street (cars go round, walkers do not), a ferry (its duration, not its length), a motorway
 * (cars only, capped by maxspeed), a village off the network (the straight line), a partial way and an off-road leg.
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
/** Minutes for `meters` at `kmh`. */
const min = (meters: number, kmh: number): number => meters / ((kmh * 1000) / 60);

function field(nodes: RoadNodeInput[], edges: RoadEdgeInput[], villages: [number, number][], points: [number, number][], mode: 'WALK' | 'BICYCLE' | 'EBIKE' | 'CAR', maxMinutes = 1000) {
  const model = new RoadModel({ network: RoadNetwork.build(nodes, edges, 'fixture'), straightLine: STRAIGHT_LINE, maxMinutes });
  const pts = new TestPoints(points);
  return { model, field: model.createField(new TestVillages(villages), pts, points.map((_, i) => i), mode), points: pts };
}

describe('RoadModel on hand-made networks', () => {
  it('a gorge: villages 1 km apart by the straight line are 20 km apart by road', () => {
    // A and B face each other across the gorge; the road goes round by C, 10 km each side.
    const nodes = [node(0, 0), node(1000, 0), node(500, 9000)];
    const edges: RoadEdgeInput[] = [
      { from: 0, to: 2, lengthMeters: 10_000, highway: 'tertiary', oneway: false },
      { from: 2, to: 1, lengthMeters: 10_000, highway: 'tertiary', oneway: false },
    ];
    const { field: f } = field(nodes, edges, [at(0, 0), at(1000, 0)], [at(1000, 0)], 'CAR');
    expect(f.cost[0]).toBeCloseTo(min(20_000, 35), 9); // 34.29 min, not the straight line's ~2.6
    expect(f.nearest[0]).toBe(0);
    expect(f.cost[1]).toBeCloseTo(0, 9);
    const walk = field(nodes, edges, [at(0, 0)], [at(1000, 0)], 'WALK').field;
    expect(walk.cost[0]).toBeCloseTo(min(20_000, 5), 9); // 240 min
  });

  it('a one-way street: the car goes round against it, the walker does not', () => {
    // A → B one-way, 1 km; the way back B – C – A, 3 km + 3 km, two-way.
    const nodes = [node(0, 0), node(1000, 0), node(500, 2800)];
    const edges: RoadEdgeInput[] = [
      { from: 0, to: 1, lengthMeters: 1000, highway: 'residential', oneway: true },
      { from: 1, to: 2, lengthMeters: 3000, highway: 'residential', oneway: false },
      { from: 2, to: 0, lengthMeters: 3000, highway: 'residential', oneway: false },
    ];
    // Village at A, point at B: with the one-way.
    expect(field(nodes, edges, [at(0, 0)], [at(1000, 0)], 'CAR').field.cost[0]).toBeCloseTo(min(1000, 20), 9); // 3 min
    // Village at B, point at A: against it, round by C.
    const back = field(nodes, edges, [at(1000, 0)], [at(0, 0)], 'CAR');
    expect(back.field.cost[0]).toBeCloseTo(min(6000, 20), 9); // 18 min
    expect(field(nodes, edges, [at(1000, 0)], [at(0, 0)], 'WALK').field.cost[0]).toBeCloseTo(min(1000, 5), 9); // 12 min
    // The single-place searches go the same way: from the place (a village) to the points.
    expect(back.field.nearestOrigins(...at(1000, 0), 1)[0]!.cost).toBeCloseTo(min(6000, 20), 9);
    expect(back.field.costsBetween(...at(1000, 0), [at(0, 0)])[0]).toBeCloseTo(min(6000, 20), 9);
    expect(back.field.reachFrom(...at(0, 0), 60).costs[0]).toBeCloseTo(min(6000, 20), 9);
    // 'reverse' is one-way from `to` to `from`.
    const reversed = edges.map((e, i) => (i === 0 ? { ...e, from: 1, to: 0, oneway: 'reverse' as const } : e));
    expect(field(nodes, reversed, [at(1000, 0)], [at(0, 0)], 'CAR').field.cost[0]).toBeCloseTo(min(6000, 20), 9);
    // Along a one-way way itself: a village a quarter along, a point three quarters along.
    const along = field(nodes, edges, [at(250, 0)], [at(750, 0)], 'CAR').field;
    expect(along.cost[0]).toBeCloseTo(min(500, 20), 9);
    const against = field(nodes, edges, [at(750, 0)], [at(250, 0)], 'CAR').field;
    expect(against.cost[0]).toBeCloseTo(min(250 + 6000 + 250, 20), 9);
  });

  it('a ferry costs its duration, and nobody boards it mid-river', () => {
    // Stubs A' – A (100 m), the ferry A – B (2 km, 25 min), B – B' (100 m).
    const nodes = [node(0, -100), node(0, 0), node(0, 2000), node(0, 2100)];
    const edges: RoadEdgeInput[] = [
      { from: 0, to: 1, lengthMeters: 100, highway: 'residential', oneway: false },
      { from: 1, to: 2, lengthMeters: 2000, highway: 'ferry', oneway: false, ferryMinutes: 25 },
      { from: 2, to: 3, lengthMeters: 100, highway: 'residential', oneway: false },
    ];
    for (const mode of ['WALK', 'CAR'] as const) {
      const kmh = mode === 'WALK' ? 5 : 20;
      const { field: f } = field(nodes, edges, [at(0, -100), at(0, 900)], [at(0, 2100)], mode);
      expect(f.cost[0]).toBeCloseTo(min(100, kmh) + 25 + min(100, kmh), 9);
      // Mid-river the nearest way one may join is A's stub, 900 m away (not the ferry, 0 m away), then the ferry.
      expect(f.offNetwork[1]).toBe(0);
      expect(f.cost[1]).toBeCloseTo(min(900, 4) + 25 + min(100, kmh), 3); // places laid out by a ruler at 26.2°, measured at their own latitude
    }
    // A ferry without a duration goes at the table's ferry speed (10 km/h).
    const slow = edges.map((e) => ({ ...e, ferryMinutes: undefined }));
    expect(field(nodes, slow, [at(0, -100)], [at(0, 2100)], 'WALK').field.cost[0]).toBeCloseTo(min(100, 5) + min(2000, 10) + min(100, 5), 9);
  });

  it('a motorway: cars only, at its maxspeed; walkers take the old road', () => {
    // A – B motorway 10 km (maxspeed 80); the old road A – C – B, 15 km + 15 km, secondary.
    const nodes = [node(0, 0), node(10_000, 0), node(5000, 11_000)];
    const edges: RoadEdgeInput[] = [
      { from: 0, to: 1, lengthMeters: 10_000, highway: 'motorway', oneway: false, maxspeedKmh: 80 },
      { from: 0, to: 2, lengthMeters: 15_000, highway: 'secondary', oneway: false },
      { from: 2, to: 1, lengthMeters: 15_000, highway: 'secondary', oneway: false },
    ];
    const villages: [number, number][] = [at(0, 0), at(5000, 300)];
    expect(field(nodes, edges, villages, [at(10_000, 0)], 'CAR').field.cost[0]).toBeCloseTo(min(10_000, 80), 9); // 7.5 min
    const walk = field(nodes, edges, villages, [at(10_000, 0)], 'WALK').field;
    expect(walk.cost[0]).toBeCloseTo(min(30_000, 5), 9); // 360 min
    // 300 m from the motorway, kilometres from the old road: on the network for a car, off it on foot.
    const car = field(nodes, edges, villages, [at(10_000, 0)], 'CAR').field;
    expect(car.offNetwork[1]).toBe(0);
    expect(car.cost[1]).toBeCloseTo(min(300, 4) + min(5000, 80), 3);
    expect(walk.offNetwork[1]).toBe(1);
    const meters = new CheapRuler(villages[1]![1], 'meters').distance(villages[1]!, at(10_000, 0));
    expect(walk.cost[1]).toBeCloseTo((meters * 1.3) / ((5 * 1000) / 60), 9); // the straight line's minutes
  });

  it('patches: an added point nearer wins, a removed one gives its villages back, a moved one takes them along', () => {
    const nodes = [0, 1, 2, 3, 4].map((k) => node(k * 1000, 0));
    const edges: RoadEdgeInput[] = [0, 1, 2, 3].map((k) => ({ from: k, to: k + 1, lengthMeters: 1000, highway: 'residential', oneway: false }));
    const pts = new TestPoints([at(0, 0), at(4000, 0), at(2000, 0)]);
    const model = new RoadModel({ network: RoadNetwork.build(nodes, edges), straightLine: STRAIGHT_LINE });
    const f = model.createField(new TestVillages([at(1500, 0), at(3500, 0)]), pts, [0, 1], 'WALK');
    expect([...f.nearest]).toEqual([0, 1]);
    expect(f.cost[0]).toBeCloseTo(min(1500, 5), 9);
    f.addOrigin(2);
    expect([...f.nearest]).toEqual([2, 1]);
    expect(f.cost[0]).toBeCloseTo(min(500, 5), 9);
    f.removeOrigin(2);
    expect([...f.nearest]).toEqual([0, 1]);
    f.addOrigin(2);
    pts.places[2] = at(3600, 0);
    f.moveOrigin(2);
    expect([...f.nearest]).toEqual([0, 2]);
    expect(f.cost[1]).toBeCloseTo(min(100, 5), 9);
    expect(f.cost[0]).toBeCloseTo(min(1500, 5), 9);
    // Equally near points: the smaller id.
    pts.places[2] = at(0, 0);
    f.moveOrigin(2);
    pts.ids[2] = 'A';
    f.removeOrigin(2);
    f.addOrigin(2);
    expect(f.nearest[0]).toBe(2);
    // A superset: the search starts at the ends of every way near the box.
    expect(f.originsReaching([...at(1400, -10), ...at(1600, 10)] as [number, number, number, number], min(1600, 5))).toEqual(expect.arrayContaining([0, 2]));
  });

  it('an off-road leg is walked, whatever the mode', () => {
    const nodes = [node(0, 0), node(2000, 0)];
    const edges: RoadEdgeInput[] = [{ from: 0, to: 1, lengthMeters: 2000, highway: 'unclassified', oneway: false }];
    const f = field(nodes, edges, [at(500, 200)], [at(2000, 0)], 'CAR').field;
    expect(f.cost[0]).toBeCloseTo(min(200, 4) + min(1500, 30), 3);
    expect(f.offNetwork[0]).toBe(0);
    const far = field(nodes, edges, [at(500, 1200)], [at(2000, 0)], 'CAR').field;
    expect(far.offNetwork[0]).toBe(1);
  });
});

describe('road speeds and network input', () => {
  it('refuses unknown modes, unknown classes and speeds that are not positive', () => {
    expect(() => roadSpeedsWith({ kmh: { BOAT: { primary: 10 } } })).toThrow(/unknown travel mode "BOAT"/);
    expect(() => roadSpeedsWith({ kmh: { CAR: { highway: 10 } } })).toThrow(/unknown road class "highway"/);
    expect(() => roadSpeedsWith({ kmh: { CAR: { primary: 0 } } })).toThrow(/CAR\.primary must be a positive/);
    expect(() => roadSpeedsWith({ offRoadWalkKmh: -1 })).toThrow(/offRoadWalkKmh/);
    const s = roadSpeedsWith({ kmh: { WALK: { motorway: 5, steps: null } } });
    expect(s.kmh.WALK.motorway).toBe(5);
    expect(s.kmh.WALK.steps).toBeUndefined();
    expect(DEFAULT_ROAD_SPEEDS.kmh.WALK.motorway).toBeUndefined();
    expect(DEFAULT_ROAD_SPEEDS.kmh.CAR.footway).toBeUndefined();
  });

  it('refuses edges with missing nodes, non-positive lengths or unknown classes', () => {
    const nodes = [node(0, 0), node(100, 0)];
    expect(() => RoadNetwork.build(nodes, [{ from: 0, to: 2, lengthMeters: 1, highway: 'primary', oneway: false }])).toThrow(/outside/);
    expect(() => RoadNetwork.build(nodes, [{ from: 0, to: 1, lengthMeters: 0, highway: 'primary', oneway: false }])).toThrow(/lengthMeters/);
    expect(() => RoadNetwork.build(nodes, [{ from: 0, to: 1, lengthMeters: 1, highway: 'raceway', oneway: false }])).toThrow(/unknown road class/);
  });

  it('snaps to the nearest point of the nearest usable way', () => {
    const net = RoadNetwork.build([node(0, 0), node(3000, 0), node(0, 500), node(3000, 500)], [
      { from: 0, to: 1, lengthMeters: 3000, highway: 'motorway', oneway: false },
      { from: 2, to: 3, lengthMeters: 3000, highway: 'footway', oneway: false },
    ]);
    const s = net.snap(...at(1200, 100), () => true, 1000)!;
    expect(s.way).toBe(0);
    expect(s.fraction).toBeCloseTo(0.4, 6);
    expect(s.offRoadMeters).toBeCloseTo(100, 3);
    const walkable = net.snap(...at(1200, 100), (w) => w === 1, 1000)!;
    expect(walkable.way).toBe(1);
    expect(walkable.offRoadMeters).toBeCloseTo(400, 3);
    expect(net.snap(...at(1200, 100), (w) => w === 1, 300)).toBeNull();
  });

  it('names only the networks of the area an answer is about; the field key names the whole graph', () => {
    const parts = [
      { areaCode: '3504', label: '三明市 roads (3504)' },
      { areaCode: '520121', label: '开阳县 roads (520121)' },
      { areaCode: '520122', label: '息烽县 roads (520122)' },
    ];
    const all = parts.map((p) => p.label).join(' + ');
    const net = RoadNetwork.build([node(0, 0), node(100, 0)], [{ from: 0, to: 1, lengthMeters: 100, highway: 'primary', oneway: false }], all, parts);
    expect(net.nameFor('520121')).toBe('开阳县 roads (520121)');
    expect(net.nameFor('520121101')).toBe('开阳县 roads (520121)'); // a township in it
    expect(net.nameFor('520121101002')).toBe('开阳县 roads (520121)'); // a village
    expect(net.nameFor('52')).toBe('开阳县 roads (520121) + 息烽县 roads (520122)'); // the province: both its counties
    expect(net.nameFor('5201')).toBe('开阳县 roads (520121) + 息烽县 roads (520122)');
    expect(net.nameFor('350402')).toBe('三明市 roads (3504)'); // a district of the city
    expect(net.nameFor('')).toBe(all); // the country
    expect(net.nameFor(undefined)).toBe(all);
    expect(net.nameFor('14')).toBe(all); // no network there: the whole graph (a village may join a neighbour's roads)
    expect(net.nameFor('TAIBAI_LAKE')).toBe(all); // a planning area: its members are not known here
    const model = new RoadModel({ network: net, straightLine: STRAIGHT_LINE });
    const d = model.describe('CAR', 15, '3504');
    expect(d.parameters.network).toBe('三明市 roads (3504)');
    expect(d.sentence).toContain('over the road network "三明市 roads (3504)"');
    expect(d.sentence).not.toContain('开阳县');
    expect(model.describe('CAR', 15).parameters.network).toBe(all);
    expect(model.fieldKey('CAR')).toContain(all);
  });

  it('TravelModels offers ROAD only with a network', () => {
    expect(() => new TravelModels(STRAIGHT_LINE).get(TravelModelName.ROAD)).toThrow(/not available/);
    const net = RoadNetwork.build([node(0, 0), node(100, 0)], [{ from: 0, to: 1, lengthMeters: 100, highway: 'primary', oneway: false }]);
    const road = new TravelModels(STRAIGHT_LINE, { network: net }).get(TravelModelName.ROAD);
    expect(road.unit).toBe('minutes');
    expect(road.fieldKey('CAR')).not.toBe(road.fieldKey('WALK'));
    expect(road.budgetCost('CAR', 15)).toBe(15);
  });
});
