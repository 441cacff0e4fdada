/* Coverage statements: snapshot loading for the in-memory engine, and the PostGIS reference computation. */

export { DATA_VERSION } from '../db/data-version.sql';

/** Every village, sorted by code (the engine relies on it: an area's villages are one contiguous run). */
export const ENGINE_VILLAGES = /* sql */ `
  SELECT v.code, v.township_code, ST_X(v.location::geometry) AS longitude, ST_Y(v.location::geometry) AS latitude, v.population, v.location_synthetic
  FROM village v ORDER BY v.code`;

/** Every ACTIVE point with its item codes (in person) and the items it accepts on a resident's behalf. */
export const ENGINE_POINTS = /* sql */ `
  SELECT sp.id, sp.kind, sp.area_code, sp.village_code,
         ST_X(sp.location::geometry) AS longitude, ST_Y(sp.location::geometry) AS latitude,
         coalesce(array_agg(spi.item_code ORDER BY spi.item_code) FILTER (WHERE spi.item_code IS NOT NULL), '{}') AS item_codes,
         coalesce((SELECT array_agg(sa.item_code ORDER BY sa.item_code) FROM service_point_assisted_item sa WHERE sa.service_point_id = sp.id), '{}') AS assisted_item_codes
  FROM service_point sp LEFT JOIN service_point_item spi ON spi.service_point_id = sp.id
  WHERE sp.status = 'ACTIVE'
  GROUP BY sp.id
  ORDER BY sp.id`;

/** The road networks loaded (one per area), for the ROAD travel model. */
export const ENGINE_ROAD_NETWORKS = /* sql */ `
  SELECT area_code, name, source, synthetic, node_count, edge_count, length_km FROM road_network ORDER BY area_code`;

/** Every road node, in id order (the engine numbers them 0…n−1 in that order). */
export const ENGINE_ROAD_NODES = /* sql */ `
  SELECT id::text AS id, ST_X(geom) AS longitude, ST_Y(geom) AS latitude FROM road_node ORDER BY id`;

/** Every road edge with its ends (road_node ids), attributes and geometry (vertices as a JSON array, from source to target). */
export const ENGINE_ROAD_EDGES = /* sql */ `
  SELECT source::text AS source, target::text AS target, length_m, highway, oneway, maxspeed_kmh, ferry_minutes,
         ST_AsGeoJSON(geom, 7)::json -> 'coordinates' AS coordinates
  FROM road_edge ORDER BY id`;

/** The change log after version $1 up to $2 (the change feed: see migration ChangeLog), in version order. */
/** Planning areas (planners' own): members or polygon, for the engine to find their villages. */
export const ENGINE_PLANNING_AREAS = /* sql */ `
  SELECT code, member_codes, CASE WHEN boundary IS NULL THEN NULL ELSE ST_AsGeoJSON(boundary, 7)::json END AS boundary
  FROM planning_area ORDER BY code`;

/** Handling rules (ways of handling: assisted turnaround, online channels) per area and item. */
export const ENGINE_HANDLING_RULES = /* sql */ `
  SELECT area_code, item_code, assisted_turnaround_working_days, online_channels, note FROM handling_rule ORDER BY item_code, area_code`;

export const CHANGES_BETWEEN = /* sql */ `
  SELECT version::text AS version, entity, op, keys FROM change_log WHERE version > $1::bigint AND version <= $2::bigint ORDER BY version`;

/** Points $1 (any status) with their items, for patching the engine. */
export const ENGINE_POINTS_BY_IDS = /* sql */ `
  SELECT sp.id, sp.kind, sp.status, sp.area_code, sp.village_code,
         ST_X(sp.location::geometry) AS longitude, ST_Y(sp.location::geometry) AS latitude,
         coalesce(array_agg(spi.item_code ORDER BY spi.item_code) FILTER (WHERE spi.item_code IS NOT NULL), '{}') AS item_codes,
         coalesce((SELECT array_agg(sa.item_code ORDER BY sa.item_code) FROM service_point_assisted_item sa WHERE sa.service_point_id = sp.id), '{}') AS assisted_item_codes
  FROM service_point sp LEFT JOIN service_point_item spi ON spi.service_point_id = sp.id
  WHERE sp.id = ANY($1::text[])
  GROUP BY sp.id`;

/** Villages $1, for patching the engine. */
export const ENGINE_VILLAGES_BY_CODES = /* sql */ `
  SELECT v.code, v.township_code, ST_X(v.location::geometry) AS longitude, ST_Y(v.location::geometry) AS latitude, v.population
  FROM village v WHERE v.code = ANY($1::text[])`;

/**
 * The reference: for each village with a code in [$1, $2) (an area is [code, code || ':')), the nearest ACTIVE
 * point offering item $3 (any when NULL) within $4 metres on the WGS-84 spheroid. ST_DWithin on geography uses
 * the GiST index per village.
 */
export const POSTGIS_COVERAGE = /* sql */ `
  SELECT v.code, v.township_code, v.population, n.id AS nearest_point_id, n.distance_meters
  FROM village v
  LEFT JOIN LATERAL (
    SELECT sp.id, ST_Distance(sp.location, v.location) AS distance_meters
    FROM service_point sp
    WHERE sp.status = 'ACTIVE'
      AND ST_DWithin(sp.location, v.location, $4::float8)
      AND ($3::text IS NULL OR EXISTS (
            SELECT 1 FROM service_point_item spi WHERE spi.service_point_id = sp.id AND spi.item_code = $3::text))
    ORDER BY distance_meters, sp.id
    LIMIT 1
  ) n ON true
  WHERE v.code >= $1::text AND v.code < $2::text
  ORDER BY v.code`;

/** For villages $1 (uncovered ones): the nearest ACTIVE point offering $2 at any distance (KNN on the GiST index). */
export const POSTGIS_NEAREST_ANY_DISTANCE = /* sql */ `
  SELECT v.code, n.id AS nearest_point_id, n.distance_meters
  FROM village v
  CROSS JOIN LATERAL (
    SELECT sp.id, ST_Distance(sp.location, v.location) AS distance_meters
    FROM service_point sp
    WHERE sp.status = 'ACTIVE'
      AND ($2::text IS NULL OR EXISTS (
            SELECT 1 FROM service_point_item spi WHERE spi.service_point_id = sp.id AND spi.item_code = $2::text))
    ORDER BY sp.location <-> v.location, sp.id
    LIMIT 1
  ) n
  WHERE v.code = ANY($1::text[])`;
