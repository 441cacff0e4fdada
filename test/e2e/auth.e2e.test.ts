import { CLI_ACTOR } from '../../src/write/actor';
import { Role } from '../../src/common/role.enum';
import { errorCodes, postGraphQL } from '../helpers/graphql-http';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { testConfig } from '../helpers/test-db';

/**
 * Roles over real HTTP: every mutation and every protected root field, called anonymously, with a bad key, with
 * a key lacking the role and with one holding it. Writes that are refused must leave no trace (no audit rows,
 * no data-version bump).
 */

const KAIYANG_TOWNSHIP = '520121001';
const NEW_POINT_ID = 'TEST-AUTH-001';
const ITEM = 'RESIDENT_ENROLMENT';

/** One operation per mutation and per protected root field, with arguments that would succeed. */
const OPERATIONS: { name: string; role: Role; query: string; variables?: Record<string, unknown>; write?: boolean }[] = [
  { name: 'area', role: Role.READER, query: '{ area(code: "520121") { code } }' },
  { name: 'areas', role: Role.READER, query: '{ areas(level: PROVINCE) { code } }' },
  { name: 'village', role: Role.READER, query: '{ village(code: "520121001001") { code } }' },
  { name: 'villages', role: Role.READER, query: '{ villages(filter: { areaCode: "520121" }, first: 1) { totalCount } }' },
  { name: 'serviceItems', role: Role.READER, query: '{ serviceItems { code } }' },
  { name: 'serviceItem', role: Role.READER, query: `{ serviceItem(code: "${ITEM}") { code } }` },
  { name: 'servicePoints', role: Role.READER, query: '{ servicePoints(first: 1) { totalCount } }' },
  { name: 'servicePoint', role: Role.READER, query: '{ servicePoint(id: "CH-520121") { id } }' },
  { name: 'servicePointsFeatureCollection', role: Role.READER, query: '{ servicePointsFeatureCollection(filter: { areaCode: "520121001" }) }' },
  { name: 'coverage', role: Role.PLANNER, query: `{ coverage(areaCode: "520121", itemCode: "${ITEM}") { coveredPopulation } }` },
  { name: 'coverageGaps', role: Role.PLANNER, query: `{ coverageGaps(areaCode: "520121", itemCode: "${ITEM}", first: 1) { uncoveredVillageCount } }` },
  { name: 'whereToHandle', role: Role.PLANNER, query: `{ whereToHandle(villageCode: "520121001001", itemCode: "${ITEM}") { delegationLevel } }` },
  { name: 'delegationMatrix', role: Role.PLANNER, query: '{ delegationMatrix(areaCode: "520121") { rows { delegationLevel } } }' },
  { name: 'isochrone', role: Role.PLANNER, query: '{ isochrone(servicePointId: "CH-520121") { polygonAreaKm2 } }' },
  { name: 'apiKeys', role: Role.ADMIN, query: '{ apiKeys { id } }' },
  { name: 'auditLog', role: Role.ADMIN, query: '{ auditLog(first: 1) { entries { id } } }' },
  {
    name: 'createServicePoint',
    role: Role.EDITOR,
    write: true,
    query: `mutation($input: CreateServicePointInput!) { createServicePoint(input: $input) { id } }`,
    variables: {
      input: { id: NEW_POINT_ID, name: '测试服务点', kind: 'TOWNSHIP_STATION', areaCode: KAIYANG_TOWNSHIP, location: { longitude: 106.9612, latitude: 27.0613 } },
    },
  },
  { name: 'updateServicePoint', role: Role.EDITOR, write: true, query: 'mutation { updateServicePoint(id: "TS-520121001", input: { phone: "0851-00000000" }) { id } }' },
  { name: 'setServicePointItems', role: Role.EDITOR, write: true, query: `mutation { setServicePointItems(id: "TS-520121001", itemCodes: ["${ITEM}"]) { id } }` },
  { name: 'closeServicePoint', role: Role.EDITOR, write: true, query: 'mutation { closeServicePoint(id: "TS-520121001") { id } }' },
  {
    name: 'upsertVillages',
    role: Role.EDITOR,
    write: true,
    query: 'mutation($v: [VillageInput!]!) { upsertVillages(villages: $v) { created } }',
    variables: { v: [{ code: '520121001999', name: '测试村', location: { longitude: 106.9612, latitude: 27.0613 }, population: 10 }] },
  },
  { name: 'importServicePoints', role: Role.EDITOR, write: true, query: `mutation { importServicePoints(format: CSV, content: "id,name,kind,area_code,longitude,latitude\\n${NEW_POINT_ID},测试,TOWNSHIP_STATION,${KAIYANG_TOWNSHIP},106.9612,27.0613\\n") { created } }` },
  { name: 'importVillages', role: Role.EDITOR, write: true, query: 'mutation { importVillages(format: CSV, content: "code,name,longitude,latitude,population\\n520121001999,测试村,106.9612,27.0613,10\\n") { created } }' },
  { name: 'createApiKey', role: Role.ADMIN, write: true, query: 'mutation { createApiKey(input: { name: "x", roles: [READER] }) { secret } }' },
  { name: 'revokeApiKey', role: Role.ADMIN, write: true, query: 'mutation { revokeApiKey(id: "00000000-0000-4000-8000-000000000000") { id } }' },
];

