import type { DataSource } from 'typeorm';

/**
 * An ACTIVE township station of `areaCode` that some village there has as its only point offering `itemCode`
 * within `radiusMeters`, with that village: closing the station changes the area's coverage.
 */
export async function soleCoveringStation(
  db: DataSource,
  areaCode: string,
  itemCode: string,
  radiusMeters: number,
): Promise<{ id: string; villageCode: string; longitude: number; latitude: number } | undefined> {
  const rows = (await db.query(
    `SELECT sp.id, v.code AS village_code, ST_X(v.location::geometry) AS longitude, ST_Y(v.location::geometry) AS latitude
     FROM village v JOIN service_point sp ON sp.status = 'ACTIVE' AND sp.kind = 'TOWNSHIP_STATION' AND ST_DWithin(sp.location, v.location, $3)
     JOIN service_point_item i ON i.service_point_id = sp.id AND i.item_code = $2
     WHERE v.code LIKE $1 || '%' AND NOT EXISTS (
       SELECT 1 FROM service_point o JOIN service_point_item oi ON oi.service_point_id = o.id AND oi.item_code = $2
       WHERE o.id <> sp.id AND o.status = 'ACTIVE' AND ST_DWithin(o.location, v.location, $3))
     ORDER BY sp.id, v.code LIMIT 1`,
    [areaCode, itemCode, radiusMeters],
  )) as { id: string; village_code: string; longitude: number; latitude: number }[];
  const r = rows[0];
  return r && { id: r.id, villageCode: r.village_code, longitude: r.longitude, latitude: r.latitude };
}
