import type { MultiPolygon } from 'geojson';
import type { Area } from '../area/area.entity';
import { Deadline } from '../common/deadline';
import { BadInputError, NotFoundError } from '../common/errors';
import type { VersionCache } from '../common/version-cache';
import type { Config } from '../config/config';
import { toPage, type Page } from '../common/page';
import { decodeCursor, encodeCursor } from '../common/cursor';
import { pageSize } from '../common/page-size';
import type { CoverageLoaders } from './coverage.loaders';
import type { ServiceItem } from '../service-item/service-item.entity';
import type { ServiceItemRepository } from '../service-item/service-item.repository';
import type { CompareCoverageArgs, CoverageArgs, CoverageGapsArgs, TravelArgs, VillageCoverageArgs } from './coverage.args';
import { ANY_ITEM, isOfficialAreaCode, type AreaComputation, type CoverageEngine, type CoverageReader } from './coverage.engine';
import { ScenarioEngine } from './scenario-engine';
import type { ResolvedScenario, ScenarioService } from './scenario.service';
import type { CoveragePolygonService } from './coverage-polygon.service';
import type { CoveragePolygonResult } from './coverage-polygon.worker';
import type { CoverageRepository } from './coverage.repository';
import type { EngineStore } from './engine-store';
import { sums, villageCoverage } from './coverage-figures';
import { coverageProvenance } from './provenance';
import type { Travel } from './query-travel';
import { computeReference } from './reference-coverage';
import type {
  Coverage,
  CoverageComparison,
  CoverageGaps,
  CoverageProvenance,
  TownshipCoverage,
  VillageCoverage,
  VillageCoverageEdge,
} from './coverage.type';
import { CoverageMethod, TravelMode, TravelModelName } from './travel-mode.enum';
import { HandlingWay } from '../handling-rule/handling-way.enum';
import { handlingSet, isInPersonOnly, orderedWays, pointKey } from './handling-key';
import { withHandling } from './handling-coverage';

/** The request's loaders this reads. */
type Loaders = CoverageLoaders;

/** A computed coverage with what the on-demand fields (villages, polygon) need. */
export interface CoverageView extends Coverage {
  readonly computation: AreaComputation;
  readonly travel: Travel;
  readonly itemCode: string | null;
  /** The what-if it was computed under, null: the live data. */
  readonly scenario: ResolvedScenario | null;
  /** The ways of handling counted. */
  readonly handling: ReadonlySet<HandlingWay>;
  readonly polygon: () => Promise<CoveragePolygonResult>;
}

/** What a kept coverage is taken to weigh: its arrays (~48 bytes a village) and, when asked, its polygon. */
const BYTES_PER_VILLAGE = 48;
const COVERAGE_ENTRY_BYTES = 64 * 1024;

interface CachedCoverage {
  computation: AreaComputation;
  provenance: CoverageProvenance;
  polygon?: Promise<CoveragePolygonResult>;
}

/**
 * An area's coverage (its figures, villages and gaps), answered from the engine's accessibility fields at the data
 * version each request read (EngineStore), or by the PostGIS reference; the travel of a query, and the provenance
 * every answer carries (the travel model, its parameters and the data version it was computed from). Where to
 * handle an item is HandlingService's, GeoJSON outputs are CoverageGeoJsonService's, polygons CoveragePolygonService's.
 */
export class CoverageService {
  constructor(
    readonly store: EngineStore,
    private readonly reference: CoverageRepository,
    private readonly items: ServiceItemRepository,
    readonly polygons: CoveragePolygonService,
    readonly scenarios: ScenarioService,
    private readonly cache: VersionCache,
    private readonly config: Config,
    /** The engine the reference's statements run on (priced and cut to its speed). */
    private readonly databaseEngine: 'server' | 'embedded' = config.database.kind,
  ) {}

  /** For /readyz: whether an engine has been loaded (of which data version), its fields, and whether it is moving. */
  get engineState() {
    return this.store.state;
  }

  /** The engine at the data version the request read (or newer); its version is recorded in the request's ledger. */
  async currentEngine(loaders?: Loaders): Promise<CoverageEngine> {
    const wanted = BigInt(await (loaders ? loaders.dataVersion() : this.reference.dataVersion()));
    const engine = await this.store.atLeast(wanted);
    loaders?.version.used(engine.dataVersion);
    return engine;
  }

