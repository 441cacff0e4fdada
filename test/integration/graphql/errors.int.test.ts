import { createTestApp, type TestApp } from '../../helpers/test-app';

/** Every bad input gets a stable code and a message a person can act on; never a stack trace. */
describe('errors', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const onlyError = async (query: string, variables?: Record<string, unknown>) => {
    const r = await t.execute(query, variables);
    expect(r.errors).toHaveLength(1);
    expect(JSON.stringify(r.errors)).not.toMatch(/stacktrace|\n\s+at /);
    return { code: r.errors![0].extensions?.code, message: r.errors![0].message };
  };

  it.each([
    ['area', '{ area(code: "520199") { name } }', 'Area "520199"'],
    ['village', '{ village(code: "520121999999") { name } }', 'Village "520121999999"'],
    ['service point', '{ servicePoint(id: "TS-999999999") { name } }', 'ServicePoint "TS-999999999"'],
    ['service item', '{ serviceItem(code: "TELEPORTATION") { name } }', 'ServiceItem "TELEPORTATION"'],
    ['area in a filter', '{ servicePoints(filter: { areaCode: "999999" }) { totalCount } }', 'Area "999999"'],
    ['item in a filter', '{ servicePoints(filter: { itemCode: "NOPE" }) { totalCount } }', 'ServiceItem "NOPE"'],
    ['area in a village filter', '{ villages(filter: { areaCode: "11" }) { totalCount } }', 'Area "11"'],
  ])('unknown %s gives NOT_FOUND', async (_what, query, message) => {
    const e = await onlyError(query);
    expect(e.code).toBe('NOT_FOUND');
    expect(e.message).toContain(message);
  });

  it('a known province filters everything below it (the control case)', async () => {
    const r = await t.execute<{ villages: { totalCount: number } }>('{ villages(filter: { areaCode: "35" }) { totalCount } }');
    expect(r.errors).toBeUndefined();
    expect(r.data!.villages.totalCount).toBe(1964);
  });

  it('a NOT_FOUND lookup leaves the other fields of the request intact', async () => {
    const r = await t.execute('{ a: village(code: "520121999999") { name } b: area(code: "520121") { name } }');
    expect(r.data).toEqual({ a: null, b: { name: '开阳县' } });
    expect(r.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  it.each([
    ['malformed area code', '{ area(code: "52-01") { name } }', /official area code/],
    ['malformed village code', '{ village(code: "abc") { name } }', /12-digit/],
    ['lowercase id', '{ servicePoint(id: "ts-1") { name } }', /service-point id/],
    ['longitude out of range', '{ servicePoints(filter: { near: { longitude: 181, latitude: 27 } }) { totalCount } }', /longitude/],
    ['latitude out of range', '{ servicePoints(filter: { near: { longitude: 107, latitude: -91 } }) { totalCount } }', /latitude/],
    ['radius too large', '{ servicePoints(filter: { near: { longitude: 107, latitude: 27, radiusMeters: 1e9 } }) { totalCount } }', /radiusMeters/],
    ['page too large', '{ servicePoints(first: 501) { totalCount } }', /at most 500/],
    ['negative page', '{ villages(first: -1) { totalCount } }', /first/],
    ['forged cursor', '{ villages(after: "bm90LWEtY3Vyc29y") { totalCount } }', /cursor/],
    ['inverted population range', '{ villages(filter: { minPopulation: 10, maxPopulation: 5 }) { totalCount } }', /minPopulation/],
  ])('%s gives BAD_USER_INPUT', async (_what, query, message) => {
    const e = await onlyError(query);
    expect(e.code).toBe('BAD_USER_INPUT');
    expect(e.message).toMatch(message);
  });

  it('NaN cannot reach a resolver (GraphQL Float rejects it)', async () => {
    const r = await t.execute('query ($lon: Float!) { servicePoints(filter: { near: { longitude: $lon, latitude: 27 } }) { totalCount } }', {
      lon: Number.NaN,
    });
    expect(r.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('an unexpected failure is masked as INTERNAL_SERVER_ERROR and the server keeps serving', async () => {
    // Break one request's loader from inside: the client must see neither the message nor the stack.
    const context = t.app.createContext();
    context.loaders.areaByCode.load = () => Promise.reject(new Error('relation "secret_table" does not exist'));
    const response = await t.app.apollo.executeOperation({ query: '{ area(code: "520121") { name } }' }, { contextValue: context });
    const body = response.body.kind === 'single' ? response.body.singleResult : null;
    expect(body?.errors?.[0]).toMatchObject({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(JSON.stringify(body)).not.toContain('secret_table');
    const next = await t.execute<{ area: { name: string } }>('{ area(code: "520121") { name } }');
    expect(next.data?.area.name).toBe('开阳县');
  });
});
