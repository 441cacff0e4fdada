import { createAreaLoaders } from '../area/area.loaders';
import { createServiceItemLoaders } from '../service-item/service-item.loaders';
import { createServicePointLoaders } from '../service-point/service-point.loaders';
import { createVillageLoaders } from '../village/village.loaders';
import { RequestVersion } from '../common/request-version';
import type { Repositories } from './repositories';

export type Loaders = ReturnType<typeof createLoaders>;

/**
 * A fresh set per request: batching within the request, no cache shared between requests. The data version too is
 * read once per request (the response cache, the coverage engine and the tiles all ask for it), and what the answer was
 * computed from is recorded beside it (RequestVersion). Operations of a
 * batched HTTP request share the context and run concurrently, so they already share what the loaders hold.
 */
export function createLoaders(repos: Repositories) {
  const itemLoaders = createServiceItemLoaders(repos.serviceItem);
  const version = new RequestVersion(() => repos.coverage.dataVersion());
  return {
    ...createAreaLoaders(repos.area),
    ...createVillageLoaders(repos.village),
    ...itemLoaders,
    ...createServicePointLoaders(repos.servicePoint, itemLoaders.serviceItemByCode),
    /** The data version this request read (once). */
    dataVersion: (): Promise<string> => version.current(),
    /** That version, the versions the answer's parts were computed from, and whether the answer is whole. */
    version,
  };
}
