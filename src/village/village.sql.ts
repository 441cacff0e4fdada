const COLUMNS = /* sql */ `
  v.code, v.name, v.township_code, v.county_code, ST_AsGeoJSON(v.location, 7)::json AS location,
  v.population, v.location_synthetic`;

/** $1 area code (area and below), $2 name substring, $3 min population, $4 max population; NULL = any. */
const FILTER = /* sql */ `
  ($1::text IS NULL OR (v.code >= $1::text AND v.code < $1::text || ':'))
  AND ($2::text IS NULL OR strpos(v.name, $2::text) > 0)
  AND ($3::int IS NULL OR v.population >= $3::int)
  AND ($4::int IS NULL OR v.population <= $4::int)`;

/** $5 after-code (exclusive), $6 limit. */
export const VILLAGES_PAGE = /* sql */ `
  SELECT ${COLUMNS} FROM village v
  WHERE ${FILTER} AND ($5::text IS NULL OR v.code > $5::text)
  ORDER BY v.code
  LIMIT $6`;

export const VILLAGES_COUNT = /* sql */ `SELECT count(*)::int AS count FROM village v WHERE ${FILTER}`;

export const VILLAGES_BY_CODES = /* sql */ `SELECT ${COLUMNS} FROM village v WHERE v.code = ANY($1::text[])`;

export const UPSERT_VILLAGES = /* sql */ `
  INSERT INTO village (code, name, township_code, county_code, location, population, location_synthetic)
  SELECT r.code, r.name, r.township_code, r.county_code, sc_point(r.lon, r.lat), r.population, r.synthetic
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::float8[], $7::int[], $8::boolean[])
       AS r(code, name, township_code, county_code, lon, lat, population, synthetic)
  ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, township_code = EXCLUDED.township_code,
    county_code = EXCLUDED.county_code, location = EXCLUDED.location, population = EXCLUDED.population,
    location_synthetic = EXCLUDED.location_synthetic`;

/** Stored versions of the villages in $1 as write records, locked for the writing transaction. */
export const VILLAGE_RECORDS_FOR_UPDATE = /* sql */ `
  SELECT v.code, v.name, v.township_code, v.county_code, ST_X(v.location::geometry) AS longitude, ST_Y(v.location::geometry) AS latitude,
         v.population, v.location_synthetic
  FROM village v
  WHERE v.code = ANY($1::text[])
  ORDER BY v.code
  FOR UPDATE`;
