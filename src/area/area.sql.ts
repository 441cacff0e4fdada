const COLUMNS = /* sql */ `a.code, a.name, a.level, a.parent_code, ST_AsGeoJSON(a.seat, 7)::json AS seat`;

/** Official areas, and planning areas (planning_area) as areas of level PLANNING: every question taking an areaCode reads them here. */
export const AREAS_BY_CODES = /* sql */ `
  SELECT ${COLUMNS} FROM area a WHERE a.code = ANY($1::text[])
  UNION ALL
  SELECT p.code, p.name, 'PLANNING' AS level, NULL AS parent_code, NULL::json AS seat FROM planning_area p WHERE p.code = ANY($1::text[])`;

export const AREAS_BY_PARENTS = /* sql */ `
  SELECT ${COLUMNS} FROM area a WHERE a.parent_code = ANY($1::text[]) ORDER BY a.code`;

/** $1 level or NULL, $2 parent code or NULL; roots (provinces) when both are NULL would list everything, so the service requires one. */
export const AREAS_LIST = /* sql */ `
  SELECT ${COLUMNS} FROM area a
  WHERE ($1::text IS NULL OR a.level = $1::text) AND ($2::text IS NULL OR a.parent_code = $2::text)
  ORDER BY a.code`;

/** Boundaries as RFC 7946 wants them: exterior rings counter-clockwise, holes clockwise (PostGIS keeps whatever was stored). */
export const AREA_BOUNDARIES_BY_CODES = /* sql */ `
  SELECT a.code, ST_AsGeoJSON(ST_ForcePolygonCCW(a.boundary), 6)::json AS boundary FROM area a
  WHERE a.code = ANY($1::text[]) AND a.boundary IS NOT NULL
  UNION ALL
  SELECT p.code, ST_AsGeoJSON(ST_ForcePolygonCCW(p.boundary), 6)::json AS boundary FROM planning_area p
  WHERE p.code = ANY($1::text[]) AND p.boundary IS NOT NULL`;

/** Village count and population of each area in $1 (the area and everything below it). */
export const AREA_VILLAGE_STATS = /* sql */ `
  SELECT a.code, count(v.code)::int AS village_count, coalesce(sum(v.population), 0)::bigint AS population
  FROM unnest($1::text[]) AS a(code)
  LEFT JOIN village v ON v.code >= a.code AND v.code < a.code || ':'
  WHERE a.code ~ '^[0-9]'
  GROUP BY a.code
  UNION ALL
  SELECT p.code, count(v.code)::int, coalesce(sum(v.population), 0)::bigint
  FROM planning_area p
  LEFT JOIN village v ON (
    (p.boundary IS NULL AND EXISTS (SELECT 1 FROM unnest(p.member_codes) m WHERE v.code >= m AND v.code < m || ':'))
    OR (p.boundary IS NOT NULL AND p.boundary && v.location::geometry AND ST_Intersects(p.boundary, v.location::geometry)))
  WHERE p.code = ANY($1::text[])
  GROUP BY p.code`;

export const UPSERT_AREAS = /* sql */ `
  INSERT INTO area (code, name, level, parent_code, boundary, seat)
  SELECT r.code, r.name, r.level, r.parent_code,
         CASE WHEN r.boundary IS NULL THEN NULL ELSE ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(r.boundary), 4326)) END,
         CASE WHEN r.seat_lon IS NULL THEN NULL ELSE sc_point(r.seat_lon, r.seat_lat) END
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::float8[], $7::float8[])
       AS r(code, name, level, parent_code, boundary, seat_lon, seat_lat)
  ORDER BY length(r.code), r.code
  ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, level = EXCLUDED.level, parent_code = EXCLUDED.parent_code,
    boundary = coalesce(EXCLUDED.boundary, area.boundary), seat = coalesce(EXCLUDED.seat, area.seat)`;

/**
 * Sets an area's boundary to the union of its children's (a city from its counties). Interior rings under
 * 1 ha are dropped: they are slivers between neighbouring source polygons, not real enclaves.
 */
export const DERIVE_BOUNDARY_FROM_CHILDREN = /* sql */ `
  UPDATE area SET boundary = (
    SELECT ST_Multi(ST_Collect(ST_MakePolygon(ST_ExteriorRing(part.geom), ARRAY(
             SELECT ST_InteriorRingN(part.geom, n)
             FROM generate_series(1, ST_NumInteriorRings(part.geom)) AS n
             WHERE ST_Area(ST_MakePolygon(ST_InteriorRingN(part.geom, n))::geography) >= 10000))))
    FROM ST_Dump((
      SELECT ST_MakeValid(ST_Union(c.boundary)) FROM area c WHERE c.parent_code = $1::text AND c.boundary IS NOT NULL
    )) AS part
    WHERE ST_GeometryType(part.geom) = 'ST_Polygon')
  WHERE code = $1::text`;

/**
 * For each row (area code, village code or NULL, longitude, latitude), what writes need to know: the area's level,
 * the stated village's township (NULL if there is no such village), and whether the point lies inside the
 * boundary of the county the area belongs to, or within $5 metres of it (GPS and digitising slack). The cheap
 * planar test runs first; the geodesic distance only for points outside. `inside` is NULL where the county
 * has no boundary loaded.
 */
export const PLACE_CHECKS = /* sql */ `
  SELECT r.i, a.level AS area_level, v.township_code AS village_township,
         CASE WHEN c.boundary IS NULL THEN NULL
              WHEN ST_Intersects(c.boundary, ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326)) THEN true
              ELSE ST_DWithin(c.boundary::geography, ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326)::geography, $5)
         END AS inside
  FROM unnest($1::text[], $2::text[], $3::float8[], $4::float8[]) WITH ORDINALITY AS r(area_code, village_code, lon, lat, i)
  LEFT JOIN area a ON a.code = r.area_code
  LEFT JOIN area c ON c.code = left(r.area_code, 6) AND c.level = 'COUNTY'
  LEFT JOIN village v ON v.code = r.village_code
  ORDER BY r.i`;

/* Counts per area for the query cost model (area-sizes.ts): what a list or collection can hold. */

/** Villages per township. */
export const SIZE_VILLAGES_BY_TOWNSHIP = /* sql */ `SELECT township_code AS code, count(*)::int AS n FROM village GROUP BY township_code`;

/** Service points (any status, and active ones) per home: their village, else their area (township or county). */
export const SIZE_POINTS_BY_HOME = /* sql */ `
  SELECT coalesce(village_code, area_code) AS code, count(*)::int AS n, (count(*) FILTER (WHERE status = 'ACTIVE'))::int AS active
  FROM service_point GROUP BY 1`;

/** Children per area ('' for the top level). */
export const SIZE_CHILDREN = /* sql */ `SELECT coalesce(parent_code, '') AS code, count(*)::int AS n FROM area GROUP BY 1`;

/** Ellipsoidal area (km²) of each county with a boundary. */
export const SIZE_COUNTY_KM2 = /* sql */ `
  SELECT code, ST_Area(boundary::geography) / 1e6 AS km2 FROM area WHERE level = 'COUNTY' AND boundary IS NOT NULL`;

/** How many items the catalogue holds, and API keys. */
export const SIZE_TOTALS = /* sql */ `SELECT (SELECT count(*) FROM service_item)::int AS items, (SELECT count(*) FROM api_key)::int AS api_keys`;
