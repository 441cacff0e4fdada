/* Handling rules: an area's settings for the ways an item is handled (migration WaysOfHandling). */

const COLUMNS = /* sql */ `area_code, item_code, assisted_turnaround_working_days, online_channels, note, author_name, updated_at`;

/** Rules, by item then code; $1 a code (NULL: any) whose own and ancestors' rules are wanted, $2 an item (NULL: any). */
export const HANDLING_RULES = /* sql */ `
  SELECT ${COLUMNS} FROM handling_rule
  WHERE ($1::text IS NULL OR starts_with($1::text, area_code))
    AND ($2::text IS NULL OR item_code = $2::text)
  ORDER BY item_code, area_code`;

/** The rule of ($1, $2), locked for the writing transaction. */
export const HANDLING_RULE_FOR_UPDATE = /* sql */ `
  SELECT ${COLUMNS} FROM handling_rule WHERE area_code = $1 AND item_code = $2 FOR UPDATE`;

/** Creates or replaces the rule of ($1, $2). */
export const UPSERT_HANDLING_RULE = /* sql */ `
  INSERT INTO handling_rule AS r (area_code, item_code, assisted_turnaround_working_days, online_channels, note, author_key_id, author_name)
  VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7)
  ON CONFLICT (area_code, item_code) DO UPDATE SET
    assisted_turnaround_working_days = EXCLUDED.assisted_turnaround_working_days, online_channels = EXCLUDED.online_channels,
    note = EXCLUDED.note, author_key_id = EXCLUDED.author_key_id, author_name = EXCLUDED.author_name, updated_at = now()
  RETURNING ${COLUMNS}`;

export const DELETE_HANDLING_RULE = /* sql */ `
  DELETE FROM handling_rule WHERE area_code = $1 AND item_code = $2 RETURNING area_code`;

/** Whether official area $1 exists. */
export const AREA_EXISTS = /* sql */ `SELECT 1 FROM area WHERE code = $1`;

/** Whether item $1 exists. */
export const ITEM_EXISTS = /* sql */ `SELECT 1 FROM service_item WHERE code = $1`;
