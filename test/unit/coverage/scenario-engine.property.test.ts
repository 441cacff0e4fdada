import CheapRuler from 'cheap-ruler';
import fc from 'fast-check';
import { ANY_ITEM, CoverageEngine, type EnginePoint } from '../../../src/coverage/coverage.engine';
import { ScenarioEngine } from '../../../src/coverage/scenario-engine';
import { MAX_SEARCH_METERS, StraightLineModel } from '../../../src/travel/straight-line.model';
import { bruteForceNearest, items, place, pointsArb, villagesArb } from '../../helpers/engine-arbitraries';

/**
 * A scenario seen through the engine equals the same changes made for real and recomputed by brute force: random
 * villages and points, a random scenario (points added, closed, moved near and far, given other items), then every
 * question the coverage answers (an area's coverage, some villages' costs, the nearest points from a place, the
 * points offering an item, the points whose reach touches a box) compared with trying every point of the changed
 * set. The engine itself must be left as it was.
 */

const MODEL = new StraightLineModel({ speedsKmh: { WALK: 5, BICYCLE: 12, EBIKE: 20, CAR: 30 }, detourFactor: 1.3 });
const BUDGET = MODEL.budgetCost('EBIKE', 15);

const changeArb = fc.record({
  close: fc.array(fc.nat(), { maxLength: 4 }),
  move: fc.array(fc.tuple(fc.nat(), place), { maxLength: 4 }),
  setItems: fc.array(fc.tuple(fc.nat(), items), { maxLength: 4 }),
  add: fc.array(fc.tuple(place, items), { maxLength: 5 }),
});

describe('ScenarioEngine (fast-check)', () => {
  it('answers as a brute-force recomputation of the changed points, and leaves the engine as it was', () => {
    fc.assert(
      fc.property(villagesArb, pointsArb, changeArb, fc.subarray(['A', 'B', 'C', ANY_ITEM]), (villages, initial, change, builtBefore) => {
        const engine = new CoverageEngine('1', villages, initial.filter((p) => p.active));
        for (const item of builtBefore) engine.field(MODEL, 'WALK', item); // fields that exist before the scenario
        const before = new Map(initial.map((p) => [p.id, p]));
        const ids = [...before.keys()];
        const changed = new Map<string, EnginePoint>();
        const state = (id: string) => changed.get(id) ?? before.get(id)!;
        if (ids.length) {
          for (const [i, itemCodes] of change.setItems) changed.set(ids[i % ids.length]!, { ...state(ids[i % ids.length]!), itemCodes });
          for (const [i, [longitude, latitude]] of change.move) changed.set(ids[i % ids.length]!, { ...state(ids[i % ids.length]!), longitude, latitude });
          for (const i of change.close) changed.set(ids[i % ids.length]!, { ...state(ids[i % ids.length]!), active: false });
        }
        const added = change.add.map(([[longitude, latitude], itemCodes], i): EnginePoint => ({
          id: `NEW-${i}`,
          kind: 'TOWNSHIP_STATION',
          areaCode: '350400',
          villageCode: null,
          longitude,
          latitude,
          itemCodes,
          active: true,
        }));
        const after = new Map(before);
        for (const [id, p] of changed) after.set(id, p);
        for (const p of added) after.set(p.id, p);

        const scenario = new ScenarioEngine(engine, { changed, added });
        for (const item of ['A', 'B', ANY_ITEM]) {
          const expected = bruteForceNearest(villages, after, item);
          const area = scenario.computeArea('3504', item, MODEL, 'EBIKE', BUDGET);
          villages.forEach((_v, k) => {
            const id = area.nearest[k]! >= 0 ? area.pointIds[area.nearest[k]!]! : null;
            const e = expected[k]!;
            if (id !== e.id || !(Object.is(area.distanceMeters[k], e.cost) || Math.abs(area.distanceMeters[k]! - e.cost) < 1e-6)) {
              throw new Error(`item ${item}, village ${k}: scenario says ${id} at ${area.distanceMeters[k]} m, brute force ${e.id} at ${e.cost} m`);
            }
            expect(area.covered[k]).toBe(e.id !== null && e.cost <= BUDGET ? 1 : 0);
          });
          // Some villages, in another order.
          const some = villages.map((_v, k) => k).filter((k) => k % 2 === 0).reverse();
          const costs = scenario.villageCosts(some, item, MODEL, 'EBIKE');
          some.forEach((v, k) => {
            const slot = costs.nearest[k]!;
            expect(slot >= 0 ? scenario.pointIdAt(slot) : null).toBe(expected[v]!.id);
          });
          // The nearest points from a place: every counted point of the changed set, by distance, ties to the smaller id.
          const [lon, lat] = [villages[0]!.longitude, villages[0]!.latitude];
          const ruler = new CheapRuler(lat, 'meters');
          const counted = [...after.values()].filter((p) => p.active !== false && (item === ANY_ITEM || p.itemCodes.includes(item)));
          const byDistance = counted
            .map((p) => ({ id: p.id, cost: ruler.distance([lon, lat], [p.longitude, p.latitude]) }))
            .filter((p) => p.cost <= MAX_SEARCH_METERS)
            .sort((a, b) => a.cost - b.cost || (a.id < b.id ? -1 : 1));
          const nearest = scenario.nearestPoints(lon, lat, item, 3, MODEL, 'EBIKE');
          expect(nearest.map((n) => n.point.id)).toEqual(byDistance.slice(0, 3).map((p) => p.id));
          nearest.forEach((n, i) => expect(n.cost).toBeCloseTo(byDistance[i]!.cost, 6));
          expect(scenario.pointsOffering(item).map((p) => p.id).sort()).toEqual(counted.map((p) => p.id).sort());
          // Points reaching a box: at least every counted point whose reach touches it, and only counted ones.
          const box: [number, number, number, number] = [117.5, 26.1, 117.7, 26.3];
          const reaching = scenario.pointsReachingAt('1', item, MODEL, 'EBIKE', box, BUDGET)!.map((p) => p.id);
          const countedIds = new Set(counted.map((p) => p.id));
          expect(reaching.every((id) => countedIds.has(id))).toBe(true);
          for (const p of counted) {
            const inside = p.longitude >= box[0] && p.longitude <= box[2] && p.latitude >= box[1] && p.latitude <= box[3];
            if (inside) expect(reaching).toContain(p.id);
          }
        }
        // The engine is untouched: its own answers are still those of the points before the scenario.
        const live = engine.computeArea('3504', 'A', MODEL, 'EBIKE', BUDGET);
        const expectedLive = bruteForceNearest(villages, before, 'A');
        villages.forEach((_v, k) => expect(live.nearest[k]! >= 0 ? live.pointIds[live.nearest[k]!] : null).toBe(expectedLive[k]!.id));
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 300), seed: Number(process.env.PROPERTY_SEED ?? 20261204) },
    );
  });
});
