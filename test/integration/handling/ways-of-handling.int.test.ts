import { runSeeds } from '../../../seeds';
import { createSilentLogger } from '../../../src/common/logger';
import { Role } from '../../../src/common/role.enum';
import type { Viewer } from '../../../src/common/viewer';
import { createTestApp, type TestApp } from '../../helpers/test-app';

const READER: Viewer = { kind: 'api-key', keyId: null, name: 'test reader', roles: [Role.READER, Role.PLANNER], areaCodes: [] };
const EDITOR: Viewer = { kind: 'api-key', keyId: null, name: 'test editor', roles: [Role.EDITOR, Role.READER, Role.PLANNER], areaCodes: ['1401', '3708'] };
/** 清徐县 (Taiyuan): one of the four units with assisted handling (report 004; seeds/data/taiyuan.json). */
const QINGXU = '140121';
const CHRONIC = 'CHRONIC_DISEASE_CERT';
const OFFSITE = 'OFFSITE_TREATMENT_FILING';

interface VillageRow {
  village: { code: string };
  covered: boolean;
  handledBy: string | null;
  nearestServicePoint: { id: string } | null;
}
interface CoverageAnswer {
  villageCount: number;
  coveredVillageCount: number;
  provenance: { dataVersion: string; handling: string[]; radiusMeters: number; description: string };
  villages: { edges: { node: VillageRow }[] };
}
interface Way {
  way: string;
  servicePoint: { id: string; kind: string } | null;
  channel: { kind: string; name: string } | null;
  travelMinutes: number;
  withinBudget: boolean;
  turnaroundWorkingDays: number | null;
  residentMustDo: string;
}

const COVERAGE = (area: string, item: string, handling: string) => `{ coverage(areaCode: "${area}", itemCode: "${item}", mode: EBIKE, minutes: 15${handling ? `, handling: ${handling}` : ''}) {
  villageCount coveredVillageCount provenance { dataVersion handling radiusMeters description }
  villages(first: 500) { edges { node { village { code } covered handledBy nearestServicePoint { id } } } } } }`;
const WHERE = (village: string, item: string) => `{ whereToHandle(villageCode: "${village}", itemCode: "${item}", mode: EBIKE, minutes: 15, first: 3) {
  options { servicePoint { id } travelMinutes }
  ways { way servicePoint { id kind } channel { kind name } travelMinutes withinBudget turnaroundWorkingDays residentMustDo }
  provenance { dataVersion handling } } }`;

/**
 * Ways of handling (issue 16, item 4) on Taiyuan and Taibai Lake as seeded: points that accept an item on a resident's
 * behalf (ASSISTED), online channels per area (ONLINE), and what coverage, whereToHandle and the delegation matrix make
 * of them. Coverage is checked against PostGIS: ST_DWithin on geography to the points that handle the item in person
 * or by assisted handling (service_point_item ∪ service_point_assisted_item), at the radius the answer states.
 */
