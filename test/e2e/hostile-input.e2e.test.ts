import { CLI_ACTOR } from '../../src/write/actor';
import { Role } from '../../src/common/role.enum';
import { createTestApp, type TestApp } from '../helpers/test-app';

/**
 * "Never a 500" (Hardening, item 3), over real HTTP: input an attacker sent to a local copy. Each gets a coded
 * client error (or, inside an import, a row problem) instead of a 500, and nothing is half-written:
 * - JSON nested thousands of levels deep (variables, extensions, GET variables): LIMIT_EXCEEDED before Apollo;
 * - GraphQL documents nested 10,000 levels deep: a message of ours, never "Maximum call stack size exceeded";
 * - GeoJSON properties of the wrong type (objects, arrays, `name: 5`, `population: "5"`): row problems;
 * - U+0000 (and unpaired surrogates) in CSV and GeoJSON text: row problems, so VALID_ROWS writes the valid rows
 *   and a dry run counts exactly what VALID_ROWS writes;
 * - a CSV naming one column twice (also `area_code` and `areaCode`): refused as a whole.
 */

interface ErrorBody {
  message: string;
  extensions?: { code?: string; setting?: string; limit?: number; actual?: number; [k: string]: unknown };
}
interface Reply<T = Record<string, unknown>> {
  status: number;
  text: string;
  body: T & { data?: Record<string, unknown> | null; errors?: ErrorBody[] };
}
interface Report {
  entity: string;
  mode: string;
  rowsRead: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  problems: { index: number; line: number; key: string | null; field: string | null; reason: string }[];
}

const nested = (open: string, close: string, depth: number, inner: string) => `${open.repeat(depth)}${inner}${close.repeat(depth)}`;
/** Codes 520121001960–979 and ids TEST-HOSTILE-…: unused by the seed and by other tests; removed in afterAll. */
const VILLAGE = (n: number) => `5201210019${60 + n}`;
const KAIYANG = { lon: 106.9612, lat: 27.0613 };
const INTERNAL = /call stack|RangeError|TypeError|Internal server error|primitive value|\bat .+:\d+:\d+/i;
const feature = (properties: Record<string, unknown> | string, coordinates: unknown = [KAIYANG.lon, KAIYANG.lat]) =>
  `{ "type": "Feature", "geometry": { "type": "Point", "coordinates": ${JSON.stringify(coordinates)} }, "properties": ${typeof properties === 'string' ? properties : JSON.stringify(properties)} }`;
/** A FeatureCollection with one feature per line, from line 2. */
const collection = (...features: string[]) => `{ "type": "FeatureCollection", "features": [\n${features.join(',\n')}\n] }\n`;

