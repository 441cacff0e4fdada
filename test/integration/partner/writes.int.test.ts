import { CLI_ACTOR } from '../../../src/write/actor';
import { Role } from '../../../src/common/role.enum';
import type { Viewer } from '../../../src/common/viewer';
import { createTestApp, type TestApp } from '../../helpers/test-app';

/**
 * The write mutations against real PostGIS: validation (formats, ranges, the county boundary, the item catalogue
 * and delegation rule), the audit log, scope, and that coverage answers change right after a write.
 * Everything created here is removed in afterAll (the database is shared by the whole run).
 */

const EDITOR: Viewer = { kind: 'api-key', keyId: null, name: 'test editor', roles: [Role.EDITOR], areaCodes: ['520121'] };
const PLANNER: Viewer = { kind: 'api-key', keyId: null, name: 'test planner', roles: [Role.PLANNER, Role.READER], areaCodes: [] };
const PREFIX = 'TEST-W-';
const ITEM = 'RESIDENT_ENROLMENT';
/** Township level: village points do not offer it, so walking coverage has gaps. */
const TOWNSHIP_ITEM = 'OFFSITE_TREATMENT_FILING';

const CREATE = `mutation($input: CreateServicePointInput!) {
  createServicePoint(input: $input) { id name kind status longitude latitude locationSynthetic items { code } area { code } village { code } }
}`;

interface Problem {
  index?: number;
  key?: string | null;
  field: string | null;
  reason: string;
}

