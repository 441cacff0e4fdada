import type { ContainerType, ResolverData } from 'type-graphql';
import { AreaResolver } from '../area/area.resolver';
import { AreaService } from '../area/area.service';
import { AreaSizeService } from '../area/area-sizes.service';
import type { Logger } from '../common/logger';
import type { Config } from '../config/config';
import { CoverageResolver, HandlingOptionResolver, HandlingWayOptionResolver, IsochroneResolver, VillageCoverageResolver } from '../coverage/coverage.resolver';
import { CoveragePolygonPool } from '../coverage/coverage-polygon.pool';
import { CoverageService } from '../coverage/coverage.service';
import { CoverageGeoJsonService } from '../coverage/coverage-geojson.service';
import { HandlingService } from '../coverage/handling.service';
import { ScenarioService } from '../coverage/scenario.service';
import { SavedScenarioResolver } from '../planning/saved-scenario.resolver';
import { SavedScenarioService } from '../planning/saved-scenario.service';
import { PlanningAreaResolver } from '../planning-area/planning-area.resolver';
import { PlanningAreaService } from '../planning-area/planning-area.service';
import { HandlingRuleResolver } from '../handling-rule/handling-rule.resolver';
import { HandlingRuleService } from '../handling-rule/handling-rule.service';
import { SiteSuggestionResolver } from '../planning/site-suggestion.resolver';
import { SiteSuggestionService } from '../planning/site-suggestion.service';
import { SitingPool } from '../siting';
import { VersionCache } from '../common/version-cache';
import { CoverageSubscriptionResolver } from '../coverage/coverage-subscription.resolver';
import { CoverageSubscriptions } from '../coverage/coverage-subscriptions';
import { CoveragePolygonService } from '../coverage/coverage-polygon.service';
import { EngineStore } from '../coverage/engine-store';
import { roadSpeedsWith, type RoadSpeedOverrides } from '../travel/road-speeds';
import type { RoadModelSettings } from '../travel/travel-models';
import { readFileSync } from 'node:fs';
import { ServiceItemResolver } from '../service-item/service-item.resolver';
import { ServiceItemService } from '../service-item/service-item.service';
import { ServicePointResolver } from '../service-point/service-point.resolver';
import { VillageServicePointsResolver } from '../service-point/village-service-points.resolver';
import { ServicePointService } from '../service-point/service-point.service';
import { VillageResolver } from '../village/village.resolver';
import { VillageService } from '../village/village.service';
import { ApiKeyResolver } from '../partner/api-key.resolver';
import { ApiKeyService } from '../partner/api-key.service';
import { AuditLogService } from '../write/audit-log.service';
import type { Role } from '../common/role.enum';
import { ServicePointWriteResolver } from '../service-point/service-point-write.resolver';
import { ServicePointWriteService } from '../service-point/service-point-write.service';
import { VillageWriteResolver } from '../village/village-write.resolver';
import { VillageWriteService } from '../village/village-write.service';
import { ImportResolver } from '../partner/import.resolver';
import { ImportService } from '../partner/import.service';
import type { Repositories } from './repositories';

export type Services = ReturnType<typeof createServices>;

