const COLUMNS = `id, name, area_code, changes, basis, summary, data_version, author_key_id, author_name, created_at`;

export const INSERT_SCENARIO = `
  INSERT INTO scenario (id, name, area_code, changes, basis, summary, data_version, author_key_id, author_name)
  VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6::jsonb, $7, $8, $9)
  RETURNING ${COLUMNS}`;

export const SCENARIOS_BY_IDS = `SELECT ${COLUMNS} FROM scenario WHERE id = ANY($1::uuid[])`;

/** The area's scenarios and those of the areas below it (codes are hierarchical: a prefix is an ancestor), newest first. */
export const SCENARIOS_IN_AREA = `
  SELECT ${COLUMNS} FROM scenario
   WHERE area_code >= $1 AND area_code < $1 || ':'
   ORDER BY created_at DESC, id
   LIMIT $2`;

export const DELETE_SCENARIO = `DELETE FROM scenario WHERE id = $1 RETURNING ${COLUMNS}`;
