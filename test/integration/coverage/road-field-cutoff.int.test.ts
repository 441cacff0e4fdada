import { Role } from '../../../src/common/role.enum';
import type { Viewer } from '../../../src/common/viewer';
import { ANY_ITEM, CoverageEngine, type AreaComputation, type EnginePoint } from '../../../src/coverage/coverage.engine';
import { CoverageRepository, type EngineSnapshot } from '../../../src/coverage/coverage.repository';
import { RoadNetwork } from '../../../src/travel/road-network';
import type { RoadField } from '../../../src/travel/road.model';
import { TravelModelName, type TravelModeName } from '../../../src/travel/travel-model';
import { TravelModels } from '../../../src/travel/travel-models';
import { createTestApp, type TestApp } from '../../helpers/test-app';

const PLANNER: Viewer = { kind: 'api-key', keyId: null, name: 'cutoff test planner', roles: [Role.READER, Role.PLANNER], areaCodes: ['520121'] };
const MODES: TravelModeName[] = ['WALK', 'BICYCLE', 'EBIKE', 'CAR'];
const ITEM = 'CHRONIC_DISEASE_CERT';
/** Far below any village's minutes: every field starts cut, and every answer needs it extended. */
const TINY_CUTOFF = 1;

/** The answer without the clock's fields (computedAt differs between two runs of the same question). */
function timeless(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(timeless);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).filter(([k]) => k !== 'computedAt').map(([k, v]) => [k, timeless(v)]));
  return value;
}

/** Exact equality of two computations (Object.is per element: NaN equals NaN, 0 and −0 differ). */
function expectSameComputation(cut: AreaComputation, full: AreaComputation, what: string): void {
  expect(cut.codes).toEqual(full.codes);
  for (let k = 0; k < full.codes.length; k++) {
    if (!Object.is(cut.cost[k], full.cost[k]) || cut.nearest[k] !== full.nearest[k] || cut.covered[k] !== full.covered[k]) {
      throw new Error(`${what}: village ${full.codes[k]} cut field ${cut.nearest[k]} at ${cut.cost[k]} min (covered ${cut.covered[k]}), uncut ${full.nearest[k]} at ${full.cost[k]} (covered ${full.covered[k]})`);
    }
  }
}

/**
 * A ROAD field labelled only up to a cutoff (ROAD_FIELD_CUTOFF_MINUTES, or the largest budget asked) must answer
 * exactly as an uncut one: the coverage of every budget, and what answers report beyond the budget (each village's
 * nearest point and minutes, in village lists, gaps and tiles), before and after the change feed patches it. On the
 * seeded synthetic networks: engines built from the same snapshot with a 1-minute cutoff and without one, and two
 * apps configured so, asked the same questions in the same order.
 */
