/* PostGIS statements of the service-point directory: named, parameterised, never built from input. */

const COLUMNS = /* sql */ `
  sp.id, sp.name, sp.kind, sp.status, ST_AsGeoJSON(sp.location, 7)::json AS location,
  sp.area_code, sp.village_code, sp.address, sp.phone, sp.opening_hours, sp.location_synthetic`;

/**
 * Filter shared by page and count statements.
 * $1 area code (the area and everything below it: codes are hierarchical, so a byte range), $2 kinds,
 * $3 statuses, $4 item code; NULL means "any".
 */
const FILTER = /* sql */ `
  ($1::text IS NULL OR (sp.area_code >= $1::text AND sp.area_code < $1::text || ':'))
  AND ($2::text[] IS NULL OR sp.kind = ANY($2::text[]))
  AND ($3::text[] IS NULL OR sp.status = ANY($3::text[]))
  AND ($4::text IS NULL OR EXISTS (
        SELECT 1 FROM service_point_item spi WHERE spi.service_point_id = sp.id AND spi.item_code = $4::text))`;

/** Page ordered by id. $5 after-id (exclusive), $6 limit. */
export const SERVICE_POINTS_PAGE = /* sql */ `
  SELECT ${COLUMNS}, NULL::float8 AS distance_meters
  FROM service_point sp
  WHERE ${FILTER}
    AND ($5::text IS NULL OR sp.id > $5::text)
  ORDER BY sp.id
  LIMIT $6`;

export const SERVICE_POINTS_COUNT = /* sql */ `
  SELECT count(*)::int AS count FROM service_point sp WHERE ${FILTER}`;

/**
 * Page ordered by geodesic (spheroid) distance from ($5 lon, $6 lat) within $7 metres, ties by id.
 * $8/$9 the last (distance, id) seen, $10 limit. ST_DWithin on geography uses the GiST index.
 */
export const SERVICE_POINTS_NEAR_PAGE = /* sql */ `
  WITH origin AS (SELECT ST_SetSRID(ST_MakePoint($5::float8, $6::float8), 4326)::geography AS g)
  SELECT * FROM (
    SELECT ${COLUMNS}, ST_Distance(sp.location, origin.g) AS distance_meters
    FROM service_point sp, origin
    WHERE ${FILTER}
      AND ST_DWithin(sp.location, origin.g, $7::float8)
  ) page
  WHERE $8::float8 IS NULL OR (page.distance_meters, page.id) > ($8::float8, $9::text)
  ORDER BY page.distance_meters, page.id
  LIMIT $10`;

export const SERVICE_POINTS_NEAR_COUNT = /* sql */ `
  WITH origin AS (SELECT ST_SetSRID(ST_MakePoint($5::float8, $6::float8), 4326)::geography AS g)
  SELECT count(*)::int AS count FROM service_point sp, origin
  WHERE ${FILTER} AND ST_DWithin(sp.location, origin.g, $7::float8)`;

export const SERVICE_POINTS_BY_IDS = /* sql */ `
  SELECT ${COLUMNS}, NULL::float8 AS distance_meters FROM service_point sp WHERE sp.id = ANY($1::text[])`;

export const SERVICE_POINTS_BY_VILLAGES = /* sql */ `
  SELECT ${COLUMNS}, NULL::float8 AS distance_meters FROM service_point sp
  WHERE sp.village_code = ANY($1::text[]) ORDER BY sp.id`;

/** Items each point offers, for a batch of point ids. */
export const ITEM_CODES_BY_SERVICE_POINTS = /* sql */ `
  SELECT spi.service_point_id, spi.item_code FROM service_point_item spi WHERE spi.service_point_id = ANY($1::text[])`;

/** Items each point accepts on a resident's behalf (assisted handling), for a batch of point ids. */
export const ASSISTED_ITEM_CODES_BY_SERVICE_POINTS = /* sql */ `
  SELECT sa.service_point_id, sa.item_code FROM service_point_assisted_item sa WHERE sa.service_point_id = ANY($1::text[])`;

/** Upsert of a batch of points from parallel arrays (one statement for the whole batch). */
export const UPSERT_SERVICE_POINTS = /* sql */ `
  INSERT INTO service_point (id, name, kind, status, location, area_code, village_code, address, phone, opening_hours, location_synthetic)
  SELECT r.id, r.name, r.kind, r.status, sc_point(r.lon, r.lat),
         r.area_code, r.village_code, r.address, r.phone, r.opening_hours, r.synthetic
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::float8[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::boolean[])
       AS r(id, name, kind, status, lon, lat, area_code, village_code, address, phone, opening_hours, synthetic)
  ON CONFLICT (id) DO UPDATE SET
    name = EXCLUDED.name, kind = EXCLUDED.kind, status = EXCLUDED.status, location = EXCLUDED.location,
    area_code = EXCLUDED.area_code, village_code = EXCLUDED.village_code, address = EXCLUDED.address,
    phone = EXCLUDED.phone, opening_hours = EXCLUDED.opening_hours, location_synthetic = EXCLUDED.location_synthetic`;

/** Replaces the item sets of the points in $1 with the (point, item) pairs in $2/$3. */
export const DELETE_ITEMS_OF_SERVICE_POINTS = /* sql */ `
  DELETE FROM service_point_item WHERE service_point_id = ANY($1::text[])`;
export const INSERT_SERVICE_POINT_ITEMS = /* sql */ `
  INSERT INTO service_point_item (service_point_id, item_code)
  SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING`;

/** Replaces the assisted-item sets of the points in $1 with the pairs in $2/$3 (both only where they differ: no change logged otherwise). */
export const DELETE_ASSISTED_ITEMS_OF_SERVICE_POINTS = /* sql */ `
  DELETE FROM service_point_assisted_item sa
  USING unnest($1::text[]) AS p(id)
  WHERE sa.service_point_id = p.id
    AND NOT EXISTS (SELECT 1 FROM unnest($2::text[], $3::text[]) AS n(id, item) WHERE n.id = sa.service_point_id AND n.item = sa.item_code)`;
export const INSERT_ASSISTED_ITEMS = /* sql */ `
  INSERT INTO service_point_assisted_item (service_point_id, item_code)
  SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING`;

/** Stored versions of the points in $1 as write records (coordinates as numbers, item codes sorted), locked for the writing transaction. */
/** Points as write records (what the write pipeline compares and stores). */
export const SERVICE_POINT_RECORDS = /* sql */ `
  SELECT sp.id, sp.name, sp.kind, sp.status, ST_X(sp.location::geometry) AS longitude, ST_Y(sp.location::geometry) AS latitude,
         sp.area_code, sp.village_code, sp.address, sp.phone, sp.opening_hours, sp.location_synthetic,
         COALESCE((SELECT array_agg(spi.item_code ORDER BY spi.item_code) FROM service_point_item spi WHERE spi.service_point_id = sp.id), '{}') AS item_codes,
         COALESCE((SELECT array_agg(sa.item_code ORDER BY sa.item_code) FROM service_point_assisted_item sa WHERE sa.service_point_id = sp.id), '{}') AS assisted_item_codes
  FROM service_point sp
  WHERE sp.id = ANY($1::text[])
  ORDER BY sp.id`;

export const SERVICE_POINT_RECORDS_FOR_UPDATE = /* sql */ `${SERVICE_POINT_RECORDS}
  FOR UPDATE OF sp`;
