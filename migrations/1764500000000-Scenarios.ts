import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Saved what-if scenarios (planners'): the changes as sent, the state of every existing point they name when
 * they were saved (to tell later what has changed since), the data version then, and who saved them. Not part
 * of the data the coverage is computed from: writing here bumps no data version.
 */
export class Scenarios1764500000000 implements MigrationInterface {
  name = 'Scenarios1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE scenario (
        id             uuid PRIMARY KEY,
        name           text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
        area_code      text COLLATE "C" NOT NULL REFERENCES area(code),
        changes        jsonb NOT NULL CHECK (jsonb_typeof(changes) = 'object'),
        basis          jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(basis) = 'array'),
        summary        jsonb NOT NULL CHECK (jsonb_typeof(summary) = 'object'),
        data_version   text NOT NULL,
        author_key_id  uuid REFERENCES api_key(id),
        author_name    text NOT NULL,
        created_at     timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX scenario_area_idx ON scenario (area_code, created_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE scenario`);
  }
}
