import type { ContainerType, ResolverData } from 'type-graphql';
import { AreaResolver } from '../area/area.resolver';
import { AreaService } from '../area/area.service';
import type { Logger } from '../common/logger';
import type { Config } from '../config/config';
import { CoverageResolver, HandlingOptionResolver, IsochroneResolver, VillageCoverageResolver } from '../coverage/coverage.resolver';
import { CoverageService } from '../coverage/coverage.service';
import { ServiceItemResolver } from '../service-item/service-item.resolver';
import { ServiceItemService } from '../service-item/service-item.service';
import { ServicePointResolver } from '../service-point/service-point.resolver';
import { ServicePointService } from '../service-point/service-point.service';
import { VillageResolver } from '../village/village.resolver';
import { VillageService } from '../village/village.service';
import type { Repositories } from './repositories';

export type Services = ReturnType<typeof createServices>;

/** Every service, built once; shared by the GraphQL resolvers and the HTTP routes (tiles, map page). */
export function createServices(repos: Repositories, config: Config, logger: Logger) {
  return {
    area: new AreaService(repos.area),
    village: new VillageService(repos.village, config),
    serviceItem: new ServiceItemService(repos.serviceItem),
    servicePoint: new ServicePointService(repos.servicePoint, config),
    coverage: new CoverageService(repos.coverage, repos.serviceItem, config, logger),
  };
}

/** Composition root for type-graphql: each resolver with its service. */
export function createContainer(services: Services): ContainerType {
  const instances = new Map<unknown, unknown>([
    [AreaResolver, new AreaResolver(services.area)],
    [VillageResolver, new VillageResolver(services.village)],
    [ServiceItemResolver, new ServiceItemResolver(services.serviceItem)],
    [ServicePointResolver, new ServicePointResolver(services.servicePoint)],
    [CoverageResolver, new CoverageResolver(services.coverage)],
    [VillageCoverageResolver, new VillageCoverageResolver()],
    [HandlingOptionResolver, new HandlingOptionResolver()],
    [IsochroneResolver, new IsochroneResolver()],
  ]);
  return {
    get(someClass: unknown, _data: ResolverData<object>) {
      const instance = instances.get(someClass);
      if (!instance) throw new Error(`No instance registered for ${String((someClass as { name?: string }).name)}`);
      return instance;
    },
  };
}