  /** The radius the PostGIS reference measures (it is a straight-line computation), for its cost. */
  referenceRadiusMeters(args: TravelArgs): number {
    const { mode, minutes } = this.travel({ ...args, travelModel: TravelModelName.STRAIGHT_LINE });
    return this.store.models.get(TravelModelName.STRAIGHT_LINE).budgetCost(mode, minutes);
  }

  /** Stops the polygon worker threads (at shutdown, after the last request). */
  close(): Promise<void> {
    return this.polygons.close();
  }

  /**
   * The travel of a query: its model (default STRAIGHT_LINE), mode and budget, or the configured defaults. The
   * model is `engine`'s (its data version's road network); without an engine, the newest engine's, to check a query
   * before the engine it will read is at hand: call again with that engine before computing.
   */
  travel(args: TravelArgs, engine?: CoverageEngine): Travel {
    const t = this.config.travel;
    const mode = args.mode ?? (t.defaultMode as TravelMode);
    const minutes = args.minutes ?? t.defaultBudgetMinutes;
    const models = engine?.models ?? this.store.models;
    const model = models.get(args.travelModel ?? TravelModelName.STRAIGHT_LINE);
    // The query's area (or village), when it has one: a ROAD answer names only the road networks of that area.
    const { areaCode, villageCode } = args as { areaCode?: string; villageCode?: string };
    return { model, mode, minutes, budgetCost: model.budgetCost(mode, minutes), description: model.describe(mode, minutes, areaCode ?? villageCode) };
  }

  /** The travel of a query with the models of the engine at the version the request read. */
  async travelNow(args: TravelArgs, loaders: Loaders): Promise<Travel> {
    return this.travel(args, await this.currentEngine(loaders));
  }

  async coverageOf(args: CoverageArgs, loaders: Loaders, deadline?: Deadline): Promise<CoverageView> {
    const method = args.method ?? CoverageMethod.INDEX;
    if (method === CoverageMethod.POSTGIS && args.travelModel === TravelModelName.ROAD) {
      throw new BadInputError('The PostGIS reference is a straight-line computation (ST_DWithin): use method INDEX with travelModel ROAD.', { argument: 'method' });
    }
    if ((args.scenario || args.scenarioId) && method !== CoverageMethod.INDEX) {
      throw new BadInputError('A scenario is evaluated on the engine\'s fields: use method INDEX (the PostGIS reference reads the tables as they are).', { argument: 'method' });
    }
    const handling = this.handling(args);
    if (method === CoverageMethod.POSTGIS && !isInPersonOnly(handling)) {
      throw new BadInputError('The PostGIS reference counts in-person handling only: use method INDEX to count ASSISTED or ONLINE handling.', { argument: 'method' });
    }
    const [area, item, scenario] = await Promise.all([
      this.area(args.areaCode, loaders),
      this.item(args.itemCode ?? null, loaders),
      this.scenarios.resolveArgs(args, loaders),
    ]);
    const engine = await this.currentEngine(loaders);
    return this.viewOf(engine, scenario, { method, area, item, travel: this.travel(args, engine), handling }, loaders, deadline);
  }

  /**
   * The ways of handling a query counts (default in person alone). Other ways need an item: without one any active
   * point counts, and neither assisted handling nor online channels mean anything.
   */
  handling(args: { itemCode?: string | null; handling?: readonly HandlingWay[] | null }): ReadonlySet<HandlingWay> {
    const ways = handlingSet(args.handling);
    if (!isInPersonOnly(ways) && !args.itemCode) {
      throw new BadInputError('handling other than [IN_PERSON] needs an itemCode: without one any active point counts, and assisted handling and online channels are per item.', { argument: 'handling' });
    }
    return ways;
  }

  /** The engine as the request sees it: through the scenario, if any (read at once, as the engine is). */
  reader(engine: CoverageEngine, scenario: ResolvedScenario | null): CoverageReader {
    return scenario ? new ScenarioEngine(engine, scenario.points) : engine;
  }

