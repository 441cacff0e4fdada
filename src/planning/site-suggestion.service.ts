import { booleanPointInPolygon } from '@turf/turf';
import type { MultiPolygon } from 'geojson';
import type { Area } from '../area/area.entity';
import { AreaLevel } from '../area/area-level.enum';
import type { Deadline } from '../common/deadline';
import { BadInputError, LimitExceededError } from '../common/errors';
import type { CoverageReader } from '../coverage/coverage.engine';
import type { Travel } from '../coverage/query-travel';
import type { CoverageLoaders } from '../coverage/coverage.loaders';
import type { CoverageService } from '../coverage/coverage.service';
import { CoverageMethod } from '../coverage/travel-mode.enum';
import { isInMainlandChina } from '../geo/is-in-mainland-china';
import { locationInWgs84 } from '../geo/location-in-wgs84';
import { DelegationLevel } from '../service-item/delegation-level.enum';
import type { ServiceItem } from '../service-item/service-item.entity';
import { ServicePointKind } from '../service-point/service-point-kind.enum';
import { sitingProblemFromPairs, type SitingPair, type SitingPool, type SitingResult } from '../siting';
import { SiteCandidateSet, SiteObjective, type SuggestSitesArgs } from './site-suggestion.args';
import type { SiteSuggestions, SuggestedSite } from './site-suggestion.type';

type Loaders = CoverageLoaders;

/** Villages one suggestion may weigh: a city's are a few thousand; a province is asked county by county. */
const MAX_VILLAGES = 25_000;
const MAX_CANDIDATES = 5_000;
/** Candidate-village pairs the solvers are given at most (a city with every village as a candidate is ~10⁶). */
const MAX_PAIRS = 5_000_000;
const DEFAULT_GRID_METERS = 2_000;
const DEFAULT_TIME_LIMIT_MS = 10_000;
/** Left of the request's deadline for building the answer after the solvers stop. */
const ANSWER_MARGIN_MS = 500;
const METERS_PER_DEGREE = 111_320;

/** The kind a new site must be to offer an item: the lowest level allowed to (a township item: a township station). */
const KIND_FOR_LEVEL: Record<DelegationLevel, ServicePointKind> = {
  [DelegationLevel.VILLAGE]: ServicePointKind.VILLAGE_POINT,
  [DelegationLevel.TOWNSHIP]: ServicePointKind.TOWNSHIP_STATION,
  [DelegationLevel.COUNTY]: ServicePointKind.COUNTY_HALL,
};
const KIND_NAMES: Record<ServicePointKind, string> = {
  [ServicePointKind.VILLAGE_POINT]: '村级医保服务点',
  [ServicePointKind.TOWNSHIP_STATION]: '乡镇医保服务站',
  [ServicePointKind.COUNTY_HALL]: '县级医保服务大厅',
  [ServicePointKind.HOSPITAL_STATION]: '医院医保服务站',
};

interface Candidate {
  readonly longitude: number;
  readonly latitude: number;
  /** The engine index of the village it is at (VILLAGES), else −1 until the nearest is found. */
  readonly village: number;
}

/**
 * Site suggestions (AccessMod's "scaling up", spopt's location-allocation, as an API over the live data): the area's
 * villages are the demands, weighted by population, already served as the engine's field says (through the
 * scenario, if any); candidates are villages, township seats, a grid or given places; each candidate's reach is the
 * travel model's. The solvers (src/siting: exact by HiGHS in a worker thread when it finishes in time, else greedy
 * with lazy gains and a proven bound) choose the sites; each is a point of the kind the item's level needs.
 */
export class SiteSuggestionService {
  constructor(
    private readonly coverage: CoverageService,
    private readonly solvers: SitingPool,
  ) {}

  /** Stops the solver threads (at shutdown). */
  close(): Promise<void> {
    return this.solvers.close();
  }

