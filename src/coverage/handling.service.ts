import { NotFoundError } from '../common/errors';
import { DelegationLevel } from '../service-item/delegation-level.enum';
import type { ServiceItem } from '../service-item/service-item.entity';
import type { ServiceItemRepository } from '../service-item/service-item.repository';
import { ServicePointKind } from '../service-point/service-point-kind.enum';
import type { Village } from '../village/village.entity';
import type { DelegationMatrixArgs, WhereToHandleArgs } from './coverage.args';
import type { EnginePoint } from './coverage.engine';
import { sums } from './coverage-figures';
import type { CoverageLoaders } from './coverage.loaders';
import type { CoverageService } from './coverage.service';
import type { Travel } from './query-travel';
import type { DelegationMatrix, WhereToHandle } from './coverage.type';
import { CoverageMethod } from './travel-mode.enum';

type Loaders = CoverageLoaders;

/**
 * Where a village can handle an item (the nearest points offering it, and whether the delegation rule holds), and
 * the delegation matrix of an area: read from the engine at the version the request read, as coverage is.
 */
export class HandlingService {
  constructor(
    private readonly coverage: CoverageService,
    private readonly items: ServiceItemRepository,
  ) {}

  async whereToHandle(args: WhereToHandleArgs, loaders: Loaders): Promise<WhereToHandle> {
    const [village, item, scenario] = await Promise.all([
      loaders.villageByCode.load(args.villageCode).then((v) => v ?? Promise.reject(new NotFoundError('Village', args.villageCode))),
      this.coverage.item(args.itemCode, loaders) as Promise<ServiceItem>,
      this.coverage.scenarios.resolveArgs(args, loaders),
    ]);
    const live = await this.coverage.currentEngine(loaders);
    const travel = this.coverage.travel(args, live);
    const engine = this.coverage.reader(live, scenario);
    // All from the engine at once, before any await: of one version.
    const dataVersion = engine.dataVersion;
    const [lon, lat] = village.location.coordinates as [number, number];
    const inScope = scopeTest(village, item.delegationLevel);
    const nearest = engine.nearestPoints(lon, lat, item.code, args.first ?? 5, travel.model, travel.mode);
    const inRule = engine.pointsOffering(item.code).filter(inScope);
    const options = nearest.map(({ point, cost }) => ({
      servicePointId: point.id,
      distanceMeters: travel.model.unit === 'meters' ? cost : null,
      travelMinutes: travel.model.minutes(travel.mode, cost),
      withinBudget: cost <= travel.budgetCost,
      withinRuleScope: inScope(point),
      scenarioPoint: scenario?.shown.get(point.id),
    })) as WhereToHandle['options'];
    return {
      village,
      item,
      delegationLevel: item.delegationLevel,
      withinRule: inRule.length > 0,
      ruleExplanation: explainRule(village, item, inRule.length, options[0], travel),
      options,
      provenance: this.coverage.provenance(dataVersion, CoverageMethod.INDEX, travel, scenario),
    };
  }

  async delegationMatrix(args: DelegationMatrixArgs, loaders: Loaders): Promise<DelegationMatrix> {
    const [area, catalogue, scenario] = await Promise.all([
      this.coverage.area(args.areaCode, loaders),
      this.items.findAll(null),
      this.coverage.scenarios.resolveArgs(args, loaders),
    ]);
    const live = await this.coverage.currentEngine(loaders);
    const travel = this.coverage.travel(args, live);
    const engine = this.coverage.reader(live, scenario);
    // Every item's row from the engine at once, before any await: of one version.
    const dataVersion = engine.dataVersion;
    const inArea = (p: EnginePoint) => engine.pointInArea(p, area.code);
    const rows = catalogue.map((item) => {
      const computation = engine.computeArea(area.code, item.code, travel.model, travel.mode, travel.budgetCost);
      const { coveredVillageCount, coveredPopulationRatio } = sums(computation);
      const offering = engine.pointsOffering(item.code).filter(inArea);
      const count = (kind: ServicePointKind) => offering.filter((p) => p.kind === kind).length;
      return {
        item,
        delegationLevel: item.delegationLevel,
        villagePoints: count(ServicePointKind.VILLAGE_POINT),
        townshipStations: count(ServicePointKind.TOWNSHIP_STATION),
        countyHalls: count(ServicePointKind.COUNTY_HALL),
        hospitalStations: count(ServicePointKind.HOSPITAL_STATION),
        coveredVillageCount,
        coveredPopulationRatio,
      };
    });
    loaders.version.used(dataVersion);
    return { area, rows, provenance: this.coverage.provenance(dataVersion, CoverageMethod.INDEX, travel, scenario) };
  }
}

/** Whether a point lies in the scope the delegation rule asks for: the village, its township or its county. */
function scopeTest(village: Village, level: DelegationLevel): (p: EnginePoint) => boolean {
  switch (level) {
    case DelegationLevel.VILLAGE:
      return (p) => p.villageCode === village.code;
    case DelegationLevel.TOWNSHIP:
      return (p) => (p.villageCode ?? p.areaCode).startsWith(village.townshipCode);
    case DelegationLevel.COUNTY:
      return (p) => (p.villageCode ?? p.areaCode).startsWith(village.countyCode);
  }
}

function explainRule(
  village: Village,
  item: ServiceItem,
  inScope: number,
  nearest: { distanceMeters: number | null; travelMinutes: number; withinBudget: boolean } | undefined,
  travel: Travel,
): string {
  const where = { VILLAGE: 'the village itself', TOWNSHIP: 'its township', COUNTY: 'its county' }[item.delegationLevel];
  const verdict =
    inScope > 0
      ? `${inScope} active point(s) in ${where} offer it, so the rule holds.`
      : `No active point in ${where} offers it, so the rule does not hold.`;
  const reach = nearest
    ? ` The nearest point offering it is ${nearest.distanceMeters !== null ? `${(nearest.distanceMeters / 1000).toFixed(1)} km away, about ` : ''}${Math.round(nearest.travelMinutes)} min by ${travel.mode.toLowerCase()}${travel.model.unit === 'minutes' ? ' over the road network' : ''}${nearest.withinBudget ? ', within' : ', beyond'} the ${travel.minutes}-minute budget.`
    : ' No point offers it within reach.';
  return `For ${village.name} (${village.code}), ${item.code} is delegated to the ${item.delegationLevel.toLowerCase()} level, so it should be handled within ${where}. ${verdict}${reach}`;
}
