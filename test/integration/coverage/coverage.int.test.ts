import * as turf from '@turf/turf';
import type { MultiPolygon } from 'geojson';
import { Geodesic } from 'geographiclib-geodesic';
import { ServicePointRepository } from '../../../src/service-point/service-point.repository';
import { ServicePointKind, ServicePointStatus } from '../../../src/service-point/service-point-kind.enum';
import { readSeedFile, type SeedDataset } from '../../../seeds/dataset';
import { Role } from '../../../src/common/role.enum';
import type { Viewer } from '../../../src/common/viewer';
import { createTestApp, type TestApp } from '../../helpers/test-app';

interface VillageRow {
  covered: boolean;
  distanceMeters: number | null;
  travelMinutes: number | null;
  village: { code: string; population: number; longitude: number; latitude: number };
  nearestServicePoint: { id: string; longitude: number; latitude: number } | null;
}
interface CoverageData {
  coverage: {
    villageCount: number;
    coveredVillageCount: number;
    population: number;
    coveredPopulation: number;
    coveredPopulationRatio: number;
    byTownship: { township: { code: string }; villageCount: number; coveredVillageCount: number; population: number; coveredPopulation: number }[];
    villages: { totalCount: number; edges: { node: VillageRow }[] };
    polygon: MultiPolygon;
    polygonAreaKm2: number;
    provenance: { method: string; radiusMeters: number; speedKmh: number; detourFactor: number; dataVersion: string; computedAt: string; syntheticData: boolean };
  };
}

const COVERAGE = /* GraphQL */ `
  fragment Shape on Coverage { polygon polygonAreaKm2 }
  query ($areaCode: ID!, $itemCode: ID, $mode: TravelMode, $minutes: Float, $method: CoverageMethod, $withPolygon: Boolean = false) {
    coverage(areaCode: $areaCode, itemCode: $itemCode, mode: $mode, minutes: $minutes, method: $method) {
      villageCount coveredVillageCount population coveredPopulation coveredPopulationRatio
      byTownship { township { code } villageCount coveredVillageCount population coveredPopulation }
      villages(first: 500) { totalCount edges { node { covered distanceMeters travelMinutes
        village { code population longitude latitude } nearestServicePoint { id longitude latitude } } } }
      ...Shape @include(if: $withPolygon)
      provenance { method radiusMeters speedKmh detourFactor dataVersion computedAt syntheticData }
    }
  }`;

