import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * API keys (only a SHA-256 of the secret is stored; the secret is shown once) and the audit log of every write:
 * who (key id and name, request id), when, what (action, entity, key) and the field-by-field change.
 */
export class ApiKeysAndAudit1764300000000 implements MigrationInterface {
  name = 'ApiKeysAndAudit1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE api_key (
        id           uuid PRIMARY KEY,
        name         text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
        prefix       text NOT NULL,
        secret_hash  text NOT NULL UNIQUE CHECK (secret_hash ~ '^[0-9a-f]{64}$'),
        roles        text[] NOT NULL CHECK (roles <@ ARRAY['READER','PLANNER','EDITOR','ADMIN']::text[] AND cardinality(roles) >= 1),
        area_codes   text[] NOT NULL DEFAULT '{}',
        created_at   timestamptz NOT NULL DEFAULT now(),
        created_by   text NOT NULL,
        revoked_at   timestamptz,
        last_used_at timestamptz
      )`);
    await q.query(`
      CREATE TABLE audit_log (
        id           bigserial PRIMARY KEY,
        at           timestamptz NOT NULL DEFAULT now(),
        actor_key_id uuid REFERENCES api_key(id),
        actor_name   text NOT NULL,
        request_id   text,
        action       text NOT NULL,
        entity       text NOT NULL,
        entity_key   text NOT NULL,
        changes      jsonb NOT NULL DEFAULT '{}'::jsonb
      )`);
    await q.query(`CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_key, id)`);
    await q.query(`CREATE INDEX audit_log_at_idx ON audit_log (at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_log, api_key`);
  }
}