describe('hostile input is answered with coded client errors, never a 500 (e2e)', () => {
  let t: TestApp;
  let baseUrl: string;
  let editor: string;
  let township: { code: string; lon: number; lat: number };

  const send = async <T = Record<string, unknown>>(path: string, init: { method?: string; body?: string; type?: string; key?: boolean; headers?: Record<string, string> } = {}): Promise<Reply<T>> => {
    const res = await fetch(`${baseUrl}${path}`, {
      method: init.method ?? 'POST',
      headers: { ...(init.type ? { 'content-type': init.type } : {}), ...(init.key ? { authorization: `Bearer ${editor}` } : {}), ...init.headers },
      body: init.body,
    });
    const text = await res.text();
    let body = {} as Reply<T>['body'];
    try {
      body = JSON.parse(text) as Reply<T>['body'];
    } catch {
      // not JSON: the assertions on status and text say what came back
    }
    return { status: res.status, text, body };
  };
  const graphql = (body: string) => send('/graphql', { body, type: 'application/json' });
  const upload = (entity: 'villages' | 'service-points', content: string, type: 'text/csv' | 'application/geo+json', query = '') =>
    send<Report>(`/imports/${entity}${query}`, { body: content, type, key: true });
  const villageCodes = async (): Promise<string[]> =>
    ((await t.db.dataSource.query(`SELECT code FROM village WHERE code >= '520121001960' AND code <= '520121001979' ORDER BY code`)) as { code: string }[]).map((r) => r.code);
  const pointIds = async (): Promise<string[]> =>
    ((await t.db.dataSource.query(`SELECT id FROM service_point WHERE id LIKE 'TEST-HOSTILE-%' ORDER BY id`)) as { id: string }[]).map((r) => r.id);
  const cleanUp = async () => {
    await t.db.dataSource.query(`DELETE FROM village WHERE code >= '520121001960' AND code <= '520121001979'`);
    await t.db.dataSource.query(`DELETE FROM service_point_item WHERE service_point_id LIKE 'TEST-HOSTILE-%'`);
    await t.db.dataSource.query(`DELETE FROM service_point WHERE id LIKE 'TEST-HOSTILE-%'`);
  };

  /** One answer: a 4xx whose errors are all coded with `codes`, and no internal message anywhere. */
  const expectClientError = (reply: { status: number; text: string; body: { errors?: ErrorBody[] } }, status: number, codes: string[]) => {
    expect({ status: reply.status, codes: reply.body.errors?.map((e) => e.extensions?.code) }).toEqual({ status, codes });
    expect(reply.text).not.toMatch(INTERNAL);
    return reply.body.errors![0]!;
  };

  beforeAll(async () => {
    t = await createTestApp({ RATE_LIMIT_COST_PER_MINUTE: '0' });
    ({ url: baseUrl } = await t.app.listen(0, '127.0.0.1'));
    editor = (await t.app.services.apiKey.create({ name: 'test hostile editor', roles: [Role.EDITOR], areaCodes: ['520121'] }, CLI_ACTOR)).secret;
    [township] = await t.db.dataSource.query(`SELECT code, ST_X(seat::geometry) AS lon, ST_Y(seat::geometry) AS lat FROM area WHERE code = '520121001'`);
    await cleanUp();
  });
  afterEach(cleanUp);
  afterAll(async () => {
    await t.db.dataSource.query(`DELETE FROM audit_log WHERE actor_name LIKE 'test hostile%' OR entity_key IN (SELECT id::text FROM api_key WHERE name LIKE 'test hostile%')`);
    await t.db.dataSource.query(`DELETE FROM api_key WHERE name LIKE 'test hostile%'`);
    await t.close();
  });

  describe('deeply nested JSON (MAX_NESTING_DEPTH, 64)', () => {
    it('states its default', () => {
      expect(t.config.limits.maxNestingDepth).toBe(64);
    });

    it('variables nested 5,000 levels: 400 LIMIT_EXCEEDED naming the limit and the depth, before Apollo (not a 500 RangeError)', async () => {
      const reply = await graphql(`{"query":"{ __typename }","variables":{"v":${nested('{"a":', '}', 5000, '1')}}}`);
      const error = expectClientError(reply, 400, ['LIMIT_EXCEEDED']);
      // The body is level 1, `variables` level 2, then 5,000 objects.
      expect(error.extensions).toMatchObject({ setting: 'MAX_NESTING_DEPTH', limit: 64, actual: 5002 });
      expect(error.message).toMatch(/nests 5,002 levels deep; the limit is 64 \(MAX_NESTING_DEPTH\)/);
    });

    it.each([
      ['lists in variables', `{"query":"{ __typename }","variables":{"v":${nested('[', ']', 100_000, '1')}}}`],
      ['an extension', `{"query":"{ __typename }","extensions":${nested('{"a":[', ']}', 5000, '1')}}`],
      ['the second operation of a batch', `[{"query":"{ __typename }"},{"query":"{ __typename }","variables":{"v":${nested('[', ']', 5000, '1')}}}]`],
      ['the whole body', nested('[', ']', 10_000, '1')],
    ])('%s nested thousands of levels: 400 LIMIT_EXCEEDED', async (_what, body) => {
      const error = expectClientError(await graphql(body), 400, ['LIMIT_EXCEEDED']);
      expect(error.extensions).toMatchObject({ setting: 'MAX_NESTING_DEPTH', limit: 64 });
    });

    it('GET variables nested 5,000 levels: 400 LIMIT_EXCEEDED (not a 500)', async () => {
      const variables = `{"v":${nested('[', ']', 5000, '1')}}`;
      const reply = await send(`/graphql?query=${encodeURIComponent('{ __typename }')}&variables=${variables}`, { method: 'GET', headers: { 'apollo-require-preflight': 'true' } });
      const error = expectClientError(reply, 400, ['LIMIT_EXCEEDED']);
      expect(error.extensions).toMatchObject({ setting: 'MAX_NESTING_DEPTH', limit: 64, actual: 5001 });
    });

    it('JSON within the limit still runs, over POST and GET', async () => {
      const post = await graphql(`{"query":"{ __typename }","variables":{"v":${nested('{"a":', '}', 62, '1')}}}`);
      expect(post.body).toEqual({ data: { __typename: 'Query' } });
      const get = await send(`/graphql?query=${encodeURIComponent('{ __typename }')}&variables=${encodeURIComponent(`{"v":${nested('[', ']', 63, '1')}}`)}`, {
        method: 'GET',
        headers: { 'apollo-require-preflight': 'true' },
      });
      expect(get.body).toEqual({ data: { __typename: 'Query' } });
    });

    it('GeoJSON nested thousands of levels is refused as a whole with a coded 4xx, inline or uploaded', async () => {
      const deepProperty = collection(feature(`{ "code": "${VILLAGE(8)}", "name": ${nested('[', ']', 5000, '"x"')}, "population": 1 }`));
      for (const content of [deepProperty, nested('[', ']', 20_000, '1')]) {
        const reply = await upload('villages', content, 'application/geo+json', '?mode=VALID_ROWS');
        const error = expectClientError(reply, 413, ['LIMIT_EXCEEDED']);
        expect(error.extensions).toMatchObject({ setting: 'MAX_NESTING_DEPTH', limit: 64 });
        expect(error.message).toMatch(/The GeoJSON nests [\d,]+ levels deep; the limit is 64 \(MAX_NESTING_DEPTH\)\. It goes that deep on line \d+/);
      }
      const inline = await send('/graphql', {
        type: 'application/json',
        key: true,
        body: JSON.stringify({ query: 'mutation($c: String!) { importVillages(format: GEOJSON, content: $c, mode: VALID_ROWS) { created } }', variables: { c: deepProperty } }),
      });
      expect(inline.status).toBe(200);
      expect(inline.body.errors?.map((e) => e.extensions?.code)).toEqual(['LIMIT_EXCEEDED']);
      expect(inline.text).not.toMatch(INTERNAL);
      expect(await villageCodes()).toEqual([]);
    });
  });

  describe('deeply nested GraphQL documents', () => {
    it.each([
      ['selections', 10_000, nested('{a', '}', 10_000, '')],
      ['list values', 10_000, `{ area(code: ${nested('[', ']', 10_000, '"520121"')}) { name } }`],
      ['object values', 10_000, `{ servicePoints(filter: ${nested('{near: ', '}', 10_000, '1')}) { totalCount } }`],
      // The parser ran out of stack here before it reached MAX_QUERY_TOKENS (5,000).
      ['object values', 1800, `{ servicePoints(filter: ${nested('{near: ', '}', 1800, '1')}) { totalCount } }`],
    ])('%s nested %i levels: 400 LIMIT_EXCEEDED with our message, not "Maximum call stack size exceeded"', async (_what, _depth, query) => {
      const error = expectClientError(await graphql(JSON.stringify({ query })), 400, ['LIMIT_EXCEEDED']);
      expect(error.extensions).toMatchObject({ setting: 'MAX_NESTING_DEPTH', limit: 64 });
      expect(error.message).toMatch(/The query document nests .* levels deep; the limit is 64 \(MAX_NESTING_DEPTH\)/);
    });

    it('brackets inside strings and comments do not count', async () => {
      const query = `# ${'{'.repeat(200)}\n{ a: __type(name: "${'[\\"('.repeat(200)}") { name } b: __type(name: """${'{\\"""'.repeat(200)}""") { name } }`;
      const reply = await graphql(JSON.stringify({ query }));
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({ data: { a: null, b: null } });
    });
  });

  describe('GeoJSON property types', () => {
    const village = (n: number, extra: Record<string, unknown> = {}) => ({ code: VILLAGE(n), name: `类型村${n}`, population: 10, ...extra });

    it('an object or array where a string or number belongs is a row problem naming the field and the type, not a 500', async () => {
      const content = collection(
        feature(village(0)),
        feature(village(1, { name: { a: 1 } })),
        feature(village(2, { code: { toString: 1 } })),
        feature(village(3, { name: ['a'] })),
        feature(village(4, { population: { value: 5 } })),
      );
      const reply = await upload('villages', content, 'application/geo+json', '?mode=VALID_ROWS');
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({ rowsRead: 5, created: 1, rejected: 4 });
      expect(reply.body.problems.map((p) => [p.index, p.line, p.field, p.reason])).toEqual([
        [2, 3, 'name', expect.stringMatching(/name must be a string \(got an object\)/)],
        [3, 4, 'code', expect.stringMatching(/code must be a string \(got an object\)/)],
        [4, 5, 'name', expect.stringMatching(/name must be a string \(got an array\)/)],
        [5, 6, 'population', expect.stringMatching(/population must be a number \(got an object\)/)],
      ]);
      expect(await villageCodes()).toEqual([VILLAGE(0)]);
    });

    it('`name: 5` and `population: "5"` are rejected, not coerced', async () => {
      const content = collection(feature(village(5, { name: 5 })), feature(village(6, { population: '5' })), feature(village(7, { name: true })));
      for (const query of ['?mode=VALID_ROWS&dryRun=true', '?mode=VALID_ROWS']) {
        const reply = await upload('villages', content, 'application/geo+json', query);
        expect(reply.status).toBe(200);
        expect(reply.body).toMatchObject({ rowsRead: 3, created: 0, rejected: 3 });
        expect(reply.body.problems.map((p) => [p.index, p.key, p.field, p.reason])).toEqual([
          [1, VILLAGE(5), 'name', expect.stringMatching(/name must be a string \(got the number 5\)/)],
          [2, VILLAGE(6), 'population', expect.stringMatching(/population must be a number \(got the string "5"\)/)],
          [3, VILLAGE(7), 'name', expect.stringMatching(/name must be a string \(got the boolean true\)/)],
        ]);
      }
      expect(await villageCodes()).toEqual([]);
    });

    it('service points: strings, item codes as a string or a list of strings, numeric coordinates; one field under two spellings is a row problem', async () => {
      const point = (n: number, extra: Record<string, unknown> = {}) => ({
        id: `TEST-HOSTILE-${n}`,
        name: `类型站${n}`,
        kind: 'TOWNSHIP_STATION',
        area_code: township.code,
        ...extra,
      });
      const at = [township.lon, township.lat];
      const content = collection(
        feature(point(1, { item_codes: ['RESIDENT_ENROLMENT'] }), at),
        feature(point(2, { item_codes: 'RESIDENT_ENROLMENT;CHRONIC_DISEASE_CERT' }), at),
        feature(point(3, { item_codes: { RESIDENT_ENROLMENT: true } }), at),
        feature(point(4, { item_codes: ['RESIDENT_ENROLMENT', { toString: 1 }] }), at),
        feature(point(5, { phone: 85187601703 }), at),
        feature(point(6, { kind: ['TOWNSHIP_STATION'] }), at),
        feature(point(7), [String(township.lon), township.lat]),
        feature(point(8, { longitude: '106.9' }), at),
        feature(point(9, { areaCode: township.code }), at),
      );
      const reply = await upload('service-points', content, 'application/geo+json', '?mode=VALID_ROWS');
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({ rowsRead: 9, created: 2, rejected: 7 });
      expect(reply.body.problems.map((p) => [p.index, p.key, p.field, p.reason])).toEqual([
        [3, 'TEST-HOSTILE-3', 'itemCodes', expect.stringMatching(/item_codes must be a string or a list of strings \(got an object\)/)],
        [4, 'TEST-HOSTILE-4', 'itemCodes', expect.stringMatching(/item_codes must be a string or a list of strings \(got a list holding an object\)/)],
        [5, 'TEST-HOSTILE-5', 'phone', expect.stringMatching(/phone must be a string \(got the number 85187601703\)/)],
        [6, 'TEST-HOSTILE-6', 'kind', expect.stringMatching(/kind must be a string \(got an array\)/)],
        [7, 'TEST-HOSTILE-7', 'geometry', expect.stringMatching(/\[longitude, latitude\] numbers/)],
        [8, 'TEST-HOSTILE-8', 'longitude', expect.stringMatching(/longitude must be a number \(got the string "106.9"\)/)],
        [9, 'TEST-HOSTILE-9', 'areaCode', expect.stringMatching(/"area_code" and "areaCode" are the same property/)],
      ]);
      expect(await pointIds()).toEqual(['TEST-HOSTILE-1', 'TEST-HOSTILE-2']);
    });
  });

  describe('U+0000 and other text the database cannot store', () => {
    /** The same file as a dry run and for real: equal reports, and exactly the valid rows stored. */
    const dryRunAgrees = async (entity: 'villages' | 'service-points', content: string, type: 'text/csv' | 'application/geo+json') => {
      const dry = await upload(entity, content, type, '?mode=VALID_ROWS&dryRun=true');
      expect(dry.status).toBe(200);
      const real = await upload(entity, content, type, '?mode=VALID_ROWS');
      expect(real.status).toBe(200);
      expect(real.body).toEqual(dry.body);
      return real.body;
    };

    it('CSV: a NUL in a village name is a row problem; VALID_ROWS writes the valid rows and the dry run counts the same', async () => {
      const csv = [
        'code,name,longitude,latitude,population',
        `${VILLAGE(10)},好村一,${KAIYANG.lon},${KAIYANG.lat},120`,
        `${VILLAGE(11)},坏\u0000村,${KAIYANG.lon},${KAIYANG.lat},5`,
        `${VILLAGE(12)},好村二,${KAIYANG.lon},${KAIYANG.lat},7`,
        `${VILLAGE(13)}\u0000,坏村,${KAIYANG.lon},${KAIYANG.lat},5`,
      ].join('\n');
      const report = await dryRunAgrees('villages', `${csv}\n`, 'text/csv');
      expect(report).toMatchObject({ rowsRead: 4, created: 2, rejected: 2 });
      expect(report.problems.map((p) => [p.index, p.line, p.field])).toEqual([
        [2, 3, 'name'],
        [4, 5, 'code'],
      ]);
      expect(report.problems[0]!.reason).toMatch(/name contains U\+0000 \(NUL\), which cannot be stored; remove it/);
      expect(await villageCodes()).toEqual([VILLAGE(10), VILLAGE(12)]);
      const [stored] = await t.db.dataSource.query(`SELECT name, population FROM village WHERE code = $1`, [VILLAGE(12)]);
      expect(stored).toEqual({ name: '好村二', population: 7 });
    });

    it('GeoJSON: NUL in any text field, id, code or item code, and an unpaired surrogate, are row problems; the dry run agrees with VALID_ROWS', async () => {
      const at = `[${township.lon}, ${township.lat}]`;
      const point = (n: number, props: string) =>
        `{ "type": "Feature", "geometry": { "type": "Point", "coordinates": ${at} }, "properties": { "id": "TEST-HOSTILE-${n}", "name": "站${n}", "kind": "TOWNSHIP_STATION", "area_code": "${township.code}"${props} } }`;
      const content = `{ "type": "FeatureCollection", "features": [\n${[
        point(1, ''),
        point(2, ', "address": "开阳\\u0000路"'),
        point(3, ', "opening_hours": "9-17\\u0000"'),
        point(4, ', "phone": "0851\\u0000"'),
        point(5, ', "item_codes": ["RESIDENT_ENROLMENT\\u0000"]'),
        point(6, ', "status": "ACTIVE\\u0000"'),
        point(7, ', "village_code": "520121001001\\u0000"'),
        point(8, ', "address": "\\ud800"'),
        `{ "type": "Feature", "geometry": { "type": "Point", "coordinates": ${at} }, "properties": { "id": "TEST-HOSTILE-9\\u0000", "name": "站9", "kind": "TOWNSHIP_STATION", "area_code": "${township.code}" } }`,
        point(10, ', "name": "站\\u0000十"'),
        point(11, ', "address": "开阳路 1 号"'),
      ].join(',\n')}\n] }\n`;
      const report = await dryRunAgrees('service-points', content, 'application/geo+json');
      expect(report).toMatchObject({ rowsRead: 11, created: 2, rejected: 9 });
      // (A village code on a township station is a second problem of row 7, with the same field.)
      expect([...new Set(report.problems.map((p) => `${p.index} ${p.field}`))]).toEqual([
        '2 address',
        '3 openingHours',
        '4 phone',
        '5 itemCodes',
        '6 status',
        '7 villageCode',
        '8 address',
        '9 id',
        '10 name',
      ]);
      expect(report.problems.filter((p) => p.index === 2 || p.index === 3 || p.index === 10).map((p) => p.reason)).toEqual([
        expect.stringMatching(/^address contains U\+0000 \(NUL\), which cannot be stored; remove it/),
        expect.stringMatching(/^openingHours contains U\+0000/),
        expect.stringMatching(/^name contains U\+0000/),
      ]);
      expect(report.problems.find((p) => p.index === 8)!.reason).toMatch(/address contains an unpaired surrogate/);
      expect(await pointIds()).toEqual(['TEST-HOSTILE-1', 'TEST-HOSTILE-11']);
    });

    it('GraphQL: upsertVillages with VALID_ROWS reports the NUL row and writes the others', async () => {
      const v = (n: number, name: string) => ({ code: VILLAGE(n), name, population: 1, location: { longitude: KAIYANG.lon, latitude: KAIYANG.lat } });
      const reply = await send('/graphql', {
        type: 'application/json',
        key: true,
        body: JSON.stringify({
          query: 'mutation($v: [VillageInput!]!) { upsertVillages(mode: VALID_ROWS, villages: $v) { created rejected problems { index field } } }',
          variables: { v: [v(14, '好村'), v(15, '坏\u0000村')] },
        }),
      });
      expect(reply.body).toEqual({ data: { upsertVillages: { created: 1, rejected: 1, problems: [{ index: 2, field: 'name' }] } } });
      expect(await villageCodes()).toEqual([VILLAGE(14)]);
    });
  });

  describe('CSV headers', () => {
    it.each([
      ['villages', 'code,name,longitude,latitude,population,Name', /"name" and "Name" name the same column/],
      ['villages', 'code,name,longitude,latitude,population,population', /"population" and "population" name the same column/],
      ['service-points', 'id,name,kind,area_code,longitude,latitude,areaCode', /"area_code" and "areaCode" name the same column \(columns 4 and 7\)/],
    ] as const)('%s: a header naming one column twice (%s) is refused as a whole: 400 BAD_USER_INPUT', async (entity, header, message) => {
      const row = entity === 'villages' ? `${VILLAGE(16)},重复村,${KAIYANG.lon},${KAIYANG.lat},1,2` : `TEST-HOSTILE-20,重复站,TOWNSHIP_STATION,${township.code},${township.lon},${township.lat},${township.code}`;
      const reply = await upload(entity, `${header}\n${row}\n`, 'text/csv', '?mode=VALID_ROWS');
      const error = expectClientError(reply, 400, ['BAD_USER_INPUT']);
      expect(error.message).toMatch(message);
      expect(await villageCodes()).toEqual([]);
      expect(await pointIds()).toEqual([]);
    });
  });
});

