import type { Database } from '../../../src/db/data-source';
import { VillageRepository } from '../../../src/village/village.repository';
import { openTestDatabase } from '../../helpers/test-db';

/** The schema keeps bad rows out even when the API's validation is bypassed. Each attempt runs in a rolled-back transaction. */
describe('database constraints', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterAll(() => db.close());

  const rejects = async (sql: string) => {
    const runner = db.dataSource.createQueryRunner();
    await runner.startTransaction();
    try {
      await expect(runner.query(sql)).rejects.toThrow();
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  };
  const village = (code: string, township: string, lon: number, lat: number, population: number) =>
    `INSERT INTO village (code, name, township_code, county_code, location, population)
     VALUES ('${code}', 'Test', '${township}', '520121', ST_SetSRID(ST_MakePoint(${lon}, ${lat}), 4326)::geography, ${population})`;

  it('accepts a well-formed village (the control case)', async () => {
    const runner = db.dataSource.createQueryRunner();
    await runner.startTransaction();
    try {
      await runner.query(village('520121101999', '520121101', 107.0, 27.0, 10));
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  });
  it('rejects a negative population', () => rejects(village('520121101999', '520121101', 107.0, 27.0, -1)));
  it('rejects a malformed village code', () => rejects(village('52012110199', '520121101', 107.0, 27.0, 10)));
  it('rejects a village outside its township code', () => rejects(village('520121102999', '520121101', 107.0, 27.0, 10)));
  it('rejects an unknown township', () => rejects(village('520121199999', '520121199', 107.0, 27.0, 10)));
  it.each([
    [107.0, 91.0],
    [181.0, 27.0],
    [Number.NaN, 27.0],
  ])('the write path refuses coordinates (%p, %p) that geography would silently wrap', async (lon, lat) => {
    const repo = new VillageRepository(db.dataSource);
    const bad = { code: '520121101999', name: 'Test', townshipCode: '520121101', countyCode: '520121', longitude: lon, latitude: lat, population: 1, locationSynthetic: true };
    await expect(db.dataSource.transaction((m) => repo.upsertMany(m, [bad]))).rejects.toThrow(/coordinates out of range/);
    expect(await db.dataSource.query(`SELECT 1 FROM village WHERE code = '520121101999'`)).toEqual([]);
  });
  it('rejects an invalid (self-intersecting) boundary', () =>
    rejects(`INSERT INTO area (code, name, level, parent_code, boundary) VALUES ('520199', 'Bowtie', 'COUNTY', '5201',
      ST_Multi(ST_GeomFromText('POLYGON((0 0, 1 1, 1 0, 0 1, 0 0))', 4326)))`));
  it('rejects an unknown service-point kind and an unknown item', async () => {
    await rejects(`INSERT INTO service_point (id, name, kind, location, area_code) VALUES ('XX-1', 'x', 'KIOSK', ST_MakePoint(107, 27)::geography, '520121')`);
    await rejects(`INSERT INTO service_point_item VALUES ('CH-520121', 'NO_SUCH_ITEM')`);
  });

  it.each([
    ['service_point', `SELECT id FROM service_point WHERE ST_DWithin(location, ST_MakePoint(107, 27)::geography, 5000)`],
    ['village', `SELECT code FROM village WHERE ST_DWithin(location, ST_MakePoint(107, 27)::geography, 5000)`],
  ])('ST_DWithin on %s can use its GiST index', async (table, sql) => {
    const runner = db.dataSource.createQueryRunner();
    await runner.startTransaction();
    try {
      // The seed slices are small enough that a sequential scan may be cheaper; forbid it to prove the index serves.
      await runner.query('SET LOCAL enable_seqscan = off');
      const plan: { 'QUERY PLAN': string }[] = await runner.query(`EXPLAIN ${sql}`);
      expect(plan.map((r) => r['QUERY PLAN']).join('\n')).toMatch(new RegExp(`${table}_location_gist`));
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  });
});
