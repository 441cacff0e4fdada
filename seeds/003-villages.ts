import type { EntityManager } from 'typeorm';
import type { VillageRepository } from '../src/village/village.repository';
import type { SeedDataset } from './dataset';

const BATCH = 5000;

/** Villages with their synthetic locations and populations; upserted by code in batches. */
export async function seedVillages(manager: EntityManager, repo: VillageRepository, dataset: SeedDataset): Promise<number> {
  for (let i = 0; i < dataset.villages.length; i += BATCH) {
    await repo.upsertMany(
      manager,
      dataset.villages.slice(i, i + BATCH).map((v) => ({
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
  return dataset.villages.length;
}