describe('ROAD fields cut at a budget answer as uncut ones (integration)', () => {
  let cut: TestApp;
  let full: TestApp;
  let snapshot: EngineSnapshot;
  beforeAll(async () => {
    cut = await createTestApp({ ROAD_FIELD_CUTOFF_MINUTES: String(TINY_CUTOFF) });
    full = await createTestApp({ ROAD_FIELD_CUTOFF_MINUTES: '240' });
    snapshot = await new CoverageRepository(cut.db.dataSource).loadSnapshot();
  });
  afterAll(async () => {
    await cut?.close();
    await full?.close();
  });

  const engines = (cutoff: number): CoverageEngine => {
    const network = RoadNetwork.build(snapshot.roads!.nodes, snapshot.roads!.edges, 'seeded networks');
    const models = new TravelModels(cut.config.travel, { network, fieldCutoffMinutes: cutoff });
    return new CoverageEngine(snapshot.dataVersion, snapshot.villages, snapshot.points, { models, planningAreas: snapshot.planningAreas });
  };

  it('gives the same computations, village costs and nearest points, for every mode, item and budget, through patches', () => {
    const a = engines(TINY_CUTOFF);
    const b = engines(240);
    const road = a.models!.get(TravelModelName.ROAD);
    const roadB = b.models!.get(TravelModelName.ROAD);
    const townships = [...new Set(snapshot.villages.filter((v) => v.code.startsWith('520121')).map((v) => v.townshipCode))];
    expect(townships.length).toBeGreaterThan(3);
    for (const mode of MODES) {
      for (const item of [ITEM, ANY_ITEM]) {
        // The cut engine's field is cut indeed: labelled to 1 minute, villages beyond it without a cost yet (the
        // mode's next fields start at the largest budget asked of it so far).
        const field = a.field(road, mode, item) as RoadField;
        if (item === ITEM) {
          expect(field.cutoffMinutes).toBe(TINY_CUTOFF);
          expect(Array.from(field.nearest).some((p) => p < 0)).toBe(true);
        } else expect(field.cutoffMinutes).toBeGreaterThanOrEqual(120);
        // Small areas first (each extends the cut field only as far as its villages need), then the county.
        for (const budget of [5, 15]) {
          for (const township of townships) expectSameComputation(a.computeArea(township, item, road, mode, budget), b.computeArea(township, item, roadB, mode, budget), `${mode} ${item} ${budget} min ${township}`);
        }
        for (const budget of [5, 15, 45, 120]) expectSameComputation(a.computeArea('520121', item, road, mode, budget), b.computeArea('520121', item, roadB, mode, budget), `${mode} ${item} ${budget} min county`);
      }
    }
    // Tiles read costs of some villages (villageCosts): on fresh engines, so that the cut one extends for them alone.
    const c = engines(TINY_CUTOFF);
    const d = engines(240);
    const sample = snapshot.villages.map((_, v) => v).filter((v) => v % 7 === 3);
    for (const mode of MODES) {
      const x = c.villageCosts(sample, ITEM, c.models!.get(TravelModelName.ROAD), mode);
      const y = d.villageCosts(sample, ITEM, d.models!.get(TravelModelName.ROAD), mode);
      sample.forEach((v, k) => {
        if (!Object.is(x.cost[k], y.cost[k]) || x.nearest[k] !== y.nearest[k]) throw new Error(`${mode} villageCosts ${snapshot.villages[v]!.code}: cut ${x.nearest[k]} at ${x.cost[k]}, uncut ${y.nearest[k]} at ${y.cost[k]}`);
      });
      const [lon, lat] = c.villagePlace(sample[5]!);
      expect(c.nearestPoints(lon, lat, ITEM, 3, c.models!.get(TravelModelName.ROAD), mode)).toEqual(d.nearestPoints(lon, lat, ITEM, 3, d.models!.get(TravelModelName.ROAD), mode));
    }
    // Patches: points closed, opened elsewhere and moved, on both engines; the county again after each.
    const kaiyang = snapshot.points.filter((p) => p.areaCode.startsWith('520121') && p.itemCodes.includes(ITEM));
    const village = snapshot.villages.find((v) => v.code.startsWith('520121'))!;
    const changes: [string, EnginePoint | null][] = [
      [kaiyang[0]!.id, null],
      [kaiyang[1]!.id, { ...kaiyang[1]!, longitude: village.longitude, latitude: village.latitude }],
      ['NEW-CUTOFF-1', { ...kaiyang[2]!, id: 'NEW-CUTOFF-1', longitude: village.longitude + 0.05, latitude: village.latitude - 0.03 }],
      [kaiyang[3]!.id, null],
      [kaiyang[0]!.id, kaiyang[0]!],
    ];
    let version = BigInt(snapshot.dataVersion);
    for (const [id, state] of changes) {
      version++;
      a.applyPoint(String(version), id, state);
      b.applyPoint(String(version), id, state);
      for (const mode of MODES) {
        for (const budget of [10, 30]) expectSameComputation(a.computeArea('520121', ITEM, road, mode, budget), b.computeArea('520121', ITEM, roadB, mode, budget), `${mode} ${budget} min after ${id}`);
      }
    }
  });

  it('gives the same GraphQL answers: coverage and its villages, gaps, whereToHandle, delegation, site suggestions, a scenario', async () => {
    const ask = async (t: TestApp, mode: TravelModeName, minutes: number) => {
      const args = `itemCode: "${ITEM}", mode: ${mode}, minutes: ${minutes}, travelModel: ROAD`;
      const villages = `villages { edges { node { village { code } covered travelMinutes offRoadNetwork nearestServicePoint { id } } } }`;
      const r = await t.execute(
        `{ township: coverage(areaCode: "520121101", ${args}) { coveredVillageCount villageCount ${villages.replace('villages', 'villages(first: 200)')} }
           county: coverage(areaCode: "520121", ${args}) { coveredVillageCount coveredPopulation byTownship { township { code } coveredVillageCount } ${villages.replace('villages', 'villages(first: 200)')} }
           gaps: coverageGaps(areaCode: "520121", ${args}, first: 200) { uncoveredVillageCount uncoveredPopulation villages { village { code } travelMinutes nearestServicePoint { id } offRoadNetwork } }
           near: whereToHandle(villageCode: "520121101002", ${args}, first: 3) { options { servicePoint { id } travelMinutes withinBudget } ruleExplanation }
           far: whereToHandle(villageCode: "520121208205", ${args}, first: 3) { options { servicePoint { id } travelMinutes withinBudget } ruleExplanation }
           matrix: delegationMatrix(areaCode: "520121", mode: ${mode}, minutes: ${minutes}, travelModel: ROAD) { rows { item { code } coveredVillageCount coveredPopulationRatio } }
           whatIf: coverage(areaCode: "520121", ${args}, scenario: { close: ["TS-520121101"] }) { coveredVillageCount ${villages.replace('villages', 'villages(first: 200)')} } }`,
        {},
        PLANNER,
      );
      expect(r.errors).toBeUndefined();
      return timeless(r.data);
    };
    for (const mode of ['WALK', 'CAR'] as const) {
      for (const minutes of [5, 30]) {
        const a = await ask(cut, mode, minutes);
        const b = await ask(full, mode, minutes);
        expect(a).toEqual(b);
      }
    }
    const sites = (t: TestApp) =>
      t.execute(`{ suggestSites(areaCode: "520121", itemCode: "${ITEM}", mode: WALK, minutes: 15, travelModel: ROAD, count: 2) { status sites { villageCode } } }`, {}, PLANNER);
    const [sa, sb] = [await sites(cut), await sites(full)];
    expect(sa.errors).toBeUndefined();
    expect(timeless(sa.data)).toEqual(timeless(sb.data));
  });
});
