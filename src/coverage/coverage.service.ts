import type { Feature, FeatureCollection, MultiPolygon, Point, Polygon } from 'geojson';
import CheapRuler from 'cheap-ruler';
import type { Area } from '../area/area.entity';
import { Deadline } from '../common/deadline';
import { LimitExceededError, NotFoundError } from '../common/errors';
import { MAX_FEATURES } from '../common/limits';
import type { Logger } from '../common/logger';
import type { Config } from '../config/config';
import { fromWgs84, geodesicAreaKm2, geodesicCircle, travelMinutes, travelRadiusMeters, type Crs } from '../geo';
import { toPage, type Page } from '../graphql/connection/connection.type';
import { decodeCursor, encodeCursor } from '../graphql/connection/cursor';
import { pageSize } from '../graphql/connection/page-size';
import type { Loaders } from '../graphql/loaders';
import { DelegationLevel } from '../service-item/delegation-level.enum';
import type { ServiceItem } from '../service-item/service-item.entity';
import type { ServiceItemRepository } from '../service-item/service-item.repository';
import { ServicePointKind } from '../service-point/service-point-kind.enum';
import type { Village } from '../village/village.entity';
import type { CoverageArgs, CoverageGapsArgs, DelegationMatrixArgs, IsochroneArgs, TravelArgs, VillageCoverageArgs, WhereToHandleArgs } from './coverage.args';
import { CoverageEngine, type AreaComputation, type EnginePoint } from './coverage.engine';
import type { CoveragePolygonPool } from './coverage-polygon.pool';
import type { CoveragePolygonResult } from './coverage-polygon.worker';
import type { CoverageRepository } from './coverage.repository';
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
import { CoverageMethod, TravelMode } from './travel-mode.enum';

/** Area boundaries kept for clipping polygons (a county's is ~50 KB of GeoJSON). */
const MAX_CACHED_CLIPS = 256;

export interface Travel {
  mode: TravelMode;
  minutes: number;
  speedKmh: number;
  detourFactor: number;
  radiusMeters: number;
}

/** A computed coverage with what the on-demand fields (villages, polygon) need. */
export interface CoverageView extends Coverage {
  readonly computation: AreaComputation;
  readonly travel: Travel;
  readonly itemCode: string | null;
  readonly polygon: () => Promise<CoveragePolygonResult>;
}

interface CachedCoverage {
  computation: AreaComputation;
  provenance: CoverageProvenance;
  polygon?: Promise<CoveragePolygonResult>;
}

export class CoverageService {
  private engine: CoverageEngine | null = null;
  private engineLoading: Promise<CoverageEngine> | null = null;
  private syntheticData = true;
  private readonly cache = new Map<string, CachedCoverage>();
  private readonly clips = new Map<string, Promise<MultiPolygon | null>>();
  private clipsVersion = '';
  private cacheVersion = '';
  readonly stats = { hits: 0, misses: 0, engineLoads: 0 };

  constructor(
    private readonly coverage: CoverageRepository,
    private readonly items: ServiceItemRepository,
    private readonly config: Config,
    private readonly logger: Logger,
    private readonly polygons: CoveragePolygonPool,
    /** The engine the reference's statements run on (priced and cut to its speed). */
    private readonly databaseEngine: 'server' | 'embedded' = config.database.kind,
  ) {}

  /** Polygon worker counters, for /metrics. */
  get polygonStats(): { computed: number; inline: number; refused: number; queued: number } {
    return { ...this.polygons.stats, queued: this.polygons.queued };
  }

  /** Stops the polygon worker threads (at shutdown, after the last request). */
  close(): Promise<void> {
    return this.polygons.close();
  }

  /** For /readyz: whether an engine has been loaded (of which data version), and whether a (re)load is running. */
  get engineState(): { loaded: boolean; dataVersion: string | null; loading: boolean } {
    return { loaded: this.engine !== null, dataVersion: this.engine?.dataVersion ?? null, loading: this.engineLoading !== null };
  }

