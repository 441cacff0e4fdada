import { NotFoundError } from '../common/errors';
import { DelegationLevel } from '../service-item/delegation-level.enum';
import type { ServiceItem } from '../service-item/service-item.entity';
import type { ServiceItemRepository } from '../service-item/service-item.repository';
import { ServicePointKind } from '../service-point/service-point-kind.enum';
import type { Village } from '../village/village.entity';
import type { DelegationMatrixArgs, WhereToHandleArgs } from './coverage.args';
import { isOfficialAreaCode, type CoverageReader, type EnginePoint } from './coverage.engine';
import { sums } from './coverage-figures';
import type { CoverageLoaders } from './coverage.loaders';
import type { CoverageService } from './coverage.service';
import type { Travel } from './query-travel';
import type { DelegationMatrix, WhereToHandle } from './coverage.type';
import { CoverageMethod } from './travel-mode.enum';
import { HandlingWay } from '../handling-rule/handling-way.enum';
import type { ResolvedHandlingRule } from '../handling-rule/handling-rules';
import { OnlineChannelKind } from '../handling-rule/handling-way.enum';
import { handlingSet, isInPersonOnly, orderedWays, pointKey } from './handling-key';
import { withHandling } from './handling-coverage';
import type { HandlingWayOption } from './coverage.type';

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
    const found = waysToHandle(engine, village, item, args.first ?? 5, travel);
    // The points' names, for what the resident must do (the directory's; a scenario's own as it shows them).
    const listed = await loaders.servicePointById.loadMany(found.flatMap((w) => (w.servicePointId && !scenario?.shown.has(w.servicePointId) ? [w.servicePointId] : [])));
    const names = new Map<string, string>();
    for (const p of listed) if (p && !(p instanceof Error)) names.set(p.id, p.name);
    for (const [id, p] of scenario?.shown ?? []) names.set(id, p.name);
    const ways = found.map(({ describe, ...w }) => ({
      ...w,
      residentMustDo: describe(w.servicePointId ? (names.get(w.servicePointId) ?? w.servicePointId) : ''),
      ...(w.servicePointId && scenario?.shown.has(w.servicePointId) ? { scenarioPoint: scenario.shown.get(w.servicePointId) } : {}),
    })) as HandlingWayOption[];
    return {
      village,
      item,
      delegationLevel: item.delegationLevel,
      withinRule: inRule.length > 0,
      ruleExplanation: explainRule(village, item, inRule.length, options[0], travel),
      options,
      ways,
      provenance: this.coverage.provenance(dataVersion, CoverageMethod.INDEX, travel, scenario, [HandlingWay.IN_PERSON, HandlingWay.ASSISTED, HandlingWay.ONLINE]),
    };
  }

  async delegationMatrix(args: DelegationMatrixArgs, loaders: Loaders): Promise<DelegationMatrix> {
    const [area, catalogue, scenario] = await Promise.all([
      this.coverage.area(args.areaCode, loaders),
      this.items.findAll(null),
      this.coverage.scenarios.resolveArgs(args, loaders),
    ]);
    const handling = handlingSet(args.handling);
    const live = await this.coverage.currentEngine(loaders);
    const travel = this.coverage.travel(args, live);
    const engine = this.coverage.reader(live, scenario);
    // Every item's row from the engine at once, before any await: of one version.
    const dataVersion = engine.dataVersion;
    const inArea = (p: EnginePoint) => engine.pointInArea(p, area.code);
    let ruleCode: string | null = null;
    const rows = catalogue.map((item) => {
      let computation = engine.computeArea(area.code, pointKey(item.code, handling), travel.model, travel.mode, travel.budgetCost);
      ruleCode ??= ruleCodeOf(area.code, computation.codes);
      if (!isInPersonOnly(handling)) computation = withHandling(engine, computation, item.code, handling);
      const { coveredVillageCount, coveredPopulationRatio } = sums(computation);
      const offering = engine.pointsOffering(item.code).filter(inArea);
      const assisted = engine.pointsOffering(pointKey(item.code, new Set([HandlingWay.ASSISTED]))).filter(inArea);
      const rule = engine.handlingRule(ruleCode, item.code);
      const count = (kind: ServicePointKind) => offering.filter((p) => p.kind === kind).length;
      return {
        item,
        delegationLevel: item.delegationLevel,
        villagePoints: count(ServicePointKind.VILLAGE_POINT),
        townshipStations: count(ServicePointKind.TOWNSHIP_STATION),
        countyHalls: count(ServicePointKind.COUNTY_HALL),
        hospitalStations: count(ServicePointKind.HOSPITAL_STATION),
        assistedPoints: assisted.length,
        ways: [
          ...(offering.length ? [HandlingWay.IN_PERSON] : []),
          ...(assisted.length ? [HandlingWay.ASSISTED] : []),
          ...(rule.onlineChannels.length ? [HandlingWay.ONLINE] : []),
        ],
        assistedTurnaroundWorkingDays: rule.assistedTurnaroundWorkingDays,
        onlineChannels: [...rule.onlineChannels],
        coveredVillageCount,
        coveredPopulationRatio,
      };
    });
    loaders.version.used(dataVersion);
    return { area, rows, provenance: this.coverage.provenance(dataVersion, CoverageMethod.INDEX, travel, scenario, orderedWays(handling)) };
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

/**
 * The code whose handling rules an area's villages share: an official area's own; for a planning area, the longest
 * code (township, county, city, province) its villages' codes share, '' when they span provinces.
 */
function ruleCodeOf(areaCode: string, villageCodes: readonly string[]): string {
  if (isOfficialAreaCode(areaCode)) return areaCode;
  let prefix: string | null = null;
  for (const code of villageCodes) {
    if (prefix === null) prefix = code.slice(0, 9);
    while (!code.startsWith(prefix)) prefix = prefix.slice(0, [9, 6, 4, 2, 0].find((l) => l < prefix!.length)!);
    if (prefix === '') break;
  }
  return prefix ?? '';
}

const CHANNEL_WORDS: Record<OnlineChannelKind, string> = {
  [OnlineChannelKind.APP]: 'the app',
  [OnlineChannelKind.MINI_PROGRAM]: 'the mini-program',
  [OnlineChannelKind.TELEPHONE]: 'the service line',
  [OnlineChannelKind.WEBSITE]: 'the website',
};

const LEVEL_WORDS: Record<DelegationLevel, string> = {
  [DelegationLevel.VILLAGE]: 'the village service point',
  [DelegationLevel.TOWNSHIP]: 'the township medical-insurance station',
  [DelegationLevel.COUNTY]: 'the county medical-insurance service hall',
};

/**
 * Every way a village can handle an item, nearest first: the online channels of its area (no travel), then up to
 * `first` points handling it in person and up to `first` accepting it on the resident's behalf, by travel time.
 */
function waysToHandle(
  engine: CoverageReader,
  village: Village,
  item: ServiceItem,
  first: number,
  travel: Travel,
): (Omit<HandlingWayOption, 'residentMustDo'> & { describe: (pointName: string) => string })[] {
  const [lon, lat] = village.location.coordinates as [number, number];
  const rule: ResolvedHandlingRule = engine.handlingRule(village.code, item.code);
  const online = rule.onlineChannels.map((c) => ({
    way: HandlingWay.ONLINE,
    servicePoint: null,
    servicePointId: null,
    channel: c,
    distanceMeters: null,
    travelMinutes: 0,
    withinBudget: true,
    turnaroundWorkingDays: null,
    describe: () => `Apply through ${c.name} (${CHANNEL_WORDS[c.kind]}${c.access ? `: ${c.access}` : ''}); no travel is needed.${c.note ? ` ${c.note}` : ''}`,
  }));
  const atPoints = (way: HandlingWay.IN_PERSON | HandlingWay.ASSISTED) =>
    engine.nearestPoints(lon, lat, pointKey(item.code, new Set([way])), first, travel.model, travel.mode).map(({ point, cost }) => {
      const minutes = travel.model.minutes(travel.mode, cost);
      const reach = `${minutes < 1 ? 'less than a minute' : `about ${Math.round(minutes)} min`} by ${travel.mode.toLowerCase()}${cost <= travel.budgetCost ? '' : `, beyond the ${travel.minutes}-minute budget`}`;
      const turnaround = rule.assistedTurnaroundWorkingDays;
      return {
        way,
        servicePoint: null,
        servicePointId: point.id,
        channel: null,
        distanceMeters: travel.model.unit === 'meters' ? cost : null,
        travelMinutes: minutes,
        withinBudget: cost <= travel.budgetCost,
        turnaroundWorkingDays: way === HandlingWay.ASSISTED ? turnaround : null,
        describe: (name: string) =>
          way === HandlingWay.IN_PERSON
            ? `Go to ${name} (${reach}) with the documents the item needs; it is handled there.`
            : `Bring the application to ${name} (${reach}); the staff there accept it on your behalf and forward it to ${LEVEL_WORDS[item.delegationLevel]}, which decides` +
              (turnaround !== null ? `, usually within ${turnaround} working day(s)` : ' (the area\'s handling rule states no usual turnaround)') +
              '; the result comes back through them, so no trip further is needed.',
      };
    });
  // Stable: points at the same minutes keep the field's order, in-person ones first.
  const physical = [...atPoints(HandlingWay.IN_PERSON), ...atPoints(HandlingWay.ASSISTED)].sort((a, b) => a.travelMinutes - b.travelMinutes);
  return [...online, ...physical];
}
