import { findCollection, OGC_COLLECTIONS } from '../../../src/ogc/ogc-collections';
import { parseBbox, parseCollectionQuery, parseDatetime, parseDocumentQuery, parseItemsQuery, parseLimit } from '../../../src/ogc/ogc-query.parse';

/** Parsing the OGC API's query strings: every malformed or unknown parameter is a 400 (BAD_USER_INPUT) saying why. */

const villages = findCollection('villages')!;
const points = findCollection('service-points')!;
const gaps = findCollection('coverage-gaps')!;
const sizes = { defaultLimit: 20, maxLimit: 500 };

/** The BAD_USER_INPUT of `fn`: its message and the argument it names. */
function badInput(fn: () => unknown): { message: string; argument: unknown } {
  try {
    fn();
  } catch (err) {
    const e = err as { message: string; extensions: { code: string; argument?: unknown } };
    expect(e.extensions.code).toBe('BAD_USER_INPUT');
    return { message: e.message, argument: e.extensions.argument };
  }
  throw new Error('expected BAD_USER_INPUT');
}

describe('parseLimit', () => {
  it('defaults, and takes a limit above the maximum as the maximum (OGC API Features /req/core/fc-limit-response-1)', () => {
    expect(parseLimit(null, sizes)).toBe(20);
    expect(parseLimit(null, { defaultLimit: 20, maxLimit: 10 })).toBe(10);
    expect(parseLimit('1', sizes)).toBe(1);
    expect(parseLimit('500', sizes)).toBe(500);
    expect(parseLimit('501', sizes)).toBe(500);
    expect(parseLimit('999999999999', sizes)).toBe(500);
  });

  it.each(['0', '-1', '1.5', 'ten', ' 5', '5 ', '1e3', '0x10', '9999999999999'])('refuses %j', (raw) => {
    const { message, argument } = badInput(() => parseLimit(raw, sizes));
    expect(argument).toBe('limit');
    expect(message).toContain('limit must be a whole number from 1 to 500');
  });
});

describe('parseBbox', () => {
  it('reads four numbers in CRS84 order, or six (heights not looked at)', () => {
    expect(parseBbox('106.6,26.9,107.3,27.3')).toEqual([106.6, 26.9, 107.3, 27.3]);
    expect(parseBbox(' 106.6 , 26.9,107.3, 27.3 ')).toEqual([106.6, 26.9, 107.3, 27.3]);
    expect(parseBbox('-180,-90,180,90')).toEqual([-180, -90, 180, 90]);
    expect(parseBbox('106.6,26.9,0,107.3,27.3,1000')).toEqual([106.6, 26.9, 107.3, 27.3]);
    expect(parseBbox('1e2,2.5E1,1.1e2,3e1')).toEqual([100, 25, 110, 30]);
    expect(parseBbox('107,27,107,27')).toEqual([107, 27, 107, 27]); // a point is a box
  });

  it.each([
    ['106.6,26.9,107.3', 'got 3 values'],
    ['106.6,26.9,107.3,27.3,1', 'got 5 values'],
    ['', 'got 1 value'],
    ['a,b,c,d', '"a" is not a number'],
    ['106.6,26.9,107.3,NaN', '"NaN" is not a number'],
    ['106.6,26.9,107.3,Infinity', 'is not a number'],
    ['106.6,26.9,107.3,1e999', 'is not finite'],
    ['181,26.9,182,27.3', 'longitude 181 is outside -180 to 180'],
    ['106.6,-91,107.3,27.3', 'latitude -91 is outside -90 to 90'],
    ['106.6,27.3,107.3,26.9', 'min latitude 27.3 is above the max latitude 26.9'],
    ['170,26.9,-170,27.3', 'across the antimeridian is not supported'],
    ['0x10,1,2,3', 'is not a number'],
  ])('refuses %j: %s', (raw, why) => {
    const { message, argument } = badInput(() => parseBbox(raw));
    expect(argument).toBe('bbox');
    expect(message).toContain(why);
    expect(message).toContain('bbox must be min longitude, min latitude, max longitude, max latitude');
  });
});

