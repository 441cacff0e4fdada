/**
 * For each row (county code, longitude, latitude): the townships of that county that have a seat, with the WGS-84
 * geodesic distance from the position to each seat, nearest first; NULL where the county has none.
 */
export const TOWNSHIP_SEAT_DISTANCES = /* sql */ `
  SELECT r.i, n.codes, n.meters
  FROM unnest($1::text[], $2::float8[], $3::float8[]) WITH ORDINALITY AS r(county_code, lon, lat, i)
  LEFT JOIN LATERAL (
    SELECT array_agg(s.code ORDER BY s.m, s.code) AS codes, array_agg(s.m ORDER BY s.m, s.code) AS meters
    FROM (
      SELECT a.code, ST_Distance(a.seat, ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326)::geography) AS m
      FROM area a
      WHERE a.parent_code = r.county_code AND a.level = 'TOWNSHIP' AND a.seat IS NOT NULL
    ) s
  ) n ON true
  ORDER BY r.i`;