describe('API keys and roles (e2e)', () => {
  let t: TestApp;
  let baseUrl: string;
  /** A key per role, and one holding every role but the operation's. */
  const keys = {} as Record<Role | 'noRole', string>;

  const traces = async () => {
    const [{ n }] = await t.db.dataSource.query('SELECT count(*)::int AS n FROM audit_log');
    const [{ version }] = await t.db.dataSource.query('SELECT version::text FROM data_version');
    const [{ k }] = await t.db.dataSource.query('SELECT count(*)::int AS k FROM api_key');
    return { audit: n as number, version: version as string, keys: k as number };
  };

  beforeAll(async () => {
    t = await createTestApp({ ANONYMOUS_ROLES: 'none', API_KEY_CACHE_SECONDS: '0' });
    ({ url: baseUrl } = await t.app.listen(0, '127.0.0.1'));
    for (const role of [Role.READER, Role.PLANNER, Role.EDITOR, Role.ADMIN]) {
      const areaCodes = role === Role.EDITOR ? ['520121'] : [];
      keys[role] = (await t.app.services.apiKey.create({ name: `test ${role}`, roles: [role], areaCodes }, CLI_ACTOR)).secret;
    }
  });
  afterAll(async () => {
    await t.db.dataSource.query(`DELETE FROM audit_log WHERE actor_key_id IN (SELECT id FROM api_key WHERE name LIKE 'test %')`);
    await t.db.dataSource.query(`DELETE FROM audit_log WHERE entity = 'api_key' AND entity_key IN (SELECT id::text FROM api_key WHERE name LIKE 'test %')`);
    await t.db.dataSource.query(`DELETE FROM api_key WHERE name LIKE 'test %'`);
    await t?.close();
  });

  it.each(OPERATIONS.map((op) => [op.name, op]))('%s: anonymous → UNAUTHENTICATED, nothing written', async (_name, op) => {
    const before = await traces();
    const res = await postGraphQL(baseUrl, op.query, { variables: op.variables });
    expect(errorCodes(res)).toEqual(['UNAUTHENTICATED']);
    expect(res.body.errors![0]!.message).toMatch(new RegExp(`needs an API key with the ${op.role} role`));
    expect(await traces()).toEqual(before);
  });

  it.each(OPERATIONS.map((op) => [op.name, op]))('%s: a key without the role → FORBIDDEN, nothing written', async (_name, op) => {
    const wrong = op.role === Role.READER ? Role.PLANNER : Role.READER;
    const before = await traces();
    const res = await postGraphQL(baseUrl, op.query, { variables: op.variables, key: keys[wrong] });
    expect(errorCodes(res)).toEqual(['FORBIDDEN']);
    expect(res.body.errors![0]!.message).toContain(`needs the ${op.role} role`);
    expect(await traces()).toEqual(before);
  });

  it.each(OPERATIONS.filter((op) => !op.write).map((op) => [op.name, op]))('%s: a key with the role is served', async (_name, op) => {
    const res = await postGraphQL(baseUrl, op.query, { variables: op.variables, key: keys[op.role] });
    expect(res.body.errors).toBeUndefined();
    expect(res.status).toBe(200);
  });

  it('a malformed, unknown or revoked key fails the whole request with HTTP 401 UNAUTHENTICATED, even for public fields', async () => {
    const query = '{ viewer { kind } }';
    const malformed = await postGraphQL(baseUrl, query, { key: 'not-a-key' });
    expect([malformed.status, errorCodes(malformed)]).toEqual([401, ['UNAUTHENTICATED']]);
    expect(malformed.body.errors![0]!.message).toMatch(/malformed/);

    const unknown = await postGraphQL(baseUrl, query, { key: `sc_${'A'.repeat(43)}` });
    expect([unknown.status, errorCodes(unknown)]).toEqual([401, ['UNAUTHENTICATED']]);
    expect(unknown.body.errors![0]!.message).toMatch(/not known/);

    const badScheme = await postGraphQL(baseUrl, query, { headers: { authorization: `Basic ${keys.READER}` } });
    expect([badScheme.status, errorCodes(badScheme)]).toEqual([401, ['UNAUTHENTICATED']]);

    const { apiKey, secret } = await t.app.services.apiKey.create({ name: 'test revoked', roles: [Role.READER], areaCodes: [] }, CLI_ACTOR);
    expect((await postGraphQL(baseUrl, '{ area(code: "520121") { code } }', { key: secret })).body.errors).toBeUndefined();
    await t.app.services.apiKey.revoke(apiKey.id, CLI_ACTOR);
    const revoked = await postGraphQL(baseUrl, query, { key: secret });
    expect([revoked.status, errorCodes(revoked)]).toEqual([401, ['UNAUTHENTICATED']]);
    expect(revoked.body.errors![0]!.message).toMatch(/revoked/);
  });

  it('X-API-Key works like a bearer token, and viewer tells who is asking', async () => {
    const res = await postGraphQL<{ viewer: { kind: string; name: string; roles: string[] } }>(baseUrl, '{ viewer { kind name roles } }', { headers: { 'x-api-key': keys.PLANNER } });
    expect(res.body.data!.viewer).toEqual({ kind: 'API_KEY', name: 'test PLANNER', roles: ['PLANNER'] });
    const anon = await postGraphQL<{ viewer: { kind: string; roles: string[] } }>(baseUrl, '{ viewer { kind roles } }');
    expect(anon.body.data!.viewer).toEqual({ kind: 'ANONYMOUS', roles: [] });
  });

  it('an ADMIN creates a key whose secret is shown once and works at once; only its hash is stored; revoking it locks it out', async () => {
    type Created = { createApiKey: { secret: string; apiKey: { id: string; prefix: string; roles: string[] } } };
    const created = await postGraphQL<Created>(baseUrl, 'mutation { createApiKey(input: { name: "test created", roles: [PLANNER] }) { secret apiKey { id prefix roles } } }', {
      key: keys.ADMIN,
    });
    expect(created.body.errors).toBeUndefined();
    const { secret, apiKey } = created.body.data!.createApiKey;
    expect(secret).toMatch(/^sc_[A-Za-z0-9_-]{43}$/);
    expect(secret.startsWith(apiKey.prefix)).toBe(true);
    const stored = JSON.stringify(await t.db.dataSource.query('SELECT * FROM api_key WHERE id = $1', [apiKey.id]));
    expect(stored).not.toContain(secret);
    expect(stored).not.toContain(secret.slice(10));

    const asNew = await postGraphQL(baseUrl, '{ coverage(areaCode: "520121", itemCode: "RESIDENT_ENROLMENT") { coveredPopulation } }', { key: secret });
    expect(asNew.body.errors).toBeUndefined();
    const listed = await postGraphQL<{ apiKeys: { id: string }[] }>(baseUrl, '{ apiKeys { id } }', { key: keys.ADMIN });
    expect(listed.body.data!.apiKeys.map((k) => k.id)).toContain(apiKey.id);

    const revoked = await postGraphQL(baseUrl, `mutation { revokeApiKey(id: "${apiKey.id}") { revokedAt } }`, { key: keys.ADMIN });
    expect(revoked.body.errors).toBeUndefined();
    expect((await postGraphQL(baseUrl, '{ viewer { kind } }', { key: secret })).status).toBe(401);

    const audit = await postGraphQL<{ auditLog: { entries: { action: string; actorName: string }[] } }>(
      baseUrl,
      `{ auditLog(entity: "api_key", entityKey: "${apiKey.id}") { entries { action actorName } } }`,
      { key: keys.ADMIN },
    );
    expect(audit.body.data!.auditLog.entries).toEqual([
      { action: 'api_key.revoke', actorName: 'test ADMIN' },
      { action: 'api_key.create', actorName: 'test ADMIN' },
    ]);
  });

  it('an EDITOR key may not write outside its areas: FORBIDDEN, nothing written', async () => {
    const before = await traces();
    const res = await postGraphQL(baseUrl, 'mutation { updateServicePoint(id: "CH-350404", input: { phone: "0598-0000000" }) { id } }', { key: keys.EDITOR });
    expect(errorCodes(res)).toEqual(['FORBIDDEN']);
    expect(res.body.errors![0]!.message).toMatch(/outside this key's areas/);
    expect(await traces()).toEqual(before);
  });

  it.each([
    ['areas', Role.READER],
    ['service-points', Role.READER],
    ['villages', Role.PLANNER],
    ['coverage', Role.PLANNER],
  ] as const)('tiles of %s need %s like GraphQL: 401 anonymous, 403 without the role, 200 (privately cacheable) with it', async (layer, role) => {
    const get = (key?: string) => fetch(`${baseUrl}/tiles/${layer}.json`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
    const anonymous = await get();
    expect([anonymous.status, ((await anonymous.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code]).toEqual([401, 'UNAUTHENTICATED']);
    const wrong = await get(keys[role === Role.READER ? Role.PLANNER : Role.READER]);
    expect(wrong.status).toBe(403);
    const right = await get(keys[role]);
    expect(right.status).toBe(200);
    expect(right.headers.get('cache-control')).toMatch(/^private/);
  });

  it('with the default ANONYMOUS_ROLES (READER,PLANNER) anonymous callers read and plan but cannot write', async () => {
    const open = await createTestApp({});
    try {
      const { url } = await open.app.listen(0, '127.0.0.1');
      expect((await postGraphQL(url, '{ coverage(areaCode: "520121", itemCode: "RESIDENT_ENROLMENT") { coveredPopulation } }')).body.errors).toBeUndefined();
      expect(errorCodes(await postGraphQL(url, 'mutation { closeServicePoint(id: "TS-520121001") { id } }'))).toEqual(['UNAUTHENTICATED']);
    } finally {
      await open.close();
    }
  });

  it('refuses an anonymous role that could write, at start-up', () => {
    expect(() => testConfig({ ANONYMOUS_ROLES: "READER,EDITOR" })).toThrow(/anonymous access is read-only/);
  });
});
