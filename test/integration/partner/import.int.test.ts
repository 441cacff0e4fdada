import { CLI_ACTOR } from '../../../src/write/actor';
import { Role } from '../../../src/common/role.enum';
import type { Viewer } from '../../../src/common/viewer';
import { ImportFormat, WriteMode, type WriteReport } from '../../../src/write/write-report.type';
import { createTestApp, type TestApp } from '../../helpers/test-app';

/**
 * Bulk import of 10,000 village rows (Sanming townships, codes ending 900–968, which the seed does not use) with
 * 200 bad rows of eight kinds mixed in: ALL_OR_NOTHING lands nothing and lists every bad row; VALID_ROWS lands
 * exactly the good ones; running it again changes nothing. All rows are removed in afterAll.
 */

const ROWS = 10_000;
const BAD_EVERY = 50;
const SANMING_EDITOR: Viewer = { kind: 'api-key', keyId: null, name: 'test importer', roles: [Role.EDITOR], areaCodes: ['3504'] };
const caller = { viewer: SANMING_EDITOR, actor: { ...CLI_ACTOR, name: 'test importer' } };

type Township = { code: string; lon: number; lat: number };

/** The file, what each bad row's problem must mention, and the codes that must land. */
function buildCsv(townships: Township[]) {
  const lines = ['code,name,longitude,latitude,population'];
  const expectedProblems = new Map<number, { field: string | null; reason: RegExp }>();
  const good = new Set<string>();
  let previousCode = '';
  for (let i = 0; i < ROWS; i++) {
    const t = townships[i % townships.length]!;
    const code = `${t.code}${900 + Math.floor(i / townships.length)}`;
    // ~100 m around the township seat (inside the county).
    const lon = (t.lon + ((i % 7) - 3) * 0.0003).toFixed(6);
    const lat = (t.lat + ((i % 5) - 2) * 0.0003).toFixed(6);
    let row = [code, `导入村${i}`, lon, lat, String(100 + (i % 900))];
    const line = i + 2; // line 1 is the header
    if (i % BAD_EVERY === BAD_EVERY - 1) {
      const kind = Math.floor(i / BAD_EVERY) % 8;
      const bad: [number, string, { field: string | null; reason: RegExp }][] = [
        [3, '95', { field: 'latitude', reason: /latitude 95 must be a finite number from -90 to 90/ }],
        [4, '-5', { field: 'population', reason: /population NaN|population -5/ }],
        [1, '', { field: 'name', reason: /name is required/ }],
        [0, `350402999${code.slice(-3)}`, { field: 'code', reason: /township 350402999 .* does not exist/ }],
        [2, '116.397', { field: 'location', reason: /outside county/ }],
        [2, 'NaN', { field: 'longitude', reason: /longitude NaN must be a finite number/ }],
        [0, previousCode, { field: 'code', reason: /appears twice in this batch \(first on line \d+\)/ }],
        [-1, '', { field: null, reason: /the row has 4 fields but the header has 5/ }],
      ];
      const [col, value, expected] = bad[kind]!;
      if (col === -1) row = row.slice(0, 4);
      else row[col] = value;
      if (kind === 4) row[3] = '39.909';
      expectedProblems.set(line, expected);
    } else {
      good.add(code);
    }
    previousCode = row[0]!;
    lines.push(row.join(','));
  }
  return { csv: `${lines.join('\n')}\n`, expectedProblems, good };
}

