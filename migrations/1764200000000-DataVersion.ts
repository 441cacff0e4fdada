import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One counter that every change to coverage inputs (villages, service points, their items, areas) bumps,
 * by statement-level triggers, so caches and the in-memory coverage index can tell they are stale with one
 * cheap read, whoever wrote (API, seeds, psql).
 */
export class DataVersion1764200000000 implements MigrationInterface {
  name = 'DataVersion1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE data_version (
        id         boolean PRIMARY KEY DEFAULT true CHECK (id),
        version    bigint NOT NULL,
        changed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`INSERT INTO data_version (version) VALUES (1)`);
    await q.query(`
      CREATE FUNCTION sc_bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE data_version SET version = version + 1, changed_at = now();
        RETURN NULL;
      END $$`);
    for (const table of ['area', 'village', 'service_point', 'service_point_item', 'service_item']) {
      await q.query(`
        CREATE TRIGGER ${table}_bumps_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${table}
        FOR EACH STATEMENT EXECUTE FUNCTION sc_bump_data_version()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['area', 'village', 'service_point', 'service_point_item', 'service_item']) {
      await q.query(`DROP TRIGGER ${table}_bumps_data_version ON ${table}`);
    }
    await q.query(`DROP FUNCTION sc_bump_data_version()`);
    await q.query(`DROP TABLE data_version`);
  }
}