  /**
   * The engine for the data version the request read (or a newer one): loaded on first use and reloaded when the
   * data changed. One load runs at a time, so loads finish in the order they started and each reads a version at
   * least as new as the one before. A load already in flight may have read its snapshot before the write this
   * request saw; its engine is then too old for this request, which waits for the next load instead. The version
   * of the engine returned is recorded in the request's version ledger (what the answer was computed from).
   */
  async currentEngine(loaders?: Loaders): Promise<CoverageEngine> {
    const wanted = BigInt(await (loaders ? loaders.dataVersion() : this.coverage.dataVersion()));
    for (;;) {
      const engine = this.engine;
      if (engine && BigInt(engine.dataVersion) >= wanted) {
        loaders?.version.used(engine.dataVersion);
        return engine;
      }
      const startedHere = this.engineLoading === null;
      const loaded = await (this.engineLoading ??= this.loadEngine());
      if (startedHere && BigInt(loaded.dataVersion) < wanted) {
        // A load started after the version was read found an older one: the database went back (a restore).
        loaders?.version.used(loaded.dataVersion);
        return loaded;
      }
    }
  }

  private loadEngine(): Promise<CoverageEngine> {
    return (async () => {
      const started = Date.now();
      const snapshot = await this.coverage.loadSnapshot();
      const engine = new CoverageEngine(snapshot.dataVersion, snapshot.villages, snapshot.points);
      this.syntheticData = snapshot.syntheticData;
      this.stats.engineLoads++;
      this.logger.info(
        { dataVersion: engine.dataVersion, villages: snapshot.villages.length, points: snapshot.points.length, ms: Date.now() - started },
        'coverage engine loaded',
      );
      this.engine = engine;
      return engine;
    })().finally(() => {
      this.engineLoading = null;
    });
  }

  travel(args: TravelArgs): Travel {
    const t = this.config.travel;
    const mode = args.mode ?? (t.defaultMode as TravelMode);
    const minutes = args.minutes ?? t.defaultBudgetMinutes;
    const speedKmh = t.speedsKmh[mode];
    return { mode, minutes, speedKmh, detourFactor: t.detourFactor, radiusMeters: travelRadiusMeters(speedKmh, minutes, t.detourFactor) };
  }

  async coverageOf(args: CoverageArgs, loaders: Loaders, deadline?: Deadline): Promise<CoverageView> {
    const travel = this.travel(args);
    const method = args.method ?? CoverageMethod.INDEX;
    const [area, item] = await Promise.all([this.area(args.areaCode, loaders), this.item(args.itemCode ?? null, loaders)]);
    const engine = await this.currentEngine(loaders);
    const { computation, provenance, entry } = await this.computed(engine, method, area.code, item?.code ?? null, travel, loaders, deadline);

    let population = 0;
    let coveredPopulation = 0;
    let coveredVillageCount = 0;
    for (let k = 0; k < computation.codes.length; k++) {
      population += computation.population[k];
      if (computation.covered[k]) {
        coveredVillageCount++;
        coveredPopulation += computation.population[k];
      }
    }
    const byTownship = await this.byTownship(computation, loaders);
    return {
      area,
      item,
      itemCode: item?.code ?? null,
      villageCount: computation.codes.length,
      coveredVillageCount,
      population,
      coveredPopulation,
      coveredPopulationRatio: population > 0 ? coveredPopulation / population : 0,
      coveredVillageRatio: computation.codes.length > 0 ? coveredVillageCount / computation.codes.length : 0,
      byTownship,
      provenance,
      computation,
      travel,
      // A failed polygon (refused, over the limit) is not kept: the next request tries again.
      polygon: () =>
        (entry.polygon ??= this.polygonOf(engine, area, item?.code ?? null, travel, loaders).catch((err: unknown) => {
          entry.polygon = undefined;
          throw err;
        })),
    };
  }

