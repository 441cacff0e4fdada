import { Role } from '../../../src/common/role.enum';
import type { Viewer } from '../../../src/common/viewer';
import { createTestApp, type TestApp } from '../../helpers/test-app';

const PLANNER: Viewer = { kind: 'api-key', keyId: null, name: 'test planning areas', roles: [Role.PLANNER, Role.READER], areaCodes: [] };
const READER: Viewer = { kind: 'api-key', keyId: null, name: 'test reader', roles: [Role.READER], areaCodes: [] };
const ITEM = 'CHRONIC_DISEASE_CERT';
/** A box around Kaiyang's county seat (WGS-84), as a planner would draw it. */
const SEAT_BOX = { type: 'Polygon', coordinates: [[[106.9, 27.0], [107.03, 27.0], [107.03, 27.11], [106.9, 27.11], [106.9, 27.0]]] };

interface VillageRow {
  village: { code: string; population: number };
  covered: boolean;
  travelMinutes: number | null;
  nearestServicePoint: { id: string } | null;
}
interface CoverageAnswer {
  villageCount: number;
  coveredVillageCount: number;
  population: number;
  coveredPopulation: number;
  area: { code: string; name: string; level: string };
  provenance: { dataVersion: string };
  villages: { edges: { node: VillageRow }[] };
}

const COVERAGE = (area: string, extra = '') => `{ coverage(areaCode: "${area}", itemCode: "${ITEM}", mode: EBIKE, minutes: 15${extra}) {
  villageCount coveredVillageCount population coveredPopulation area { code name level } provenance { dataVersion }
  villages(first: 500) { edges { node { village { code population } covered travelMinutes nearestServicePoint { id } } } } } }`;

/**
 * Planning areas (issue 16, item 2) against the seeded database: defined by members or by a polygon, checked, audited,
 * and taken by the coverage questions. Membership is checked independently: member prefixes and ST_Intersects in
 * PostGIS choose the villages; the engine's per-village verdicts come from the county's own coverage.
 */
