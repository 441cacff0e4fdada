/*
 * Statements of planners' own areas (planning_area). A member is a township (9 digits) or a village (12); a polygon
 * area holds the villages whose location lies in it (on its edge included, as ST_Intersects and turf's
 * booleanPointInPolygon agree).
 */

const COLUMNS = /* sql */ `p.code, p.name, p.description, p.member_codes,
  CASE WHEN p.boundary IS NULL THEN NULL ELSE ST_AsGeoJSON(ST_ForcePolygonCCW(p.boundary), 7)::json END AS boundary,
  p.author_key_id, p.author_name, p.created_at, p.updated_at`;

export const PLANNING_AREAS_ALL = /* sql */ `SELECT ${COLUMNS} FROM planning_area p ORDER BY p.code LIMIT $1::int`;

export const PLANNING_AREAS_BY_CODES = /* sql */ `SELECT ${COLUMNS} FROM planning_area p WHERE p.code = ANY($1::text[]) ORDER BY p.code`;

/** $1 code, $2 name, $3 description, $4 member codes, $5 polygon (GeoJSON text, WGS-84) or NULL, $6 author key, $7 author name. */
export const INSERT_PLANNING_AREA = /* sql */ `
  INSERT INTO planning_area (code, name, description, member_codes, boundary, author_key_id, author_name)
  VALUES ($1, $2, $3, $4::text[], CASE WHEN $5::text IS NULL THEN NULL ELSE ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($5::text), 4326)) END, $6, $7)
  RETURNING ${COLUMNS.replace(/p\./g, '')}`;

/** $1 code, then as INSERT ($2 name … $5 polygon). */
export const UPDATE_PLANNING_AREA = /* sql */ `
  UPDATE planning_area SET name = $2, description = $3, member_codes = $4::text[],
    boundary = CASE WHEN $5::text IS NULL THEN NULL ELSE ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($5::text), 4326)) END,
    updated_at = now()
  WHERE code = $1
  RETURNING ${COLUMNS.replace(/p\./g, '')}`;

export const DELETE_PLANNING_AREA = /* sql */ `DELETE FROM planning_area WHERE code = $1 RETURNING code, name`;

/** Saved scenarios made for the area: it cannot go while they name it. */
export const SCENARIOS_OF_AREA = /* sql */ `SELECT count(*)::int AS n FROM scenario WHERE area_code = $1`;

/** Why a polygon (GeoJSON text) is not valid for PostGIS, or NULL; with its geodesic area in km². */
export const CHECK_POLYGON = /* sql */ `
  SELECT CASE WHEN ST_IsValid(g) THEN NULL ELSE ST_IsValidReason(g) END AS reason,
         ST_Area(g::geography) / 1e6 AS area_km2
  FROM (SELECT ST_SetSRID(ST_GeomFromGeoJSON($1::text), 4326) AS g) x`;

/** Which of the codes $1 are townships (area rows of level TOWNSHIP) or villages. */
export const KNOWN_MEMBERS = /* sql */ `
  SELECT code FROM area WHERE code = ANY($1::text[]) AND level = 'TOWNSHIP'
  UNION ALL
  SELECT code FROM village WHERE code = ANY($1::text[])`;

/** Village count and population of planning areas $1 (their members' villages, or those in their polygon). */
export const PLANNING_AREA_VILLAGE_STATS = /* sql */ `
  SELECT p.code, count(v.code)::int AS village_count, coalesce(sum(v.population), 0)::bigint AS population
  FROM planning_area p
  LEFT JOIN village v ON (
    (p.boundary IS NULL AND EXISTS (SELECT 1 FROM unnest(p.member_codes) m WHERE v.code >= m AND v.code < m || ':'))
    OR (p.boundary IS NOT NULL AND p.boundary && v.location::geometry AND ST_Intersects(p.boundary, v.location::geometry)))
  WHERE p.code = ANY($1::text[])
  GROUP BY p.code`;