  /**
   * Coverage of every village (all areas) for an item and travel, cached like any coverage result; for map
   * layers and tiles, which cut across areas. Returns the computation and the travel model used.
   */
  async allVillages(itemCode: string | null, travelArgs: TravelArgs, loaders: Loaders): Promise<{ computation: AreaComputation; travel: Travel; provenance: CoverageProvenance }> {
    const travel = this.travel(travelArgs);
    await this.item(itemCode, loaders);
    const engine = await this.currentEngine(loaders);
    const { computation, provenance } = await this.computed(engine, CoverageMethod.INDEX, '', itemCode, travel);
    return { computation, travel, provenance };
  }

  /**
   * The coverage polygon inside a bounding box [minX, minY, maxX, maxY] (a map tile, slightly buffered): the
   * circles of the counted points that can reach the box, clipped to it.
   */
  async polygonInBox(itemCode: string | null, travelArgs: TravelArgs, box: [number, number, number, number], loaders: Loaders): Promise<{ polygon: MultiPolygon; travel: Travel; dataVersion: string }> {
    const travel = this.travel(travelArgs);
    await this.item(itemCode, loaders);
    const engine = await this.currentEngine(loaders);
    const [minX, minY, maxX, maxY] = box;
    const ruler = new CheapRuler((minY + maxY) / 2, 'meters');
    const [bx0, by0, bx1, by1] = ruler.bufferBBox(box, travel.radiusMeters * 1.01);
    const centers = engine.pointsInBox(itemCode, bx0, by0, bx1, by1).map((p) => [p.longitude, p.latitude] as [number, number]);
    if (centers.length > this.config.maxPolygonPoints) {
      throw new LimitExceededError(`This view holds ${centers.length} service points, more than MAX_POLYGON_POINTS (${this.config.maxPolygonPoints}); zoom in.`, {
        circles: centers.length,
        limit: this.config.maxPolygonPoints,
      });
    }
    const clip: Polygon = { type: 'Polygon', coordinates: [[[minX, minY], [maxX, minY], [maxX, maxY], [minX, maxY], [minX, minY]]] };
    const { polygon } = await this.polygons.union({ centers, radiusMeters: travel.radiusMeters, clip, area: false });
    return { polygon, travel, dataVersion: engine.dataVersion };
  }

  /** Current data version (cheap): for HTTP caching (ETag) of map outputs. */
  dataVersion(): Promise<string> {
    return this.coverage.dataVersion();
  }

