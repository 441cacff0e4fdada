import { runSeeds } from '../../../seeds';
import { createSilentLogger } from '../../../src/common/logger';
import { Role } from '../../../src/common/role.enum';
import type { Viewer } from '../../../src/common/viewer';
import { createTestApp, type TestApp } from '../../helpers/test-app';

const PLANNER: Viewer = { kind: 'api-key', keyId: null, name: 'test taibai lake', roles: [Role.PLANNER, Role.READER], areaCodes: [] };
const TOWNSHIPS = ['370811002', '370811006', '370811109'];

interface CoverageAnswer {
  villageCount: number;
  coveredVillageCount: number;
  population: number;
  coveredPopulation: number;
  area: { code: string; name: string; level: string };
  byTownship: { township: { code: string }; villageCount: number; coveredVillageCount: number }[];
}
const COVERAGE = (area: string, item: string | null) => `{ coverage(areaCode: "${area}", ${item ? `itemCode: "${item}", ` : ''}mode: EBIKE, minutes: 15) {
  villageCount coveredVillageCount population coveredPopulation area { code name level }
  byTownship { township { code } villageCount coveredVillageCount } } }`;

/**
 * Taibai Lake New District (seeds/data/taibai-lake.json, report 001) loads by name like the other seed datasets (the
 * test run's global setup loads only Kaiyang and Sanming, so this file loads it itself and removes it afterwards):
 * the three townships of 任城区 the district administers with their 75 villages, the hall, 2 township stations and 3
 * hospital stations, and the planning area TAIBAI_LAKE, which the coverage questions take.
 */