  /** A coverage of the engine (seen through the scenario, if any), computed or from the cache. */
  async viewOf(
    engine: CoverageEngine,
    scenario: ResolvedScenario | null,
    query: { method: CoverageMethod; area: Area; item: ServiceItem | null; travel: Travel; handling?: ReadonlySet<HandlingWay> },
    loaders: Loaders,
    deadline?: Deadline,
  ): Promise<CoverageView> {
    const { method, area, item, travel } = query;
    const handling = query.handling ?? handlingSet(null);
    const reader = this.reader(engine, scenario);
    const { computation, provenance, entry } = await this.computed(engine, reader, scenario, method, area.code, item?.code ?? null, travel, loaders, deadline, handling);
    const totals = sums(computation);
    const byTownship = await this.byTownship(computation, loaders);
    // The polygon is drawn around the points counted (in person, assisted); online handling has no place to draw.
    const reach = { item: pointKey(item?.code ?? ANY_ITEM, handling), model: travel.model, mode: travel.mode, minutes: travel.minutes, dataVersion: provenance.dataVersion };
    return {
      area,
      item,
      itemCode: item?.code ?? null,
      ...totals,
      byTownship,
      provenance,
      computation,
      scenario,
      travel,
      handling,
      // A failed polygon (refused, over the limit) is not kept: the next request tries again.
      polygon: () =>
        (entry.polygon ??= this.polygons.ofArea(reader, area, reach, loaders).catch((err: unknown) => {
          entry.polygon = undefined;
          throw err;
        })),
    };
  }

  /**
   * The coverage of villages of the tile layer, read from the field at the version the request read: for each
   * village code given, whether it is covered, the cost to its nearest counted point and that point's id.
   */
  async villagesOf(
    codes: readonly string[],
    itemCode: string | null,
    travelArgs: TravelArgs,
    loaders: Loaders,
    scenario: ResolvedScenario | null = null,
  ): Promise<{ travel: Travel; rows: Map<string, { covered: boolean; minutes: number | null; distanceMeters: number | null; nearestPointId: string | null }> }> {
    await this.item(itemCode, loaders);
    const live = await this.currentEngine(loaders);
    const travel = this.travel(travelArgs, live);
    const engine = this.reader(live, scenario);
    // Read at once, before any await: the costs are of the engine's version now.
    const known = codes.map((code) => ({ code, v: engine.villageIndex(code) })).filter((x) => x.v >= 0);
    const costs = engine.villageCosts(
      known.map((x) => x.v),
      itemCode ?? ANY_ITEM,
      travel.model,
      travel.mode,
    );
    const rows = new Map<string, { covered: boolean; minutes: number | null; distanceMeters: number | null; nearestPointId: string | null }>();
    for (let k = 0; k < known.length; k++) {
      const code = known[k]!.code;
      const p = costs.nearest[k]!;
      const cost = costs.cost[k]!;
      rows.set(code, {
        covered: p >= 0 && cost <= travel.budgetCost,
        minutes: p >= 0 ? travel.model.minutes(travel.mode, cost) : null,
        distanceMeters: p >= 0 && travel.model.unit === 'meters' ? cost : null,
        nearestPointId: p >= 0 ? engine.pointIdAt(p) : null,
      });
    }
    return { travel, rows };
  }

  /** The coverage polygon inside a bounding box (a map tile, slightly buffered), at the version the request read. */
  async polygonInBox(
    itemCode: string | null,
    travelArgs: TravelArgs,
    box: [number, number, number, number],
    loaders: Loaders,
    scenario: ResolvedScenario | null = null,
  ): Promise<{ polygon: MultiPolygon; travel: Travel; dataVersion: string }> {
    await this.item(itemCode, loaders);
    const live = await this.currentEngine(loaders);
    const travel = this.travel(travelArgs, live);
    const engine = this.reader(live, scenario);
    const dataVersion = engine.dataVersion;
    const polygon = await this.polygons.inBox(engine, { item: itemCode ?? ANY_ITEM, model: travel.model, mode: travel.mode, minutes: travel.minutes, dataVersion }, box);
    return { polygon, travel, dataVersion };
  }

  /** Villages of a coverage result as a connection ordered by code, optionally only (un)covered ones. */
  villages(view: CoverageView, args: VillageCoverageArgs): Page<VillageCoverageEdge> {
    const limit = pageSize(args.first, this.config.pagination);
    const scope = `coverage:${args.covered ?? 'all'}`;
    const after = args.after ? String(decodeCursor(args.after, scope, 1)[0]) : null;
    const c = view.computation;
    const rows: VillageCoverage[] = [];
    for (let k = 0; k < c.codes.length && rows.length <= limit; k++) {
      if (after !== null && c.codes[k]! <= after) continue;
      if (args.covered !== undefined && args.covered !== null && Boolean(c.covered[k]) !== args.covered) continue;
      rows.push(villageCoverage(c, k, view.travel, view.scenario?.shown));
    }
    const total = () => {
      if (args.covered === undefined || args.covered === null) return Promise.resolve(c.codes.length);
      return Promise.resolve(c.covered.reduce((n, x) => n + (Boolean(x) === args.covered ? 1 : 0), 0));
    };
    return toPage(rows, limit, (node) => ({ node, cursor: encodeCursor(scope, [node.villageCode]) }), total);
  }