/** Every service, built once; shared by the GraphQL resolvers and the HTTP routes (tiles, map page, uploads). */
export function createServices(repos: Repositories, config: Config, logger: Logger, databaseEngine: 'server' | 'embedded' = config.database.kind) {
  const servicePointWrite = new ServicePointWriteService(repos.servicePoint, repos.area, repos.serviceItem, repos.auditLog, config);
  const villageWrite = new VillageWriteService(repos.village, repos.area, repos.auditLog, config);
  const cache = new VersionCache(config.cacheBytes);
  const coverage = new CoverageService(
    new EngineStore(repos.coverage, logger.child({ component: 'coverage-engine' }), {
      maxFieldBytes: config.fieldCacheBytes,
      straightLine: { speedsKmh: config.travel.speedsKmh, detourFactor: config.travel.detourFactor },
      road: roadSettings(config),
    }),
    repos.coverage,
    repos.serviceItem,
    new CoveragePolygonService(new CoveragePolygonPool(config.polygonWorkers), config, cache),
    new ScenarioService(repos.area, repos.serviceItem, { maxChanges: config.scenarioMaxChanges, boundaryToleranceMeters: config.boundaryToleranceMeters }, cache),
    cache,
    config,
    databaseEngine,
  );
  // Saved scenarios are read by the coverage questions (scenarioId) and kept by planning/, which sits above them.
  const savedScenarios = new SavedScenarioService(repos.savedScenario, repos.auditLog, coverage.scenarios);
  coverage.scenarios.useSaved(savedScenarios);
  return {
    cache,
    savedScenarios,
    planningAreas: new PlanningAreaService(repos.planningArea, repos.auditLog),
    handlingRules: new HandlingRuleService(repos.handlingRule, repos.auditLog),
    siteSuggestions: new SiteSuggestionService(coverage, new SitingPool({ threads: 1, maxQueue: 64 })),
    area: new AreaService(repos.area),
    areaSizes: new AreaSizeService(repos.area),
    village: new VillageService(repos.village, config),
    serviceItem: new ServiceItemService(repos.serviceItem),
    servicePoint: new ServicePointService(repos.servicePoint, config),
    coverage,
    handling: new HandlingService(coverage, repos.serviceItem),
    coverageGeoJson: new CoverageGeoJsonService(coverage),
    live: new CoverageSubscriptions(coverage, coverage.store, logger.child({ component: 'subscriptions' })),
    apiKey: new ApiKeyService(repos.apiKey, repos.area, repos.auditLog, {
      anonymousRoles: config.auth.anonymousRoles as readonly Role[],
      cacheSeconds: config.auth.apiKeyCacheSeconds,
    }),
    auditLog: new AuditLogService(repos.auditLog),
    servicePointWrite,
    villageWrite,
    import: new ImportService(servicePointWrite, villageWrite, config),
  };
}

/**
 * The ROAD model's settings: the off-road limit, the fields' first cutoff, and the speed table with ROAD_SPEEDS_FILE's changes, checked here
 * so that a bad table stops the server at start rather than the first ROAD query.
 *
 * @throws Error naming the file and the first problem in it
 */
export function roadSettings(config: Config): RoadModelSettings {
  const file = config.travel.roadSpeedsFile;
  let speeds: RoadModelSettings['speeds'];
  if (file) {
    try {
      speeds = roadSpeedsWith(JSON.parse(readFileSync(file, 'utf8')) as RoadSpeedOverrides);
    } catch (err) {
      throw new Error(`ROAD_SPEEDS_FILE ${file}: ${(err as Error).message}`);
    }
  }
  return { maxOffRoadMeters: config.travel.roadMaxOffRoadMeters, fieldCutoffMinutes: config.travel.roadFieldCutoffMinutes, ...(speeds ? { speeds } : {}) };
}

/** Composition root for type-graphql: each resolver with its service. */
export function createContainer(services: Services): ContainerType {
  const instances = new Map<unknown, unknown>([
    [AreaResolver, new AreaResolver(services.area)],
    [VillageResolver, new VillageResolver(services.village)],
    [ServiceItemResolver, new ServiceItemResolver(services.serviceItem)],
    [ServicePointResolver, new ServicePointResolver(services.servicePoint)],
    [VillageServicePointsResolver, new VillageServicePointsResolver()],
    [CoverageResolver, new CoverageResolver(services.coverage, services.handling, services.coverageGeoJson)],
    [VillageCoverageResolver, new VillageCoverageResolver()],
    [HandlingOptionResolver, new HandlingOptionResolver()],
    [HandlingWayOptionResolver, new HandlingWayOptionResolver()],
    [IsochroneResolver, new IsochroneResolver()],
    [ApiKeyResolver, new ApiKeyResolver(services.apiKey, services.auditLog)],
    [ServicePointWriteResolver, new ServicePointWriteResolver(services.servicePointWrite)],
    [VillageWriteResolver, new VillageWriteResolver(services.villageWrite)],
    [ImportResolver, new ImportResolver(services.import)],
    [CoverageSubscriptionResolver, new CoverageSubscriptionResolver()],
    [SavedScenarioResolver, new SavedScenarioResolver(services.savedScenarios)],
    [SiteSuggestionResolver, new SiteSuggestionResolver(services.siteSuggestions)],
    [PlanningAreaResolver, new PlanningAreaResolver(services.planningAreas)],
    [HandlingRuleResolver, new HandlingRuleResolver(services.handlingRules)],
  ]);
  return {
    get(someClass: unknown, _data: ResolverData<object>) {
      const instance = instances.get(someClass);
      if (!instance) throw new Error(`No instance registered for ${String((someClass as { name?: string }).name)}`);
      return instance;
    },
  };
}