  /** Villages of a coverage result as a connection ordered by code, optionally only (un)covered ones. */
  villages(view: CoverageView, args: VillageCoverageArgs): Page<VillageCoverageEdge> {
    const limit = pageSize(args.first, this.config.pagination);
    const scope = `coverage:${args.covered ?? 'all'}`;
    const after = args.after ? String(decodeCursor(args.after, scope, 1)[0]) : null;
    const c = view.computation;
    const rows: VillageCoverage[] = [];
    for (let k = 0; k < c.codes.length && rows.length <= limit; k++) {
      if (after !== null && c.codes[k] <= after) continue;
      if (args.covered !== undefined && args.covered !== null && Boolean(c.covered[k]) !== args.covered) continue;
      rows.push(this.villageCoverage(c, k, view.travel));
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
  async polygonFeature(view: CoverageView, crs: Crs): Promise<Feature<MultiPolygon>> {
    const { polygon, areaKm2 } = await view.polygon();
    return {
      type: 'Feature',
      geometry: fromWgs84(polygon, crs),
      properties: {
        areaCode: view.area.code,
        areaName: view.area.name,
        itemCode: view.itemCode,
        mode: view.travel.mode,
        minutes: view.travel.minutes,
        radiusMeters: view.travel.radiusMeters,
        areaKm2,
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
    const villages = await loaders.villageByCode.loadMany(picked.map((k) => c.codes[k]));
    const features = picked.map((k, i) => {
      const village = villages[i] as Village;
      const row = this.villageCoverage(c, k, view.travel);
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
    uncovered.sort((a, b) => c.population[b] - c.population[a] || (c.codes[a] < c.codes[b] ? -1 : 1));
    return {
      area: view.area,
      uncoveredVillageCount: uncovered.length,
      uncoveredPopulation: view.population - view.coveredPopulation,
      villages: uncovered.slice(0, limit).map((k) => this.villageCoverage(c, k, view.travel)),
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
    const [lon, lat] = village.location.coordinates;
    const inScope = scopeTest(village, item.delegationLevel);
    const nearest = engine.nearestPoints(lon, lat, item.code, args.first ?? 5);
    const inRule = engine.pointsOffering(item.code).filter(inScope);
    const options = nearest.map(({ point, distanceMeters }) => ({
      servicePointId: point.id,
      distanceMeters,
      travelMinutes: travelMinutes(distanceMeters, travel.speedKmh, travel.detourFactor),
      withinBudget: distanceMeters <= travel.radiusMeters,
      withinRuleScope: inScope(point),
    })) as WhereToHandle['options'];
    return {
      village,
      item,
      delegationLevel: item.delegationLevel,
      withinRule: inRule.length > 0,
      ruleExplanation: explainRule(village, item, inRule.length, options[0], travel),
      options,
      provenance: this.provenance(engine.dataVersion, CoverageMethod.INDEX, travel, new Date()),
    };
  }

  async delegationMatrix(args: DelegationMatrixArgs, loaders: Loaders): Promise<DelegationMatrix> {
    const travel = this.travel(args);
    const area = await this.area(args.areaCode, loaders);
    const [engine, catalogue] = await Promise.all([this.currentEngine(loaders), this.items.findAll(null)]);
    const inArea = (p: EnginePoint) => (p.villageCode ?? p.areaCode).startsWith(area.code);
    const computedAt = new Date();
    const rows = [];
    for (const item of catalogue) {
      const { computation } = await this.computed(engine, CoverageMethod.INDEX, area.code, item.code, travel);
      let population = 0;
      let covered = 0;
      let coveredVillageCount = 0;
      computation.population.forEach((p, k) => {
        population += p;
        if (computation.covered[k]) {
          covered += p;
          coveredVillageCount++;
        }
      });
      const offering = engine.pointsOffering(item.code).filter(inArea);
      const count = (kind: ServicePointKind) => offering.filter((p) => p.kind === kind).length;
      rows.push({
        item,
        delegationLevel: item.delegationLevel,
        villagePoints: count(ServicePointKind.VILLAGE_POINT),
        townshipStations: count(ServicePointKind.TOWNSHIP_STATION),
        countyHalls: count(ServicePointKind.COUNTY_HALL),
        hospitalStations: count(ServicePointKind.HOSPITAL_STATION),
        coveredVillageCount,
        coveredPopulationRatio: population > 0 ? covered / population : 0,
      });
    }
    return { area, rows, provenance: this.provenance(engine.dataVersion, CoverageMethod.INDEX, travel, computedAt) };
  }

  async isochrone(args: IsochroneArgs, loaders: Loaders): Promise<Isochrone> {
    const travel = this.travel(args);
    const point = await loaders.servicePointById.load(args.servicePointId);
    if (!point) throw new NotFoundError('ServicePoint', args.servicePointId);
    const version = await loaders.dataVersion();
    const polygon: Polygon = geodesicCircle(point.location.coordinates as [number, number], travel.radiusMeters, 128);
    return {
      servicePoint: point,
      polygon,
      polygonAreaKm2: geodesicAreaKm2(polygon),
      provenance: this.provenance(version, CoverageMethod.INDEX, travel, new Date()),
    };
  }

  /**
   * An area's coverage, cached per data version. The index answers from the engine's snapshot; the PostGIS
   * reference (priced, cut into short statements, within the request's deadline: reference-coverage.ts) reads
   * the tables and says which version it read, so each result is labelled (and kept) under the version it was
   * computed from.
   */
  private async computed(engine: CoverageEngine, method: CoverageMethod, areaCode: string, itemCode: string | null, travel: Travel, loaders?: Loaders, deadline?: Deadline) {
    if (this.cacheVersion !== engine.dataVersion) {
      this.cache.clear();
      this.cacheVersion = engine.dataVersion;
    }
    const key = [method, areaCode, itemCode ?? '*', travel.mode, travel.minutes].join('|');
    let entry = this.cache.get(key);
    if (entry) {
      this.stats.hits++;
      this.cache.delete(key); // re-insert: Map order is the LRU order
      this.cache.set(key, entry);
    } else {
      this.stats.misses++;
      let version = engine.dataVersion;
      let computation: AreaComputation;
      if (method === CoverageMethod.POSTGIS) {
        ({ dataVersion: version, computation } = await computeReference(this.coverage, engine, {
          kind: this.databaseEngine,
          areaCode,
          itemCode,
          radiusMeters: travel.radiusMeters,
          deadline: deadline ?? new Deadline(this.config.requestDeadlineMs),
          label: `The PostGIS reference coverage of ${areaCode || 'the country'} (${travel.mode} ${travel.minutes} min)`,
        }));
      } else {
        computation = engine.computeArea(areaCode, itemCode, travel.radiusMeters);
      }
      entry = { computation, provenance: this.provenance(version, method, travel, new Date()) };
      // Only a result of the engine's own version is kept with the engine's results.
      if (this.config.coverageCacheEntries > 0 && version === engine.dataVersion) {
        this.cache.set(key, entry);
        while (this.cache.size > this.config.coverageCacheEntries) this.cache.delete(this.cache.keys().next().value!);
      }
    }
    loaders?.version.used(entry.provenance.dataVersion);
    return { computation: entry.computation, provenance: entry.provenance, entry };
  }

  private async polygonOf(engine: CoverageEngine, area: Area, itemCode: string | null, travel: Travel, loaders: Loaders): Promise<CoveragePolygonResult> {
    const clip = await this.clipOf(engine, area, loaders);
    const box = clip ? bbox(clip.coordinates.flat(2) as [number, number][]) : engine.villageBox(area.code);
    if (!box) return { polygon: { type: 'MultiPolygon', coordinates: [] }, areaKm2: 0 };
    const [minX, minY, maxX, maxY] = box;
    const ruler = new CheapRuler((minY + maxY) / 2, 'meters');
    const [bx0, by0, bx1, by1] = ruler.bufferBBox([minX, minY, maxX, maxY], travel.radiusMeters * 1.01);
    const centers = engine.pointsInBox(itemCode, bx0, by0, bx1, by1).map((p) => [p.longitude, p.latitude] as [number, number]);
    if (centers.length > this.config.maxPolygonPoints) {
      throw new LimitExceededError(
        `The coverage polygon of ${area.name} (${area.code}) would union ${centers.length} circles, more than the limit of ${this.config.maxPolygonPoints} (MAX_POLYGON_POINTS). Ask for a smaller area (a city or county), or use the figures and village lists, which have no such limit.`,
        { circles: centers.length, limit: this.config.maxPolygonPoints },
      );
    }
    return this.polygons.union({ centers, radiusMeters: travel.radiusMeters, clip });
  }

  /**
   * The boundary a polygon of `area` is clipped to: its own, or the nearest ancestor's when it has none
   * (townships). Kept per data version: a county's boundary is thousands of vertices, the same for every item,
   * mode and budget of it.
   */
  private clipOf(engine: CoverageEngine, area: Area, loaders: Loaders): Promise<MultiPolygon | null> {
    if (this.clipsVersion !== engine.dataVersion) {
      this.clips.clear();
      this.clipsVersion = engine.dataVersion;
    }
    let clip = this.clips.get(area.code);
    if (!clip) {
      clip = (async () => {
        for (let code: string | null = area.code; code; ) {
          const boundary = await loaders.areaBoundary.load(code);
          if (boundary) return boundary;
          code = (await loaders.areaByCode.load(code))?.parentCode ?? null;
        }
        return null;
      })();
      this.clips.set(area.code, clip);
      clip.catch(() => this.clips.delete(area.code)); // a failed read (database down) is not kept
      while (this.clips.size > MAX_CACHED_CLIPS) this.clips.delete(this.clips.keys().next().value!);
    }
    return clip;
  }

  private villageCoverage(c: AreaComputation, k: number, travel: Travel): VillageCoverage {
    const distance = c.distanceMeters[k];
    const known = Number.isFinite(distance);
    return {
      villageCode: c.codes[k],
      nearestPointId: c.nearestPointIds[k],
      covered: c.covered[k] === 1,
      distanceMeters: known ? distance : null,
      travelMinutes: known ? travelMinutes(distance, travel.speedKmh, travel.detourFactor) : null,
    } as VillageCoverage;
  }

  private async byTownship(c: AreaComputation, loaders: Loaders): Promise<TownshipCoverage[]> {
    const groups = new Map<string, Omit<TownshipCoverage, 'township' | 'coveredPopulationRatio'>>();
    for (let k = 0; k < c.codes.length; k++) {
      const g = groups.get(c.townshipCodes[k]) ?? { villageCount: 0, coveredVillageCount: 0, population: 0, coveredPopulation: 0 };
      g.villageCount++;
      g.population += c.population[k];
      if (c.covered[k]) {
        g.coveredVillageCount++;
        g.coveredPopulation += c.population[k];
      }
      groups.set(c.townshipCodes[k], g);
    }
    const townships = await loaders.areaByCode.loadMany([...groups.keys()]);
    return [...groups.values()].map((g, i) => ({
      ...g,
      township: townships[i] as Area,
      coveredPopulationRatio: g.population > 0 ? g.coveredPopulation / g.population : 0,
    }));
  }

  private provenance(dataVersion: string, method: CoverageMethod, travel: Travel, computedAt: Date): CoverageProvenance {
    const how = method === CoverageMethod.POSTGIS ? 'one PostGIS ST_DWithin query on geography' : 'the in-memory spatial index (KDBush + WGS-84 distances)';
    return {
      model: 'STRAIGHT_LINE_RADIUS',
      method,
      mode: travel.mode,
      speedKmh: travel.speedKmh,
      detourFactor: travel.detourFactor,
      minutes: travel.minutes,
      radiusMeters: travel.radiusMeters,
      dataVersion,
      computedAt: computedAt.toISOString(),
      syntheticData: this.syntheticData,
      description:
        `Covered = a counted point within ${Math.round(travel.radiusMeters)} m geodesic (WGS-84), i.e. ` +
        `${travel.minutes} min by ${travel.mode.toLowerCase()} at ${travel.speedKmh} km/h with road distance ≈ ${travel.detourFactor} × straight line; ` +
        `computed by ${how} from data version ${dataVersion}.${this.syntheticData ? ' Village locations and populations are synthetic.' : ''}`,
    };
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

function bbox(coordinates: readonly [number, number][]): [number, number, number, number] {
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of coordinates) {
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
    maxX = Math.max(maxX, x);
    maxY = Math.max(maxY, y);
  }
  return [minX, minY, maxX, maxY];
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
    ? ` The nearest point offering it is ${(nearest.distanceMeters / 1000).toFixed(1)} km away, about ${Math.round(nearest.travelMinutes)} min by ${travel.mode.toLowerCase()}${nearest.distanceMeters <= travel.radiusMeters ? ', within' : ', beyond'} the ${travel.minutes}-minute budget.`
    : ' No point offers it within 300 km.';
  return `For ${village.name} (${village.code}), ${item.code} is delegated to the ${item.delegationLevel.toLowerCase()} level, so it should be handled within ${where}. ${verdict}${reach}`;
}
