import { parse, type OperationDefinitionNode } from 'graphql';
import { isCacheableOperation } from '../../../src/graphql/plugins/response-cache.plugin';
import { Role } from '../../../src/common/role.enum';
import { anonymousViewer } from '../../../src/common/viewer';
import { createTestApp, type TestApp } from '../../helpers/test-app';

const DIRECTORY = 'query ($area: ID!) { servicePoints(first: 5, filter: { areaCode: $area }) { totalCount edges { node { id name items { code } } } } }';
const POINT = 'query ($id: ID!) { servicePoint(id: $id) { id name } }';

/** Runs an operation and returns its result with the SQL statements it sent. */
async function traced(t: TestApp, query: string, variables: Record<string, unknown> = {}, viewer?: Parameters<TestApp['execute']>[2]) {
  const statements: string[] = [];
  const stop = t.db.ormLogger.onQuery((sql) => statements.push(sql));
  try {
    const result = await t.execute(query, variables, viewer);
    return { result, statements };
  } finally {
    stop();
  }
}

const onlyVersionRead = (statements: string[]) => statements.length === 1 && /data_version/.test(statements[0]!);

describe('GraphQL response cache (in the one cache, CACHE_MB)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('answers a repeated query from the cache: the same answer, and only the data version is read', async () => {
    const first = await traced(t, DIRECTORY, { area: '520121' });
    expect(first.result.errors).toBeUndefined();
    expect(first.statements.length).toBeGreaterThan(1);
    const second = await traced(t, DIRECTORY, { area: '520121' });
    expect(second.result).toEqual(first.result);
    expect(second.statements).toHaveLength(1);
    expect(onlyVersionRead(second.statements)).toBe(true);
  });

  it('answers from the data as it is now after any write (the write bumps the data version)', async () => {
    const before = await traced(t, POINT, { id: 'CH-520121' });
    const name = (before.result.data as { servicePoint: { name: string } }).servicePoint.name;
    try {
      await t.db.dataSource.query(`UPDATE service_point SET name = $1 WHERE id = 'CH-520121'`, [`${name}（测试）`]);
      const after = await traced(t, POINT, { id: 'CH-520121' });
      expect(onlyVersionRead(after.statements)).toBe(false);
      expect(after.result.data).toEqual({ servicePoint: { id: 'CH-520121', name: `${name}（测试）` } });
    } finally {
      await t.db.dataSource.query(`UPDATE service_point SET name = $1 WHERE id = 'CH-520121'`, [name]);
    }
    const restored = await traced(t, POINT, { id: 'CH-520121' });
    expect(restored.result.data).toEqual(before.result.data);
  });

  it('keeps answers apart by variables and by the roles asking', async () => {
    await traced(t, POINT, { id: 'TS-520121101' });
    expect(onlyVersionRead((await traced(t, POINT, { id: 'TS-520121102' })).statements)).toBe(false);
    const reader = anonymousViewer([Role.READER]);
    const planner = anonymousViewer([Role.PLANNER, Role.READER]);
    await traced(t, POINT, { id: 'TS-520121103' }, reader);
    expect(onlyVersionRead((await traced(t, POINT, { id: 'TS-520121103' }, reader)).statements)).toBe(true);
    expect(onlyVersionRead((await traced(t, POINT, { id: 'TS-520121103' }, planner)).statements)).toBe(false);
  });

  it('keeps nothing under a version it was not computed from: a write that lands after the version was read', async () => {
    // Two requests read version N; then a write lands (N + 1) before they run. The first one's answer comes from
    // data newer than N (a newer engine, rows read after the write), so it must not be kept under N, where the
    // second one, which read N too, would find it.
    const COVERAGE = '{ coverage(areaCode: "520121", itemCode: "RESIDENT_ENROLMENT", mode: WALK, minutes: 17) { coveredVillageCount provenance { dataVersion } } }';
    for (const query of [POINT, COVERAGE]) {
      const first = t.app.createContext();
      const second = t.app.createContext();
      const read = await first.loaders.dataVersion();
      expect(await second.loaders.dataVersion()).toBe(read);
      const [{ name }] = (await t.db.dataSource.query(`SELECT name FROM service_point WHERE id = 'HS-520121-08'`)) as { name: string }[];
      await t.db.dataSource.query(`UPDATE service_point SET name = name || '·' WHERE id = 'HS-520121-08'`);
      try {
        const variables = query === POINT ? { id: 'HS-520121-08' } : {};
        const r1 = await t.app.apollo.executeOperation({ query, variables }, { contextValue: first });
        expect(r1.body.kind === 'single' && r1.body.singleResult.errors).toBeFalsy();
        if (query === COVERAGE && r1.body.kind === 'single') {
          const label = (r1.body.singleResult.data as { coverage: { provenance: { dataVersion: string } } }).coverage.provenance.dataVersion;
          expect(BigInt(label)).toBeGreaterThan(BigInt(read)); // computed from the newer engine, and says so
        }
        const statements: string[] = [];
        const stop = t.db.ormLogger.onQuery((sql) => statements.push(sql));
        try {
          await t.app.apollo.executeOperation({ query, variables }, { contextValue: second });
        } finally {
          stop();
        }
        // A hit would run no statement at all here (the second request has read its version already).
        expect([query, statements.length > 0]).toEqual([query, true]);
      } finally {
        await t.db.dataSource.query(`UPDATE service_point SET name = $1 WHERE id = 'HS-520121-08'`, [name]);
      }
    }
  });

  it('does not keep answers with errors', async () => {
    const query = '{ village(code: "520121999999") { name } }';
    const first = await traced(t, query);
    expect(first.result.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const second = await traced(t, query);
    expect(second.result.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(onlyVersionRead(second.statements)).toBe(false);
  });

  it('caches only data queries: not viewer, apiKeys, auditLog, introspection or mutations', () => {
    const operation = (source: string) => parse(source).definitions[0] as OperationDefinitionNode;
    expect(isCacheableOperation(operation('{ area(code: "52") { name } servicePoints(first: 1) { totalCount } __typename }'))).toBe(true);
    for (const source of [
      '{ viewer { name } }',
      '{ area(code: "52") { name } viewer { roles } }',
      '{ apiKeys { id } }',
      '{ auditLog(first: 1) { totalCount } }',
      '{ __schema { types { name } } }',
      '{ ...F } fragment F on Query { area(code: "52") { name } }',
      'mutation { closeServicePoint(id: "X") { id } }',
    ]) {
      expect([source, isCacheableOperation(operation(source))]).toEqual([source, false]);
    }
    expect(isCacheableOperation(undefined)).toBe(false);
  });
});

