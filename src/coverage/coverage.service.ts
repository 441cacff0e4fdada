import type { Feature, FeatureCollection, MultiPolygon, Point, Polygon } from 'geojson';
import type { Area } from '../area/area.entity';
import { Deadline } from '../common/deadline';
import { LimitExceededError, NotFoundError } from '../common/errors';
import type { VersionCache } from '../common/version-cache';
import { MAX_FEATURES } from '../common/limits';
import type { Config } from '../config/config';
import { fromWgs84, geodesicAreaKm2, geodesicCircle, type Crs } from '../geo';
import { toPage, type Page } from '../graphql/connection/connection.type';
import { decodeCursor, encodeCursor } from '../graphql/connection/cursor';
import { pageSize } from '../graphql/connection/page-size';
import type { Loaders } from '../graphql/loaders';
import { DelegationLevel } from '../service-item/delegation-level.enum';
import type { ServiceItem } from '../service-item/service-item.entity';
import type { ServiceItemRepository } from '../service-item/service-item.repository';
import { ServicePointKind } from '../service-point/service-point-kind.enum';
import type { TravelModels } from '../travel/travel-models';
import type { TravelDescription, TravelModel, TravelModeName } from '../travel/travel-model';
import type { Village } from '../village/village.entity';
import type { CoverageArgs, CoverageGapsArgs, DelegationMatrixArgs, IsochroneArgs, TravelArgs, VillageCoverageArgs, WhereToHandleArgs } from './coverage.args';
import { ANY_ITEM, nearestPointId, type AreaComputation, type CoverageEngine, type EnginePoint } from './coverage.engine';
import type { CoveragePolygonService } from './coverage-polygon.service';
import type { CoveragePolygonResult } from './coverage-polygon.worker';
import type { CoverageRepository } from './coverage.repository';
import type { EngineStore } from './engine-store';
import { coverageProvenance } from './provenance';
import { computeReference } from './reference-coverage';
import type {
  Coverage,
  CoverageGaps,
  CoverageProvenance,
  DelegationMatrix,
  Isochrone,
  TownshipCoverage,
  VillageCoverage,
  VillageCoverageEdge,
  WhereToHandle,
} from './coverage.type';
import { CoverageMethod, TravelMode, TravelModelName } from './travel-mode.enum';

/** A query's travel: the model, the mode and budget, and the model's own account of them. */
export interface Travel {
  readonly model: TravelModel;
  readonly mode: TravelMode;
  readonly minutes: number;
  /** The budget in the model's field unit (the straight line's: a radius in metres). */
  readonly budgetCost: number;
  readonly description: TravelDescription;
}

/** A computed coverage with what the on-demand fields (villages, polygon) need. */
export interface CoverageView extends Coverage {
  readonly computation: AreaComputation;
  readonly travel: Travel;
  readonly itemCode: string | null;
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
 * The coverage questions (coverage, gaps, where to handle an item, the delegation matrix, isochrones), answered
 * from the engine's accessibility fields at the data version each request read (EngineStore), or by the PostGIS
 * reference; polygons by CoveragePolygonService. Every answer's provenance names the travel model, its parameters
 * and the data version it was computed from.
 */
export class CoverageService {
  constructor(
    readonly store: EngineStore,
    private readonly reference: CoverageRepository,
    private readonly items: ServiceItemRepository,
    private readonly models: TravelModels,
    readonly polygons: CoveragePolygonService,
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
    const { mode, minutes } = this.travel(args);
    return this.models.get(TravelModelName.STRAIGHT_LINE).budgetCost(mode, minutes);
  }

  /** Stops the polygon worker threads (at shutdown, after the last request). */
  close(): Promise<void> {
    return this.polygons.close();
  }

  /** The travel of a query: its model (default STRAIGHT_LINE), mode and budget, or the configured defaults. */
  travel(args: TravelArgs): Travel {
    const t = this.config.travel;
    const mode = args.mode ?? (t.defaultMode as TravelMode);
    const minutes = args.minutes ?? t.defaultBudgetMinutes;
    const model = this.models.get(args.travelModel ?? TravelModelName.STRAIGHT_LINE);
    return { model, mode, minutes, budgetCost: model.budgetCost(mode, minutes), description: model.describe(mode, minutes) };
  }