describe('at the highest MAX_NESTING_DEPTH (500), input just within it is still no 500 (e2e)', () => {
  let t: TestApp;
  let baseUrl: string;
  let editor: string;
  const post = async (path: string, body: string, type = 'application/json', headers: Record<string, string> = {}) => {
    const res = await fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'content-type': type, ...headers }, body });
    return { status: res.status, text: await res.text() };
  };
  const codes = (text: string) => ((JSON.parse(text) as { errors?: ErrorBody[] }).errors ?? []).map((e) => e.extensions?.code);

  beforeAll(async () => {
    t = await createTestApp({ MAX_NESTING_DEPTH: '500', RATE_LIMIT_COST_PER_MINUTE: '0' });
    ({ url: baseUrl } = await t.app.listen(0, '127.0.0.1'));
    editor = (await t.app.services.apiKey.create({ name: 'test hostile deep editor', roles: [Role.EDITOR], areaCodes: ['520121'] }, CLI_ACTOR)).secret;
  });
  afterAll(async () => {
    await t.db.dataSource.query(`DELETE FROM audit_log WHERE entity_key IN (SELECT id::text FROM api_key WHERE name LIKE 'test hostile deep%')`);
    await t.db.dataSource.query(`DELETE FROM api_key WHERE name LIKE 'test hostile deep%'`);
    await t.close();
  });

  it.each([
    // Body 1 + variables 1 + 498: exactly 500 (the response cache's key is JSON.stringify of these variables).
    ['variables 500 levels deep', 200, [], `{"query":"{ __typename }","variables":{"v":${nested('{"a":', '}', 498, '1')}}}`],
    ['variables 501 levels deep', 400, ['LIMIT_EXCEEDED'], `{"query":"{ __typename }","variables":{"v":${nested('{"a":', '}', 499, '1')}}}`],
    ['selections 500 levels deep', 400, ['LIMIT_EXCEEDED'], JSON.stringify({ query: `{ area(code: "520121") { ${nested('parent { ', '} ', 498, 'name ')}} }` })],
    ['object values 500 levels deep', 400, ['GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_VALIDATION_FAILED'], JSON.stringify({ query: `{ servicePoints(filter: ${nested('{near: ', '}', 498, '1')}) { totalCount } }` })],
    ['list values 500 levels deep', 400, ['GRAPHQL_VALIDATION_FAILED'], JSON.stringify({ query: `{ area(code: ${nested('[', ']', 498, '"520121"')}) { name } }` })],
  ] as const)('%s: HTTP %i %j', async (_what, status, expected, body) => {
    const reply = await post('/graphql', body);
    expect({ status: reply.status, codes: codes(reply.text) }).toEqual({ status, codes: expected });
    expect(reply.text).not.toMatch(INTERNAL);
  });

  it('a GeoJSON import 500 levels deep is read: the deep property is a row problem', async () => {
    const content = collection(feature(`{ "code": "${VILLAGE(17)}", "name": ${nested('[', ']', 496, '"x"')}, "population": 1 }`));
    const reply = await post('/imports/villages?mode=VALID_ROWS&dryRun=true', content, 'application/geo+json', { authorization: `Bearer ${editor}` });
    expect(reply.status).toBe(200);
    expect((JSON.parse(reply.text) as Report).problems.map((p) => [p.field, p.reason])).toEqual([['name', expect.stringMatching(/name must be a string \(got an array\)/)]]);
  });
});
