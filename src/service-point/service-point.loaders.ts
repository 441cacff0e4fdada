import DataLoader from 'dataloader';
import { groupByKeys } from '../common/group-by-keys';
import { orderByKeys } from '../common/order-by-keys';
import type { ServiceItem } from '../service-item/service-item.entity';
import type { ServicePoint } from './service-point.entity';
import type { ServicePointRepository } from './service-point.repository';

/** `itemByCode`: the request's item loader, so a page's ~950 (point, item) pairs resolve against ≤ 24 catalogue rows. */
export function createServicePointLoaders(points: ServicePointRepository, itemByCode: DataLoader<string, ServiceItem | null>) {
  return {
    servicePointById: new DataLoader<string, ServicePoint | null>(async (ids) => orderByKeys(ids, await points.findByIds(ids), (p) => p.id)),
    servicePointsByVillage: new DataLoader<string, ServicePoint[]>(async (codes) =>
      groupByKeys(codes, await points.findByVillageCodes(codes), (p) => p.villageCode!),
    ),
    itemsByServicePoint: new DataLoader<string, ServiceItem[]>(async (ids) => itemsOf(ids, await points.findItemCodesByServicePointIds(ids), itemByCode)),
    assistedItemsByServicePoint: new DataLoader<string, ServiceItem[]>(async (ids) => itemsOf(ids, await points.findAssistedItemCodesByServicePointIds(ids), itemByCode)),
  };
}

/** Each point's items (catalogue order) from (point, item code) pairs. */
async function itemsOf(ids: readonly string[], pairs: { servicePointId: string; itemCode: string }[], itemByCode: DataLoader<string, ServiceItem | null>): Promise<ServiceItem[][]> {
  {
      const items = new Map<string, ServiceItem>();
      for (const item of await itemByCode.loadMany([...new Set(pairs.map((p) => p.itemCode))])) {
        if (item && !(item instanceof Error)) items.set(item.code, item);
      }
      const bySortOrder = (a: ServiceItem, b: ServiceItem) => a.sortOrder - b.sortOrder || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
      return groupByKeys(ids, pairs, (p) => p.servicePointId).map((rows) => rows.map((r) => items.get(r.itemCode)!).sort(bySortOrder));
  }
}

export type ServicePointLoaders = ReturnType<typeof createServicePointLoaders>;