  /** An area's coverage before and after a scenario, both from the engine at one version (read together, at once). */
  async compare(args: CompareCoverageArgs, loaders: Loaders): Promise<CoverageComparison> {
    const limit = pageSize(args.first, this.config.pagination);
    const [area, item, scenario] = await Promise.all([
      this.area(args.areaCode, loaders),
      this.item(args.itemCode ?? null, loaders),
      this.scenarios.resolveArgs(args, loaders),
    ]);
    if (!scenario) throw new BadInputError('compareCoverage compares with a scenario: give `scenario` or `scenarioId`.', { argument: 'scenario' });
    const engine = await this.currentEngine(loaders);
    const travel = this.travel(args, engine);
    const query = { method: CoverageMethod.INDEX, area, item, travel, handling: this.handling(args) };
    // Both started before either is awaited: their fields are read from the engine at the same version.
    const [before, after] = await Promise.all([this.viewOf(engine, null, query, loaders), this.viewOf(engine, scenario, query, loaders)]);
    const b = before.computation;
    const a = after.computation;
    const gained: number[] = [];
    const lost: number[] = [];
    const townships = new Map<string, { population: number; before: number; after: number; gained: number; lost: number }>();
    for (let k = 0; k < a.codes.length; k++) {
      const t = townships.get(a.townshipCodes[k]!) ?? { population: 0, before: 0, after: 0, gained: 0, lost: 0 };
      const people = a.population[k]!;
      t.population += people;
      if (b.covered[k]) t.before += people;
      if (a.covered[k]) t.after += people;
      if (a.covered[k] && !b.covered[k]) {
        gained.push(k);
        t.gained++;
      } else if (b.covered[k] && !a.covered[k]) {
        lost.push(k);
        t.lost++;
      }
      townships.set(a.townshipCodes[k]!, t);
    }
    const mostPeople = (x: number, y: number) => a.population[y]! - a.population[x]! || (a.codes[x]! < a.codes[y]! ? -1 : 1);
    const changed = [...townships].filter(([, t]) => t.before !== t.after || t.gained || t.lost);
    const areas = await loaders.areaByCode.loadMany(changed.map(([code]) => code));
    return {
      area,
      before,
      after,
      populationGained: after.coveredPopulation - before.coveredPopulation,
      villagesGainedCount: gained.length,
      villagesLostCount: lost.length,
      villagesGained: gained.sort(mostPeople).slice(0, limit).map((k) => villageCoverage(a, k, travel, scenario.shown)),
      villagesLost: lost.sort(mostPeople).slice(0, limit).map((k) => villageCoverage(a, k, travel, scenario.shown)),
      byTownship: changed
        .map(([, t], i) => ({
          township: areas[i] as Area,
          population: t.population,
          coveredPopulationBefore: t.before,
          coveredPopulationAfter: t.after,
          populationGained: t.after - t.before,
          villagesGained: t.gained,
          villagesLost: t.lost,
        }))
        .sort((x, y) => y.populationGained - x.populationGained || (x.township.code < y.township.code ? -1 : 1)),
      provenance: after.provenance,
    };
  }

  async gaps(args: CoverageGapsArgs, loaders: Loaders, deadline?: Deadline): Promise<CoverageGaps> {
    const limit = pageSize(args.first, this.config.pagination);
    const view = await this.coverageOf(args, loaders, deadline);
    const c = view.computation;
    const uncovered = this.uncoveredOrder(view);
    return {
      area: view.area,
      uncoveredVillageCount: uncovered.length,
      uncoveredPopulation: view.population - view.coveredPopulation,
      villages: uncovered.slice(0, limit).map((k) => villageCoverage(c, k, view.travel, view.scenario?.shown)),
      provenance: view.provenance,
    };
  }

  /** The uncovered villages of a coverage (indexes into its computation), most people first, then by code: the gaps' order. */
  uncoveredOrder(view: CoverageView): number[] {
    const c = view.computation;
    const uncovered: number[] = [];
    for (let k = 0; k < c.codes.length; k++) if (!c.covered[k]) uncovered.push(k);
    return uncovered.sort((a, b) => c.population[b]! - c.population[a]! || (c.codes[a]! < c.codes[b]! ? -1 : 1));
  }

