import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Each table whose changes the coverage engine follows, with the column that names a changed row. */
const TABLES: readonly [table: string, key: string][] = [
  ['area', 'code'],
  ['village', 'code'],
  ['service_point', 'id'],
  ['service_point_item', 'service_point_id'],
  ['service_item', 'code'],
];

/**
 * The change feed. Every statement that changes a data table bumps the data version (as before) and records which
 * rows it changed in `change_log`, under that version, in the writing transaction; then it notifies channel
 * `sc_data_changes` with the version. A process follows the feed by reading the log after the version it holds
 * (in version order, with no gaps: a gap means entries it cannot see, and it reloads), so a lost notification or a
 * lost connection costs nothing but a read. `keys` is NULL when a statement changed more than 10,000 rows (or
 * truncated the table): then everything of that table may have changed. Entries older than 100,000 versions are
 * pruned.
 */
export class ChangeLog1764400000000 implements MigrationInterface {
  name = 'ChangeLog1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE change_log (
        version    bigint PRIMARY KEY,
        changed_at timestamptz NOT NULL DEFAULT now(),
        entity     text NOT NULL,
        op         text NOT NULL CHECK (op IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE')),
        keys       text[]
      )`);
    await q.query(`
      CREATE FUNCTION sc_log_change() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        key_column text := TG_ARGV[0];
        changed text[];
        rows_changed bigint;
        new_version bigint;
      BEGIN
        IF TG_OP = 'TRUNCATE' THEN
          changed := NULL;
        ELSE
          IF TG_OP = 'INSERT' THEN
            EXECUTE format('SELECT count(*), array_agg(DISTINCT %I::text) FROM new_rows', key_column) INTO rows_changed, changed;
          ELSIF TG_OP = 'DELETE' THEN
            EXECUTE format('SELECT count(*), array_agg(DISTINCT %I::text) FROM old_rows', key_column) INTO rows_changed, changed;
          ELSE
            EXECUTE format('SELECT count(*), array_agg(DISTINCT k) FROM (SELECT %I::text AS k FROM new_rows UNION ALL SELECT %I::text FROM old_rows) t',
                           key_column, key_column) INTO rows_changed, changed;
          END IF;
          IF rows_changed = 0 THEN
            RETURN NULL; -- nothing changed: no new version
          END IF;
          IF cardinality(changed) > 10000 THEN
            changed := NULL;
          END IF;
        END IF;
        UPDATE data_version SET version = version + 1, changed_at = now() RETURNING version INTO new_version;
        INSERT INTO change_log (version, entity, op, keys) VALUES (new_version, TG_TABLE_NAME, TG_OP, changed);
        IF new_version % 1000 = 0 THEN
          DELETE FROM change_log WHERE version < new_version - 100000;
        END IF;
        PERFORM pg_notify('sc_data_changes', new_version::text);
        RETURN NULL;
      END $$`);
    for (const [table, key] of TABLES) {
      await q.query(`DROP TRIGGER ${table}_bumps_data_version ON ${table}`);
      await q.query(`CREATE TRIGGER ${table}_logs_insert AFTER INSERT ON ${table} REFERENCING NEW TABLE AS new_rows
                     FOR EACH STATEMENT EXECUTE FUNCTION sc_log_change('${key}')`);
      await q.query(`CREATE TRIGGER ${table}_logs_update AFTER UPDATE ON ${table} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
                     FOR EACH STATEMENT EXECUTE FUNCTION sc_log_change('${key}')`);
      await q.query(`CREATE TRIGGER ${table}_logs_delete AFTER DELETE ON ${table} REFERENCING OLD TABLE AS old_rows
                     FOR EACH STATEMENT EXECUTE FUNCTION sc_log_change('${key}')`);
      await q.query(`CREATE TRIGGER ${table}_logs_truncate AFTER TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION sc_log_change('${key}')`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const [table] of TABLES) {
      for (const op of ['insert', 'update', 'delete', 'truncate']) await q.query(`DROP TRIGGER ${table}_logs_${op} ON ${table}`);
      await q.query(`
        CREATE TRIGGER ${table}_bumps_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${table}
        FOR EACH STATEMENT EXECUTE FUNCTION sc_bump_data_version()`);
    }
    await q.query(`DROP FUNCTION sc_log_change()`);
    await q.query(`DROP TABLE change_log`);
  }
}