  async coverageOf(args: CoverageArgs, loaders: Loaders, deadline?: Deadline): Promise<CoverageView> {
    const travel = this.travel(args);
    const method = args.method ?? CoverageMethod.INDEX;
    const [area, item] = await Promise.all([this.area(args.areaCode, loaders), this.item(args.itemCode ?? null, loaders)]);
    const engine = await this.currentEngine(loaders);
    const { computation, provenance, entry } = await this.computed(engine, method, area.code, item?.code ?? null, travel, loaders, deadline);
    const totals = sums(computation);
    const byTownship = await this.byTownship(computation, loaders);
    const reach = { item: item?.code ?? ANY_ITEM, model: travel.model, mode: travel.mode, minutes: travel.minutes, dataVersion: provenance.dataVersion };
    return {
      area,
      item,
      itemCode: item?.code ?? null,
      ...totals,
      byTownship,
      provenance,
      computation,
      travel,
      // A failed polygon (refused, over the limit) is not kept: the next request tries again.
      polygon: () =>
        (entry.polygon ??= this.polygons.ofArea(engine, area, reach, loaders).catch((err: unknown) => {
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
  ): Promise<{ travel: Travel; rows: Map<string, { covered: boolean; minutes: number | null; distanceMeters: number | null; nearestPointId: string | null }> }> {
    const travel = this.travel(travelArgs);
    await this.item(itemCode, loaders);
    const engine = await this.currentEngine(loaders);
    // Read at once, before any await: the field is of the engine's version now.
    const field = engine.field(travel.model, travel.mode, itemCode ?? ANY_ITEM);
    const rows = new Map<string, { covered: boolean; minutes: number | null; distanceMeters: number | null; nearestPointId: string | null }>();
    for (const code of codes) {
      const v = engine.villageIndex(code);
      if (v < 0) continue;
      const p = field.nearest[v]!;
      const cost = field.cost[v]!;
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
  async polygonInBox(itemCode: string | null, travelArgs: TravelArgs, box: [number, number, number, number], loaders: Loaders): Promise<{ polygon: MultiPolygon; travel: Travel; dataVersion: string }> {
    const travel = this.travel(travelArgs);
    await this.item(itemCode, loaders);
    const engine = await this.currentEngine(loaders);
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
      rows.push(villageCoverage(c, k, view.travel));
    }
    const total = () => {
      if (args.covered === undefined || args.covered === null) return Promise.resolve(c.codes.length);
      return Promise.resolve(c.covered.reduce((n, x) => n + (Boolean(x) === args.covered ? 1 : 0), 0));
    };
    return toPage(rows, limit, (node) => ({ node, cursor: encodeCursor(scope, [node.villageCode]) }), total);
  }

  /** The coverage polygon in `crs`; in WGS-84 the cached polygon itself (nothing downstream changes it), not a copy. */
  async polygonIn(view: CoverageView, crs: Crs): Promise<MultiPolygon> {
    const { polygon } = await view.polygon();
    return fromWgs84(polygon, crs);
  }

  /** The coverage polygon as a Feature whose properties carry the figures and the method. */
  async polygonFeature(view: CoverageView, crs: Crs, loaders: Loaders): Promise<Feature<MultiPolygon>> {
    const [{ polygon, areaKm2 }, clippedTo] = await Promise.all([view.polygon(), this.polygons.clippedTo(view.area, view.provenance.dataVersion, loaders)]);
    return {
      type: 'Feature',
      geometry: fromWgs84(polygon, crs),
      properties: {
        areaCode: view.area.code,
        areaName: view.area.name,
        itemCode: view.itemCode,
        travelModel: view.travel.model.name,
        mode: view.travel.mode,
        minutes: view.travel.minutes,
        ...view.travel.description.parameters,
        areaKm2,
        clippedTo,
        coveredPopulationRatio: view.coveredPopulationRatio,
        dataVersion: view.provenance.dataVersion,
        crs,
      },
    };
  }

  /** Villages of a coverage result as a FeatureCollection of Points, ready for MapLibre, Leaflet or ECharts. */
  async villagesFeatureCollection(view: CoverageView, crs: Crs, covered: boolean | null, loaders: Loaders): Promise<FeatureCollection<Point>> {
    const c = view.computation;
    const picked: number[] = [];
    for (let k = 0; k < c.codes.length; k++) if (covered === null || Boolean(c.covered[k]) === covered) picked.push(k);
    if (picked.length > MAX_FEATURES) {
      throw new LimitExceededError(`${picked.length} villages are more than the ${MAX_FEATURES} one collection may hold; ask for a smaller area or use the vector tiles (/tiles/villages).`, {
        features: picked.length,
        limit: MAX_FEATURES,
      });
    }
    const villages = await loaders.villageByCode.loadMany(picked.map((k) => c.codes[k]!));
    const features = picked.map((k, i) => {
      const village = villages[i] as Village;
      const row = villageCoverage(c, k, view.travel);
      return {
        type: 'Feature' as const,
        id: village.code,
        geometry: fromWgs84(village.location, crs),
        properties: {
          code: village.code,
          name: village.name,
          population: village.population,
          covered: row.covered,
          travelMinutes: row.travelMinutes,
          distanceMeters: row.distanceMeters,
          nearestServicePointId: row.nearestPointId,
        },
      };
    });
    return { type: 'FeatureCollection', features };
  }

  async polygonAreaKm2(view: CoverageView): Promise<number> {
    return (await view.polygon()).areaKm2;
  }

  async gaps(args: CoverageGapsArgs, loaders: Loaders, deadline?: Deadline): Promise<CoverageGaps> {
    const limit = pageSize(args.first, this.config.pagination);
    const view = await this.coverageOf(args, loaders, deadline);
    const c = view.computation;
    const uncovered: number[] = [];
    for (let k = 0; k < c.codes.length; k++) if (!c.covered[k]) uncovered.push(k);
    uncovered.sort((a, b) => c.population[b]! - c.population[a]! || (c.codes[a]! < c.codes[b]! ? -1 : 1));
    return {
      area: view.area,
      uncoveredVillageCount: uncovered.length,
      uncoveredPopulation: view.population - view.coveredPopulation,
      villages: uncovered.slice(0, limit).map((k) => villageCoverage(c, k, view.travel)),
      provenance: view.provenance,
    };
  }

  async whereToHandle(args: WhereToHandleArgs, loaders: Loaders): Promise<WhereToHandle> {
    const travel = this.travel(args);
    const [village, item] = await Promise.all([
      loaders.villageByCode.load(args.villageCode).then((v) => v ?? Promise.reject(new NotFoundError('Village', args.villageCode))),
      this.item(args.itemCode, loaders) as Promise<ServiceItem>,
    ]);
    const engine = await this.currentEngine(loaders);
    // All from the engine at once, before any await: of one version.
    const dataVersion = engine.dataVersion;
    const [lon, lat] = village.location.coordinates as [number, number];
    const inScope = scopeTest(village, item.delegationLevel);
    const nearest = engine.nearestPoints(lon, lat, item.code, args.first ?? 5, travel.model, travel.mode);
    const inRule = engine.pointsOffering(item.code).filter(inScope);
    const options = nearest.map(({ point, cost }) => ({
      servicePointId: point.id,
      distanceMeters: cost,
      travelMinutes: travel.model.minutes(travel.mode, cost),
      withinBudget: cost <= travel.budgetCost,
      withinRuleScope: inScope(point),
    })) as WhereToHandle['options'];
    return {
      village,
      item,
      delegationLevel: item.delegationLevel,
      withinRule: inRule.length > 0,
      ruleExplanation: explainRule(village, item, inRule.length, options[0], travel),
      options,
      provenance: this.provenance(dataVersion, CoverageMethod.INDEX, travel),
    };
  }

  async delegationMatrix(args: DelegationMatrixArgs, loaders: Loaders): Promise<DelegationMatrix> {
    const travel = this.travel(args);
    const area = await this.area(args.areaCode, loaders);
    const catalogue = await this.items.findAll(null);
    const engine = await this.currentEngine(loaders);
    // Every item's row from the engine at once, before any await: of one version.
    const dataVersion = engine.dataVersion;
    const inArea = (p: EnginePoint) => (p.villageCode ?? p.areaCode).startsWith(area.code);
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
    return { area, rows, provenance: this.provenance(dataVersion, CoverageMethod.INDEX, travel) };
  }

  async isochrone(args: IsochroneArgs, loaders: Loaders): Promise<Isochrone> {
    const travel = this.travel(args);
    const point = await loaders.servicePointById.load(args.servicePointId);
    if (!point) throw new NotFoundError('ServicePoint', args.servicePointId);
    const version = await loaders.dataVersion();
    const shape = travel.model.reachShape(travel.mode, travel.minutes);
    const polygon: Polygon = geodesicCircle(point.location.coordinates as [number, number], shape.radiusMeters, 128);
    return {
      servicePoint: point,
      polygon,
      polygonAreaKm2: geodesicAreaKm2(polygon),
      provenance: this.provenance(version, CoverageMethod.INDEX, travel),
    };
  }

  /**
   * An area's coverage, cached per data version. The index answers from the engine's field at its version (read
   * at once); the PostGIS reference (priced, cut into short statements, within the request's deadline:
   * reference-coverage.ts) reads the tables and says which version it read, so each result is labelled (and kept)
   * under the version it was computed from.
   */
  private async computed(engine: CoverageEngine, method: CoverageMethod, areaCode: string, itemCode: string | null, travel: Travel, loaders?: Loaders, deadline?: Deadline) {
    const version = engine.dataVersion;
    const key = [method, areaCode, itemCode ?? '*', travel.model.name, travel.mode, travel.minutes].join('|');
    let entry = this.cache.get<CachedCoverage>('coverage', version, key);
    if (!entry) {
      let computedFrom = version;
      let computation: AreaComputation;
      if (method === CoverageMethod.POSTGIS) {
        ({ dataVersion: computedFrom, computation } = await computeReference(this.reference, engine, {
          kind: this.databaseEngine,
          areaCode,
          itemCode,
          radiusMeters: this.referenceRadiusMeters(travel),
          deadline: deadline ?? new Deadline(this.config.requestDeadlineMs),
          label: `The PostGIS reference coverage of ${areaCode || 'the country'} (${travel.mode} ${travel.minutes} min)`,
        }));
      } else {
        computation = engine.computeArea(areaCode, itemCode ?? ANY_ITEM, travel.model, travel.mode, travel.budgetCost);
      }
      entry = { computation, provenance: this.provenance(computedFrom, method, travel) };
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

  private provenance(dataVersion: string, method: CoverageMethod, travel: Travel): CoverageProvenance {
    return coverageProvenance({ travel: travel.description, method, dataVersion, computedAt: new Date(), syntheticData: this.store.synthetic });
  }

  private async area(code: string, loaders: Loaders): Promise<Area> {
    const area = await loaders.areaByCode.load(code);
    if (!area) throw new NotFoundError('Area', code);
    return area;
  }

  private async item(code: string | null, loaders: Loaders): Promise<ServiceItem | null> {
    if (code === null) return null;
    const item = await loaders.serviceItemByCode.load(code);
    if (!item) throw new NotFoundError('ServiceItem', code);
    return item;
  }
}

/** The headline figures of a computation. */
export function sums(c: AreaComputation): Pick<Coverage, 'villageCount' | 'coveredVillageCount' | 'population' | 'coveredPopulation' | 'coveredPopulationRatio' | 'coveredVillageRatio'> {
  let population = 0;
  let coveredPopulation = 0;
  let coveredVillageCount = 0;
  for (let k = 0; k < c.codes.length; k++) {
    population += c.population[k]!;
    if (c.covered[k]) {
      coveredVillageCount++;
      coveredPopulation += c.population[k]!;
    }
  }
  const villageCount = c.codes.length;
  return {
    villageCount,
    coveredVillageCount,
    population,
    coveredPopulation,
    coveredPopulationRatio: population > 0 ? coveredPopulation / population : 0,
    coveredVillageRatio: villageCount > 0 ? coveredVillageCount / villageCount : 0,
  };
}

function villageCoverage(c: AreaComputation, k: number, travel: Travel): VillageCoverage {
  const distance = c.distanceMeters[k]!;
  const pointId = nearestPointId(c, k);
  const known = pointId !== null && Number.isFinite(distance);
  return {
    villageCode: c.codes[k],
    nearestPointId: pointId,
    covered: c.covered[k] === 1,
    distanceMeters: known ? distance : null,
    travelMinutes: known ? travel.model.minutes(travel.mode as TravelModeName, distance) : null,
  } as VillageCoverage;
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

function explainRule(village: Village, item: ServiceItem, inScope: number, nearest: { distanceMeters: number; travelMinutes: number } | undefined, travel: Travel): string {
  const where = { VILLAGE: 'the village itself', TOWNSHIP: 'its township', COUNTY: 'its county' }[item.delegationLevel];
  const verdict =
    inScope > 0
      ? `${inScope} active point(s) in ${where} offer it, so the rule holds.`
      : `No active point in ${where} offers it, so the rule does not hold.`;
  const reach = nearest
    ? ` The nearest point offering it is ${(nearest.distanceMeters / 1000).toFixed(1)} km away, about ${Math.round(nearest.travelMinutes)} min by ${travel.mode.toLowerCase()}${nearest.distanceMeters <= travel.budgetCost ? ', within' : ', beyond'} the ${travel.minutes}-minute budget.`
    : ' No point offers it within 300 km.';
  return `For ${village.name} (${village.code}), ${item.code} is delegated to the ${item.delegationLevel.toLowerCase()} level, so it should be handled within ${where}. ${verdict}${reach}`;
}
