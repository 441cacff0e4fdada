import fc from 'fast-check';
import { CoverageEngine, type EnginePoint } from '../../../src/coverage/coverage.engine';
import { withHandling } from '../../../src/coverage/handling-coverage';
import { handlingSet, parsePointKey, pointKey } from '../../../src/coverage/handling-key';
import { HandlingRules } from '../../../src/handling-rule/handling-rules';
import { HandlingWay, OnlineChannelKind } from '../../../src/handling-rule/handling-way.enum';
import { StraightLineModel } from '../../../src/travel/straight-line.model';
import { bruteForceNearest, items, place, pointsArb, villagesArb } from '../../helpers/engine-arbitraries';

const MODEL = new StraightLineModel({ speedsKmh: { WALK: 5, BICYCLE: 12, EBIKE: 20, CAR: 30 }, detourFactor: 1.3 });
const { IN_PERSON, ASSISTED, ONLINE } = HandlingWay;
const APP = { kind: OnlineChannelKind.APP, name: '国家医保服务平台', access: null, note: null };

describe('point keys', () => {
  it('are the item code for in-person handling (the keys of before ways of handling), and read back', () => {
    expect(pointKey('A', handlingSet(null))).toBe('A');
    expect(pointKey('A', new Set([IN_PERSON, ONLINE]))).toBe('A');
    expect(pointKey('A', new Set([IN_PERSON, ASSISTED]))).toBe('A~IA');
    expect(pointKey('A', new Set([ASSISTED]))).toBe('A~A');
    expect(parsePointKey('A~IA')).toEqual({ item: 'A', inPerson: true, assisted: true });
    expect(parsePointKey('A~A')).toEqual({ item: 'A', inPerson: false, assisted: true });
    expect(parsePointKey('A')).toEqual({ item: 'A', inPerson: true, assisted: false });
  });
});

describe('HandlingRules', () => {
  const rules = new HandlingRules([
    { areaCode: '', itemCode: 'X', assistedTurnaroundWorkingDays: 10, onlineChannels: [APP], note: null },
    { areaCode: '37', itemCode: 'X', assistedTurnaroundWorkingDays: null, onlineChannels: null, note: 'nothing set' },
    { areaCode: '3708', itemCode: 'X', assistedTurnaroundWorkingDays: 4, onlineChannels: null, note: null },
    { areaCode: '370811', itemCode: 'X', assistedTurnaroundWorkingDays: null, onlineChannels: [], note: 'no channel here' },
    { areaCode: '14', itemCode: 'Y', assistedTurnaroundWorkingDays: 5, onlineChannels: null, note: null },
  ]);

  it('merge field by field from the longest code down; [] switches off the channels above it', () => {
    expect(rules.resolve('370811002001', 'X')).toEqual({ assistedTurnaroundWorkingDays: 4, onlineChannels: [], fromAreaCodes: ['370811', '3708'] });
    expect(rules.resolve('370812001001', 'X')).toEqual({ assistedTurnaroundWorkingDays: 4, onlineChannels: [APP], fromAreaCodes: ['3708', ''] });
    expect(rules.resolve('440101001001', 'X')).toEqual({ assistedTurnaroundWorkingDays: 10, onlineChannels: [APP], fromAreaCodes: [''] });
    expect(rules.resolve('3708', 'X').assistedTurnaroundWorkingDays).toBe(4);
    expect(rules.resolve('370811', 'X').onlineChannels).toEqual([]);
  });

  it('give nothing where no rule applies', () => {
    expect(rules.resolve('440101001001', 'Y')).toEqual({ assistedTurnaroundWorkingDays: null, onlineChannels: [], fromAreaCodes: [] });
    expect(rules.resolve('140121001001', 'Z')).toEqual({ assistedTurnaroundWorkingDays: null, onlineChannels: [], fromAreaCodes: [] });
  });
});

/**
 * Fields of point keys under writes equal a brute force over the points that count for them, found here from the
 * points' two item lists (not by the engine's countsFor): in person `itemCodes`, assisted `assistedItemCodes`.
 */