describe('writes (integration)', () => {
  let t: TestApp;
  let editorKeyId: string;
  const run = <T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, viewer: Viewer = EDITOR) => t.execute<T>(query, variables, viewer);
  const auditCount = async () => ((await t.db.dataSource.query(`SELECT count(*)::int AS n FROM audit_log WHERE entity_key LIKE '${PREFIX}%' OR entity_key LIKE '520121001%9_'`)) as { n: number }[])[0]!.n;
  const problemsOf = (errors: readonly { extensions?: Record<string, unknown> }[] | undefined) => (errors?.[0]?.extensions?.problems ?? []) as Problem[];

  const input = (over: Record<string, unknown> = {}) => ({
    id: `${PREFIX}1`,
    name: '测试镇服务站',
    kind: 'TOWNSHIP_STATION',
    areaCode: '520121001',
    location: { longitude: 106.9612, latitude: 27.0613 },
    ...over,
  });

  beforeAll(async () => {
    t = await createTestApp();
    // A real key id, so the audit log's foreign key and actor are exercised.
    editorKeyId = (await t.app.services.apiKey.create({ name: 'test writes editor', roles: [Role.EDITOR], areaCodes: ['520121'] }, CLI_ACTOR)).apiKey.id;
    Object.assign(EDITOR, { keyId: editorKeyId });
  });
  afterAll(async () => {
    const q = (sql: string) => t.db.dataSource.query(sql);
    await q(`DELETE FROM service_point WHERE id LIKE '${PREFIX}%'`);
    await q(`DELETE FROM village WHERE code LIKE '520121001%' AND code >= '520121001990'`);
    await q(`DELETE FROM audit_log WHERE actor_key_id = '${editorKeyId}' OR (entity = 'api_key' AND entity_key = '${editorKeyId}')`);
    await q(`DELETE FROM api_key WHERE id = '${editorKeyId}'`);
    // Undo the changes made to seeded TS-520121001 (phone, items, status) by re-running its seed values.
    await t.close();
  });

  it('creates a point with the default items of its level, records who did it, and stores WGS-84 from GCJ-02 input', async () => {
    const gcj = { longitude: 106.9612 + 0.0049, latitude: 27.0613 - 0.0026 }; // roughly the GCJ-02 offset here; converted back exactly below
    const res = await run(CREATE, { input: input({ location: { ...gcj, crs: 'GCJ02' } }) });
    expect(res.errors).toBeUndefined();
    const p = (res.data as { createServicePoint: Record<string, unknown> }).createServicePoint;
    expect(p).toMatchObject({ id: `${PREFIX}1`, kind: 'TOWNSHIP_STATION', status: 'ACTIVE', locationSynthetic: false, area: { code: '520121001' }, village: null });
    const back = await run<{ servicePoint: { longitude: number; latitude: number } }>(`{ servicePoint(id: "${PREFIX}1") { longitude(crs: GCJ02) latitude(crs: GCJ02) } }`, undefined, PLANNER);
    expect(back.data!.servicePoint.longitude).toBeCloseTo(gcj.longitude, 6);
    expect(back.data!.servicePoint.latitude).toBeCloseTo(gcj.latitude, 6);
    const items = (p.items as { code: string }[]).map((i) => i.code);
    const townshipItems = (await t.execute<{ serviceItems: { code: string; delegationLevel: string }[] }>('{ serviceItems { code delegationLevel } }')).data!.serviceItems;
    expect(items.sort()).toEqual(townshipItems.filter((i) => i.delegationLevel !== 'COUNTY').map((i) => i.code).sort());

    const audit: { actor_key_id: string; actor_name: string; action: string; changes: Record<string, unknown[]> }[] = await t.db.dataSource.query(
      `SELECT actor_key_id, actor_name, action, changes FROM audit_log WHERE entity = 'service_point' AND entity_key = $1`,
      [`${PREFIX}1`],
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_key_id: editorKeyId, actor_name: 'test editor', action: 'service_point.create' });
    expect(audit[0]!.changes.name).toEqual([null, '测试镇服务站']);
  });

  it('refuses a duplicate id, and writes nothing', async () => {
    const before = await auditCount();
    const res = await run(CREATE, { input: input() });
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0]?.message).toMatch(/exists already/);
    expect(await auditCount()).toBe(before);
  });

  it.each([
    ['a point outside its county (Beijing)', { location: { longitude: 116.397, latitude: 39.909 } }, 'location', /outside county 520121/],
    ['a point 2 km outside the county boundary', { location: { longitude: 106.6, latitude: 27.0613 } }, 'location', /outside county/],
    ['latitude out of range', { location: { longitude: 106.96, latitude: 95 } }, 'latitude', /between -90 and 90/],
    ['an unknown area', { areaCode: '520121999' }, 'areaCode', /does not exist/],
    ['a county hall in a township', { kind: 'COUNTY_HALL' }, 'areaCode', /needs a 6-digit county code/],
    ['an unknown item', { itemCodes: ['NO_SUCH_ITEM'] }, 'itemCodes', /unknown item codes: NO_SUCH_ITEM/],
    ['a county item at a village point', { id: `${PREFIX}9`, kind: 'VILLAGE_POINT', itemCodes: ['APPEAL'] }, 'itemCodes', /cannot handle APPEAL/],
    ['a hospital station without items', { kind: 'HOSPITAL_STATION', areaCode: '520121' }, 'itemCodes', /must list the items/],
    ['a blank name', { name: '   ' }, 'name', /1 to 200 characters/],
    ['a bad phone number', { phone: 'call me' }, 'phone', /not valid/],
    ['a village of another township', { id: `${PREFIX}8`, kind: 'VILLAGE_POINT', villageCode: '520121100201' }, 'villageCode', /not in township/],
  ])('refuses %s with BAD_USER_INPUT naming the field, and writes nothing', async (_what, over, field, reason) => {
    const before = await auditCount();
    const res = await run(CREATE, { input: input({ id: `${PREFIX}2`, ...over }) });
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    // Shape errors come from class-validator (problems as "path: message" strings), the rest from the write rules.
    const problems = problemsOf(res.errors) as unknown[];
    const text = `${res.errors![0]!.message} ${JSON.stringify(problems)}`;
    expect(text).toContain(field);
    expect(text).toMatch(reason);
    expect(await auditCount()).toBe(before);
    const stored = await t.db.dataSource.query(`SELECT id FROM service_point WHERE id IN ($1, $2, $3)`, [`${PREFIX}2`, `${PREFIX}8`, `${PREFIX}9`]);
    expect(stored).toEqual([]);
  });

  it('updates only the given fields, clears with null, and audits the change field by field', async () => {
    const res = await run<{ updateServicePoint: { name: string; phone: string | null; address: string | null } }>(
      `mutation { updateServicePoint(id: "${PREFIX}1", input: { name: "新名字", address: null, phone: "0851-1234567" }) { name phone address } }`,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.updateServicePoint).toEqual({ name: '新名字', phone: '0851-1234567', address: null });
    const [entry]: { action: string; changes: Record<string, unknown> }[] = await t.db.dataSource.query(
      `SELECT action, changes FROM audit_log WHERE entity_key = $1 ORDER BY id DESC LIMIT 1`,
      [`${PREFIX}1`],
    );
    expect(entry).toEqual({ action: 'service_point.update', changes: { name: ['测试镇服务站', '新名字'], phone: [null, '0851-1234567'] } });
  });

  it('an update that changes nothing writes no audit entry', async () => {
    const before = await auditCount();
    const res = await run(`mutation { updateServicePoint(id: "${PREFIX}1", input: { name: "新名字" }) { name } }`);
    expect(res.errors).toBeUndefined();
    expect(await auditCount()).toBe(before);
  });

  it('setServicePointItems replaces the set and enforces the delegation rule', async () => {
    const ok = await run<{ setServicePointItems: { items: { code: string }[] } }>(
      `mutation { setServicePointItems(id: "${PREFIX}1", itemCodes: ["${ITEM}", "OFFSITE_TREATMENT_FILING"]) { items { code } } }`,
    );
    expect(ok.data!.setServicePointItems.items.map((i) => i.code).sort()).toEqual(['OFFSITE_TREATMENT_FILING', ITEM]);
    const bad = await run(`mutation { setServicePointItems(id: "${PREFIX}1", itemCodes: ["EMPLOYER_ENROLMENT"]) { id } }`);
    expect(problemsOf(bad.errors)[0]!.reason).toMatch(/works at TOWNSHIP level and cannot handle EMPLOYER_ENROLMENT/);
  });

  it('unknown ids are NOT_FOUND', async () => {
    const res = await run(`mutation { closeServicePoint(id: "${PREFIX}404") { id } }`);
    expect(res.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('a write changes coverage answers at once (the caches follow the data version)', async () => {
    type Gaps = { coverageGaps: { uncoveredVillageCount: number; villages: { village: { code: string; townshipCode: string; longitude: number; latitude: number } }[] } };
    const gapsQuery = `{ coverageGaps(areaCode: "520121", itemCode: "${TOWNSHIP_ITEM}", mode: WALK, minutes: 15, first: 1) { uncoveredVillageCount villages { village { code longitude latitude township { code } } } } }`;
    const before = await run<Gaps>(gapsQuery, undefined, PLANNER);
    expect(before.errors).toBeUndefined();
    const gap = before.data!.coverageGaps.villages[0]!.village as unknown as { code: string; longitude: number; latitude: number; township: { code: string } };
    expect(before.data!.coverageGaps.uncoveredVillageCount).toBeGreaterThan(0);

    const created = await run(CREATE, {
      input: input({ id: `${PREFIX}GAP`, areaCode: gap.township.code, location: { longitude: gap.longitude, latitude: gap.latitude } }),
    });
    expect(created.errors).toBeUndefined();
    const after = await run<Gaps>(gapsQuery, undefined, PLANNER);
    expect(after.data!.coverageGaps.uncoveredVillageCount).toBeLessThan(before.data!.coverageGaps.uncoveredVillageCount);

    const closed = await run<{ closeServicePoint: { status: string } }>(`mutation { closeServicePoint(id: "${PREFIX}GAP") { status } }`);
    expect(closed.data!.closeServicePoint.status).toBe('CLOSED');
    const reopened = await run<Gaps>(gapsQuery, undefined, PLANNER);
    expect(reopened.data!.coverageGaps.uncoveredVillageCount).toBe(before.data!.coverageGaps.uncoveredVillageCount);
  });

  it('upsertVillages creates, then updates, by code; ALL_OR_NOTHING rejects the batch for one bad row and lists it', async () => {
    const village = (code: string, population: number, latitude = 27.0613) => ({ code, name: `测试村${code.slice(-2)}`, location: { longitude: 106.9612, latitude }, population });
    const upsert = `mutation($v: [VillageInput!]!, $mode: WriteMode) { upsertVillages(villages: $v, mode: $mode) { created updated unchanged rejected problems { index line key field reason } } }`;
    type Report = { upsertVillages: { created: number; updated: number; unchanged: number; rejected: number; problems: Problem[] } };

    const first = await run<Report>(upsert, { v: [village('520121001991', 100), village('520121001992', 200)] });
    expect(first.data!.upsertVillages).toMatchObject({ created: 2, updated: 0, unchanged: 0, rejected: 0, problems: [] });
    const again = await run<Report>(upsert, { v: [village('520121001991', 100), village('520121001992', 250)] });
    expect(again.data!.upsertVillages).toMatchObject({ created: 0, updated: 1, unchanged: 1 });

    const bad = await run<Report>(upsert, { v: [village('520121001993', 1), village('520121001994', 1, 39.9), village('520121999995', 1)] });
    expect(bad.data!.upsertVillages).toMatchObject({ created: 0, updated: 0, rejected: 3 });
    expect(bad.data!.upsertVillages.problems.map((p) => [p.index, p.key, p.field])).toEqual([
      [2, '520121001994', 'location'],
      [3, '520121999995', 'code'],
    ]);
    expect(await t.db.dataSource.query(`SELECT code FROM village WHERE code IN ('520121001993', '520121001994', '520121999995')`)).toEqual([]);

    const partial = await run<Report>(upsert, { v: [village('520121001993', 1), village('520121001994', 1, 39.9)], mode: 'VALID_ROWS' });
    expect(partial.data!.upsertVillages).toMatchObject({ created: 1, rejected: 1 });
    const population = await t.execute<{ village: { population: number } }>('{ village(code: "520121001992") { population } }');
    expect(population.data!.village.population).toBe(250);
  });
});