describe('planning areas (integration)', () => {
  let t: TestApp;
  let townships: string[];
  let extraVillage: string;
  const sql = <T>(q: string, p: unknown[] = []) => t.db.dataSource.query(q, p) as Promise<T[]>;
  const gql = async <T>(query: string, viewer: Viewer = PLANNER, variables?: Record<string, unknown>) => {
    const r = await t.execute<T>(query, variables, viewer);
    return r;
  };
  const ok = async <T>(query: string, variables?: Record<string, unknown>, viewer: Viewer = PLANNER): Promise<T> => {
    const r = await gql<T>(query, viewer, variables);
    expect(r.errors).toBeUndefined();
    return r.data!;
  };
  const code = async (query: string, variables?: Record<string, unknown>, viewer: Viewer = PLANNER) => {
    const r = await gql(query, viewer, variables);
    expect(r.errors?.length).toBe(1);
    return { code: r.errors![0]!.extensions!.code as string, message: r.errors![0]!.message };
  };
  const create = `mutation ($input: PlanningAreaInput!) { createPlanningArea(input: $input) { code name memberCodes boundary villageCount population authorName } }`;

  beforeAll(async () => {
    t = await createTestApp({ LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' }, process.env.TEST_LOG_LEVEL ? { logger: (await import('../../../src/common/logger')).createLogger({ level: 'error', name: 't' }) } : {});
    const rows = await sql<{ township_code: string }>(`SELECT township_code FROM village WHERE county_code = '520121' GROUP BY township_code ORDER BY township_code LIMIT 3`);
    townships = rows.slice(0, 2).map((r) => r.township_code);
    extraVillage = (await sql<{ code: string }>(`SELECT code FROM village WHERE township_code = $1 ORDER BY code LIMIT 1`, [rows[2]!.township_code]))[0]!.code;
  });
  afterAll(async () => {
    await sql(`DELETE FROM scenario WHERE area_code LIKE 'TEST\\_%'`);
    await sql(`DELETE FROM planning_area WHERE code LIKE 'TEST\\_%'`);
    await t.close();
  });

  /** The county's coverage per village: the verdicts a planning area's answer must repeat for its villages. */
  const countyRows = async (extra = '') => new Map((await ok<{ coverage: CoverageAnswer }>(COVERAGE('520121', extra))).coverage.villages.edges.map((e) => [e.node.village.code, e.node]));

  const expectSameAsCounty = async (answer: CoverageAnswer, members: string[], extra = '') => {
    const county = await countyRows(extra);
    const rows = answer.villages.edges.map((e) => e.node);
    expect(rows.map((r) => r.village.code).sort()).toEqual([...members].sort());
    for (const r of rows) expect(r).toEqual(county.get(r.village.code));
    expect(answer.villageCount).toBe(members.length);
    expect(answer.coveredVillageCount).toBe(rows.filter((r) => r.covered).length);
    expect(answer.population).toBe(rows.reduce((s, r) => s + r.village.population, 0));
    expect(answer.coveredPopulation).toBe(rows.filter((r) => r.covered).reduce((s, r) => s + r.village.population, 0));
  };

  it('defines an area by townships and a village: coverage, gaps and the delegation matrix over exactly their villages', async () => {
    const created = await ok<{ createPlanningArea: { code: string; memberCodes: string[]; villageCount: number; population: number; boundary: unknown; authorName: string } }>(create, {
      input: { code: 'TEST_MEMBERS', name: '测试规划片区', memberCodes: [...townships, extraVillage, `${townships[0]}001`.slice(0, 12)] },
    });
    const members = (await sql<{ code: string; population: number }>(`SELECT code, population FROM village WHERE township_code = ANY($1) OR code = $2`, [townships, extraVillage])).map((r) => r.code);
    expect(created.createPlanningArea).toMatchObject({ code: 'TEST_MEMBERS', boundary: null, authorName: PLANNER.name, villageCount: members.length });
    // A village inside a listed township is kept once, as the township.
    expect(created.createPlanningArea.memberCodes).toEqual([...townships, extraVillage].sort());

    const { coverage } = await ok<{ coverage: CoverageAnswer }>(COVERAGE('TEST_MEMBERS'));
    expect(coverage.area).toEqual({ code: 'TEST_MEMBERS', name: '测试规划片区', level: 'PLANNING' });
    await expectSameAsCounty(coverage, members);

    const gaps = await ok<{ coverageGaps: { uncoveredVillageCount: number; villages: { village: { code: string } }[] } }>(
      `{ coverageGaps(areaCode: "TEST_MEMBERS", itemCode: "${ITEM}", mode: EBIKE, minutes: 15, first: 500) { uncoveredVillageCount villages { village { code } } } }`,
    );
    const uncovered = coverage.villages.edges.filter((e) => !e.node.covered).map((e) => e.node.village.code);
    expect(gaps.coverageGaps.uncoveredVillageCount).toBe(uncovered.length);
    expect(gaps.coverageGaps.villages.map((v) => v.village.code).sort()).toEqual(uncovered.sort());

    const matrix = await ok<{ delegationMatrix: { rows: { item: { code: string }; townshipStations: number; coveredVillageCount: number }[] } }>(
      `{ delegationMatrix(areaCode: "TEST_MEMBERS", mode: EBIKE, minutes: 15) { rows { item { code } townshipStations coveredVillageCount } } }`,
    );
    const row = matrix.delegationMatrix.rows.find((r) => r.item.code === ITEM)!;
    expect(row.coveredVillageCount).toBe(coverage.coveredVillageCount);
    // The township stations of the two member townships (and none of the village's township, a village member).
    const stations = await sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM service_point WHERE kind = 'TOWNSHIP_STATION' AND status = 'ACTIVE' AND area_code = ANY($1)`,
      [townships],
    );
    expect(row.townshipStations).toBe(stations[0]!.n);
  });

  it('defines an area by a polygon : the villages inside it by PostGIS, and coverage over them', async () => {
    await ok(create, { input: { code: 'TEST_POLYGON', name: 'County seat box', polygon: SEAT_BOX } });
    const inside = (await sql<{ code: string }>(`SELECT v.code FROM village v WHERE ST_Intersects(ST_GeomFromGeoJSON($1), v.location::geometry)`, [JSON.stringify(SEAT_BOX)])).map((r) => r.code);
    expect(inside.length).toBeGreaterThan(5);
    const { coverage } = await ok<{ coverage: CoverageAnswer }>(COVERAGE('TEST_POLYGON'));
    await expectSameAsCounty(coverage, inside);
    const { planningArea } = await ok<{ planningArea: { villageCount: number; boundary: { type: string } } }>(`{ planningArea(code: "TEST_POLYGON") { villageCount boundary } }`);
    expect(planningArea).toMatchObject({ villageCount: inside.length, boundary: { type: 'MultiPolygon' } });
    const listed = await ok<{ planningAreas: { code: string }[] }>(`{ planningAreas(first: 500) { code } }`);
    expect(listed.planningAreas.map((a) => a.code)).toEqual(expect.arrayContaining(['TEST_MEMBERS', 'TEST_POLYGON']));

    // The GeoJSON output is clipped to the polygon, and the PostGIS reference refuses a planning area with a code.
    const feature = await ok<{ coverage: { polygonFeature: { properties: { areaCode: string } } } }>(`{ coverage(areaCode: "TEST_POLYGON", itemCode: "${ITEM}") { polygonFeature } }`);
    expect(feature.coverage.polygonFeature.properties.areaCode).toBe('TEST_POLYGON');
    expect(await code(`{ coverage(areaCode: "TEST_POLYGON", method: POSTGIS) { villageCount } }`)).toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('updating an area moves the data version, and the next answer is over the new villages', async () => {
    const before = (await ok<{ coverage: CoverageAnswer }>(COVERAGE('TEST_MEMBERS'))).coverage;
    await ok(`mutation ($input: PlanningAreaInput!) { updatePlanningArea(input: $input) { code } }`, { input: { code: 'TEST_MEMBERS', name: '测试规划片区', memberCodes: [townships[0]] } });
    const after = (await ok<{ coverage: CoverageAnswer }>(COVERAGE('TEST_MEMBERS'))).coverage;
    expect(BigInt(after.provenance.dataVersion)).toBeGreaterThan(BigInt(before.provenance.dataVersion));
    const members = (await sql<{ code: string }>(`SELECT code FROM village WHERE township_code = $1`, [townships[0]])).map((r) => r.code);
    await expectSameAsCounty(after, members);
    const audit = await sql<{ action: string }>(`SELECT action FROM audit_log WHERE entity = 'planning_area' AND entity_key = 'TEST_MEMBERS' ORDER BY id`);
    expect(audit.map((a) => a.action)).toEqual(['planning_area.create', 'planning_area.update']);
  });

  it('takes a planning area in suggestSites, saveScenario and compareCoverage', async () => {
    const suggested = await ok<{ suggestSites: { sites: { rank: number }[]; asScenario: unknown; area: { code: string } } }>(
      `{ suggestSites(areaCode: "TEST_POLYGON", itemCode: "${ITEM}", mode: EBIKE, minutes: 15, count: 1) { sites { rank } asScenario area { code } } }`,
    );
    expect(suggested.suggestSites.area.code).toBe('TEST_POLYGON');
    expect(suggested.suggestSites.sites.length).toBeLessThanOrEqual(1);
    const saved = await ok<{ saveScenario: { id: string } }>(`mutation ($s: ScenarioInput!) { saveScenario(name: "seat plan", areaCode: "TEST_POLYGON", scenario: $s) { id } }`, {
      s: { close: [] as string[], add: [] as unknown[] },
    });
    const compared = await ok<{ compareCoverage: { before: { villageCount: number } } }>(
      `{ compareCoverage(areaCode: "TEST_POLYGON", itemCode: "${ITEM}", scenarioId: "${saved.saveScenario.id}") { before { villageCount } } }`,
    );
    expect(compared.compareCoverage.before.villageCount).toBeGreaterThan(5);
    // It cannot be deleted while the scenario names it.
    expect(await code(`mutation { deletePlanningArea(code: "TEST_POLYGON") }`)).toMatchObject({ code: 'CONFLICT' });
  });

  it.each([
    ['a self-intersecting polygon', { polygon: { type: 'Polygon', coordinates: [[[106.9, 27.0], [107.0, 27.1], [107.0, 27.0], [106.9, 27.1], [106.9, 27.0]]] } }, 'BAD_USER_INPUT', /not a valid polygon.*Self-intersection/i],
    ['an empty polygon', { polygon: { type: 'Polygon', coordinates: [[[106.9, 27.0], [107.0, 27.0], [106.95, 27.0], [106.9, 27.0]]] } }, 'BAD_USER_INPUT', /empty|not a valid polygon/],
    ['a polygon outside China', { polygon: { type: 'Polygon', coordinates: [[[139.6, 35.6], [139.8, 35.6], [139.8, 35.8], [139.6, 35.6]]] } }, 'BAD_USER_INPUT', /outside mainland China/],
    ['too many vertices', { polygon: { type: 'Polygon', coordinates: [[...Array.from({ length: 10_001 }, (_, i) => [106.95 + 0.05 * Math.cos((2 * Math.PI * i) / 10_001), 27.05 + 0.05 * Math.sin((2 * Math.PI * i) / 10_001)]), [107.0, 27.05]]] } }, 'BAD_USER_INPUT', /at most 10000/],
    ['a point, not a polygon', { polygon: { type: 'Point', coordinates: [106.95, 27.05] } }, 'BAD_USER_INPUT', /Polygon or MultiPolygon/],
    ['NaN coordinates', { polygon: { type: 'Polygon', coordinates: [[[106.9, 27.0], ['NaN', 27.1], [107.0, 27.0], [106.9, 27.0]]] } }, 'BAD_USER_INPUT', /./],
    ['an unknown member', { memberCodes: ['520121999'] }, 'BAD_USER_INPUT', /Unknown member code\(s\): 520121999/],
    ['a county as a member', { memberCodes: ['520121'] }, 'BAD_USER_INPUT', /township code \(9 digits\) or a village code/],
    ['both members and a polygon', { memberCodes: ['520121001'], polygon: SEAT_BOX }, 'BAD_USER_INPUT', /either memberCodes .* or polygon/],
    ['neither', {}, 'BAD_USER_INPUT', /either memberCodes .* or polygon/],
  ])('refuses %s with a coded error and writes nothing', async (_what, definition, expected, message) => {
    const before = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM planning_area`);
    const error = await code(create, { input: { code: 'TEST_BAD', name: 'bad', ...definition } });
    expect(error.code).toBe(expected);
    expect(error.message).toMatch(message);
    expect(await sql<{ n: number }>(`SELECT count(*)::int AS n FROM planning_area`)).toEqual(before);
  });

  it('refuses a taken code, an official-looking code, unknown areas and keys without the role', async () => {
    expect(await code(create, { input: { code: 'TEST_MEMBERS', name: 'again', memberCodes: [townships[1]] } })).toMatchObject({ code: 'CONFLICT' });
    expect(await code(create, { input: { code: '520121', name: 'x', memberCodes: [townships[1]] } })).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(await code(COVERAGE('TEST_NOSUCH'))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await code(create, { input: { code: 'TEST_READER', name: 'x', memberCodes: [townships[1]] } }, READER)).toMatchObject({ code: 'FORBIDDEN' });
    expect(await code(`mutation { deletePlanningArea(code: "TEST_NOSUCH") }`)).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('deletes an area (audited); its code is then unknown', async () => {
    expect(await ok(`mutation { deletePlanningArea(code: "TEST_MEMBERS") }`)).toEqual({ deletePlanningArea: true });
    expect(await code(COVERAGE('TEST_MEMBERS'))).toMatchObject({ code: 'NOT_FOUND' });
    const audit = await sql<{ action: string }>(`SELECT action FROM audit_log WHERE entity = 'planning_area' AND entity_key = 'TEST_MEMBERS' ORDER BY id`);
    expect(audit.map((a) => a.action)).toEqual(['planning_area.create', 'planning_area.update', 'planning_area.delete']);
  });
});