describe('parseDatetime', () => {
  it.each(['2026-01-01', '2026-01-01T00:00:00Z', '2026-01-01T08:00:00+08:00', '2026-01-01T00:00:00.123Z/..', '../2026-01-01T00:00:00Z', '/2026-01-01', '2025-01-01/2026-01-01'])(
    'takes %j',
    (raw) => expect(() => parseDatetime(raw)).not.toThrow(),
  );
  it.each(['yesterday', '2026-13-45', '../..', '2026-01-01/2026-01-02/2026-01-03', '2026-01-01T00:00Z', '/'])('refuses %j', (raw) => {
    expect(badInput(() => parseDatetime(raw)).argument).toBe('datetime');
  });
});

describe('parseItemsQuery', () => {
  it('checks the collection\'s own parameters and keeps the links\' parameters in a fixed order', () => {
    const q = parseItemsQuery(points, { status: 'active,planned', limit: '50', bbox: '106,26,108,28', kind: 'township_station', areaCode: '520121', f: 'json' }, sizes);
    expect(q.limit).toBe(50);
    expect(q.bbox).toEqual([106, 26, 108, 28]);
    expect(q.cursor).toBeNull();
    expect(q.params).toEqual({ areaCode: '520121', kind: ['TOWNSHIP_STATION'], status: ['ACTIVE', 'PLANNED'] });
    // The registry's order, then limit, bbox, datetime; never f or cursor.
    expect(q.canonical).toEqual([
      ['areaCode', '520121'],
      ['kind', 'TOWNSHIP_STATION'],
      ['status', 'ACTIVE,PLANNED'],
      ['limit', '50'],
      ['bbox', '106,26,108,28'],
    ]);
  });

  it('takes the cursor as it is (opaque), and the coverage question with its defaults left to the server', () => {
    const q = parseItemsQuery(gaps, { item: 'CHRONIC_DISEASE_CERT', mode: 'walk', minutes: '15.5', travelModel: 'road', cursor: 'WyJvZ2M6eCJd' }, sizes);
    expect(q.params).toEqual({ item: 'CHRONIC_DISEASE_CERT', mode: 'WALK', minutes: 15.5, travelModel: 'ROAD' });
    expect(q.cursor).toBe('WyJvZ2M6eCJd');
    expect(q.limit).toBe(20);
  });

  it.each([
    [{ foo: '1' }, 'foo', 'Unknown query parameter "foo" for /collections/villages/items; it takes limit, bbox, datetime, cursor, f, areaCode, countyCode, townshipCode, name.'],
    [{ crs: 'http://www.opengis.net/def/crs/EPSG/0/4326' }, 'crs', 'Unknown query parameter "crs"'],
    [{ 'bbox-crs': 'x' }, 'bbox-crs', 'Unknown query parameter "bbox-crs"'],
    [{ Limit: '5' }, 'Limit', 'Unknown query parameter "Limit"'],
    [{ limit: ['5', '6'] }, 'limit', 'given more than once'],
    [{ limit: '' }, 'limit', 'is empty'],
    [{ areaCode: '52012' }, 'areaCode', 'areaCode must be an official area code of 2, 4, 6 or 9 digits'],
    [{ countyCode: '5201210' }, 'countyCode', 'countyCode must be a 6-digit county code'],
    [{ name: 'x'.repeat(51) }, 'name', 'name must be 1 to 50 characters'],
    [{ f: 'html' }, 'f', 'f must be json or geojson'],
    [{ cursor: 'not a cursor!' }, 'cursor', 'cursor is not one this server issued'],
  ])('refuses %j for villages', (query, argument, message) => {
    const e = badInput(() => parseItemsQuery(villages, query as Record<string, unknown>, sizes));
    expect(e.argument).toBe(argument);
    expect(e.message).toContain(message);
  });

  it.each([
    [{ kind: 'TOWNSHIP_STATION,CASTLE' }, 'kind', 'kind must be one or more (comma-separated) of VILLAGE_POINT, TOWNSHIP_STATION, COUNTY_HALL, HOSPITAL_STATION'],
    [{ status: 'OPEN' }, 'status', 'status must be one or more'],
    [{ item: 'chronic disease' }, 'item', 'item must be a service-item code'],
    [{ villageCode: '5201211010' }, 'villageCode', 'villageCode must be a 12-digit village code'],
  ])('refuses %j for service points', (query, argument, message) => {
    const e = badInput(() => parseItemsQuery(points, query, sizes));
    expect(e.argument).toBe(argument);
    expect(e.message).toContain(message);
  });

  it.each([
    [{ minutes: '0' }, 'minutes', 'minutes must be a number from 1 to 120'],
    [{ minutes: '121' }, 'minutes', 'minutes must be a number from 1 to 120'],
    [{ minutes: 'NaN' }, 'minutes', 'minutes must be a number'],
    [{ mode: 'TELEPORT' }, 'mode', 'mode must be one of WALK, BICYCLE, EBIKE, CAR'],
    [{ travelModel: 'CROW' }, 'travelModel', 'travelModel must be one of'],
    [{ scenario: 'abc' }, 'scenario', 'scenario must be the id of a saved scenario'],
    [{ method: 'POSTGIS' }, 'method', 'Unknown query parameter "method"'],
  ])('refuses %j for coverage gaps', (query, argument, message) => {
    const e = badInput(() => parseItemsQuery(gaps, query, sizes));
    expect(e.argument).toBe(argument);
    expect(e.message).toContain(message);
  });

  it('names at most five unknown parameters', () => {
    const query = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`p${i}`, '1']));
    const { message } = badInput(() => parseItemsQuery(villages, query, sizes));
    expect(message).toContain('"p0", "p1", "p2", "p3", "p4" …');
  });
});