  async suggest(args: SuggestSitesArgs, loaders: Loaders, deadline: Deadline): Promise<SiteSuggestions> {
    if (!args.itemCode) throw new BadInputError('suggestSites needs itemCode: a site is a point of the kind that item needs.', { argument: 'itemCode' });
    const objective = args.objective ?? SiteObjective.MAX_COVERED_POPULATION;
    const counted = objective !== SiteObjective.FEWEST_SITES_FOR_FULL_COVERAGE;
    if (!counted && args.count !== undefined && args.count !== null) {
      throw new BadInputError('FEWEST_SITES_FOR_FULL_COVERAGE chooses how many sites; leave out count (targetCoveredShare sets how much to reach).', { argument: 'count' });
    }
    if (counted && args.targetCoveredShare !== undefined && args.targetCoveredShare !== null) {
      throw new BadInputError('targetCoveredShare is for FEWEST_SITES_FOR_FULL_COVERAGE.', { argument: 'targetCoveredShare' });
    }
    const [area, item, scenario] = await Promise.all([
      this.coverage.area(args.areaCode, loaders),
      this.coverage.item(args.itemCode, loaders) as Promise<ServiceItem>,
      this.coverage.scenarios.resolveArgs(args, loaders),
    ]);
    const set = args.candidates?.set ?? SiteCandidateSet.VILLAGES;
    const given = await this.candidatePlaces(set, args, area, loaders);

    const live = await this.coverage.currentEngine(loaders);
    const travel = this.coverage.travel(args, live);
    const engine = this.coverage.reader(live, scenario);
    // From here to the solver, all from the engine at once: of one version.
    const dataVersion = engine.dataVersion;
    const villages = Array.from(engine.villageIndices(area.code));
    const villageCount = villages.length;
    /** A village's position among the area's (its demand index), −1 outside the area. */
    const positionOf = new Map(villages.map((v, k) => [v, k]));
    const demandOf = (v: number) => positionOf.get(v) ?? -1;
    if (villageCount === 0) throw new BadInputError(`Area ${area.code} has no villages to serve.`, { argument: 'areaCode' });
    if (villageCount > MAX_VILLAGES) {
      throw new LimitExceededError(`${area.name} (${area.code}) has ${villageCount} villages, more than the ${MAX_VILLAGES} one suggestion weighs; ask for each city or county.`, {
        villages: villageCount,
        limit: MAX_VILLAGES,
      });
    }
    const computation = engine.computeArea(area.code, item.code, travel.model, travel.mode, travel.budgetCost);
    const field = engine.villageCosts(villages, item.code, travel.model, travel.mode);
    const minutes = (cost: number) => travel.model.minutes(travel.mode, cost);
    const existingCost = Float64Array.from(field.cost, (c, k) => (field.nearest[k]! >= 0 && Number.isFinite(c) ? minutes(c) : Number.POSITIVE_INFINITY));
    const candidates: Candidate[] = set === SiteCandidateSet.VILLAGES ? villages.map((v) => ({ ...place(engine.villagePlace(v)), village: v })) : given;
    if (candidates.length === 0) throw new BadInputError('There are no candidate places for new sites in this area.', { argument: 'candidates' });
    const count = counted ? (args.count ?? 3) : undefined;
    if (count !== undefined && count > candidates.length) {
      throw new BadInputError(`${area.name} (${area.code}) has ${candidates.length} candidate place(s); ask for at most ${candidates.length} new site(s), or give more candidates.`, { argument: 'count', candidates: candidates.length });
    }
    if (candidates.length > MAX_CANDIDATES) {
      throw new LimitExceededError(`${candidates.length} candidate places are more than the ${MAX_CANDIDATES} one suggestion weighs; use a larger gridSpacingMeters or a smaller area.`, {
        candidates: candidates.length,
        limit: MAX_CANDIDATES,
      });
    }
    // A candidate matters to a village only nearer than its existing point: for the covering objectives within the
    // budget; for the mean, within the farthest existing point (or, where a village has none, four budgets).
    let reachCost = travel.budgetCost;
    if (objective === SiteObjective.MIN_MEAN_TRAVEL_MINUTES) {
      let farthest = 0;
      for (let k = 0; k < villageCount; k++) farthest = field.nearest[k]! < 0 ? Math.max(farthest, 4 * travel.budgetCost) : Math.max(farthest, field.cost[k]!);
      reachCost = Math.max(travel.budgetCost, farthest);
    }
    const pairs: SitingPair[] = [];
    const nearestVillage: number[] = [];
    candidates.forEach((c, j) => {
      const reach = engine.reachFrom(c.longitude, c.latitude, item.code, travel.model, travel.mode, reachCost);
      let best = c.village;
      let bestCost = Number.POSITIVE_INFINITY;
      for (let i = 0; i < reach.villages.length; i++) {
        const v = reach.villages[i]!;
        const demand = demandOf(v);
        if (demand < 0) continue;
        pairs.push({ demand, candidate: j, cost: minutes(reach.costs[i]!) });
        if (c.village < 0 && reach.costs[i]! < bestCost) {
          best = v;
          bestCost = reach.costs[i]!;
        }
      }
      nearestVillage.push(best >= 0 ? best : nearestByPlace(engine, c, demandOf, villages[0]!, item.code, travel));
      if (pairs.length > MAX_PAIRS) {
        throw new LimitExceededError(`The candidates reach more than ${MAX_PAIRS} village pairs; use fewer candidates (a grid, or township seats) or a smaller area.`, { limit: MAX_PAIRS });
      }
    });
    const problem = sitingProblemFromPairs({ demandWeights: computation.population, candidateCount: candidates.length, pairs, existingCost, budget: travel.minutes });
    const villageCodes = nearestVillage.map((v) => computation.codes[demandOf(v)]!);
    loaders.version.used(dataVersion);

    // Off the request thread: greedy, swaps and bounds take seconds on a city's candidates.
    const result = await this.solvers.solve(problem, {
      objective,
      count,
      targetCoveredShare: counted ? undefined : (args.targetCoveredShare ?? undefined),
      method: args.method ?? 'AUTO',
      timeLimitMs: Math.max(100, Math.min(args.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS, deadline.remainingMs() - ANSWER_MARGIN_MS)),
      signal: deadline.signal,
    });
    let population = 0;
    for (let k = 0; k < villageCount; k++) population += computation.population[k]!;
    return this.answer({ area, item, objective, result, candidates, villageCodes, population, provenance: this.coverage.provenance(dataVersion, CoverageMethod.INDEX, travel, scenario) }, loaders);
  }

