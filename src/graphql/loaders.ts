import { createAreaLoaders } from '../area/area.loaders';
import { createServiceItemLoaders } from '../service-item/service-item.loaders';
import { createServicePointLoaders } from '../service-point/service-point.loaders';
import { createVillageLoaders } from '../village/village.loaders';
import type { Repositories } from './repositories';

export type Loaders = ReturnType<typeof createLoaders>;

/**
 * A fresh set per request: batching within the request, no cache shared between requests. The data version too is
 * read once per request (the response cache, the coverage engine and the tiles all ask for it). Operations of a
 * batched HTTP request share the context and run concurrently, so they already share what the loaders hold.
 */
export function createLoaders(repos: Repositories) {
  const itemLoaders = createServiceItemLoaders(repos.serviceItem);
  let version: Promise<string> | null = null;
  return {
    ...createAreaLoaders(repos.area),
    ...createVillageLoaders(repos.village),
    ...itemLoaders,
    ...createServicePointLoaders(repos.servicePoint, itemLoaders.serviceItemByCode),
    dataVersion(): Promise<string> {
      version ??= repos.coverage.dataVersion().catch((err: unknown) => {
        version = null; // a failed read (database away) is not kept
        throw err;
      });
      return version;
    },
  };
}
