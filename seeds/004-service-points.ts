import type { EntityManager } from 'typeorm';
import { defaultItemCodes } from '../src/service-point/delegation.rules';
import type { ServicePointRepository } from '../src/service-point/service-point.repository';
import type { SeedCatalogue, SeedDataset } from './dataset';

const BATCH = 5000;

/**
 * Service points; items default to everything delegated to the point's level and below unless the record lists them.
 * Points in `keep` (an import has made them real) are left as they are. `assistedItemCodes`: the items it accepts on a
 * resident's behalf (assisted handling), none when absent.
 * Returns how many were written.
 */
export async function seedServicePoints(
  manager: EntityManager,
  repo: ServicePointRepository,
  dataset: SeedDataset,
  catalogue: SeedCatalogue,
  keep: ReadonlySet<string> = new Set(),
): Promise<number> {
  const points = keep.size ? dataset.servicePoints.filter((p) => !keep.has(p.id)) : dataset.servicePoints;
  for (let i = 0; i < points.length; i += BATCH) {
    await repo.upsertMany(
      manager,
      points.slice(i, i + BATCH).map((p) => ({
        id: p.id,
        name: p.name,
        kind: p.kind,
        status: p.status,
        longitude: p.location[0],
        latitude: p.location[1],
        areaCode: p.areaCode,
        villageCode: p.villageCode,
        address: p.address,
        phone: p.phone,
        openingHours: p.openingHours,
        locationSynthetic: true,
        itemCodes: p.itemCodes ?? defaultItemCodes(p.kind, catalogue.items),
        assistedItemCodes: p.assistedItemCodes ?? [],
      })),
    );
  }
  return points.length;
}
