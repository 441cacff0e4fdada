import { CLI_ACTOR } from '../../../src/write/actor';
import { Role } from '../../../src/common/role.enum';
import type { Viewer } from '../../../src/common/viewer';
import { createTestApp, type TestApp } from '../../helpers/test-app';

/**
 * A township-scoped EDITOR key may not place a point (or a village) in another township of its county (Hardening,
 * item 5). There are no township boundaries: a location is within a township's reach when it is at most twice as far
 * from that township's seat as from the nearest township seat of the county. Kaiyang: 硒城街道 (520121001, seat near
 * 106.9612, 27.0613) and 云开街道 (520121002, seat near 106.9953, 27.0581), about 3.4 km apart.
 */

const OWN = '520121001';
const ID = 'TEST-SC-1';
/** 南江社区 (520121001001), in the key's own township. */
const OWN_SPOT = { longitude: 106.964554, latitude: 27.070078 };
/** 紫江社区 (520121002001), in the neighbouring township of the same county. */
const OTHER_SPOT = { longitude: 107.00214, latitude: 27.050437 };

const CREATE = 'mutation($input: CreateServicePointInput!) { createServicePoint(input: $input) { id longitude latitude } }';
const UPDATE = 'mutation($id: ID!, $input: UpdateServicePointInput!) { updateServicePoint(id: $id, input: $input) { id longitude latitude phone } }';

interface Problem {
  key: string | null;
  field: string | null;
  reason: string;
}

