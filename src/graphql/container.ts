import type { ContainerType, ResolverData } from 'type-graphql';
import { AreaResolver } from '../area/area.resolver';
import { AreaService } from '../area/area.service';
import type { Config } from '../config/config';
import type { Logger } from '../common/logger';
import { CoverageRepository } from '../coverage/coverage.repository';
import { CoverageResolver, HandlingOptionResolver, VillageCoverageResolver } from '../coverage/coverage.resolver';
import { CoverageService } from '../coverage/coverage.service';
import { ServiceItemResolver } from '../service-item/service-item.resolver';
import { ServiceItemService } from '../service-item/service-item.service';
import { ServicePointResolver } from '../service-point/service-point.resolver';
import { ServicePointService } from '../service-point/service-point.service';
import { VillageResolver } from '../village/village.resolver';
import { VillageService } from '../village/village.service';
import type { Repositories } from './repositories';

/** Composition root: every resolver with its service, built once. type-graphql asks it for resolver instances. */
export function createContainer(repos: Repositories, config: Config, logger: Logger): ContainerType {
  const coverage = new CoverageService(repos.coverage, repos.serviceItem, config, logger);
  const instances = new Map<unknown, unknown>([
    [AreaResolver, new AreaResolver(new AreaService(repos.area))],
    [VillageResolver, new VillageResolver(new VillageService(repos.village, config))],
    [ServiceItemResolver, new ServiceItemResolver(new ServiceItemService(repos.serviceItem))],
    [ServicePointResolver, new ServicePointResolver(new ServicePointService(repos.servicePoint, config))],
    [CoverageResolver, new CoverageResolver(coverage)],
    [VillageCoverageResolver, new VillageCoverageResolver()],
    [HandlingOptionResolver, new HandlingOptionResolver()],
  ]);
  return {
    get(someClass: unknown, _data: ResolverData<object>) {
      const instance = instances.get(someClass);
      if (!instance) throw new Error(`No instance registered for ${String((someClass as { name?: string }).name)}`);
      return instance;
    },
  };
}
