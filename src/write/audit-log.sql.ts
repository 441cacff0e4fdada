/** The audit log: one row per changed entity, written in the same transaction as the change. */

export const INSERT_AUDIT_ENTRIES = `
  INSERT INTO audit_log (actor_key_id, actor_name, request_id, action, entity, entity_key, changes)
  SELECT $1::uuid, $2, $3, e.action, e.entity, e.entity_key, e.changes
  FROM jsonb_to_recordset($4::jsonb) AS e(action text, entity text, entity_key text, changes jsonb)`;

export const AUDIT_LOG_PAGE = `
  SELECT id, at, actor_key_id, actor_name, request_id, action, entity, entity_key, changes
  FROM audit_log
  WHERE ($1::text IS NULL OR entity = $1)
    AND ($2::text IS NULL OR entity_key = $2)
    AND ($3::bigint IS NULL OR id < $3)
  ORDER BY id DESC
  LIMIT $4`;
