import { runSeeds } from '../../../seeds';
import { createSilentLogger } from '../../../src/common/logger';
import type { Database } from '../../../src/db/data-source';
import { openTestDatabase } from '../../helpers/test-db';

/**
 * Taiyuan (seeds/data/taiyuan.json, report 004) loads by name like the other seed datasets (the test run's global
 * setup loads only Kaiyang and Sanming, so this file loads it itself and removes it afterwards), and the database then
 * holds the report's network: 10 county-level units and the development zone, 108 townships, 1,401 villages, a hall,
 * station and village point at each level, the high-frequency items at the township stations and village points.
 */
describe('seed dataset taiyuan', () => {
  let db: Database;
  const q = <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => db.dataSource.query(sql, params) as Promise<T[]>;
  const one = async (sql: string, params: unknown[] = []) => Object.values((await q(sql, params))[0]!)[0];
  const IN = `>= '1401' AND %s < '1401:'`;
  const inTaiyuan = (col: string) => `${col} ${IN.replace('%s', col)}`;

  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterAll(async () => {
    await q(`DELETE FROM handling_rule WHERE ${inTaiyuan('area_code')}`);
    await q(`DELETE FROM service_point WHERE ${inTaiyuan('area_code')}`);
    await q(`DELETE FROM village WHERE ${inTaiyuan('code')}`);
    for (const level of ['TOWNSHIP', 'COUNTY', 'CITY', 'PROVINCE']) await q(`DELETE FROM area WHERE code >= '14' AND code < '14:' AND level = $1`, [level]);
    await q(`DELETE FROM seed_state WHERE dataset = 'taiyuan'`);
    await db.close();
  });

  it('loads by name in one transaction, and is skipped when unchanged', async () => {
    const [result] = await runSeeds(db.dataSource, { datasets: ['taiyuan'], logger: createSilentLogger() });
    expect(result).toMatchObject({ dataset: 'taiyuan', skipped: false, counts: { areas: 121, villages: 1401, servicePoints: 1518, roadEdges: 0 } });
    const [again] = await runSeeds(db.dataSource, { datasets: ['taiyuan'], logger: createSilentLogger() });
    expect(again!.skipped).toBe(true);
  });

  it('holds the six urban districts, three counties, one county-level city (and the zone), 108 townships and 1,401 villages', async () => {
    const counties = await q<{ name: string }>(`SELECT name FROM area WHERE parent_code = '1401' ORDER BY code`);
    expect(counties.map((c) => c.name)).toEqual(['小店区', '迎泽区', '杏花岭区', '尖草坪区', '万柏林区', '晋源区', '清徐县', '阳曲县', '娄烦县', '山西转型综合改革示范区', '古交市']);
    expect(await one(`SELECT count(*)::int FROM area WHERE level = 'TOWNSHIP' AND ${inTaiyuan('code')}`)).toBe(108);
    expect(await one(`SELECT count(*)::int FROM village WHERE ${inTaiyuan('code')} AND location_synthetic`)).toBe(1401);
    expect(await one(`SELECT count(*)::int FROM area WHERE ${inTaiyuan('code')} AND boundary IS NOT NULL AND NOT ST_IsValid(boundary)`)).toBe(0);
    expect(await one(`SELECT count(*)::int FROM village v JOIN area c ON c.code = v.county_code WHERE ${inTaiyuan('v.code')} AND NOT ST_Intersects(c.boundary, v.location::geometry)`)).toBe(0);
    // the city's outline, from its counties
    expect(await one(`SELECT boundary IS NOT NULL FROM area WHERE code = '1401'`)).toBe(true);
  });

  it('has the county, township and village network of the report', async () => {
    const kinds = await q<{ kind: string; n: number }>(`SELECT kind, count(*)::int AS n FROM service_point WHERE ${inTaiyuan('area_code')} GROUP BY kind ORDER BY kind`);
    expect(Object.fromEntries(kinds.map((k) => [k.kind, k.n]))).toEqual({ COUNTY_HALL: 11, TOWNSHIP_STATION: 108, VILLAGE_POINT: 1399 });
    const itemsPerPoint = async (kind: string) =>
      q<{ items: string; n: number }>(
        `SELECT items, count(*)::int AS n FROM (
           SELECT sp.id, string_agg(i.item_code, ',' ORDER BY i.item_code) AS items
           FROM service_point sp JOIN service_point_item i ON i.service_point_id = sp.id
           WHERE sp.kind = $1 AND ${inTaiyuan('sp.area_code')} GROUP BY sp.id) x GROUP BY items`,
        [kind],
      );
    const village = ['COVERAGE_RECORD', 'EVOUCHER_ACTIVATION', 'RESIDENT_CONTRIBUTION', 'RESIDENT_ENROLMENT', 'RESIDENT_INFO_CHANGE'];
    const delegated = ['CHRONIC_DISEASE_CERT', 'FAMILY_ACCOUNT_SHARING', 'OFFSITE_TREATMENT_FILING', 'TWO_DISEASES_ENROLMENT'];
    expect(await itemsPerPoint('TOWNSHIP_STATION')).toEqual([{ items: [...village, ...delegated].sort().join(','), n: 108 }]);
    expect(await itemsPerPoint('VILLAGE_POINT')).toEqual([{ items: village.join(','), n: 1399 }]);
    expect(await itemsPerPoint('COUNTY_HALL')).toEqual([{ items: expect.any(String), n: 11 }]);
    expect(((await itemsPerPoint('COUNTY_HALL'))[0]!.items.split(',')).length).toBe(24);
    // the township items not delegated in Taiyuan are at the halls only
    expect(await one(`SELECT count(*)::int FROM service_point sp JOIN service_point_item i ON i.service_point_id = sp.id WHERE i.item_code = 'PRENATAL_CHECKUP' AND ${inTaiyuan('sp.area_code')}`)).toBe(11);
  });
});
