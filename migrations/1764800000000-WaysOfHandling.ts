import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Tables whose changes the coverage engine follows, with the column that names the change (see ChangeLog). */
const LOGGED: readonly [table: string, key: string][] = [
  ['service_point_assisted_item', 'service_point_id'],
  ['handling_rule', 'item_code'],
];

/**
 * Ways of handling an item (issue 16). `service_point_item` stays what it was, the items a point handles in person;
 * `service_point_assisted_item` lists the items a point accepts on a resident's behalf (帮办代办: it takes the
 * application and forwards it to the level that decides). `handling_rule` is configured per area and item: the
 * usual turnaround of assisted handling in working days, and the item's online channels (app, mini-program,
 * telephone, website). A village follows the rule of the longest area code that prefixes its own ('' is the whole
 * country); a NULL field is inherited from the next shorter code, so a county can override one field of its city.
 * Both tables are data coverage is computed from: a write logs a change and moves the data version.
 */
export class WaysOfHandling1764800000000 implements MigrationInterface {
  name = 'WaysOfHandling1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE service_point_assisted_item (
        service_point_id text COLLATE "C" NOT NULL REFERENCES service_point(id) ON DELETE CASCADE,
        item_code        text COLLATE "C" NOT NULL REFERENCES service_item(code),
        PRIMARY KEY (service_point_id, item_code)
      )`);
    await q.query(`CREATE INDEX service_point_assisted_item_item_idx ON service_point_assisted_item (item_code)`);
    await q.query(`
      CREATE TABLE handling_rule (
        area_code      text COLLATE "C" NOT NULL CHECK (area_code ~ '^([0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{9})?$'),
        item_code      text COLLATE "C" NOT NULL REFERENCES service_item(code),
        assisted_turnaround_working_days integer CHECK (assisted_turnaround_working_days BETWEEN 1 AND 60),
        online_channels jsonb CHECK (online_channels IS NULL OR jsonb_typeof(online_channels) = 'array'),
        note           text CHECK (note IS NULL OR length(note) <= 2000),
        author_key_id  uuid REFERENCES api_key(id) ON DELETE SET NULL,
        author_name    text NOT NULL,
        updated_at     timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (area_code, item_code)
      )`);
    for (const [table, key] of LOGGED) {
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
    await q.query(`DROP TABLE handling_rule, service_point_assisted_item`);
  }
}