  private async answer(
    a: {
      area: Area;
      item: ServiceItem;
      objective: SiteObjective;
      result: SitingResult;
      candidates: readonly Candidate[];
      villageCodes: readonly string[];
      population: number;
      provenance: SiteSuggestions['provenance'];
    },
    loaders: Loaders,
  ): Promise<SiteSuggestions> {
    const { result, item } = a;
    const kind = KIND_FOR_LEVEL[item.delegationLevel];
    const chosenVillages = await loaders.villageByCode.loadMany(result.sites.map((s) => a.villageCodes[s.candidate]!));
    const sites: SuggestedSite[] = [];
    const areas = await loaders.areaByCode.loadMany(
      result.sites.map((s) => {
        const village = a.villageCodes[s.candidate]!;
        return kind === ServicePointKind.COUNTY_HALL ? village.slice(0, 6) : village.slice(0, 9);
      }),
    );
    result.sites.forEach((s, i) => {
      const c = a.candidates[s.candidate]!;
      const village = chosenVillages[i];
      const villageName = village && !(village instanceof Error) ? village.name : a.villageCodes[s.candidate]!;
      sites.push({
        rank: i + 1,
        key: `SUGGESTED-${i + 1}`,
        name: `拟设${KIND_NAMES[kind]}（${villageName}${c.village >= 0 ? '' : '附近'}）`,
        kind,
        area: areas[i] as Area,
        longitude: c.longitude,
        latitude: c.latitude,
        villageCode: a.villageCodes[s.candidate]!,
        marginalCoveredPopulation: Math.round(s.marginalWeight),
        marginalCoveredVillages: s.marginalDemands,
        cumulativeCoveredPopulation: Math.round(s.cumulativeWeight),
        cumulativeCoveredVillages: s.cumulativeDemands,
        cumulativeMeanMinutes: s.cumulativeMeanCost ?? null,
      });
    });
    return {
      area: a.area,
      item,
      objective: a.objective,
      sites,
      coveredPopulationBefore: Math.round(result.alreadyCoveredWeight),
      coveredPopulationAfter: Math.round(result.coveredWeight),
      coverablePopulation: Math.round(result.coverableWeight),
      population: Math.round(a.population),
      meanMinutes: result.meanCost ?? null,
      status: result.status,
      bound: result.bound,
      gapPercent: result.gapPercent,
      method: result.method,
      candidateCount: a.candidates.length,
      elapsedMs: result.elapsedMs,
      asScenario: {
        add: sites.map((s) => ({ key: s.key, name: s.name, kind: s.kind, areaCode: s.area.code, location: { longitude: s.longitude, latitude: s.latitude }, itemCodes: [item.code] })),
      },
      provenance: a.provenance,
    };
  }

