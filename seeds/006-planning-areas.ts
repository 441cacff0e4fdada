import type { EntityManager } from 'typeorm';
import type { SeedDataset } from './dataset';

/**
 * $1 code, $2 name, $3 description, $4 member codes, $5 polygon (GeoJSON text) or NULL. Inserted with author 'seed', or
 * the row of that code set to the dataset's definition (left alone, so no change is logged, when it already is).
 */
const UPSERT_PLANNING_AREA = /* sql */ `
  INSERT INTO planning_area AS p (code, name, description, member_codes, boundary, author_key_id, author_name)
  VALUES ($1, $2, $3, $4::text[], CASE WHEN $5::text IS NULL THEN NULL ELSE ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($5::text), 4326)) END, NULL, 'seed')
  ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description, member_codes = EXCLUDED.member_codes,
    boundary = EXCLUDED.boundary, updated_at = now()
  WHERE p.name IS DISTINCT FROM EXCLUDED.name OR p.description IS DISTINCT FROM EXCLUDED.description
    OR p.member_codes IS DISTINCT FROM EXCLUDED.member_codes
    OR NOT ((p.boundary IS NULL AND EXCLUDED.boundary IS NULL) OR coalesce(ST_Equals(p.boundary, EXCLUDED.boundary), false))`;

/** The dataset's planning areas (`planningAreas`), in the seeding transaction; returns how many it defines. */
export async function seedPlanningAreas(manager: EntityManager, dataset: SeedDataset): Promise<number> {
  for (const a of dataset.planningAreas ?? []) {
    await manager.query(UPSERT_PLANNING_AREA, [a.code, a.name, a.description, a.memberCodes, a.boundary ? JSON.stringify(a.boundary) : null]);
  }
  return dataset.planningAreas?.length ?? 0;
}
