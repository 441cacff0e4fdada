import fc from 'fast-check';
import { ANY_ITEM, CoverageEngine, type EnginePoint, type EngineVillage } from '../../../src/coverage/coverage.engine';
import { StraightLineModel } from '../../../src/travel/straight-line.model';
import { bruteForceNearest as bruteForce, items, place, pointsArb, villagesArb } from '../../helpers/engine-arbitraries';

/**
 * The patched fields always equal a brute-force recomputation: random villages and service points, then random
 * sequences of writes (points appear, close, reopen, move near and far, change items; villages move, change
 * population), each applied to the engine as the change feed does; after every write each field is compared with
 * the nearest counted point found by trying every point (cheap-ruler metres at the village's latitude, within
 * 300 km, ties to the smaller id).
 */

const PARAMETERS = { speedsKmh: { WALK: 5, BICYCLE: 12, EBIKE: 20, CAR: 30 }, detourFactor: 1.3 };
const MODEL = new StraightLineModel(PARAMETERS);
/** The same model, rebuilding its indexes after every other change (the path a long stream of writes takes). */
const REBUILDING = new StraightLineModel(PARAMETERS, 2);
const FIELDS = ['A', 'B', 'C', ANY_ITEM];

type Write =
  | { kind: 'point'; index: number; place: [number, number] | null; items: string[] | null; active: boolean | null; fresh: boolean }
  | { kind: 'village'; index: number; place: [number, number] | null; population: number };

const writeArb: fc.Arbitrary<Write> = fc.oneof(
  fc.record({
    kind: fc.constant('point' as const),
    index: fc.nat(),
    place: fc.option(place, { nil: null }),
    items: fc.option(items, { nil: null }),
    active: fc.option(fc.boolean(), { nil: null }),
    fresh: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('village' as const), index: fc.nat(), place: fc.option(place, { nil: null }), population: fc.integer({ min: 0, max: 9000 }) }),
);

function expectFieldsMatch(engine: CoverageEngine, model: StraightLineModel, villages: readonly EngineVillage[], points: ReadonlyMap<string, EnginePoint>, step: string): void {
  for (const item of FIELDS) {
    const field = engine.field(model, 'WALK', item);
    const expected = bruteForce(villages, points, item);
    for (let v = 0; v < villages.length; v++) {
      const got = field.nearest[v]! >= 0 ? engine.pointIdAt(field.nearest[v]!) : null;
      const e = expected[v]!;
      if (got !== e.id || !(Object.is(field.cost[v], e.cost) || Math.abs(field.cost[v]! - e.cost) < 1e-9)) {
        throw new Error(`${step}: item ${item}, village ${v}: field says ${got} at ${field.cost[v]} m, brute force ${e.id} at ${e.cost} m`);
      }
    }
  }
}

