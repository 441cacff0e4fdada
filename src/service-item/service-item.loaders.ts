import DataLoader from 'dataloader';
import { groupByKeys } from '../common/group-by-keys';
import { orderByKeys } from '../common/order-by-keys';
import type { ServiceItem } from './service-item.entity';
import type { ServiceItemRepository } from './service-item.repository';

export function createServiceItemLoaders(items: ServiceItemRepository) {
  return {
    serviceItemByCode: new DataLoader<string, ServiceItem | null>(async (codes) => orderByKeys(codes, await items.findByCodes(codes), (i) => i.code)),
    serviceItemsOfferedInArea: new DataLoader<string, ServiceItem[]>(async (codes) =>
      groupByKeys(codes, await items.findOfferedInAreas(codes), (r) => r.areaCode).map((rows) => rows.map((r) => r.item)),
    ),
  };
}

export type ServiceItemLoaders = ReturnType<typeof createServiceItemLoaders>;