  /**
   * An area's coverage, cached per data version. The index answers from the engine's field at its version (read
   * at once); the PostGIS reference (priced, cut into short statements, within the request's deadline:
   * reference-coverage.ts) reads the tables and says which version it read, so each result is labelled (and kept)
   * under the version it was computed from.
   */
  private async computed(
    engine: CoverageEngine,
    reader: CoverageReader,
    scenario: ResolvedScenario | null,
    method: CoverageMethod,
    areaCode: string,
    itemCode: string | null,
    travel: Travel,
    loaders?: Loaders,
    deadline?: Deadline,
    handling: ReadonlySet<HandlingWay> = handlingSet(null),
  ) {
    const version = engine.dataVersion;
    const ways = orderedWays(handling);
    const key = [method, areaCode, itemCode ?? '*', travel.model.name, travel.mode, travel.minutes, scenario ? `${scenario.summary.key}@${scenario.summary.savedId ?? ''}` : 'live', ways.join('+')].join('|');
    // (The saved id too: the provenance names it, and an answer is never labelled with another's.)
    let entry = this.cache.get<CachedCoverage>('coverage', version, key);
    if (!entry) {
      let computedFrom = version;
      let computation: AreaComputation;
      if (method === CoverageMethod.POSTGIS) {
        if (!isOfficialAreaCode(areaCode)) {
          throw new BadInputError(`method POSTGIS (the reference) takes official area codes; ${areaCode} is a planning area: use method INDEX.`, { argument: 'method' });
        }
        ({ dataVersion: computedFrom, computation } = await computeReference(this.reference, engine, {
          kind: this.databaseEngine,
          areaCode,
          itemCode,
          radiusMeters: this.referenceRadiusMeters(travel),
          deadline: deadline ?? new Deadline(this.config.requestDeadlineMs),
          label: `The PostGIS reference coverage of ${areaCode || 'the country'} (${travel.mode} ${travel.minutes} min)`,
        }));
      } else {
        computation = reader.computeArea(areaCode, pointKey(itemCode ?? ANY_ITEM, handling), travel.model, travel.mode, travel.budgetCost);
        if (itemCode !== null && !isInPersonOnly(handling)) computation = withHandling(reader, computation, itemCode, handling);
      }
      entry = { computation, provenance: this.provenance(computedFrom, method, travel, scenario, ways) };
      // Kept under the version it was computed from; a coverage's polygon, when asked, is kept with it.
      this.cache.set('coverage', computedFrom, key, entry, COVERAGE_ENTRY_BYTES + computation.codes.length * BYTES_PER_VILLAGE);
    }
    loaders?.version.used(entry.provenance.dataVersion);
    return { computation: entry.computation, provenance: entry.provenance, entry };
  }

  private async byTownship(c: AreaComputation, loaders: Loaders): Promise<TownshipCoverage[]> {
    const groups = new Map<string, Omit<TownshipCoverage, 'township' | 'coveredPopulationRatio'>>();
    for (let k = 0; k < c.codes.length; k++) {
      const g = groups.get(c.townshipCodes[k]!) ?? { villageCount: 0, coveredVillageCount: 0, population: 0, coveredPopulation: 0 };
      g.villageCount++;
      g.population += c.population[k]!;
      if (c.covered[k]) {
        g.coveredVillageCount++;
        g.coveredPopulation += c.population[k]!;
      }
      groups.set(c.townshipCodes[k]!, g);
    }
    const townships = await loaders.areaByCode.loadMany([...groups.keys()]);
    return [...groups.values()].map((g, i) => ({
      ...g,
      township: townships[i] as Area,
      coveredPopulationRatio: g.population > 0 ? g.coveredPopulation / g.population : 0,
    }));
  }

  /** The provenance of an answer computed at `dataVersion` by `method` with `travel`. */
  provenance(dataVersion: string, method: CoverageMethod, travel: Travel, scenario: ResolvedScenario | null = null, handling?: readonly HandlingWay[]): CoverageProvenance {
    return coverageProvenance({ travel: travel.description, method, dataVersion, computedAt: new Date(), syntheticData: this.store.synthetic, scenario: scenario?.summary ?? null, handling });
  }

  /** The area of `code` (NOT_FOUND for an unknown one). */
  async area(code: string, loaders: Loaders): Promise<Area> {
    const area = await loaders.areaByCode.load(code);
    if (!area) throw new NotFoundError('Area', code);
    return area;
  }

  /** The item of `code`, null for "any item" (NOT_FOUND for an unknown one). */
  async item(code: string | null, loaders: Loaders): Promise<ServiceItem | null> {
    if (code === null) return null;
    const item = await loaders.serviceItemByCode.load(code);
    if (!item) throw new NotFoundError('ServiceItem', code);
    return item;
  }
}

