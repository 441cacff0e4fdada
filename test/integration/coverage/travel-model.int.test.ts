import { Role } from '../../../src/common/role.enum';
import type { Viewer } from '../../../src/common/viewer';
import { DEFAULT_ROAD_SPEEDS } from '../../../src/travel/road-speeds';
import { createTestApp, type TestApp } from '../../helpers/test-app';

const EDITOR: Viewer = { kind: 'api-key', keyId: null, name: 'test road editor', roles: [Role.EDITOR, Role.READER, Role.PLANNER], areaCodes: ['520121'] };

interface VillageRow {
  village: { code: string };
  covered: boolean;
  travelMinutes: number | null;
  distanceMeters: number | null;
  offRoadNetwork: boolean | null;
  nearestServicePoint: { id: string } | null;
}

const VILLAGES = `villages(first: 200) { edges { node { village { code } covered travelMinutes distanceMeters offRoadNetwork nearestServicePoint { id } } } }`;

/**
 * The ROAD travel model end to end on the seeded synthetic networks (seeds/data/roads): every coverage question
 * answers under it, labelled with the network; a write reaches its answer through the change feed as it does the
 * straight line's; a road import is a new data version whose engine routes on the new roads.
 */
describe('travel models (integration)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const coverage = async (travelModel: 'ROAD' | 'STRAIGHT_LINE', extra = '') => {
    const r = await t.execute<{ coverage: { coveredVillageCount: number; villageCount: number; provenance: { travelModel: string; dataVersion: string; parameters: Record<string, unknown>; description: string }; villages: { edges: { node: VillageRow }[] } } }>(
      `{ coverage(areaCode: "520121", itemCode: "CHRONIC_DISEASE_CERT", mode: EBIKE, minutes: 15, travelModel: ${travelModel}${extra}) {
          coveredVillageCount villageCount provenance { travelModel dataVersion parameters description } ${VILLAGES} } }`,
    );
    expect(r.errors).toBeUndefined();
    return r.data!.coverage;
  };

  it('answers coverage under ROAD from the seeded synthetic network, labelled so, per village with minutes and the off-network flag', async () => {
    const road = await coverage('ROAD');
    const straight = await coverage('STRAIGHT_LINE');
    expect(road.provenance.travelModel).toBe('ROAD');
    expect(road.provenance.parameters.network).toMatch(/开阳县 synthetic roads \(520121, synthetic\)/);
    expect(road.provenance.parameters.speeds).toBe(DEFAULT_ROAD_SPEEDS.name);
    expect(road.provenance.description).toMatch(/over the road network/);
    expect(road.villageCount).toBe(straight.villageCount);
    const rows = road.villages.edges.map((e) => e.node);
    expect(rows).toHaveLength(road.villageCount);
    for (const v of rows) {
      expect(v.distanceMeters).toBeNull(); // minutes, not metres
      expect(typeof v.offRoadNetwork).toBe('boolean');
      expect(v.covered).toBe(v.travelMinutes !== null && v.travelMinutes <= 15);
    }
    expect(rows.filter((v) => v.covered).length).toBe(road.coveredVillageCount);
    // The synthetic roads leave a few villages over a kilometre from any road (seeds/data/README.md).
    expect(rows.some((v) => v.offRoadNetwork)).toBe(true);
    // The verdicts differ between the models somewhere (the roads' detours), in both directions or at least one.
    const byCode = new Map(straight.villages.edges.map((e) => [e.node.village.code, e.node]));
    const differ = rows.filter((v) => v.covered !== byCode.get(v.village.code)!.covered);
    expect(differ.length).toBeGreaterThan(0);
    for (const v of straight.villages.edges) expect(v.node.offRoadNetwork).toBeNull();
  });

  it('answers whereToHandle, delegationMatrix, gaps and suggestSites under ROAD, in minutes', async () => {
    const r = await t.execute<{
      whereToHandle: { options: { distanceMeters: number | null; travelMinutes: number; withinBudget: boolean }[]; ruleExplanation: string; provenance: { travelModel: string } };
      coverageGaps: { uncoveredVillageCount: number; provenance: { travelModel: string } };
      delegationMatrix: { rows: { coveredPopulationRatio: number }[] };
      suggestSites: { status: string; sites: { villageCode: string | null }[]; provenance: { travelModel: string } };
    }>(
      `{ whereToHandle(villageCode: "520121101002", itemCode: "CHRONIC_DISEASE_CERT", travelModel: ROAD, first: 3) {
           options { distanceMeters travelMinutes withinBudget } ruleExplanation provenance { travelModel } }
         coverageGaps(areaCode: "520121", itemCode: "CHRONIC_DISEASE_CERT", travelModel: ROAD) { uncoveredVillageCount provenance { travelModel } }
         delegationMatrix(areaCode: "520121", travelModel: ROAD) { rows { coveredPopulationRatio } }
         suggestSites(areaCode: "520121", itemCode: "CHRONIC_DISEASE_CERT", travelModel: ROAD, count: 2) { status sites { villageCode } provenance { travelModel } } }`,
      {},
      EDITOR,
    );
    expect(r.errors).toBeUndefined();
    const w = r.data!.whereToHandle;
    expect(w.provenance.travelModel).toBe('ROAD');
    expect(w.options.length).toBeGreaterThan(0);
    for (const o of w.options) {
      expect(o.distanceMeters).toBeNull();
      expect(o.withinBudget).toBe(o.travelMinutes <= 15);
    }
    expect(w.options.map((o) => o.travelMinutes)).toEqual([...w.options.map((o) => o.travelMinutes)].sort((a, b) => a - b));
    expect(w.ruleExplanation).toMatch(/over the road network/);
    const road = await coverage('ROAD');
    expect(r.data!.coverageGaps.uncoveredVillageCount).toBe(road.villageCount - road.coveredVillageCount);
    expect(r.data!.suggestSites.provenance.travelModel).toBe('ROAD');
    expect(r.data!.suggestSites.sites.length).toBe(2);
  });

  it('refuses the PostGIS reference under ROAD (it is a straight-line computation)', async () => {
    const r = await t.execute(`{ coverage(areaCode: "520121", travelModel: ROAD, method: POSTGIS) { coveredPopulation } }`, {}, EDITOR);
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'method' });
    expect(r.errors?.[0]?.message).toMatch(/straight-line/);
  });

  it('follows a write under ROAD through the change feed: closing the nearest point of a covered village changes its minutes, reopening restores them', async () => {
    const before = await coverage('ROAD');
    const village = before.villages.edges.map((e) => e.node).find((v) => v.covered && v.nearestServicePoint && !v.offRoadNetwork)!;
    const pointId = village.nearestServicePoint!.id;
    const setStatus = (status: 'ACTIVE' | 'CLOSED') =>
      t.execute(`mutation($id: ID!, $input: UpdateServicePointInput!) { updateServicePoint(id: $id, input: $input) { id } }`, { id: pointId, input: { status } }, EDITOR);
    expect((await setStatus('CLOSED')).errors).toBeUndefined();
    try {
      const closed = await coverage('ROAD');
      expect(BigInt(closed.provenance.dataVersion)).toBeGreaterThan(BigInt(before.provenance.dataVersion));
      const after = closed.villages.edges.map((e) => e.node).find((v) => v.village.code === village.village.code)!;
      expect(after.nearestServicePoint?.id).not.toBe(pointId);
      expect(after.travelMinutes ?? Infinity).toBeGreaterThanOrEqual(village.travelMinutes!);
    } finally {
      expect((await setStatus('ACTIVE')).errors).toBeUndefined();
    }
    const reopened = await coverage('ROAD');
    const again = reopened.villages.edges.map((e) => e.node).find((v) => v.village.code === village.village.code)!;
    expect(again.nearestServicePoint?.id).toBe(pointId);
    expect(again.travelMinutes).toBeCloseTo(village.travelMinutes!, 9);
    expect(reopened.coveredVillageCount).toBe(before.coveredVillageCount);
  });

  it('draws the isochrone of a point over the roads under ROAD, with the villages and people it reaches', async () => {
    const r = await t.execute<{ road: { polygon: { type: string; coordinates: unknown[] }; polygonAreaKm2: number; villageCount: number; population: number; provenance: { travelModel: string } }; line: { polygon: { type: string }; polygonAreaKm2: number; villageCount: number } }>(
      `{ road: isochrone(servicePointId: "TS-520121101", mode: EBIKE, minutes: 15, travelModel: ROAD) { polygon polygonAreaKm2 villageCount population provenance { travelModel } }
         line: isochrone(servicePointId: "TS-520121101", mode: EBIKE, minutes: 15) { polygon polygonAreaKm2 villageCount } }`,
    );
    expect(r.errors).toBeUndefined();
    const { road, line } = r.data!;
    expect(road.provenance.travelModel).toBe('ROAD');
    expect(road.polygon.type).toBe('MultiPolygon');
    expect(road.polygon.coordinates.length).toBeGreaterThan(0);
    expect(road.polygonAreaKm2).toBeGreaterThan(0);
    expect(road.villageCount).toBeGreaterThan(0);
    expect(road.population).toBeGreaterThan(0);
    expect(line.polygon.type).toBe('Polygon');
    expect(line.villageCount).toBeGreaterThan(0);
  });
});