describe('seed dataset taibai-lake', () => {
  let t: TestApp;
  const q = <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => t.db.dataSource.query(sql, params) as Promise<T[]>;
  const one = async (sql: string, params: unknown[] = []) => Object.values((await q(sql, params))[0]!)[0];
  const ok = async <T>(query: string): Promise<T> => {
    const r = await t.execute<T>(query, undefined, PLANNER);
    expect(r.errors).toBeUndefined();
    return r.data!;
  };

  beforeAll(async () => {
    t = await createTestApp({ LOG_LEVEL: 'silent' });
  });
  afterAll(async () => {
    await q(`DELETE FROM planning_area WHERE code = 'TAIBAI_LAKE'`);
    await q(`DELETE FROM handling_rule WHERE area_code >= '37' AND area_code < '37:'`);
    await q(`DELETE FROM service_point WHERE area_code >= '370811' AND area_code < '370811:'`);
    await q(`DELETE FROM village WHERE code >= '370811' AND code < '370811:'`);
    for (const level of ['TOWNSHIP', 'COUNTY', 'CITY', 'PROVINCE']) await q(`DELETE FROM area WHERE code >= '37' AND code < '37:' AND level = $1`, [level]);
    await q(`DELETE FROM seed_state WHERE dataset = 'taibai-lake'`);
    await t.close();
  });

  it('loads by name in one transaction with its planning area, and is skipped when unchanged', async () => {
    const [result] = await runSeeds(t.db.dataSource, { datasets: ['taibai-lake'], logger: createSilentLogger() });
    expect(result).toMatchObject({ dataset: 'taibai-lake', skipped: false, counts: { areas: 6, villages: 75, servicePoints: 6, roadEdges: 0, planningAreas: 1 } });
    const [again] = await runSeeds(t.db.dataSource, { datasets: ['taibai-lake'], logger: createSilentLogger() });
    expect(again!.skipped).toBe(true);
  });

  it('holds Rencheng with its boundary, the three townships and their 75 villages (91,700 residents, synthetic)', async () => {
    expect(await q(`SELECT code, name, level FROM area WHERE code >= '37' AND code < '37:' ORDER BY code`)).toEqual([
      { code: '37', name: '山东省', level: 'PROVINCE' },
      { code: '3708', name: '济宁市', level: 'CITY' },
      { code: '370811', name: '任城区', level: 'COUNTY' },
      { code: '370811002', name: '许庄街道', level: 'TOWNSHIP' },
      { code: '370811006', name: '南张街道', level: 'TOWNSHIP' },
      { code: '370811109', name: '石桥镇', level: 'TOWNSHIP' },
    ]);
    expect(await one(`SELECT boundary IS NOT NULL AND ST_IsValid(boundary) FROM area WHERE code = '370811'`)).toBe(true);
    expect(await one(`SELECT count(*)::int FROM village WHERE county_code = '370811' AND location_synthetic`)).toBe(75);
    expect(await one(`SELECT sum(population)::int FROM village WHERE county_code = '370811'`)).toBe(91700);
    expect(await one(`SELECT count(*)::int FROM village v JOIN area c ON c.code = v.county_code WHERE v.county_code = '370811' AND NOT ST_Intersects(c.boundary, v.location::geometry)`)).toBe(0);
  });

  it('has the hall, the stations of 2 township (street) service centres and of 3 designated hospitals', async () => {
    const points = await q<{ id: string; kind: string; area_code: string }>(
      `SELECT id, kind, area_code FROM service_point WHERE area_code >= '370811' AND area_code < '370811:' ORDER BY id`,
    );
    expect(points).toEqual([
      { id: 'CH-370811-TBH', kind: 'COUNTY_HALL', area_code: '370811' },
      { id: 'HS-370811-TBH-01', kind: 'HOSPITAL_STATION', area_code: '370811002' },
      { id: 'HS-370811-TBH-02', kind: 'HOSPITAL_STATION', area_code: '370811006' },
      { id: 'HS-370811-TBH-03', kind: 'HOSPITAL_STATION', area_code: '370811109' },
      { id: 'TS-370811002', kind: 'TOWNSHIP_STATION', area_code: '370811002' },
      { id: 'TS-370811006', kind: 'TOWNSHIP_STATION', area_code: '370811006' },
    ]);
    expect(await one(`SELECT name FROM service_point WHERE id = 'CH-370811-TBH'`)).toBe('太白湖新区医疗保障服务大厅');
  });

  it('creates the planning area TAIBAI_LAKE (the three townships), as GraphQL shows it', async () => {
    const { planningArea } = await ok<{ planningArea: { code: string; name: string; memberCodes: string[]; villageCount: number; population: number; authorName: string } }>(
      `{ planningArea(code: "TAIBAI_LAKE") { code name memberCodes villageCount population authorName } }`,
    );
    expect(planningArea).toEqual({ code: 'TAIBAI_LAKE', name: '太白湖新区', memberCodes: TOWNSHIPS, villageCount: 75, population: 91700, authorName: 'seed' });
  });

  it("answers coverage(areaCode: \"TAIBAI_LAKE\") over the district's 75 villages, as the README shows", async () => {
    const chronic = (await ok<{ coverage: CoverageAnswer }>(COVERAGE('TAIBAI_LAKE', 'CHRONIC_DISEASE_CERT'))).coverage;
    const any = (await ok<{ coverage: CoverageAnswer }>(COVERAGE('TAIBAI_LAKE', null))).coverage;
    expect(chronic.area).toEqual({ code: 'TAIBAI_LAKE', name: '太白湖新区', level: 'PLANNING' });
    expect([chronic.villageCount, chronic.population]).toEqual([75, 91700]);
    expect([any.villageCount, any.population]).toEqual([75, 91700]);
    expect(chronic.byTownship.map((b) => [b.township.code, b.villageCount])).toEqual([
      ['370811002', 17],
      ['370811006', 24],
      ['370811109', 34],
    ]);
    // the figures of the README's "Taibai Lake's circle"
    expect([chronic.coveredVillageCount, chronic.coveredPopulation]).toEqual([50, 77506]);
    expect(chronic.byTownship.map((b) => b.coveredVillageCount)).toEqual([17, 22, 11]);
    // every point of the district handles chronic-disease certification (the hospitals too): any item, the same
    expect([any.coveredVillageCount, any.coveredPopulation]).toEqual([50, 77506]);
    // prenatal check-up registration is not a hospital item: 石桥镇, with no township station, is left to the hall
    const prenatal = (await ok<{ coverage: CoverageAnswer }>(COVERAGE('TAIBAI_LAKE', 'PRENATAL_CHECKUP'))).coverage;
    expect([prenatal.coveredVillageCount, prenatal.coveredPopulation]).toEqual([40, 70128]);
    expect(prenatal.byTownship.map((b) => b.coveredVillageCount)).toEqual([17, 22, 1]);
    // Rencheng holds only these three of its 18 townships here: its coverage is the district's
    const county = (await ok<{ coverage: CoverageAnswer }>(COVERAGE('370811', 'CHRONIC_DISEASE_CERT'))).coverage;
    expect([county.villageCount, county.coveredVillageCount, county.coveredPopulation]).toEqual([75, chronic.coveredVillageCount, chronic.coveredPopulation]);
  });
});