  /** The candidate places a set names (VILLAGES are the engine's villages, read with the rest). */
  private async candidatePlaces(set: SiteCandidateSet, args: SuggestSitesArgs, area: Area, loaders: Loaders): Promise<Candidate[]> {
    switch (set) {
      case SiteCandidateSet.VILLAGES:
        return [];
      case SiteCandidateSet.TOWNSHIP_SEATS: {
        const townships = area.level === AreaLevel.PLANNING ? await this.townshipsOfPlanningArea(area, loaders) : await townshipsOf(area, loaders);
        return townships.filter((t) => t.seat).map((t) => ({ ...place(t.seat!.coordinates as [number, number]), village: -1 }));
      }
      case SiteCandidateSet.LOCATIONS: {
        const locations = args.candidates?.locations ?? [];
        if (locations.length === 0) throw new BadInputError('candidates.set LOCATIONS needs candidates.locations.', { argument: 'candidates.locations' });
        return locations.map((l, i) => {
          const [longitude, latitude] = locationInWgs84(l);
          if (!isInMainlandChina(longitude, latitude)) {
            throw new BadInputError(`candidates.locations[${i}] (${longitude}, ${latitude}) is not in mainland China; check the coordinates and their crs.`, { argument: `candidates.locations[${i}]` });
          }
          return { longitude, latitude, village: -1 };
        });
      }
      case SiteCandidateSet.GRID:
        return this.grid(area, args.candidates?.gridSpacingMeters ?? DEFAULT_GRID_METERS, loaders);
    }
  }

  /** The townships a planning area's villages belong to (a planning area is not in the area tree). */
  private async townshipsOfPlanningArea(area: Area, loaders: Loaders): Promise<Area[]> {
    const engine = await this.coverage.currentEngine(loaders);
    const codes = [...new Set(Array.from(engine.villageIndices(area.code), (v) => engine.villageTownship(v)))];
    return (await loaders.areaByCode.loadMany(codes)).filter((a): a is Area => !!a && !(a instanceof Error));
  }

  /** Grid places at `spacing` metres over the area's villages, inside the boundary its polygons are clipped to. */
  private async grid(area: Area, spacingMeters: number, loaders: Loaders): Promise<Candidate[]> {
    const engine = await this.coverage.currentEngine(loaders);
    const box = engine.villageBox(area.code);
    if (!box) return [];
    const code = await this.coverage.polygons.clippedTo(area, engine.dataVersion, loaders);
    const boundary: MultiPolygon | null = code ? await loaders.areaBoundary.load(code) : null;
    const [minX, minY, maxX, maxY] = box;
    const dLat = spacingMeters / METERS_PER_DEGREE;
    const dLon = spacingMeters / (METERS_PER_DEGREE * Math.cos((((minY + maxY) / 2) * Math.PI) / 180));
    const columns = Math.floor((maxX - minX) / dLon) + 1;
    const rows = Math.floor((maxY - minY) / dLat) + 1;
    if (columns * rows > MAX_CANDIDATES * 4) {
      throw new LimitExceededError(`A ${spacingMeters} m grid over ${area.name} has ${columns * rows} places, too many; use a larger gridSpacingMeters.`, { candidates: columns * rows, limit: MAX_CANDIDATES });
    }
    const places: Candidate[] = [];
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < columns; c++) {
        const longitude = minX + c * dLon;
        const latitude = minY + r * dLat;
        if (!boundary || booleanPointInPolygon([longitude, latitude], boundary)) places.push({ longitude, latitude, village: -1 });
      }
    }
    return places;
  }
}

/** The townships of an area (itself, for a township), through the area tree. */
async function townshipsOf(area: Area, loaders: Loaders): Promise<Area[]> {
  if (area.level === AreaLevel.TOWNSHIP) return [area];
  const children = await loaders.areasByParent.load(area.code);
  return (await Promise.all(children.map((c) => townshipsOf(c, loaders)))).flat();
}

/** The village of the area nearest to a place (for a candidate that reaches none: it still needs a township). */
function nearestByPlace(engine: CoverageReader, c: Candidate, demandOf: (v: number) => number, first: number, item: string, travel: Travel): number {
  for (let budget = travel.budgetCost; budget <= 64 * travel.budgetCost; budget *= 4) {
    const reach = engine.reachFrom(c.longitude, c.latitude, item, travel.model, travel.mode, budget);
    let best = -1;
    let bestCost = Number.POSITIVE_INFINITY;
    reach.villages.forEach((v, i) => {
      if (demandOf(v) >= 0 && reach.costs[i]! < bestCost) {
        best = v;
        bestCost = reach.costs[i]!;
      }
    });
    if (best >= 0) return best;
  }
  return first;
}

function place([longitude, latitude]: [number, number]): { longitude: number; latitude: number } {
  return { longitude, latitude };
}