describe('township-scoped keys and locations (integration)', () => {
  let t: TestApp;
  let township: Viewer;
  let county: Viewer;

  const stored = async (id: string) =>
    ((await t.db.dataSource.query(`SELECT ST_X(location::geometry) AS lon, ST_Y(location::geometry) AS lat FROM service_point WHERE id = $1`, [id])) as { lon: number; lat: number }[])[0];
  const traces = async () => {
    const [{ n }] = await t.db.dataSource.query(`SELECT count(*)::int AS n FROM audit_log WHERE actor_key_id = ANY($1::uuid[])`, [[township.keyId, county.keyId]]);
    const [{ version }] = await t.db.dataSource.query('SELECT version::text FROM data_version');
    return { audit: n as number, version: version as string };
  };
  const expectForbiddenLocation = (res: { errors?: readonly { message: string; extensions?: Record<string, unknown> }[] }) => {
    expect(res.errors).toHaveLength(1);
    const error = res.errors![0]!;
    expect(error.extensions?.code).toBe('FORBIDDEN');
    expect(error.message).toMatch(/location: \(.*\) lies in township 520121002 \(its seat is 1\.\d km away\), not in this key's areas \(520121001\): the seat of 520121001 is \d\.\d km away, more than 2× as far/);
    expect((error.extensions?.problems as Problem[])[0]).toMatchObject({ field: 'location' });
  };

  beforeAll(async () => {
    t = await createTestApp();
    const make = async (name: string, areaCodes: string[]) =>
      t.app.services.apiKey.authenticate((await t.app.services.apiKey.create({ name, roles: [Role.EDITOR], areaCodes }, CLI_ACTOR)).secret);
    township = await make('test scope township editor', [OWN]);
    county = await make('test scope county editor', ['520121']);
  });
  afterAll(async () => {
    const q = (sql: string, params?: unknown[]) => t.db.dataSource.query(sql, params);
    await q(`DELETE FROM service_point WHERE id LIKE 'TEST-SC-%'`);
    await q(`DELETE FROM village WHERE code IN ('520121001991', '520121001992')`);
    await q(`DELETE FROM audit_log WHERE actor_key_id = ANY($1::uuid[]) OR entity_key = ANY($2::text[])`, [[township.keyId, county.keyId], [township.keyId, county.keyId]]);
    await q(`DELETE FROM api_key WHERE id = ANY($1::uuid[])`, [[township.keyId, county.keyId]]);
    await t.close();
  });

  it('creates a point inside its own township', async () => {
    const res = await t.execute(CREATE, { input: { id: ID, name: '范围测试站', kind: 'TOWNSHIP_STATION', areaCode: OWN, location: { longitude: 106.9612, latitude: 27.0613 } } }, township);
    expect(res.errors).toBeUndefined();
  });

  it('moving its point into another township of the county is FORBIDDEN: nothing written, no audit row', async () => {
    const before = await traces();
    const res = await t.execute(UPDATE, { id: ID, input: { location: OTHER_SPOT } }, township);
    expectForbiddenLocation(res);
    expect(await stored(ID)).toEqual({ lon: 106.9612, lat: 27.0613 });
    expect(await traces()).toEqual(before);
  });

  it('the same move given in GCJ-02 is refused too (the check uses the stored WGS-84 position)', async () => {
    const before = await traces();
    const res = await t.execute(UPDATE, { id: ID, input: { location: { longitude: OTHER_SPOT.longitude + 0.0049, latitude: OTHER_SPOT.latitude - 0.0026, crs: 'GCJ02' } } }, township);
    expectForbiddenLocation(res);
    expect(await traces()).toEqual(before);
  });

  it('creating a point of its own township that lies in another one is FORBIDDEN, and nothing is written', async () => {
    const before = await traces();
    const res = await t.execute(CREATE, { input: { id: 'TEST-SC-2', name: '范围测试站二', kind: 'TOWNSHIP_STATION', areaCode: OWN, location: OTHER_SPOT } }, township);
    expectForbiddenLocation(res);
    expect(await stored('TEST-SC-2')).toBeUndefined();
    expect(await traces()).toEqual(before);
  });

  it('moving within its own township still works, and is audited', async () => {
    const before = await traces();
    const res = await t.execute<{ updateServicePoint: { longitude: number; latitude: number } }>(UPDATE, { id: ID, input: { location: OWN_SPOT } }, township);
    expect(res.errors).toBeUndefined();
    expect(res.data!.updateServicePoint).toMatchObject({ longitude: OWN_SPOT.longitude, latitude: OWN_SPOT.latitude });
    expect((await traces()).audit).toBe(before.audit + 1);
  });

  it('an import lists the misplaced row as a problem of its field, and with VALID_ROWS writes the others', async () => {
    const csv = [
      'id,name,kind,area_code,longitude,latitude',
      `TEST-SC-3,范围测试三,TOWNSHIP_STATION,${OWN},${OWN_SPOT.longitude},${OWN_SPOT.latitude}`,
      `TEST-SC-4,范围测试四,TOWNSHIP_STATION,${OWN},${OTHER_SPOT.longitude},${OTHER_SPOT.latitude}`,
    ].join('\n');
    const res = await t.execute<{ importServicePoints: { created: number; rejected: number; problems: Problem[] } }>(
      'mutation($c: String!) { importServicePoints(format: CSV, mode: VALID_ROWS, content: $c) { created rejected problems { key field reason } } }',
      { c: csv },
      township,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.importServicePoints).toMatchObject({ created: 1, rejected: 1 });
    expect(res.data!.importServicePoints.problems).toEqual([{ key: 'TEST-SC-4', field: 'location', reason: expect.stringMatching(/lies in township 520121002/) }]);
    expect(await stored('TEST-SC-3')).toBeDefined();
    expect(await stored('TEST-SC-4')).toBeUndefined();
  });

  it('villages too: a village of its township placed in another township is refused, one placed at home is written', async () => {
    const res = await t.execute<{ upsertVillages: { created: number; rejected: number; problems: Problem[] } }>(
      'mutation($v: [VillageInput!]!) { upsertVillages(villages: $v, mode: VALID_ROWS) { created rejected problems { key field reason } } }',
      {
        v: [
          { code: '520121001991', name: '范围测试村一', location: OWN_SPOT, population: 10 },
          { code: '520121001992', name: '范围测试村二', location: OTHER_SPOT, population: 10 },
        ],
      },
      township,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.upsertVillages).toMatchObject({ created: 1, rejected: 1 });
    expect(res.data!.upsertVillages.problems).toEqual([{ key: '520121001992', field: 'location', reason: expect.stringMatching(/lies in township 520121002/) }]);
  });

  it('a county key may place the point anywhere in its county; the township key may then still edit it where it is, and bring it home', async () => {
    expect((await t.execute(UPDATE, { id: ID, input: { location: OTHER_SPOT } }, county)).errors).toBeUndefined();
    // Not moving it: the location is not the township key's to check.
    const phone = await t.execute(UPDATE, { id: ID, input: { phone: '0851-7777777' } }, township);
    expect(phone.errors).toBeUndefined();
    const home = await t.execute(UPDATE, { id: ID, input: { location: OWN_SPOT } }, township);
    expect(home.errors).toBeUndefined();
  });
});
