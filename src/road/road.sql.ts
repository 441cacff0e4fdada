/* Road networks: the import's reads of areas and its writes of road_node, road_edge and road_network. */

/** $1 area code: the area, and whether it has a boundary of its own. */
export const ROAD_AREA = /* sql */ `
  SELECT a.code, a.name, a.boundary IS NOT NULL AS has_boundary FROM area a WHERE a.code = $1::text`;

/** The areas below $1 that have a boundary (codes are hierarchical: [X, X || ':') is everything inside X). */
export const ROAD_CLIP_DESCENDANTS = /* sql */ `
  SELECT a.code FROM area a
  WHERE a.code > $1::text AND a.code < $1::text || ':' AND a.boundary IS NOT NULL
  ORDER BY a.code`;

/** The nearest area above $1 that has a boundary (none: no row). */
export const ROAD_CLIP_ANCESTOR = /* sql */ `
  WITH RECURSIVE up (code, depth) AS (
    SELECT a.parent_code, 1 FROM area a WHERE a.code = $1::text
    UNION ALL
    SELECT p.parent_code, up.depth + 1 FROM up JOIN area p ON p.code = up.code WHERE p.boundary IS NULL
  )
  SELECT a.code FROM up JOIN area a ON a.code = up.code WHERE a.boundary IS NOT NULL ORDER BY up.depth LIMIT 1`;

/** The bounding box of the boundaries of the areas $1. */
export const ROAD_CLIP_EXTENT = /* sql */ `
  SELECT ST_XMin(e) AS west, ST_YMin(e) AS south, ST_XMax(e) AS east, ST_YMax(e) AS north
  FROM (SELECT ST_Extent(a.boundary) AS e FROM area a WHERE a.code = ANY($1::text[])) x`;

/**
 * Of the geometries $2 (WKB, WGS-84), the 0-based positions of those that intersect the boundary of one of the
 * areas $1. PostGIS prepares a boundary tested many times in one statement, so each test after the first is cheap.
 */
export const ROAD_GEOMETRIES_INTERSECTING = /* sql */ `
  SELECT (r.i - 1)::int AS i
  FROM unnest($2::bytea[]) WITH ORDINALITY AS r(wkb, i)
  WHERE EXISTS (SELECT 1 FROM area a WHERE a.code = ANY($1::text[]) AND ST_Intersects(a.boundary, ST_GeomFromWKB(r.wkb, 4326)))
  ORDER BY r.i`;

/**
 * The smallest area whose boundary covers the box $1…$4 (west, south, east, north). Sizes are compared in square
 * degrees: enough to rank areas nested around one box.
 */
export const ROAD_SMALLEST_AREA_COVERING = /* sql */ `
  SELECT a.code, a.name FROM area a
  WHERE a.boundary IS NOT NULL AND ST_Covers(a.boundary, ST_MakeEnvelope($1, $2, $3, $4, 4326))
  ORDER BY ST_Area(a.boundary), a.code
  LIMIT 1`;

/**
 * $1 fresh road_node ids from the table's sequence. Each nextval is the caller's alone, so the batch's nodes can be
 * inserted with their ids and edges can name them, without reading ids back in insertion order.
 */
export const ROAD_NODE_IDS = /* sql */ `
  SELECT nextval(pg_get_serial_sequence('road_node', 'id'))::float8 AS id FROM generate_series(1, $1::int)`;

/**
 * Removes area $1's network. Edges first, then nodes (their foreign keys would otherwise cascade row by row), then
 * the network row, whose delete trigger records the change.
 */
export const ROAD_DELETE_EDGES = /* sql */ `DELETE FROM road_edge WHERE area_code = $1::text`;
export const ROAD_DELETE_NODES = /* sql */ `DELETE FROM road_node WHERE area_code = $1::text`;
export const ROAD_DELETE_NETWORK = /* sql */ `DELETE FROM road_network WHERE area_code = $1::text`;

/** A batch of nodes of area $1: ids (from ROAD_NODE_IDS), OSM ids (or NULL), longitudes, latitudes. */
export const ROAD_INSERT_NODES = /* sql */ `
  INSERT INTO road_node (id, area_code, osm_id, geom)
  SELECT r.id, $1::text, r.osm_id, ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326)
  FROM unnest($2::bigint[], $3::bigint[], $4::float8[], $5::float8[]) AS r(id, osm_id, lon, lat)`;

/** A batch of edges of area $1, their geometry as WKB LineStrings. */
export const ROAD_INSERT_EDGES = /* sql */ `
  INSERT INTO road_edge (area_code, source, target, highway, oneway, maxspeed_kmh, ferry_minutes, length_m, name, osm_way_id, geom)
  SELECT $1::text, r.source, r.target, r.highway, r.oneway, r.maxspeed_kmh, r.ferry_minutes, r.length_m, r.name, r.osm_way_id,
         ST_GeomFromWKB(r.wkb, 4326)
  FROM unnest($2::bigint[], $3::bigint[], $4::text[], $5::int2[], $6::float4[], $7::float8[], $8::float8[], $9::text[], $10::bigint[], $11::bytea[])
       AS r(source, target, highway, oneway, maxspeed_kmh, ferry_minutes, length_m, name, osm_way_id, wkb)`;

/** The network row, written last: its trigger bumps the data version, so servers reload roads with it. */
export const ROAD_INSERT_NETWORK = /* sql */ `
  INSERT INTO road_network (area_code, name, source, synthetic, node_count, edge_count, length_km, bbox)
  VALUES ($1::text, $2::text, $3::text, $4::boolean, $5::int, $6::int, $7::float8,
          CASE WHEN $8::float8 IS NULL THEN NULL ELSE ST_MakeEnvelope($8, $9, $10, $11, 4326) END)`;

/** Every loaded network, with its area's name. */
export const ROAD_NETWORKS = /* sql */ `
  SELECT n.area_code, a.name AS area_name, n.name, n.source, n.synthetic, n.node_count, n.edge_count, n.length_km,
         n.imported_at
  FROM road_network n JOIN area a ON a.code = n.area_code
  ORDER BY n.area_code`;
