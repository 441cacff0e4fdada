/*
 * Statements of the OGC API Features collections: which features match a request's filters and bounding box, a page
 * of their ids in id order (keyset: after the last id seen), how many match, and each collection's extent. The
 * features themselves are read by the domain's own statements (through the request's loaders), as GraphQL reads them.
 * Named, parameterised, never built from input; they run on PostgreSQL + PostGIS and on the embedded PGlite alike.
 *
 * A bounding box is four WGS-84 degrees: min lon, min lat, max lon, max lat (NULLs: none). Point columns are geography:
 * `location && <box grown by a margin>::geography` lets the GiST index pick candidates (a geography box has great-circle
 * edges, which bulge away from the lon/lat rectangle), then ST_Intersects on the geometry cast keeps exactly the
 * points inside the rectangle (its edges included).
 */

/** $1..$4 the box (or NULLs), $5 the candidate margin in degrees; `col` the geography column. */
const IN_BOX = (col: string) => /* sql */ `
  ($1::float8 IS NULL OR (
    ${col} && ST_Expand(ST_MakeEnvelope($1::float8, $2::float8, $3::float8, $4::float8, 4326), $5::float8)::geography
    AND ST_Intersects(${col}::geometry, ST_MakeEnvelope($1::float8, $2::float8, $3::float8, $4::float8, 4326))))`;

/** $n area code (the area and everything below it: codes are hierarchical, so a byte range) or NULL. */
const IN_AREA = (col: string, n: number) => /* sql */ `($${n}::text IS NULL OR (${col} >= $${n}::text AND ${col} < $${n}::text || ':'))`;

/** Villages: box $1..$5, area $6, county $7, township $8, exact name $9. */
const VILLAGE_FILTER = /* sql */ `
  ${IN_BOX('v.location')}
  AND ${IN_AREA('v.code', 6)}
  AND ($7::text IS NULL OR v.county_code = $7::text)
  AND ($8::text IS NULL OR v.township_code = $8::text)
  AND ($9::text IS NULL OR v.name = $9::text)`;

/** $10 after-code (exclusive) or NULL, $11 limit. */
export const VILLAGE_CODES_PAGE = /* sql */ `
  SELECT v.code FROM village v
  WHERE ${VILLAGE_FILTER} AND ($10::text IS NULL OR v.code > $10::text)
  ORDER BY v.code
  LIMIT $11`;

export const VILLAGES_MATCHED = /* sql */ `SELECT count(*)::int AS count FROM village v WHERE ${VILLAGE_FILTER}`;

/** Codes of the villages in the box $1..$5 and area $6 (the coverage gaps' bbox). */
export const VILLAGE_CODES_IN_BOX = /* sql */ `SELECT v.code FROM village v WHERE ${IN_BOX('v.location')} AND ${IN_AREA('v.code', 6)}`;

/** Service points: box $1..$5, area $6, kinds $7, statuses $8, item offered $9, village $10. */
const SERVICE_POINT_FILTER = /* sql */ `
  ${IN_BOX('sp.location')}
  AND ${IN_AREA('sp.area_code', 6)}
  AND ($7::text[] IS NULL OR sp.kind = ANY($7::text[]))
  AND ($8::text[] IS NULL OR sp.status = ANY($8::text[]))
  AND ($9::text IS NULL OR EXISTS (
        SELECT 1 FROM service_point_item spi WHERE spi.service_point_id = sp.id AND spi.item_code = $9::text))
  AND ($10::text IS NULL OR sp.village_code = $10::text)`;

/** $11 after-id (exclusive) or NULL, $12 limit. */
export const SERVICE_POINT_IDS_PAGE = /* sql */ `
  SELECT sp.id FROM service_point sp
  WHERE ${SERVICE_POINT_FILTER} AND ($11::text IS NULL OR sp.id > $11::text)
  ORDER BY sp.id
  LIMIT $12`;

export const SERVICE_POINTS_MATCHED = /* sql */ `SELECT count(*)::int AS count FROM service_point sp WHERE ${SERVICE_POINT_FILTER}`;

/**
 * Areas: box $1..$4 against the boundary (geometry, with its own GiST index; areas without one, the townships, never
 * meet a box), area $5, level $6, parent $7.
 */
const AREA_FILTER = /* sql */ `
  ($1::float8 IS NULL OR (
    a.boundary && ST_MakeEnvelope($1::float8, $2::float8, $3::float8, $4::float8, 4326)
    AND ST_Intersects(a.boundary, ST_MakeEnvelope($1::float8, $2::float8, $3::float8, $4::float8, 4326))))
  AND ${IN_AREA('a.code', 5)}
  AND ($6::text IS NULL OR a.level = $6::text)
  AND ($7::text IS NULL OR a.parent_code = $7::text)`;

/** $8 after-code (exclusive) or NULL, $9 limit. */
export const AREA_CODES_PAGE = /* sql */ `
  SELECT a.code FROM area a
  WHERE ${AREA_FILTER} AND ($8::text IS NULL OR a.code > $8::text)
  ORDER BY a.code
  LIMIT $9`;

export const AREAS_MATCHED = /* sql */ `SELECT count(*)::int AS count FROM area a WHERE ${AREA_FILTER}`;

const EXTENT_COLUMNS = /* sql */ `ST_XMin(e) AS min_lon, ST_YMin(e) AS min_lat, ST_XMax(e) AS max_lon, ST_YMax(e) AS max_lat`;

/** Bounds of all villages; NULLs when there are none. */
export const VILLAGES_EXTENT = /* sql */ `
  SELECT ${EXTENT_COLUMNS} FROM (SELECT ST_Extent(v.location::geometry)::geometry AS e FROM village v) x`;

/** Bounds of all service points. */
export const SERVICE_POINTS_EXTENT = /* sql */ `
  SELECT ${EXTENT_COLUMNS} FROM (SELECT ST_Extent(sp.location::geometry)::geometry AS e FROM service_point sp) x`;

/** Bounds of all area boundaries. */
export const AREAS_EXTENT = /* sql */ `
  SELECT ${EXTENT_COLUMNS} FROM (SELECT ST_Extent(a.boundary)::geometry AS e FROM area a WHERE a.boundary IS NOT NULL) x`;