describe('parseDocumentQuery and parseCollectionQuery', () => {
  it('documents take f=json only', () => {
    expect(() => parseDocumentQuery({}, '/ogc')).not.toThrow();
    expect(() => parseDocumentQuery({ f: 'json' }, '/ogc')).not.toThrow();
    expect(badInput(() => parseDocumentQuery({ f: 'html' }, '/ogc')).message).toContain('f must be json');
    expect(badInput(() => parseDocumentQuery({ limit: '5' }, '/ogc/conformance')).message).toContain('Unknown query parameter "limit" for /ogc/conformance; it takes f.');
  });

  it('a collection and a feature take the collection\'s own parameters (not limit or bbox)', () => {
    expect(parseCollectionQuery(villages, { countyCode: '520121' }, 'x').params).toEqual({ countyCode: '520121' });
    expect(badInput(() => parseCollectionQuery(villages, { limit: '5' }, '/collections/villages')).message).toContain('Unknown query parameter "limit"');
  });
});

describe('the registry', () => {
  it('has unique ids and parameter names, and parameters that refuse what their schema refuses', () => {
    expect(new Set(OGC_COLLECTIONS.map((c) => c.id)).size).toBe(OGC_COLLECTIONS.length);
    for (const c of OGC_COLLECTIONS) {
      const names = c.parameters.map((p) => p.name);
      expect(new Set(names).size).toBe(names.length);
      for (const reserved of ['limit', 'bbox', 'datetime', 'cursor', 'f']) expect(names).not.toContain(reserved);
      expect(c.featureId.pattern.test(c.featureId.example)).toBe(true);
      for (const p of c.parameters) {
        if (p.schema.pattern) expect(() => p.parse(String(p.schema.example))).not.toThrow();
        if (p.schema.pattern) expect(new RegExp(p.schema.pattern).test(String(p.schema.example))).toBe(true);
        if (p.schema.enum) for (const v of p.schema.enum) expect(p.parse(v)).toBe(v);
        if (p.list) {
          const pattern = new RegExp(p.schema.pattern!);
          expect(p.parse(p.values!.join(','))).toEqual(p.values);
          expect(pattern.test(p.values!.join(','))).toBe(true);
          expect(pattern.test(`${p.values![0]},NOT_ONE`)).toBe(false);
        }
      }
    }
  });
});
