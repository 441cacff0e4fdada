import { runSeeds } from '../../../seeds';
import { createSilentLogger } from '../../../src/common/logger';
import type { Database } from '../../../src/db/data-source';
import { readSeedFile, type SeedDataset } from '../../../seeds/dataset';
import { openTestDatabase } from '../../helpers/test-db';

/** The figures of the source reports (seeds/DOMAIN.md) hold on the seeded database. */
describe('seed data against the report figures', () => {
  let db: Database;
  const one = async (sql: string, params: unknown[] = []) => Object.values((await db.dataSource.query(sql, params))[0])[0];
  const countsByKind = async (areaPrefix: string) =>
    Object.fromEntries(
      ((await db.dataSource.query(
        `SELECT kind, count(*)::int AS n FROM service_point WHERE area_code >= $1 AND area_code < $1 || ':' GROUP BY kind`,
        [areaPrefix],
      )) as { kind: string; n: number }[]).map((r) => [r.kind, r.n]),
    );

  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterAll(() => db.close());

  it('Kaiyang county: 18 townships, 136 villages, 1 hall + 18 stations + 136 village points + 27 hospital stations', async () => {
    expect(await one(`SELECT count(*)::int FROM area WHERE parent_code = '520121' AND level = 'TOWNSHIP'`)).toBe(18);
    expect(await one(`SELECT count(*)::int FROM village WHERE county_code = '520121'`)).toBe(136);
    expect(await countsByKind('520121')).toEqual({ COUNTY_HALL: 1, TOWNSHIP_STATION: 18, VILLAGE_POINT: 136, HOSPITAL_STATION: 27 });
  });

  it('Sanming city: 11 counties, 147 townships, 1,964 villages, 1,942 village points and a hall per county', async () => {
    expect(await one(`SELECT count(*)::int FROM area WHERE parent_code = '3504'`)).toBe(11);
    expect(await one(`SELECT count(*)::int FROM area WHERE level = 'TOWNSHIP' AND code >= '3504' AND code < '3504:'`)).toBe(147);
    expect(await one(`SELECT count(*)::int FROM village WHERE code >= '3504' AND code < '3504:'`)).toBe(1964);
    const kinds = await countsByKind('3504');
    expect(kinds).toMatchObject({ COUNTY_HALL: 11, TOWNSHIP_STATION: 147, VILLAGE_POINT: 1942 });
    expect(kinds.HOSPITAL_STATION).toBeGreaterThanOrEqual(22);
  });

  it('the 22 Sanming villages named in the seed file are exactly those without a village point', async () => {
    const { data } = readSeedFile<SeedDataset>('sanming.json');
    const rows: { code: string }[] = await db.dataSource.query(`
      SELECT v.code FROM village v
      WHERE v.code >= '3504' AND v.code < '3504:' AND NOT EXISTS (SELECT 1 FROM service_point sp WHERE sp.village_code = v.code)
      ORDER BY v.code`);
    expect(rows.map((r) => r.code)).toEqual([...(data.villagesWithoutPoint ?? [])].sort());
    expect(rows).toHaveLength(22);
  });

  it('every village and point lies inside its county boundary, and boundaries are valid', async () => {
    expect(await one(`SELECT count(*)::int FROM area WHERE boundary IS NOT NULL AND NOT ST_IsValid(boundary)`)).toBe(0);
    expect(await one(`SELECT count(*)::int FROM area WHERE level = 'COUNTY' AND boundary IS NULL`)).toBe(0);
    expect(
      await one(`SELECT count(*)::int FROM village v JOIN area c ON c.code = v.county_code WHERE NOT ST_Intersects(c.boundary, v.location::geometry)`),
    ).toBe(0);
  });

  it('a second run changes nothing (idempotent upserts by code)', async () => {
    const before = await one(`SELECT md5(string_agg(id || kind || status || ST_AsText(location), ',' ORDER BY id)) FROM service_point`);
    const results = await runSeeds(db.dataSource, { datasets: ['kaiyang'], logger: createSilentLogger(), force: true });
    expect(results[0]).toMatchObject({ dataset: 'kaiyang', skipped: false, counts: { villages: 136, servicePoints: 182 } });
    expect(await one(`SELECT md5(string_agg(id || kind || status || ST_AsText(location), ',' ORDER BY id)) FROM service_point`)).toBe(before);
    expect(await one(`SELECT count(*)::int FROM service_point_item WHERE service_point_id = 'TS-520121101'`)).toBe(19);
    const again = await runSeeds(db.dataSource, { datasets: ['kaiyang'], logger: createSilentLogger() });
    expect(again[0].skipped).toBe(true);
  });

  it('an unknown dataset is refused before anything is written', async () => {
    await expect(runSeeds(db.dataSource, { datasets: ['atlantis'], logger: createSilentLogger() })).rejects.toThrow(/Unknown seed dataset.*atlantis/);
  });
});
