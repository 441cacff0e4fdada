/*
 * Statements of the vector-tile layers: named, parameterised, never built from input. They run on PostgreSQL +
 * PostGIS and on the embedded PGlite + PostGIS alike (no ST_AsMVT there: tiles are encoded in JS).
 *
 * $1..$4 are the (buffered) tile bounds in WGS-84 degrees: min lon, min lat, max lon, max lat. Point columns are
 * geography; `location && <box>::geography` lets the GiST index on them pick candidates (with the box grown by
 * $5 degrees, because a geography box has great-circle edges and bulges away from the lon/lat rectangle), then
 * ST_Intersects on the geometry cast keeps exactly the points inside the lon/lat rectangle.
 */

const ENVELOPE = /* sql */ `ST_MakeEnvelope($1::float8, $2::float8, $3::float8, $4::float8, 4326)`;
const CANDIDATES = /* sql */ `ST_Expand(${ENVELOPE}, $5::float8)::geography`;

/** Villages inside the box, by code. */
export const TILE_VILLAGES = /* sql */ `
  SELECT v.code, v.name, v.population,
         ST_X(v.location::geometry) AS longitude, ST_Y(v.location::geometry) AS latitude
  FROM village v
  WHERE v.location && ${CANDIDATES}
    AND ST_Intersects(v.location::geometry, ${ENVELOPE})
  ORDER BY v.code`;

/** Service points (any status) inside the box, by id, with their item codes comma-joined; $6 item code or NULL (any). */
export const TILE_SERVICE_POINTS = /* sql */ `
  SELECT sp.id, sp.name, sp.kind, sp.status,
         ST_X(sp.location::geometry) AS longitude, ST_Y(sp.location::geometry) AS latitude,
         coalesce((SELECT string_agg(spi.item_code, ',' ORDER BY spi.item_code)
                   FROM service_point_item spi WHERE spi.service_point_id = sp.id), '') AS items
  FROM service_point sp
  WHERE sp.location && ${CANDIDATES}
    AND ST_Intersects(sp.location::geometry, ${ENVELOPE})
    AND ($6::text IS NULL OR EXISTS (
          SELECT 1 FROM service_point_item spi WHERE spi.service_point_id = sp.id AND spi.item_code = $6::text))
  ORDER BY sp.id`;

/**
 * Area boundaries meeting the box (boundary is geometry, with its own GiST index), cut to the box (the cut
 * edges lie in the tile's buffer, which the tiler clips off) and simplified by $5 degrees (about a quarter of a
 * tile unit: invisible, but a county at zoom 4 drops most of its vertices before leaving the database).
 * Parents first (city, then its counties), so a renderer draws county lines over city fill. MATERIALIZED: the
 * cut is computed once per area, not again for each condition on it.
 */
export const TILE_AREAS = /* sql */ `
  WITH cut AS MATERIALIZED (
    SELECT a.code, a.name, a.level, ST_Simplify(ST_ClipByBox2D(a.boundary, ${ENVELOPE}), $5::float8) AS geom
    FROM area a
    WHERE a.boundary IS NOT NULL AND ST_Intersects(a.boundary, ${ENVELOPE})
  )
  SELECT c.code, c.name, c.level, ST_AsGeoJSON(c.geom, 7)::json AS boundary
  FROM cut c
  WHERE c.geom IS NOT NULL AND NOT ST_IsEmpty(c.geom)
  ORDER BY length(c.code), c.code`;

/**
 * Road edges (road_edge, with its GiST index on geom) meeting the box, of the classes shown at the tile's zoom ($6,
 * text[]), simplified by $5 degrees, with their network's synthetic flag; at most $7 edges, the higher classes
 * first (a province's residential streets at zoom 8 would not fit a tile, nor be seen). Not cut to the box: the
 * tiler clips, and an edge is a few hundred metres to a few kilometres long.
 */
export const TILE_ROADS = /* sql */ `
  SELECT e.id, e.area_code, e.highway, e.name, e.oneway, e.maxspeed_kmh, e.ferry_minutes, n.synthetic,
         ST_AsGeoJSON(ST_Simplify(e.geom, $5::float8, true), 7)::json AS geometry
  FROM road_edge e
  JOIN road_network n ON n.area_code = e.area_code
  WHERE e.geom && ${ENVELOPE}
    AND e.highway = ANY($6::text[])
  ORDER BY array_position($6::text[], e.highway::text), e.id
  LIMIT $7::int`;

const EXTENT_COLUMNS = /* sql */ `ST_XMin(e) AS min_lon, ST_YMin(e) AS min_lat, ST_XMax(e) AS max_lon, ST_YMax(e) AS max_lat`;

/** Bounds of all villages (the villages and coverage layers); NULLs when there are none. */
export const VILLAGES_EXTENT = /* sql */ `
  SELECT ${EXTENT_COLUMNS} FROM (SELECT ST_Extent(v.location::geometry)::geometry AS e FROM village v) x`;

/** Bounds of all service points. */
export const SERVICE_POINTS_EXTENT = /* sql */ `
  SELECT ${EXTENT_COLUMNS} FROM (SELECT ST_Extent(sp.location::geometry)::geometry AS e FROM service_point sp) x`;

/** Bounds of all road networks. */
export const ROADS_EXTENT = /* sql */ `
  SELECT ${EXTENT_COLUMNS} FROM (SELECT ST_Extent(e.geom)::geometry AS e FROM road_edge e) x`;

/** Bounds of all area boundaries. */
export const AREAS_EXTENT = /* sql */ `
  SELECT ${EXTENT_COLUMNS} FROM (SELECT ST_Extent(a.boundary)::geometry AS e FROM area a WHERE a.boundary IS NOT NULL) x`;
