import DataLoader from 'dataloader';
import { groupByKeys } from '../common/group-by-keys';
import { orderByKeys } from '../common/order-by-keys';
import type { ServiceItem } from '../service-item/service-item.entity';
import type { ServicePoint } from './service-point.entity';
import type { ServicePointRepository } from './service-point.repository';

export function createServicePointLoaders(points: ServicePointRepository) {
  return {
    servicePointById: new DataLoader<string, ServicePoint | null>(async (ids) => orderByKeys(ids, await points.findByIds(ids), (p) => p.id)),
    servicePointsByVillage: new DataLoader<string, ServicePoint[]>(async (codes) =>
      groupByKeys(codes, await points.findByVillageCodes(codes), (p) => p.villageCode!),
    ),
    itemsByServicePoint: new DataLoader<string, ServiceItem[]>(async (ids) =>
      groupByKeys(ids, await points.findItemsByServicePointIds(ids), (r) => r.servicePointId).map((rows) => rows.map((r) => r.item)),
    ),
  };
}