describe('ways of handling (integration)', () => {
  let t: TestApp;
  const sql = <T>(q: string, p: unknown[] = []) => t.db.dataSource.query(q, p) as Promise<T[]>;
  const ok = async <T>(query: string, viewer: Viewer = READER, variables?: Record<string, unknown>): Promise<T> => {
    const r = await t.execute<T>(query, variables, viewer);
    expect(r.errors).toBeUndefined();
    return r.data!;
  };
  const refused = async (query: string, viewer: Viewer = READER, variables?: Record<string, unknown>) => {
    const r = await t.execute(query, variables, viewer);
    expect(r.errors?.length).toBe(1);
    return { code: r.errors![0]!.extensions!.code as string, message: r.errors![0]!.message };
  };
  /** Village codes of an area within `radius` m (geography) of an active point offering `item` in the given tables. */
  const postgisCovered = async (area: string, item: string, radius: number, tables: string[]) => {
    const offers = tables.map((tb) => `SELECT 1 FROM ${tb} x WHERE x.service_point_id = sp.id AND x.item_code = $2`).join(' UNION ALL ');
    const rows = await sql<{ code: string }>(
      `SELECT v.code FROM village v WHERE v.code >= $1 AND v.code < $1 || ':' AND EXISTS (
         SELECT 1 FROM service_point sp WHERE sp.status = 'ACTIVE' AND ST_DWithin(sp.location, v.location, $3) AND EXISTS (${offers}))
       ORDER BY v.code`,
      [area, item, radius],
    );
    return rows.map((r) => r.code);
  };

  beforeAll(async () => {
    t = await createTestApp();
    await runSeeds(t.db.dataSource, { datasets: ['taiyuan', 'taibai-lake'], logger: createSilentLogger() });
  });

  afterAll(async () => {
    await sql(`DELETE FROM handling_rule WHERE area_code >= '14' AND area_code < '14:' OR area_code >= '37' AND area_code < '37:' OR area_code = ''`);
    await sql(`DELETE FROM planning_area WHERE code = 'TAIBAI_LAKE'`);
    for (const root of ['14', '37']) {
      await sql(`DELETE FROM service_point WHERE area_code >= $1 AND area_code < $1 || ':'`, [root]);
      await sql(`DELETE FROM village WHERE code >= $1 AND code < $1 || ':'`, [root]);
      for (const level of ['TOWNSHIP', 'COUNTY', 'CITY', 'PROVINCE']) await sql(`DELETE FROM area WHERE code >= $1 AND code < $1 || ':' AND level = $2`, [root, level]);
    }
    await sql(`DELETE FROM seed_state WHERE dataset IN ('taiyuan', 'taibai-lake')`);
    await t.close();
  });

  it('loads the assisted items of the four assisted units and the rules of both reports', async () => {
    const assisted = await sql<{ county: string; n: number }>(
      `SELECT left(sp.area_code, 6) AS county, count(DISTINCT sp.id)::int AS n FROM service_point_assisted_item a JOIN service_point sp ON sp.id = a.service_point_id
       WHERE sp.area_code >= '1401' AND sp.area_code < '1401:' GROUP BY 1 ORDER BY 1`,
    );
    expect(assisted.map((r) => r.county)).toEqual(['140121', '140122', '140123', '140181']);
    const rules = await ok<{ handlingRules: { areaCode: string; itemCode: string; assistedTurnaroundWorkingDays: number | null; onlineChannels: { kind: string }[] | null }[] }>(
      `{ handlingRules(areaCode: "370811002") { areaCode itemCode assistedTurnaroundWorkingDays onlineChannels { kind name } } }`,
    );
    expect(rules.handlingRules).toEqual([{ areaCode: '3708', itemCode: OFFSITE, assistedTurnaroundWorkingDays: null, onlineChannels: expect.any(Array) }]);
    expect(rules.handlingRules[0]!.onlineChannels!.map((c) => c.kind)).toEqual(['APP', 'MINI_PROGRAM', 'TELEPHONE']);
  });

  it('counts assisted handling only when asked, and agrees with PostGIS village by village', async () => {
    const inPerson = (await ok<{ coverage: CoverageAnswer }>(COVERAGE(QINGXU, CHRONIC, ''))).coverage;
    const withAssisted = (await ok<{ coverage: CoverageAnswer }>(COVERAGE(QINGXU, CHRONIC, '[IN_PERSON, ASSISTED]'))).coverage;
    expect(inPerson.provenance.handling).toEqual(['IN_PERSON']);
    expect(withAssisted.provenance.handling).toEqual(['IN_PERSON', 'ASSISTED']);
    expect(withAssisted.provenance.description).toMatch(/assisted handling/);
    const covered = (c: CoverageAnswer) => c.villages.edges.filter((e) => e.node.covered).map((e) => e.node.village.code).sort();
    // Independent: PostGIS at the radius the answers state (geodesic on the spheroid vs the engine's: 0.5 m either side).
    const radius = inPerson.provenance.radiusMeters;
    const tolerance = async (tables: string[], got: string[]) => {
      const inner = await postgisCovered(QINGXU, CHRONIC, radius - 0.5, tables);
      const outer = await postgisCovered(QINGXU, CHRONIC, radius + 0.5, tables);
      for (const code of inner) expect(got).toContain(code);
      for (const code of got) expect(outer).toContain(code);
    };
    await tolerance(['service_point_item'], covered(inPerson));
    await tolerance(['service_point_item', 'service_point_assisted_item'], covered(withAssisted));
    // Report 004's mechanism matters here: every village point of the county accepts the item, so far more are covered.
    expect(withAssisted.coveredVillageCount).toBeGreaterThan(inPerson.coveredVillageCount);
    // How each is covered: ASSISTED exactly where its nearest counted point accepts the item rather than handling it.
    const assistedPoints = new Set((await sql<{ id: string }>(`SELECT service_point_id AS id FROM service_point_assisted_item WHERE item_code = $1`, [CHRONIC])).map((r) => r.id));
    for (const { node } of withAssisted.villages.edges) {
      if (!node.covered) expect(node.handledBy).toBeNull();
      else expect(node.handledBy).toBe(assistedPoints.has(node.nearestServicePoint!.id) ? 'ASSISTED' : 'IN_PERSON');
    }
    for (const { node } of inPerson.villages.edges) expect(node.handledBy).toBe(node.covered ? 'IN_PERSON' : null);
  });

  it('lists every way for a Qingxu village, nearest first, with what the resident must do', async () => {
    const [{ code }] = await sql<{ code: string }>(
      `SELECT v.code FROM village v JOIN service_point sp ON sp.village_code = v.code JOIN service_point_assisted_item a ON a.service_point_id = sp.id AND a.item_code = $2
       WHERE v.county_code = $1 ORDER BY v.code LIMIT 1`,
      [QINGXU, CHRONIC],
    );
    const { whereToHandle: w } = await ok<{ whereToHandle: { ways: Way[]; options: { servicePoint: { id: string } }[]; provenance: { handling: string[] } } }>(WHERE(code!, CHRONIC));
    const minutes = w.ways.map((x) => x.travelMinutes);
    expect([...minutes].sort((a, b) => a - b)).toEqual(minutes);
    const assisted = w.ways.filter((x) => x.way === 'ASSISTED');
    const inPerson = w.ways.filter((x) => x.way === 'IN_PERSON');
    expect(assisted[0]!.servicePoint).toEqual({ id: `VP-${code}`, kind: 'VILLAGE_POINT' });
    expect(assisted[0]!.turnaroundWorkingDays).toBe(3);
    expect(assisted[0]!.residentMustDo).toMatch(/forward it to the township medical-insurance station.*within 3 working day/);
    expect(inPerson.length).toBeGreaterThan(0);
    expect(inPerson.every((x) => x.servicePoint!.kind !== 'VILLAGE_POINT' && x.turnaroundWorkingDays === null)).toBe(true);
    expect(inPerson[0]!.residentMustDo).toMatch(/^Go to .+ \(about \d+ min by ebike/);
    // `options` (in person only) are the IN_PERSON ways, in the same order.
    expect(w.options.map((o) => o.servicePoint.id)).toEqual(inPerson.map((x) => x.servicePoint!.id));
    expect(w.ways.some((x) => x.way === 'ONLINE')).toBe(false); // Taiyuan has no online channel in the data
  });

  it('counts online channels when asked: Taibai Lake files treatment outside the province online', async () => {
    const inPerson = (await ok<{ coverage: CoverageAnswer }>(COVERAGE('TAIBAI_LAKE', OFFSITE, ''))).coverage;
    const online = (await ok<{ coverage: CoverageAnswer }>(COVERAGE('TAIBAI_LAKE', OFFSITE, '[IN_PERSON, ONLINE]'))).coverage;
    expect(online.villageCount).toBe(75);
    expect(online.coveredVillageCount).toBe(75); // the rule is Jining's (3708): every village of the district follows it
    expect(inPerson.coveredVillageCount).toBeLessThan(75);
    const before = new Map(inPerson.villages.edges.map((e) => [e.node.village.code, e.node.covered]));
    for (const { node } of online.villages.edges) expect(node.handledBy).toBe(before.get(node.village.code) ? 'IN_PERSON' : 'ONLINE');
    const [{ code }] = await sql<{ code: string }>(`SELECT code FROM village WHERE township_code = '370811109' ORDER BY code LIMIT 1`);
    const { whereToHandle: w } = await ok<{ whereToHandle: { ways: Way[] } }>(WHERE(code!, OFFSITE));
    expect(w.ways.slice(0, 3).map((x) => [x.way, x.channel!.kind, x.channel!.name, x.travelMinutes])).toEqual([
      ['ONLINE', 'APP', '国家医保服务平台', 0],
      ['ONLINE', 'MINI_PROGRAM', '济宁医保', 0],
      ['ONLINE', 'TELEPHONE', '医保服务大厅电话', 0],
    ]);
    expect(w.ways[1]!.residentMustDo).toMatch(/^Apply through 济宁医保 \(the mini-program: .*\); no travel is needed\./);
    expect(w.ways.slice(3).every((x) => x.way === 'IN_PERSON' && x.servicePoint !== null)).toBe(true);
  });

  it('shows the ways per item in the delegation matrix', async () => {
    const rows = async (area: string, handling = '') =>
      (
        await ok<{ delegationMatrix: { rows: { item: { code: string }; ways: string[]; assistedPoints: number; assistedTurnaroundWorkingDays: number | null; onlineChannels: { name: string }[]; coveredVillageCount: number }[] } }>(
          `{ delegationMatrix(areaCode: "${area}", mode: EBIKE, minutes: 15${handling}) { rows { item { code } ways assistedPoints assistedTurnaroundWorkingDays onlineChannels { name } coveredVillageCount } } }`,
        )
      ).delegationMatrix.rows;
    const qingxu = await rows(QINGXU);
    const chronic = qingxu.find((r) => r.item.code === CHRONIC)!;
    const [{ n }] = await sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM service_point_assisted_item a JOIN service_point sp ON sp.id = a.service_point_id WHERE a.item_code = $1 AND sp.area_code >= $2 AND sp.area_code < $2 || ':' AND sp.status = 'ACTIVE'`,
      [CHRONIC, QINGXU],
    );
    expect(chronic).toMatchObject({ ways: ['IN_PERSON', 'ASSISTED'], assistedPoints: n, assistedTurnaroundWorkingDays: 3, onlineChannels: [] });
    expect(qingxu.find((r) => r.item.code === 'MANUAL_REIMBURSEMENT')).toMatchObject({ ways: ['IN_PERSON', 'ASSISTED'], assistedTurnaroundWorkingDays: 5 });
    const withAssisted = (await rows(QINGXU, ', handling: [IN_PERSON, ASSISTED]')).find((r) => r.item.code === CHRONIC)!;
    const coverage = (await ok<{ coverage: CoverageAnswer }>(COVERAGE(QINGXU, CHRONIC, '[IN_PERSON, ASSISTED]'))).coverage;
    expect(withAssisted.coveredVillageCount).toBe(coverage.coveredVillageCount);
    const taibai = (await rows('TAIBAI_LAKE')).find((r) => r.item.code === OFFSITE)!;
    expect(taibai.ways).toEqual(['IN_PERSON', 'ONLINE']);
    expect(taibai.onlineChannels.map((c) => c.name)).toEqual(['国家医保服务平台', '济宁医保', '医保服务大厅电话']);
  });

  it('sets and deletes rules (EDITOR, audited, the data version moves, answers follow without a reload)', async () => {
    const set = `mutation ($input: HandlingRuleInput!) { setHandlingRule(input: $input) { areaCode itemCode assistedTurnaroundWorkingDays onlineChannels { kind name access } authorName } }`;
    const input = { areaCode: QINGXU, itemCode: CHRONIC, onlineChannels: [{ kind: 'APP', name: '山西医保', access: 'app stores' }] };
    expect((await refused(set, READER, { input })).code).toBe('FORBIDDEN');
    expect((await refused(set, EDITOR, { input: { ...input, assistedTurnaroundWorkingDays: 0 } })).code).toBe('BAD_USER_INPUT');
    expect((await refused(set, EDITOR, { input: { ...input, areaCode: '1401999' } })).code).toBe('BAD_USER_INPUT');
    expect((await refused(set, EDITOR, { input: { ...input, areaCode: '140199' } })).code).toBe('NOT_FOUND');
    expect((await refused(set, EDITOR, { input: { ...input, itemCode: 'NO_SUCH_ITEM' } })).code).toBe('NOT_FOUND');
    expect((await refused(set, EDITOR, { input: { ...input, onlineChannels: [{ kind: 'APP', name: '' }] } })).code).toBe('BAD_USER_INPUT');
    const loads = () => t.app.services.coverage.store.stats.loads;
    const loadsBefore = loads();
    const version = (await ok<{ coverage: CoverageAnswer }>(COVERAGE(QINGXU, CHRONIC, '[IN_PERSON, ONLINE]'))).coverage.provenance.dataVersion;
    const saved = await ok<{ setHandlingRule: { authorName: string; assistedTurnaroundWorkingDays: number | null } }>(set, EDITOR, { input });
    expect(saved.setHandlingRule).toMatchObject({ authorName: 'test editor', assistedTurnaroundWorkingDays: null });
    const after = (await ok<{ coverage: CoverageAnswer }>(COVERAGE(QINGXU, CHRONIC, '[IN_PERSON, ONLINE]'))).coverage;
    expect(BigInt(after.provenance.dataVersion)).toBeGreaterThan(BigInt(version));
    expect(after.coveredVillageCount).toBe(after.villageCount);
    expect(loads()).toBe(loadsBefore); // patched from the change feed
    const audit = await sql<{ action: string; entity_key: string }>(`SELECT action, entity_key FROM audit_log WHERE entity = 'handling_rule' ORDER BY id DESC LIMIT 1`);
    expect(audit[0]).toEqual({ action: 'handling_rule.update', entity_key: `${CHRONIC}@${QINGXU}` });
    const del = `mutation { deleteHandlingRule(areaCode: "${QINGXU}", itemCode: "${CHRONIC}") }`;
    expect((await ok<{ deleteHandlingRule: boolean }>(del, EDITOR)).deleteHandlingRule).toBe(true);
    expect((await refused(del, EDITOR)).code).toBe('NOT_FOUND');
    const gone = (await ok<{ coverage: CoverageAnswer }>(COVERAGE(QINGXU, CHRONIC, '[IN_PERSON, ONLINE]'))).coverage;
    expect(gone.coveredVillageCount).toBeLessThan(gone.villageCount);
  });

  it('writes assisted items of a point, refusing overlap with the items it handles', async () => {
    const [{ id }] = await sql<{ id: string }>(`SELECT id FROM service_point WHERE kind = 'VILLAGE_POINT' AND area_code >= '140105' AND area_code < '140105:' ORDER BY id LIMIT 1`);
    const set = (codes: string[]) => `mutation { setServicePointAssistedItems(id: "${id}", itemCodes: ${JSON.stringify(codes)}) { id assistedItems { code } items { code } } }`;
    const overlap = await refused(set(['RESIDENT_ENROLMENT']), EDITOR);
    expect(overlap.code).toBe('BAD_USER_INPUT');
    expect(overlap.message).toMatch(/handled in person already/);
    expect((await refused(set(['CHRONIC_DISEASE_CERT']), READER)).code).toBe('FORBIDDEN');
    const area = id!.slice(3, 12);
    const before = (await ok<{ coverage: CoverageAnswer }>(COVERAGE(area, 'SPECIAL_DRUG_FILING', '[ASSISTED]'))).coverage;
    expect(before.coveredVillageCount).toBe(0); // no point of an urban street accepts it
    const saved = await ok<{ setServicePointAssistedItems: { assistedItems: { code: string }[] } }>(set(['SPECIAL_DRUG_FILING']), EDITOR);
    expect(saved.setServicePointAssistedItems.assistedItems).toEqual([{ code: 'SPECIAL_DRUG_FILING' }]);
    const after = (await ok<{ coverage: CoverageAnswer }>(COVERAGE(area, 'SPECIAL_DRUG_FILING', '[ASSISTED]'))).coverage;
    expect(after.coveredVillageCount).toBeGreaterThan(0);
    expect(after.villages.edges.filter((e) => e.node.covered).every((e) => e.node.nearestServicePoint!.id === id && e.node.handledBy === 'ASSISTED')).toBe(true);
    const audit = await sql<{ changes: Record<string, unknown> }>(`SELECT changes FROM audit_log WHERE entity = 'service_point' AND entity_key = $1 ORDER BY id DESC LIMIT 1`, [id]);
    expect(audit[0]!.changes).toHaveProperty('assistedItemCodes');
  });

  it('refuses other ways without an item, and with the PostGIS reference', async () => {
    const noItem = await refused(`{ coverage(areaCode: "${QINGXU}", handling: [ASSISTED]) { villageCount } }`);
    expect(noItem).toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringMatching(/needs an itemCode/) });
    const reference = await refused(`{ coverage(areaCode: "${QINGXU}", itemCode: "${CHRONIC}", method: POSTGIS, handling: [IN_PERSON, ASSISTED]) { villageCount } }`);
    expect(reference).toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringMatching(/PostGIS reference counts in-person handling only/) });
    expect((await refused(`{ coverage(areaCode: "${QINGXU}", itemCode: "${CHRONIC}", handling: [BY_POST]) { villageCount } }`)).code).toMatch(/GRAPHQL_VALIDATION_FAILED|BAD_USER_INPUT/);
  });
});