describe('CoverageEngine fields under writes (fast-check)', () => {
  it.each([
    ['indexes kept with changes beside them', MODEL],
    ['indexes rebuilt every few changes', REBUILDING],
  ])('the patched fields equal a brute-force recomputation after every write (%s)', (_how, model) => {
    fc.assert(
      fc.property(villagesArb, pointsArb, fc.array(writeArb, { maxLength: 30 }), fc.subarray(FIELDS), (villages, initial, writes, builtLate) => {
        const points = new Map(initial.map((p) => [p.id, p]));
        const engine = new CoverageEngine('1', villages, initial.filter((p) => p.active));
        // Some fields exist before the writes (they are patched), others are built after some writes.
        for (const item of FIELDS) if (!builtLate.includes(item)) engine.field(model, 'WALK', item);
        const current = villages.map((v) => ({ ...v }));
        let version = 1;
        writes.forEach((w, n) => {
          version++;
          if (w.kind === 'point') {
            const ids = [...points.keys()];
            const id = w.fresh || ids.length === 0 ? `N${String(n).padStart(3, '0')}` : ids[w.index % ids.length]!;
            const old = points.get(id);
            const [longitude, latitude] = w.place ?? (old ? [old.longitude, old.latitude] : [117.6, 26.2]);
            const next: EnginePoint = {
              id,
              kind: 'TOWNSHIP_STATION',
              areaCode: '350400',
              villageCode: null,
              longitude,
              latitude,
              itemCodes: w.items ?? old?.itemCodes ?? ['A'],
              active: w.active ?? old?.active ?? true,
            };
            points.set(id, next);
            engine.applyPoint(String(version), id, next.active ? next : null);
          } else {
            const v = w.index % current.length;
            const [longitude, latitude] = w.place ?? [current[v]!.longitude, current[v]!.latitude];
            current[v] = { ...current[v]!, longitude, latitude, population: w.population };
            expect(engine.applyVillage(String(version), current[v]!)).toBe(true);
          }
          expect(engine.dataVersion).toBe(String(version));
          expectFieldsMatch(engine, model, current, points, `after write ${n + 1} (${w.kind})`);
          // Coverage for a budget is a scan of the field.
          const budget = MODEL.budgetCost('EBIKE', 15);
          const area = engine.computeArea('3504', 'A', model, 'EBIKE', budget);
          const expected = bruteForce(current, points, 'A');
          expect(Array.from(area.covered)).toEqual(expected.map((e) => (e.id !== null && e.cost <= budget ? 1 : 0)));
          expect(Array.from(area.population)).toEqual(current.map((c) => c.population));
        });
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 300), seed: Number(process.env.PROPERTY_SEED ?? 20261203) },
    );
  });

  it('items offered by the same points share one field, and part ways when their points differ', () => {
    const villages: EngineVillage[] = [{ code: '350400000001', townshipCode: '350400000', longitude: 117.6, latitude: 26.2, population: 10 }];
    const p = (id: string, itemCodes: string[], longitude: number): EnginePoint => ({ id, kind: 'TOWNSHIP_STATION', areaCode: '350400', villageCode: null, longitude, latitude: 26.2, itemCodes });
    const engine = new CoverageEngine('1', villages, [p('P1', ['A', 'B'], 117.61), p('P2', ['A', 'B'], 117.7)]);
    expect(engine.field(MODEL, 'WALK', 'A')).toBe(engine.field(MODEL, 'WALK', 'B'));
    expect(engine.fieldStats().fields).toBe(1);
    engine.applyPoint('2', 'P1', p('P1', ['A'], 117.61)); // P1 no longer offers B
    const a = engine.field(MODEL, 'WALK', 'A');
    const b = engine.field(MODEL, 'WALK', 'B');
    expect(a).not.toBe(b);
    expect(engine.point('P2')).toBeDefined();
    expect([a.size, b.size]).toEqual([2, 1]);
    expect(b.cost[0]).toBeGreaterThan(a.cost[0]!);
  });

  it('knows the places of the points counted at an older version, for polygons of a view computed then', () => {
    const villages: EngineVillage[] = [{ code: '350400000001', townshipCode: '350400000', longitude: 117.6, latitude: 26.2, population: 10 }];
    const point: EnginePoint = { id: 'P1', kind: 'TOWNSHIP_STATION', areaCode: '350400', villageCode: null, longitude: 117.6, latitude: 26.2, itemCodes: ['A'] };
    const engine = new CoverageEngine('5', villages, [point]);
    const box: [number, number, number, number] = [117.5, 26.1, 117.7, 26.3];
    engine.applyPoint('6', 'P1', { ...point, longitude: 117.65 });
    engine.applyPoint('7', 'P2', { ...point, id: 'P2', longitude: 117.55 });
    const at = (version: string) => engine.pointsReachingAt(version, 'A', MODEL, 'WALK', box, 1000)?.map((p) => [p.id, p.longitude, p.latitude]) ?? null;
    expect(at('7')).toEqual(expect.arrayContaining([['P1', 117.65, 26.2], ['P2', 117.55, 26.2]]));
    expect(at('6')).toEqual([['P1', 117.65, 26.2]]);
    expect(at('5')).toEqual([['P1', 117.6, 26.2]]);
    expect(at('4')).toBeNull(); // before the snapshot
  });
});
