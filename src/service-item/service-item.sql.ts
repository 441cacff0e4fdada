const COLUMNS = /* sql */ `si.code, si.name, si.name_zh, si.delegation_level, si.sort_order`;

export const SERVICE_ITEMS_ALL = /* sql */ `
  SELECT ${COLUMNS} FROM service_item si
  WHERE ($1::text IS NULL OR si.delegation_level = $1::text)
  ORDER BY si.sort_order, si.code`;

export const SERVICE_ITEMS_BY_CODES = /* sql */ `
  SELECT ${COLUMNS} FROM service_item si WHERE si.code = ANY($1::text[])`;

/** For each area in $1: the items offered by at least one ACTIVE point located in the area or below it. */
export const SERVICE_ITEMS_OFFERED_IN_AREAS = /* sql */ `
  SELECT DISTINCT a.code AS area_code, ${COLUMNS}
  FROM unnest($1::text[]) AS a(code)
  JOIN service_point sp ON sp.area_code >= a.code AND sp.area_code < a.code || ':' AND sp.status = 'ACTIVE'
  JOIN service_point_item spi ON spi.service_point_id = sp.id
  JOIN service_item si ON si.code = spi.item_code
  ORDER BY a.code, si.sort_order, si.code`;

export const UPSERT_SERVICE_ITEMS = /* sql */ `
  INSERT INTO service_item (code, name, name_zh, delegation_level, sort_order)
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[])
  ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, name_zh = EXCLUDED.name_zh,
    delegation_level = EXCLUDED.delegation_level, sort_order = EXCLUDED.sort_order`;
