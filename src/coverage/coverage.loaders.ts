import type { AreaLoaders } from '../area/area.loaders';
import type { RequestLoaders } from '../graphql/context';
import type { ServiceItemLoaders } from '../service-item/service-item.loaders';
import type { ServicePointLoaders } from '../service-point/service-point.loaders';
import type { VillageLoaders } from '../village/village.loaders';

/** What coverage reads per request: the data version, and the areas, villages, items and points its answers name. */
export type CoverageLoaders = RequestLoaders & AreaLoaders & VillageLoaders & ServiceItemLoaders & ServicePointLoaders;
