import { CLI_ACTOR } from '../../src/write/actor';
import { Role } from '../../src/common/role.enum';
import { createTestApp, type TestApp } from '../helpers/test-app';

/** The upload endpoints POST /imports/{villages|service-points} over real HTTP: keys, content types, limits, the report. */

type ErrorBody = { errors: { message: string; extensions: { code: string } }[] };

const CSV = 'code,name,longitude,latitude,population\n520121001981,上传村一,106.9612,27.0613,120\n520121001982,上传村二,106.9615,27.0611,abc\n';

describe('import uploads (e2e)', () => {
  let t: TestApp;
  let baseUrl: string;
  let editor: string;
  let reader: string;

  const upload = (path: string, body: string, headers: Record<string, string>) => fetch(`${baseUrl}${path}`, { method: 'POST', headers, body });

  beforeAll(async () => {
    t = await createTestApp({ IMPORT_MAX_BYTES: '4096' });
    ({ url: baseUrl } = await t.app.listen(0, '127.0.0.1'));
    editor = (await t.app.services.apiKey.create({ name: 'test upload editor', roles: [Role.EDITOR], areaCodes: ['520121'] }, CLI_ACTOR)).secret;
    reader = (await t.app.services.apiKey.create({ name: 'test upload reader', roles: [Role.READER], areaCodes: [] }, CLI_ACTOR)).secret;
  });
  afterAll(async () => {
    await t.db.dataSource.query(`DELETE FROM village WHERE code IN ('520121001981', '520121001982')`);
    await t.db.dataSource.query(`DELETE FROM audit_log WHERE actor_name LIKE 'test upload%' OR entity_key IN (SELECT id::text FROM api_key WHERE name LIKE 'test upload%')`);
    await t.db.dataSource.query(`DELETE FROM api_key WHERE name LIKE 'test upload%'`);
    await t.close();
  });

  it('an EDITOR uploads a CSV with VALID_ROWS: 200 and the report, with the bad row and its line', async () => {
    const res = await upload('/imports/villages?mode=VALID_ROWS', CSV, { 'content-type': 'text/csv; charset=utf-8', authorization: `Bearer ${editor}` });
    expect(res.status).toBe(200);
    const report = (await res.json()) as { problems: unknown[] };
    expect(report).toMatchObject({ entity: 'village', mode: 'VALID_ROWS', rowsRead: 2, created: 1, rejected: 1 });
    expect(report.problems).toEqual([{ index: 2, line: 3, key: '520121001982', field: 'population', reason: expect.stringMatching(/population NaN must be a whole number/) }]);
    const stored = await t.db.dataSource.query(`SELECT code, population FROM village WHERE code IN ('520121001981', '520121001982')`);
    expect(stored).toEqual([{ code: '520121001981', population: 120 }]);
  });

  it.each([
    ['no key', {}, 401, 'UNAUTHENTICATED'],
    ['a READER key', { authorization: `Bearer READER` }, 403, 'FORBIDDEN'],
    ['a bad key', { authorization: 'Bearer sc_nope' }, 401, 'UNAUTHENTICATED'],
  ])('with %s (%j): HTTP %i %s, nothing written', async (_what, headers, status, code) => {
    const h = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.replace('READER', reader)]));
    const res = await upload('/imports/villages', CSV.replace('981', '983'), { 'content-type': 'text/csv', ...h });
    expect(res.status).toBe(status);
    expect(((await res.json()) as ErrorBody).errors[0]!.extensions.code).toBe(code);
    expect(await t.db.dataSource.query(`SELECT code FROM village WHERE code = '520121001983'`)).toEqual([]);
  });

  it('refuses text/plain (a type browsers send cross-site without preflight) with 400', async () => {
    const res = await upload('/imports/villages', CSV, { 'content-type': 'text/plain', authorization: `Bearer ${editor}` });
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorBody).errors[0]!.message).toMatch(/Content-Type text\/csv or application\/geo\+json/);
  });

  it('refuses a body over IMPORT_MAX_BYTES with 413 and a JSON error', async () => {
    const big = CSV + `520121001984,${'长'.repeat(2000)},106.96,27.06,1\n`;
    const res = await upload('/imports/villages', big, { 'content-type': 'text/csv', authorization: `Bearer ${editor}` });
    expect(res.status).toBe(413);
    const body = (await res.json()) as ErrorBody;
    expect(body.errors[0]!).toMatchObject({ extensions: { code: 'LIMIT_EXCEEDED', limit: 4096 } });
    expect(body.errors[0]!.message).toMatch(/larger than IMPORT_MAX_BYTES \(4,096 bytes\)/);
  });

  it('a CSV that cannot be read at all is refused as a whole with the line', async () => {
    const res = await upload('/imports/villages', 'code,name\n"unclosed,x\n', { 'content-type': 'text/csv', authorization: `Bearer ${editor}` });
    expect(res.status).toBe(400);
    const body = (await res.json()) as ErrorBody;
    expect(body.errors[0]!).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(body.errors[0]!.message).toMatch(/cannot be read \(line 2\)/);
  });
});