describe('coverage', () => {
  let t: TestApp;
  const coverage = async (variables: Record<string, unknown>) => {
    const r = await t.execute<CoverageData>(COVERAGE, variables);
    expect(r.errors).toBeUndefined();
    return r.data!.coverage;
  };

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it("Kaiyang by e-bike in 15 minutes, township item: totals add up and the travel model is the domain's", async () => {
    const c = await coverage({ areaCode: '520121', itemCode: 'CHRONIC_DISEASE_CERT', mode: 'EBIKE', minutes: 15 });
    expect(c.villageCount).toBe(136);
    expect(c.provenance).toMatchObject({ method: 'INDEX', speedKmh: 20, detourFactor: 1.3, syntheticData: true });
    expect(c.provenance.radiusMeters).toBeCloseTo((20_000 / 60) * 15 / 1.3, 6);
    expect(c.byTownship).toHaveLength(18);
    expect(c.byTownship.reduce((n, b) => n + b.villageCount, 0)).toBe(136);
    expect(c.byTownship.reduce((n, b) => n + b.coveredPopulation, 0)).toBe(c.coveredPopulation);
    const rows = c.villages.edges.map((e) => e.node);
    expect(rows.filter((r) => r.covered)).toHaveLength(c.coveredVillageCount);
    expect(rows.reduce((n, r) => n + r.village.population, 0)).toBe(c.population);
    expect(c.coveredPopulationRatio).toBeCloseTo(c.coveredPopulation / c.population, 12);
    // Synthetic villages are spread up to ~9 km from their seat: some must be outside a 3.8 km circle.
    expect(c.coveredVillageCount).toBeGreaterThan(0);
    expect(c.coveredVillageCount).toBeLessThan(136);
  });

  it('distances are geodesic (checked against Karney) and minutes follow distance × detour ÷ speed', async () => {
    const c = await coverage({ areaCode: '520121', itemCode: 'CHRONIC_DISEASE_CERT', mode: 'BICYCLE' });
    for (const { node } of c.villages.edges) {
      const p = node.nearestServicePoint!;
      const exact = Geodesic.WGS84.Inverse(node.village.latitude, node.village.longitude, p.latitude, p.longitude).s12!;
      expect(Math.abs(node.distanceMeters! - exact)).toBeLessThanOrEqual(0.0005 * exact + 0.01);
      expect(node.travelMinutes).toBeCloseTo((node.distanceMeters! * 1.3) / ((12 * 1000) / 60), 9);
      expect(node.covered).toBe(node.distanceMeters! <= c.provenance.radiusMeters);
    }
  });

  it('faster modes and longer budgets never cover fewer villages', async () => {
    const covered = async (mode: string, minutes: number) => (await coverage({ areaCode: '3504', mode, minutes })).coveredVillageCount;
    const walk = await covered('WALK', 15);
    const bike = await covered('BICYCLE', 15);
    const ebike = await covered('EBIKE', 15);
    const car = await covered('CAR', 15);
    expect(walk).toBeLessThanOrEqual(bike);
    expect(bike).toBeLessThanOrEqual(ebike);
    expect(ebike).toBeLessThanOrEqual(car);
    expect(walk).toBeLessThan(car);
    expect(await covered('WALK', 30)).toBeGreaterThanOrEqual(walk);
  });

  it('the polygon is a valid MultiPolygon that holds the covered villages and not the uncovered ones', async () => {
    const c = await coverage({ areaCode: '520121', itemCode: 'CHRONIC_DISEASE_CERT', mode: 'EBIKE', withPolygon: true });
    expect(c.polygon.type).toBe('MultiPolygon');
    expect(c.polygon.coordinates.length).toBeGreaterThan(0);
    for (const polygon of c.polygon.coordinates) {
      expect(turf.booleanClockwise(polygon[0])).toBe(false); // RFC 7946: exterior rings counter-clockwise
      for (const ring of polygon) expect(ring[0]).toEqual(ring[ring.length - 1]);
    }
    const shape = turf.multiPolygon(c.polygon.coordinates);
    const r = c.provenance.radiusMeters;
    const borderline: string[] = [];
    for (const { node } of c.villages.edges) {
      const inside = turf.booleanPointInPolygon([node.village.longitude, node.village.latitude], shape);
      if (Math.abs(node.distanceMeters! - r) <= 0.005 * r) {
        borderline.push(node.village.code);
        continue;
      }
      expect({ code: node.village.code, inside }).toEqual({ code: node.village.code, inside: node.covered });
    }
    expect(c.polygonAreaKm2).toBeGreaterThan(0);
    // Clipped to the county (about 2,030 km²).
    expect(c.polygonAreaKm2).toBeLessThan(2100);
  });

  it('POSTGIS method gives the same figures as the index for Kaiyang (with a key: not for anonymous callers)', async () => {
    const a = await coverage({ areaCode: '520121', itemCode: 'RESIDENT_ENROLMENT', mode: 'WALK', method: 'INDEX' });
    const anonymous = await t.execute(COVERAGE, { areaCode: '520121', itemCode: 'RESIDENT_ENROLMENT', mode: 'WALK', method: 'POSTGIS' });
    expect(anonymous.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    const planner: Viewer = { kind: 'api-key', keyId: 'test', name: 'test planner', roles: [Role.PLANNER, Role.READER], areaCodes: [] };
    const keyed = await t.execute<CoverageData>(COVERAGE, { areaCode: '520121', itemCode: 'RESIDENT_ENROLMENT', mode: 'WALK', method: 'POSTGIS' }, planner);
    expect(keyed.errors).toBeUndefined();
    const b = keyed.data!.coverage;
    expect(b.provenance.method).toBe('POSTGIS');
    expect(b.coveredVillageCount).toBe(a.coveredVillageCount);
    expect(b.coveredPopulation).toBe(a.coveredPopulation);
  });

  it('results are reused until the data changes: adding, then closing a point changes the next answer', async () => {
    const vars = { areaCode: '520121', itemCode: 'CHRONIC_DISEASE_CERT', mode: 'WALK', minutes: 15 };
    const before = await coverage(vars);
    const again = await coverage(vars);
    expect(again.provenance.computedAt).toBe(before.provenance.computedAt); // cached
    const target = before.villages.edges.map((e) => e.node).find((n) => !n.covered)!;

    const points = new ServicePointRepository(t.db.dataSource);
    const point = {
      id: 'TS-TEST-NEW',
      name: 'Test station',
      kind: ServicePointKind.TOWNSHIP_STATION,
      status: ServicePointStatus.ACTIVE,
      longitude: target.village.longitude,
      latitude: target.village.latitude,
      areaCode: target.village.code.slice(0, 9),
      villageCode: null,
      address: null,
      phone: null,
      openingHours: null,
      locationSynthetic: true,
      itemCodes: ['CHRONIC_DISEASE_CERT'],
    };
    try {
      await t.db.dataSource.transaction((m) => points.upsertMany(m, [point]));
      const added = await coverage(vars);
      expect(added.provenance.dataVersion).not.toBe(before.provenance.dataVersion);
      expect(added.coveredVillageCount).toBeGreaterThan(before.coveredVillageCount);
      expect(added.villages.edges.find((e) => e.node.village.code === target.village.code)!.node).toMatchObject({
        covered: true,
        nearestServicePoint: { id: 'TS-TEST-NEW' },
      });

      await t.db.dataSource.transaction((m) => points.upsertMany(m, [{ ...point, status: ServicePointStatus.CLOSED }]));
      const closed = await coverage(vars);
      expect(closed.coveredVillageCount).toBe(before.coveredVillageCount);
    } finally {
      await t.db.dataSource.query(`DELETE FROM service_point WHERE id = 'TS-TEST-NEW'`);
    }
  });

  it('the polygon follows a change of the area boundary it is clipped to (boundaries are kept per data version)', async () => {
    const vars = { areaCode: '520121', itemCode: 'CHRONIC_DISEASE_CERT', mode: 'EBIKE', minutes: 15, withPolygon: true };
    const before = await coverage(vars);
    const [{ wkb }] = await t.db.dataSource.query(`SELECT ST_AsBinary(boundary) AS wkb FROM area WHERE code = '520121'`);
    const westOf = 107.0; // Kaiyang spans 106.74–107.28° E
    try {
      await t.db.dataSource.query(
        `UPDATE area SET boundary = ST_Multi(ST_CollectionExtract(ST_Intersection(boundary, ST_MakeEnvelope(100, 20, $1, 30, 4326)), 3)) WHERE code = '520121'`,
        [westOf],
      );
      const after = await coverage(vars);
      expect(after.provenance.dataVersion).not.toBe(before.provenance.dataVersion);
      const [, , maxX] = turf.bbox(after.polygon);
      expect(maxX).toBeLessThanOrEqual(westOf + 1e-6);
      expect(turf.bbox(before.polygon)[2]).toBeGreaterThan(westOf + 0.1);
      expect(after.polygonAreaKm2).toBeLessThan(before.polygonAreaKm2 * 0.8);
    } finally {
      await t.db.dataSource.query(`UPDATE area SET boundary = ST_GeomFromWKB($1, 4326) WHERE code = '520121'`, [wkb]);
    }
    const restored = await coverage(vars);
    expect(restored.polygonAreaKm2).toBeCloseTo(before.polygonAreaKm2, 6);
  });

  it('says what the polygon is clipped to: the county itself, and for a township (no boundary in the data) its county', async () => {
    const q = '{ coverage(areaCode: "CODE", itemCode: "CHRONIC_DISEASE_CERT") { polygonClippedTo { code level } polygonFeature } }';
    for (const [code, clip] of [['520121', '520121'], ['520121101', '520121'], ['3504', '3504']] as const) {
      const r = await t.execute<{ coverage: { polygonClippedTo: { code: string; level: string }; polygonFeature: { properties: { clippedTo: string } } } }>(q.replace('CODE', code));
      expect(r.errors).toBeUndefined();
      expect([code, r.data!.coverage.polygonClippedTo.code, r.data!.coverage.polygonFeature.properties.clippedTo]).toEqual([code, clip, clip]);
    }
  });

  it('gaps: uncovered villages, most people first, with their nearest point and minutes', async () => {
    const r = await t.execute<{
      coverageGaps: { uncoveredVillageCount: number; uncoveredPopulation: number; villages: VillageRow[] };
      coverage: { villageCount: number; coveredVillageCount: number; population: number; coveredPopulation: number };
    }>(
      `{ coverageGaps(areaCode: "3504", itemCode: "CHRONIC_DISEASE_CERT", mode: WALK, first: 10) {
           uncoveredVillageCount uncoveredPopulation
           villages { covered distanceMeters travelMinutes village { code population } nearestServicePoint { id } } }
         coverage(areaCode: "3504", itemCode: "CHRONIC_DISEASE_CERT", mode: WALK) { villageCount coveredVillageCount population coveredPopulation } }`,
    );
    expect(r.errors).toBeUndefined();
    const { coverageGaps: gaps, coverage: c } = r.data!;
    expect(gaps.uncoveredVillageCount).toBe(c.villageCount - c.coveredVillageCount);
    expect(gaps.uncoveredPopulation).toBe(c.population - c.coveredPopulation);
    expect(gaps.villages).toHaveLength(10);
    const populations = gaps.villages.map((v) => v.village.population);
    expect([...populations].sort((a, b) => b - a)).toEqual(populations);
    for (const v of gaps.villages) {
      expect(v.covered).toBe(false);
      expect(v.nearestServicePoint).not.toBeNull();
      expect(v.travelMinutes!).toBeGreaterThan(15);
    }
  });

  it('whereToHandle: nearest points, budget, and the delegation rule in words', async () => {
    const q = (village: string, item: string) =>
      t.execute<{
        whereToHandle: {
          delegationLevel: string;
          withinRule: boolean;
          ruleExplanation: string;
          options: { servicePoint: { id: string; kind: string }; distanceMeters: number; travelMinutes: number; withinBudget: boolean; withinRuleScope: boolean }[];
        };
      }>(`{ whereToHandle(villageCode: "${village}", itemCode: "${item}", mode: EBIKE, first: 3) {
             delegationLevel withinRule ruleExplanation
             options { servicePoint { id kind } distanceMeters travelMinutes withinBudget withinRuleScope } } }`);
    const village = '520121101002';
    const villageItem = (await q(village, 'RESIDENT_ENROLMENT')).data!.whereToHandle;
    expect(villageItem.delegationLevel).toBe('VILLAGE');
    expect(villageItem.withinRule).toBe(true); // every Kaiyang village has its own point
    expect(villageItem.options.some((o) => o.servicePoint.id === `VP-${village}` && o.withinRuleScope)).toBe(true);
    const distances = villageItem.options.map((o) => o.distanceMeters);
    expect([...distances].sort((a, b) => a - b)).toEqual(distances);

    const countyItem = (await q(village, 'APPEAL')).data!.whereToHandle;
    expect(countyItem).toMatchObject({ delegationLevel: 'COUNTY', withinRule: true });
    expect(countyItem.options[0].servicePoint).toMatchObject({ id: 'CH-520121', kind: 'COUNTY_HALL' });
    expect(countyItem.ruleExplanation).toMatch(/county/);

    // A Sanming village without a village point cannot handle village items in the village.
    const { data } = readSeedFile<SeedDataset>('sanming.json');
    const without = (await q(data.villagesWithoutPoint![0], 'RESIDENT_ENROLMENT')).data!.whereToHandle;
    expect(without.withinRule).toBe(false);
    expect(without.ruleExplanation).toMatch(/does not hold/);
    expect(without.options.every((o) => !o.withinRuleScope)).toBe(true);
  });

  it('delegationMatrix: every item, who offers it, and its coverage', async () => {
    const r = await t.execute<{
      delegationMatrix: { rows: { item: { code: string }; delegationLevel: string; villagePoints: number; townshipStations: number; countyHalls: number; hospitalStations: number; coveredPopulationRatio: number }[] };
    }>(`{ delegationMatrix(areaCode: "520121") { rows { item { code } delegationLevel villagePoints townshipStations countyHalls hospitalStations coveredPopulationRatio } } }`);
    expect(r.errors).toBeUndefined();
    const rows = r.data!.delegationMatrix.rows;
    expect(rows).toHaveLength(24);
    const byCode = Object.fromEntries(rows.map((row) => [row.item.code, row]));
    expect(byCode.RESIDENT_ENROLMENT).toMatchObject({ villagePoints: 136, townshipStations: 18, countyHalls: 1 });
    expect(byCode.CHRONIC_DISEASE_CERT).toMatchObject({ villagePoints: 0, townshipStations: 18, countyHalls: 1 });
    expect(byCode.APPEAL).toMatchObject({ villagePoints: 0, townshipStations: 0, countyHalls: 1, hospitalStations: 0 });
    expect(byCode.RESIDENT_ENROLMENT.coveredPopulationRatio).toBeGreaterThanOrEqual(byCode.CHRONIC_DISEASE_CERT.coveredPopulationRatio);
  });

  it('isochrone: a geodesic circle of the travel radius', async () => {
    const r = await t.execute<{ isochrone: { polygon: { type: string; coordinates: number[][][] }; polygonAreaKm2: number; provenance: { radiusMeters: number } } }>(
      `{ isochrone(servicePointId: "TS-520121101", mode: WALK, minutes: 15) { polygon polygonAreaKm2 provenance { radiusMeters } } }`,
    );
    expect(r.errors).toBeUndefined();
    const { polygon, polygonAreaKm2, provenance } = r.data!.isochrone;
    expect(polygon.type).toBe('Polygon');
    const rKm = provenance.radiusMeters / 1000;
    expect(polygonAreaKm2).toBeGreaterThan(Math.PI * rKm * rKm * 0.995);
    expect(polygonAreaKm2).toBeLessThan(Math.PI * rKm * rKm * 1.001);
  });

  it.each([
    ['minutes below 1', '{ coverage(areaCode: "520121", minutes: 0.5) { villageCount } }', 'BAD_USER_INPUT', /between 1 and 120/],
    ['minutes above 120', '{ coverage(areaCode: "520121", minutes: 121) { villageCount } }', 'BAD_USER_INPUT', /between 1 and 120/],
    ['unknown area', '{ coverage(areaCode: "520199") { villageCount } }', 'NOT_FOUND', /Area "520199"/],
    ['unknown item', '{ coverage(areaCode: "520121", itemCode: "NOPE") { villageCount } }', 'NOT_FOUND', /ServiceItem "NOPE"/],
    ['unknown mode', '{ coverage(areaCode: "520121", mode: TELEPORT) { villageCount } }', 'GRAPHQL_VALIDATION_FAILED', /TELEPORT/],
    ['unknown village', '{ whereToHandle(villageCode: "520121999999", itemCode: "APPEAL") { withinRule } }', 'NOT_FOUND', /Village/],
    ['unknown point', '{ isochrone(servicePointId: "TS-0") { polygonAreaKm2 } }', 'NOT_FOUND', /ServicePoint/],
  ])('%s → %s', async (_what, query, code, message) => {
    const r = await t.execute(query);
    expect(r.errors?.[0].extensions?.code).toBe(code);
    expect(r.errors?.[0].message).toMatch(message);
  });
});

describe('coverage polygon limit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ MAX_POLYGON_POINTS: '100' });
  });
  afterAll(() => t.close());

  it('refuses a polygon over MAX_POLYGON_POINTS circles with LIMIT_EXCEEDED, and still answers the figures', async () => {
    const r = await t.execute<{ coverage: { villageCount: number; polygon: unknown } }>('{ coverage(areaCode: "3504", mode: WALK) { villageCount polygon } }');
    expect(r.errors?.[0].extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 100 });
    expect(r.errors?.[0].message).toMatch(/smaller area/);
    // polygon is nullable, so the rest of the answer stands.
    expect(r.data?.coverage.villageCount).toBe(1964);
  });
});
