/** API keys. Secrets never reach the database: only their SHA-256 (hex). */

export const INSERT_API_KEY = `
  INSERT INTO api_key (id, name, prefix, secret_hash, roles, area_codes, created_by)
  VALUES ($1, $2, $3, $4, $5::text[], $6::text[], $7)
  RETURNING id, name, prefix, roles, area_codes, created_at, created_by, revoked_at, last_used_at`;

export const API_KEY_BY_HASH = `
  SELECT id, name, prefix, roles, area_codes, created_at, created_by, revoked_at, last_used_at
  FROM api_key WHERE secret_hash = $1`;

export const API_KEYS_LIST = `
  SELECT id, name, prefix, roles, area_codes, created_at, created_by, revoked_at, last_used_at
  FROM api_key
  WHERE ($1::boolean OR revoked_at IS NULL)
  ORDER BY created_at, id`;

export const REVOKE_API_KEY = `
  UPDATE api_key SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1
  RETURNING id, name, prefix, roles, area_codes, created_at, created_by, revoked_at, last_used_at`;

/** At most once a minute per key, so a busy key does not write on every request. */
export const TOUCH_API_KEY = `
  UPDATE api_key SET last_used_at = now()
  WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`;