describe('bulk import (integration)', () => {
  let t: TestApp;
  let file: ReturnType<typeof buildCsv>;
  const importedCodes = async (): Promise<string[]> =>
    ((await t.db.dataSource.query(`SELECT code FROM village WHERE code >= '3504' AND code < '3505' AND right(code, 3) >= '900' ORDER BY code`)) as { code: string }[]).map((r) => r.code);
  const importVillages = (mode: WriteMode, dryRun = false) =>
    t.app.services.import.importVillages({ format: ImportFormat.CSV, content: file.csv, mode, crs: 'WGS84', dryRun }, caller);

  beforeAll(async () => {
    t = await createTestApp();
    const townships: Township[] = await t.db.dataSource.query(
      `SELECT code, ST_X(seat::geometry) AS lon, ST_Y(seat::geometry) AS lat FROM area WHERE level = 'TOWNSHIP' AND code LIKE '3504%' AND seat IS NOT NULL ORDER BY code`,
    );
    expect(townships.length * 69).toBeGreaterThanOrEqual(ROWS);
    file = buildCsv(townships);
    expect(await importedCodes()).toEqual([]); // the seed leaves these codes free
  });
  afterAll(async () => {
    await t.db.dataSource.query(`DELETE FROM village WHERE code >= '3504' AND code < '3505' AND right(code, 3) >= '900'`);
    await t.db.dataSource.query(`DELETE FROM audit_log WHERE actor_name = 'test importer'`);
    await t.close();
  });

  const checkProblems = (report: WriteReport) => {
    const byLine = new Map<number, string[]>();
    for (const p of report.problems) byLine.set(p.line, [...(byLine.get(p.line) ?? []), `${p.field}: ${p.reason}`]);
    expect([...byLine.keys()].sort((a, b) => a - b)).toEqual([...file.expectedProblems.keys()]);
    for (const [line, expected] of file.expectedProblems) {
      const found = report.problems.filter((p) => p.line === line);
      expect({ line, found: found.some((p) => p.field === expected.field && expected.reason.test(p.reason)) }).toEqual({ line, found: true });
      expect(found.every((p) => p.index === line - 1)).toBe(true);
    }
  };

  it('ALL_OR_NOTHING: one transaction, nothing lands, every bad row is reported with its line and reason', async () => {
    const auditBefore = (await t.db.dataSource.query(`SELECT count(*)::int AS n FROM audit_log`))[0].n;
    const report = await importVillages(WriteMode.ALL_OR_NOTHING);
    expect(report).toMatchObject({ entity: 'village', mode: 'ALL_OR_NOTHING', rowsRead: ROWS, created: 0, updated: 0, unchanged: 0, rejected: ROWS });
    expect(report.problems).toHaveLength(ROWS / BAD_EVERY);
    checkProblems(report);
    expect(await importedCodes()).toEqual([]);
    expect((await t.db.dataSource.query(`SELECT count(*)::int AS n FROM audit_log`))[0].n).toBe(auditBefore);
  });

  it('a dry run with VALID_ROWS counts what would land and writes nothing', async () => {
    const report = await importVillages(WriteMode.VALID_ROWS, true);
    expect(report).toMatchObject({ created: file.good.size, rejected: ROWS / BAD_EVERY });
    expect(await importedCodes()).toEqual([]);
  });

  it('VALID_ROWS: exactly the good rows land, with their values, and each is audited', async () => {
    const report = await importVillages(WriteMode.VALID_ROWS);
    expect(report).toMatchObject({ rowsRead: ROWS, created: file.good.size, updated: 0, unchanged: 0, rejected: ROWS / BAD_EVERY });
    checkProblems(report);
    expect(await importedCodes()).toEqual([...file.good].sort());
    const [sample] = await t.db.dataSource.query(`SELECT name, population, location_synthetic, township_code, county_code FROM village WHERE code = $1`, [[...file.good][0]]);
    expect(sample).toEqual({ name: '导入村0', population: 100, location_synthetic: false, township_code: [...file.good][0]!.slice(0, 9), county_code: [...file.good][0]!.slice(0, 6) });
    const audited = (await t.db.dataSource.query(`SELECT count(*)::int AS n FROM audit_log WHERE actor_name = 'test importer' AND action = 'village.create'`))[0].n;
    expect(audited).toBe(file.good.size);
  });

  it('running the same import again changes nothing (idempotent by code)', async () => {
    const report = await importVillages(WriteMode.VALID_ROWS);
    expect(report).toMatchObject({ created: 0, updated: 0, unchanged: file.good.size, rejected: ROWS / BAD_EVERY });
  });

  it('a key scoped to another city may import none of them', async () => {
    const kaiyangOnly = { ...caller, viewer: { ...SANMING_EDITOR, areaCodes: ['520121'] } };
    const report = await t.app.services.import.importVillages(
      { format: ImportFormat.CSV, content: 'code,name,longitude,latitude,population\n350402001900,x,117.6,26.2,1\n', mode: WriteMode.VALID_ROWS, crs: 'WGS84', dryRun: false },
      kaiyangOnly,
    );
    expect(report.rejected).toBe(1);
    expect(report.problems[0]!.reason).toMatch(/outside this key's areas \(520121\)/);
  });

  it('GeoJSON service points: problems carry the line where the feature starts; unknown properties refuse the file', async () => {
    const [seat] = await t.db.dataSource.query(
      `SELECT code, ST_X(seat::geometry) AS lon, ST_Y(seat::geometry) AS lat FROM area WHERE level = 'TOWNSHIP' AND code LIKE '3504%' AND seat IS NOT NULL ORDER BY code LIMIT 1`,
    );
    const feature = (id: string, lon: number, lat: number, extra = '') =>
      `    { "type": "Feature", "geometry": { "type": "Point", "coordinates": [${lon}, ${lat}] },\n      "properties": { "id": "${id}", "name": "导入站", "kind": "TOWNSHIP_STATION", "area_code": "${seat.code}"${extra} } }`;
    const content = `{ "type": "FeatureCollection", "features": [\n${[feature('TEST-IMP-1', seat.lon, seat.lat), feature('TEST-IMP-2', 200, seat.lat), feature('TEST-IMP-3', seat.lon, seat.lat, ', "item_codes": "RESIDENT_ENROLMENT;APPEAL"')].join(',\n')}\n] }\n`;
    const request = { format: ImportFormat.GEOJSON, content, mode: WriteMode.ALL_OR_NOTHING, crs: 'WGS84' as const, dryRun: true };
    const report = await t.app.services.import.importServicePoints(request, caller);
    expect(report.problems.map((p) => [p.index, p.line, p.key, p.field])).toEqual([
      [2, 4, 'TEST-IMP-2', 'longitude'],
      [3, 6, 'TEST-IMP-3', 'itemCodes'],
    ]);
    await expect(t.app.services.import.importServicePoints({ ...request, content: content.replace('"name"', '"nmae"') }, caller)).rejects.toThrow(/Unknown propertys?: nmae/);
  });

  it('refuses a file over IMPORT_MAX_BYTES or IMPORT_MAX_ROWS with LIMIT_EXCEEDED before reading rows', async () => {
    const small = await createTestApp({ IMPORT_MAX_BYTES: '2048', IMPORT_MAX_ROWS: '10' });
    try {
      const request = { format: ImportFormat.CSV, content: file.csv, mode: WriteMode.VALID_ROWS, crs: 'WGS84' as const, dryRun: false };
      await expect(small.app.services.import.importVillages(request, caller)).rejects.toMatchObject({ extensions: { code: 'LIMIT_EXCEEDED' } });
      const rows = file.csv.split('\n').slice(0, 12).join('\n');
      await expect(small.app.services.import.importVillages({ ...request, content: rows }, caller)).rejects.toThrow(/11 rows; the limit is 10/);
    } finally {
      await small.close();
    }
  });
});
