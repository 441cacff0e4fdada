import type { EntityManager } from 'typeorm';
import type { VillageRepository } from '../src/village/village.repository';
import type { SeedDataset } from './dataset';

const BATCH = 5000;

/**
 * Villages with their synthetic locations and populations; upserted by code in batches, except those in `keep` (an
 * import has given them real ones). Returns how many were written.
 */
export async function seedVillages(manager: EntityManager, repo: VillageRepository, dataset: SeedDataset, keep: ReadonlySet<string> = new Set()): Promise<number> {
  const villages = keep.size ? dataset.villages.filter((v) => !keep.has(v.code)) : dataset.villages;
  for (let i = 0; i < villages.length; i += BATCH) {
    await repo.upsertMany(
      manager,
      villages.slice(i, i + BATCH).map((v) => ({
        code: v.code,
        name: v.name,
        townshipCode: v.townshipCode,
        countyCode: v.countyCode,
        longitude: v.location[0],
        latitude: v.location[1],
        population: v.population,
        locationSynthetic: true,
      })),
    );
  }
  return villages.length;
}
