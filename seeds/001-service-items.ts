import type { EntityManager } from 'typeorm';
import type { ServiceItemRepository } from '../src/service-item/service-item.repository';
import type { SeedCatalogue } from './dataset';

/** The service-item catalogue (seeds/data/service-items.json); upserted by code. */
export async function seedServiceItems(manager: EntityManager, repo: ServiceItemRepository, catalogue: SeedCatalogue): Promise<number> {
  await repo.upsertMany(
    manager,
    catalogue.items.map((item, i) => ({ ...item, sortOrder: (i + 1) * 10 })),
  );
  return catalogue.items.length;
}
