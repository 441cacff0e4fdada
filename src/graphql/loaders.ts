import { createAreaLoaders } from '../area/area.loaders';
import { createServiceItemLoaders } from '../service-item/service-item.loaders';
import { createServicePointLoaders } from '../service-point/service-point.loaders';
import { createVillageLoaders } from '../village/village.loaders';
import type { Repositories } from './repositories';

export type Loaders = ReturnType<typeof createLoaders>;

/** A fresh set per request: batching within the request, no cache shared between requests. */
export function createLoaders(repos: Repositories) {
  const itemLoaders = createServiceItemLoaders(repos.serviceItem);
  return {
    ...createAreaLoaders(repos.area),
    ...createVillageLoaders(repos.village),
    ...itemLoaders,
    ...createServicePointLoaders(repos.servicePoint, itemLoaders.serviceItemByCode),
  };
}