describe('GraphQL response cache off (RESPONSE_CACHE=false)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ RESPONSE_CACHE: 'false' });
  });
  afterAll(() => t.close());

  it('runs every query', async () => {
    await traced(t, DIRECTORY, { area: '520121' });
    const again = await traced(t, DIRECTORY, { area: '520121' });
    expect(again.statements.length).toBeGreaterThan(1);
    // The one read of the data version is the cost model's (it prices lists by the data of that version).
    expect(again.statements.filter((s) => /data_version/.test(s))).toHaveLength(1);
  });
});

describe('GraphQL response cache, small (CACHE_MB=1)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ CACHE_MB: '1' });
  });
  afterAll(() => t.close());

  it('does not keep a response larger than a sixteenth of the cache (64 KB here), and keeps small ones', async () => {
    const polygon = '{ coverage(areaCode: "3504", itemCode: "CHRONIC_DISEASE_CERT") { polygon } }'; // Sanming: ~200 KB
    const first = await traced(t, polygon);
    expect(JSON.stringify(first.result.data).length).toBeGreaterThan(64 * 1024);
    expect(onlyVersionRead((await traced(t, polygon)).statements)).toBe(false);
    await traced(t, POINT, { id: 'CH-520121' });
    expect(onlyVersionRead((await traced(t, POINT, { id: 'CH-520121' })).statements)).toBe(true);
  });
});
