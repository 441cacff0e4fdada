import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Planners' own areas (issue 16): a code of letters (never an official code, which is digits), a name, and either
 * members (townships of 9 digits, villages of 12) or a polygon. Every coverage question that takes an areaCode takes
 * one. Part of the data coverage is computed from: a write logs a change (the data version moves and engines take
 * the new definitions from the change feed). Saved scenarios may be of a planning area, so their area_code no longer
 * references `area` alone (the service checks it against both).
 */
export class PlanningAreas1764700000000 implements MigrationInterface {
  name = 'PlanningAreas1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE planning_area (
        code           text COLLATE "C" PRIMARY KEY CHECK (code ~ '^[A-Z][A-Z0-9_-]{1,39}$'),
        name           text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
        member_codes   text[] COLLATE "C" NOT NULL DEFAULT '{}',
        boundary       geometry(MultiPolygon, 4326) CHECK (boundary IS NULL OR ST_IsValid(boundary)),
        description    text CHECK (description IS NULL OR length(description) <= 2000),
        author_key_id  uuid REFERENCES api_key(id) ON DELETE SET NULL,
        author_name    text NOT NULL,
        created_at     timestamptz NOT NULL DEFAULT now(),
        updated_at     timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT planning_area_members_or_polygon CHECK ((boundary IS NULL) <> (cardinality(member_codes) = 0))
      )`);
    await q.query(`CREATE INDEX planning_area_boundary_gist ON planning_area USING GIST (boundary)`);
    await q.query(`CREATE TRIGGER planning_area_logs_insert AFTER INSERT ON planning_area REFERENCING NEW TABLE AS new_rows
                   FOR EACH STATEMENT EXECUTE FUNCTION sc_log_change('code')`);
    await q.query(`CREATE TRIGGER planning_area_logs_update AFTER UPDATE ON planning_area REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
                   FOR EACH STATEMENT EXECUTE FUNCTION sc_log_change('code')`);
    await q.query(`CREATE TRIGGER planning_area_logs_delete AFTER DELETE ON planning_area REFERENCING OLD TABLE AS old_rows
                   FOR EACH STATEMENT EXECUTE FUNCTION sc_log_change('code')`);
    await q.query(`CREATE TRIGGER planning_area_logs_truncate AFTER TRUNCATE ON planning_area FOR EACH STATEMENT EXECUTE FUNCTION sc_log_change('code')`);
    await q.query(`ALTER TABLE scenario DROP CONSTRAINT scenario_area_code_fkey`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE scenario ADD CONSTRAINT scenario_area_code_fkey FOREIGN KEY (area_code) REFERENCES area(code)`);
    await q.query(`DROP TABLE planning_area`);
  }
}