describe('CoverageEngine with assisted handling (fast-check)', () => {
  const assistedArb = fc.array(items, { maxLength: 25 });
  const writeArb = fc.record({ index: fc.nat(), items: fc.option(items, { nil: null }), assisted: fc.option(items, { nil: null }), place: fc.option(place, { nil: null }) });
  const KEYS: [string, (p: EnginePoint) => boolean][] = [
    ['A', (p) => p.itemCodes.includes('A')],
    ['A~A', (p) => (p.assistedItemCodes ?? []).includes('A')],
    ['A~IA', (p) => p.itemCodes.includes('A') || (p.assistedItemCodes ?? []).includes('A')],
  ];

  it('patched fields equal a brute-force recomputation after every write', () => {
    fc.assert(
      fc.property(villagesArb, pointsArb, assistedArb, fc.array(writeArb, { maxLength: 20 }), (villages, initial, assistedLists, writes) => {
        const withAssisted = initial.map((p, i) => ({ ...p, assistedItemCodes: (assistedLists[i] ?? []).filter((c) => !p.itemCodes.includes(c)) }));
        const points = new Map<string, EnginePoint>(withAssisted.map((p) => [p.id, p]));
        const engine = new CoverageEngine('1', villages, withAssisted.filter((p) => p.active));
        for (const [key] of KEYS) engine.field(MODEL, 'WALK', key);
        let version = 1;
        const check = (step: string) => {
          for (const [key, counts] of KEYS) {
            const virtual = new Map([...points].map(([id, p]) => [id, { ...p, itemCodes: counts(p) ? ['A'] : [] }]));
            const expected = bruteForceNearest(villages, virtual, 'A');
            const field = engine.field(MODEL, 'WALK', key);
            villages.forEach((_, v) => {
              const got = field.nearest[v]! >= 0 ? engine.pointIdAt(field.nearest[v]!) : null;
              if (got !== expected[v]!.id) throw new Error(`${step}: key ${key}, village ${v}: field ${got}, brute force ${expected[v]!.id}`);
            });
          }
        };
        check('start');
        for (const w of writes) {
          if (points.size === 0) break;
          const before = [...points.values()][w.index % points.size]!;
          const itemCodes = w.items ?? [...before.itemCodes];
          const after: EnginePoint = {
            ...before,
            itemCodes,
            assistedItemCodes: (w.assisted ?? [...(before.assistedItemCodes ?? [])]).filter((c) => !itemCodes.includes(c)),
            ...(w.place ? { longitude: w.place[0], latitude: w.place[1] } : {}),
          };
          points.set(after.id, after);
          engine.applyPoint(String(++version), after.id, after.active === false ? null : after);
          check(`write ${version}`);
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('withHandling', () => {
  // Two villages 1 km and 30 km east of a point that accepts X on a resident's behalf; a rule gives X a channel in 11.
  const villages = [
    { code: '110101001001', townshipCode: '110101001', longitude: 116.01, latitude: 40, population: 100 },
    { code: '120101001001', townshipCode: '120101001', longitude: 116.35, latitude: 40, population: 200 },
  ];
  const point: EnginePoint = { id: 'VP-1', kind: 'VILLAGE_POINT', areaCode: '110101001', villageCode: '110101001001', longitude: 116, latitude: 40, itemCodes: [], assistedItemCodes: ['X'] };
  const engine = new CoverageEngine('1', villages, [point], {
    handlingRules: [{ areaCode: '12', itemCode: 'X', assistedTurnaroundWorkingDays: null, onlineChannels: [APP], note: null }],
  });
  const budget = MODEL.budgetCost('EBIKE', 15);

  it('tells assisted from in-person handling and adds online coverage where the area has a channel', () => {
    const ways = new Set([IN_PERSON, ASSISTED, ONLINE]);
    const c = withHandling(engine, engine.computeArea('', pointKey('X', ways), MODEL, 'EBIKE', budget), 'X', ways);
    expect(Array.from(c.covered)).toEqual([1, 1]);
    expect(Array.from(c.handledBy!)).toEqual([2, 3]); // ASSISTED, ONLINE
    const inPerson = engine.computeArea('', pointKey('X', handlingSet(null)), MODEL, 'EBIKE', budget);
    expect(Array.from(inPerson.covered)).toEqual([0, 0]);
    const noOnline = new Set([IN_PERSON, ASSISTED]);
    expect(Array.from(withHandling(engine, engine.computeArea('', pointKey('X', noOnline), MODEL, 'EBIKE', budget), 'X', noOnline).covered)).toEqual([1, 0]);
  });

  it('follows the rules of the change feed', () => {
    engine.setHandlingRules([]);
    const ways = new Set([IN_PERSON, ONLINE]);
    expect(Array.from(withHandling(engine, engine.computeArea('', 'X', MODEL, 'EBIKE', budget), 'X', ways).covered)).toEqual([0, 0]);
  });
});
