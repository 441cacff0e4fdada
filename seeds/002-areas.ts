import type { EntityManager } from 'typeorm';
import type { AreaRepository } from '../src/area/area.repository';
import type { SeedDataset } from './dataset';

/** Provinces to townships with their boundaries; the dataset's root gets its boundary from its children when it has none. */
export async function seedAreas(manager: EntityManager, repo: AreaRepository, dataset: SeedDataset): Promise<number> {
  await repo.upsertMany(
    manager,
    dataset.areas.map((a) => ({ code: a.code, name: a.name, level: a.level, parentCode: a.parentCode, boundary: a.boundary ?? null, seat: a.seat ?? null })),
  );
  const root = dataset.areas.find((a) => a.code === dataset.rootCode);
  if (root && !root.boundary) await repo.deriveBoundaryFromChildren(manager, root.code);
  return dataset.areas.length;
}
