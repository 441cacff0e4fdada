import http from 'node:http';
import { CLI_ACTOR } from '../../src/write/actor';
import { Role } from '../../src/common/role.enum';
import { createTestApp, type TestApp } from '../helpers/test-app';

/**
 * POST /imports/… checks the key and the EDITOR role before it reads the body (Hardening, item 5): a caller
 * without a key, with a bad key or with a key lacking the role is answered at once, while it is still sending,
 * and the connection is closed instead of the rest of the upload being read.
 */

const DECLARED_BYTES = 19_000_000;
const CHUNK = Buffer.alloc(64 * 1024, 'a');

interface EarlyAnswer {
  status: number;
  connection: string | undefined;
  code: string;
  message: string;
  /** Bytes the client had sent when the answer arrived. */
  sent: number;
  ms: number;
}

/**
 * Declares a 19 MB text/csv body, sends 64 KiB of it and then nothing more (a slow client, or one that never
 * finishes): the answer must come while the body is incomplete. Rejects if none comes within `timeoutMs`.
 */
function uploadThatNeverFinishes(baseUrl: string, path: string, headers: Record<string, string>, timeoutMs = 5000): Promise<EarlyAnswer> {
  const url = new URL(path, baseUrl);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    let sent = 0;
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'text/csv', 'content-length': String(DECLARED_BYTES), ...headers } });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms after sending ${sent} of ${DECLARED_BYTES} declared bytes: the server waits for the body`));
    }, timeoutMs);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        clearTimeout(timer);
        req.destroy();
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { errors: { message: string; extensions: { code: string } }[] };
        resolve({ status: res.statusCode!, connection: res.headers.connection, code: body.errors[0]!.extensions.code, message: body.errors[0]!.message, sent, ms: Date.now() - started });
      });
    });
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.write(CHUNK, () => {
      sent += CHUNK.length;
    });
  });
}

describe('import uploads check the key before the body (e2e)', () => {
  let t: TestApp;
  let baseUrl: string;
  let reader: string;
  let editor: string;

  beforeAll(async () => {
    t = await createTestApp();
    ({ url: baseUrl } = await t.app.listen(0, '127.0.0.1'));
    reader = (await t.app.services.apiKey.create({ name: 'test upload-auth reader', roles: [Role.READER, Role.PLANNER], areaCodes: [] }, CLI_ACTOR)).secret;
    editor = (await t.app.services.apiKey.create({ name: 'test upload-auth editor', roles: [Role.EDITOR], areaCodes: ['520121'] }, CLI_ACTOR)).secret;
  });
  afterAll(async () => {
    await t.db.dataSource.query(`DELETE FROM audit_log WHERE entity_key IN (SELECT id::text FROM api_key WHERE name LIKE 'test upload-auth%')`);
    await t.db.dataSource.query(`DELETE FROM api_key WHERE name LIKE 'test upload-auth%'`);
    await t.close();
  });

  it.each([
    ['without a key', '/imports/villages', () => ({}), 401, 'UNAUTHENTICATED', /needs an API key with the EDITOR role/],
    ['with a malformed key', '/imports/service-points', () => ({ authorization: 'Bearer sc_nope' }), 401, 'UNAUTHENTICATED', /malformed/],
    ['with a key lacking EDITOR', '/imports/service-points', () => ({ authorization: `Bearer ${reader}` }), 403, 'FORBIDDEN', /needs the EDITOR role/],
  ])('%s: a 19 MB upload is refused before its body is read (%s)', async (_what, path, headers, status, code, message) => {
    const answer = await uploadThatNeverFinishes(baseUrl, path, headers());
    expect(answer).toMatchObject({ status, code });
    expect(answer.message).toMatch(message);
    expect(answer.sent).toBeLessThan(DECLARED_BYTES);
    // The rest of the body is not read (and thrown away) either: the server closes the connection after the answer.
    expect(answer.connection).toBe('close');
  });

  it('an EDITOR key still gets its upload read and imported (dry run)', async () => {
    const res = await fetch(`${baseUrl}/imports/villages?dryRun=true`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', authorization: `Bearer ${editor}` },
      body: 'code,name,longitude,latitude,population\n520121001981,上传村一,106.9612,27.0613,120\n',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ entity: 'village', rowsRead: 1, created: 1, rejected: 0 });
  });
});
