import type { Feature, Geometry } from 'geojson';
import type { AreaService } from '../area/area.service';
import type { AreaVillageStats } from '../area/area.repository';
import { decodeCursor, encodeCursor } from '../common/cursor';
import type { Deadline } from '../common/deadline';
import { AppError, BadInputError, NotFoundError } from '../common/errors';
import type { CoverageLoaders } from '../coverage/coverage.loaders';
import type { CoverageService, CoverageView } from '../coverage/coverage.service';
import { villageCoverage } from '../coverage/coverage-figures';
import { CoverageMethod, type TravelMode, type TravelModelName } from '../coverage/travel-mode.enum';
import type { ServiceItem } from '../service-item/service-item.entity';
import type { ServicePoint } from '../service-point/service-point.entity';
import type { ServicePointService } from '../service-point/service-point.service';
import type { Village } from '../village/village.entity';
import type { VillageService } from '../village/village.service';
import type { OgcCollectionId, OgcCollectionSpec } from './ogc-collections';
import { areaFeature, coverageGapFeature, servicePointFeature, villageFeature } from './ogc-features';
import type { HandlingWay } from '../handling-rule/handling-way.enum';
import { listParam, numberParam, textParam, type BBox, type CollectionParams, type ItemsQuery } from './ogc-query.parse';
import type { ExtentSource, OgcRepository } from './ogc.repository';
import type { PlanningAreaRecord } from '../planning-area/planning-area.repository';
import type { PlanningAreaService } from '../planning-area/planning-area.service';

/** The request's loaders this reads (those of GraphQL: the same records, batched per request). */
type Loaders = CoverageLoaders;

/** A feature of a collection; areas without a boundary (townships) have none (RFC 7946 §3.2). */
export type OgcFeature = Feature<Geometry | null>;

/** One page of a collection's features. */
export interface ItemsPage {
  readonly features: OgcFeature[];
  /** How many features match the request's filters (all pages). */
  readonly numberMatched: number;
  /** Where the next page starts (opaque), null on the last page. */
  readonly nextCursor: string | null;
  /** Members the FeatureCollection carries besides the standard ones (coverage gaps: what was computed, how). */
  readonly members?: Readonly<Record<string, unknown>>;
}

/** A single feature, and members the answer carries besides it. */
export interface SingleItem {
  readonly feature: OgcFeature;
  readonly members?: Readonly<Record<string, unknown>>;
}

/** Where a collection's features come from: one per collection id (the compiler asks for a new collection's). */
interface OgcSource {
  /** Whose bounds are the collection's spatial extent. */
  readonly extent: ExtentSource;
  items(query: ItemsQuery, loaders: Loaders, deadline: Deadline): Promise<ItemsPage>;
  /** The feature `id` when it is in the collection as `params` filter it; NOT_FOUND otherwise. */
  item(id: string, params: CollectionParams, loaders: Loaders, deadline: Deadline): Promise<SingleItem>;
}

const present = <T>(values: readonly (T | Error | null | undefined)[]): T[] => values.filter((v): v is T => v !== null && v !== undefined && !(v instanceof Error));

/**
 * The data of the OGC API Features collections (ogc-collections.ts), from the services and loaders GraphQL uses:
 * the directory and areas through the domain's loaders (the matching ids, in id order, from ogc.repository.ts, which
 * adds the bounding box), coverage gaps from the coverage engine through CoverageService, as `coverageGaps` computes
 * them. Paging is by keyset (after the last id, or population and code for gaps), in an opaque cursor.
 */
export class OgcService {
  private readonly extents = new Map<ExtentSource, { version: string; bbox: BBox | null }>();
  private readonly sources: Readonly<Record<OgcCollectionId, OgcSource>>;

  constructor(
    private readonly repository: OgcRepository,
    private readonly services: {
      readonly villages: VillageService;
      readonly servicePoints: ServicePointService;
      readonly areas: AreaService;
      readonly coverage: CoverageService;
      readonly planningAreas: PlanningAreaService;
    },
  ) {
    this.sources = {
      'service-points': this.servicePointSource(),
      villages: this.villageSource(),
      areas: this.areaSource(),
      'planning-areas': this.planningAreaSource(),
      'coverage-gaps': this.coverageGapSource(),
    };
  }

  /** The bounds of a collection's data, read once per data version. */
  async extent(collection: OgcCollectionSpec, loaders: Loaders): Promise<BBox | null> {
    const source = this.sources[collection.id].extent;
    const version = await loaders.dataVersion();
    const kept = this.extents.get(source);
    if (kept?.version === version) return kept.bbox;
    const bbox = await this.repository.extent(source);
    this.extents.set(source, { version, bbox });
    return bbox;
  }

  /** The parameters that name records (an area, a parent area, an item) must name existing ones: 400 otherwise. */
  async checkParams(params: CollectionParams, loaders: Loaders): Promise<void> {
    const areaCode = textParam(params, 'areaCode');
    const parentCode = textParam(params, 'parentCode');
    const item = textParam(params, 'item');
    const [area, parent, serviceItem] = await Promise.all([
      areaCode ? loaders.areaByCode.load(areaCode) : null,
      parentCode ? loaders.areaByCode.load(parentCode) : null,
      item ? loaders.serviceItemByCode.load(item) : null,
    ]);
    if (areaCode && !area) throw new BadInputError(`areaCode: there is no area ${areaCode}.`, { argument: 'areaCode' });
    if (parentCode && !parent) throw new BadInputError(`parentCode: there is no area ${parentCode}.`, { argument: 'parentCode' });
    if (item && !serviceItem) throw new BadInputError(`item: there is no service item ${item} (the codes: GraphQL { serviceItems { code } }).`, { argument: 'item' });
  }

  async items(collection: OgcCollectionSpec, query: ItemsQuery, loaders: Loaders, deadline: Deadline): Promise<ItemsPage> {
    await this.checkParams(query.params, loaders);
    return this.sources[collection.id].items(query, loaders, deadline);
  }

  async item(collection: OgcCollectionSpec, id: string, params: CollectionParams, loaders: Loaders, deadline: Deadline): Promise<SingleItem> {
    if (!collection.featureId.pattern.test(id)) throw new NotFoundError(`Feature of ${collection.id}`, id.slice(0, 80));
    await this.checkParams(params, loaders);
    return this.sources[collection.id].item(id, params, loaders, deadline);
  }

  /* ----------------------------------------------------------------------------------------------------------
   * The directory and areas: ids from the repository (filters, box, keyset), records from the loaders
   * -------------------------------------------------------------------------------------------------------- */

  private servicePointSource(): OgcSource {
    const filterOf = (q: { params: CollectionParams; bbox: BBox | null }) => ({
      bbox: q.bbox,
      areaCode: textParam(q.params, 'areaCode'),
      kinds: listParam(q.params, 'kind'),
      statuses: listParam(q.params, 'status'),
      itemCode: textParam(q.params, 'item'),
      villageCode: textParam(q.params, 'villageCode'),
    });
    const featuresOf = async (points: readonly ServicePoint[], loaders: Loaders) => {
      const items = await loaders.itemsByServicePoint.loadMany(points.map((p) => p.id));
      return points.map((p, i) => servicePointFeature(p, items[i] instanceof Error ? [] : (items[i] as ServiceItem[])));
    };
    return {
      extent: 'service-points',
      items: async (q, loaders) => {
        const filter = filterOf(q);
        const after = this.after(q, 'service-points');
        const ids = await this.repository.servicePointIds(filter, after, q.limit + 1);
        const numberMatched = await this.repository.servicePointsMatched(filter);
        const page = ids.slice(0, q.limit);
        const points = present(await loaders.servicePointById.loadMany(page));
        return { features: await featuresOf(points, loaders), numberMatched, nextCursor: ids.length > q.limit ? this.cursor('service-points', page[page.length - 1]!) : null };
      },
      item: async (id, params, loaders) => {
        const point = await this.services.servicePoints.getById(id, loaders);
        const [feature] = await featuresOf([point], loaders);
        const f = filterOf({ params, bbox: null });
        const matches =
          within(point.areaCode, f.areaCode) &&
          (!f.kinds || f.kinds.includes(point.kind)) &&
          (!f.statuses || f.statuses.includes(point.status)) &&
          (!f.itemCode || (feature!.properties!.itemCodes as string[]).includes(f.itemCode)) &&
          (!f.villageCode || point.villageCode === f.villageCode);
        if (!matches) throw notInCollection('service-points', id);
        return { feature: feature! };
      },
    };
  }

  private villageSource(): OgcSource {
    const filterOf = (q: { params: CollectionParams; bbox: BBox | null }) => ({
      bbox: q.bbox,
      areaCode: textParam(q.params, 'areaCode'),
      countyCode: textParam(q.params, 'countyCode'),
      townshipCode: textParam(q.params, 'townshipCode'),
      name: textParam(q.params, 'name'),
    });
    return {
      extent: 'villages',
      items: async (q, loaders) => {
        const filter = filterOf(q);
        const codes = await this.repository.villageCodes(filter, this.after(q, 'villages'), q.limit + 1);
        const numberMatched = await this.repository.villagesMatched(filter);
        const page = codes.slice(0, q.limit);
        const villages = present(await loaders.villageByCode.loadMany(page));
        return { features: villages.map(villageFeature), numberMatched, nextCursor: codes.length > q.limit ? this.cursor('villages', page[page.length - 1]!) : null };
      },
      item: async (id, params, loaders) => {
        const village = await this.services.villages.getByCode(id, loaders);
        const f = filterOf({ params, bbox: null });
        const matches =
          within(village.code, f.areaCode) &&
          (!f.countyCode || village.countyCode === f.countyCode) &&
          (!f.townshipCode || village.townshipCode === f.townshipCode) &&
          (!f.name || village.name === f.name);
        if (!matches) throw notInCollection('villages', id);
        return { feature: villageFeature(village) };
      },
    };
  }

  private areaSource(): OgcSource {
    const filterOf = (q: { params: CollectionParams; bbox: BBox | null }) => ({
      bbox: q.bbox,
      areaCode: textParam(q.params, 'areaCode'),
      level: textParam(q.params, 'level'),
      parentCode: textParam(q.params, 'parentCode'),
    });
    const featuresOf = async (codes: readonly string[], loaders: Loaders) => {
      const [areas, boundaries, stats] = await Promise.all([
        loaders.areaByCode.loadMany(codes),
        loaders.areaBoundary.loadMany(codes),
        loaders.areaVillageStats.loadMany(codes),
      ]);
      const features: OgcFeature[] = [];
      areas.forEach((area, i) => {
        if (!area || area instanceof Error) return;
        const boundary = boundaries[i];
        const s = stats[i];
        features.push(areaFeature(area, boundary && !(boundary instanceof Error) ? boundary : null, s && !(s instanceof Error) ? (s as AreaVillageStats) : null));
      });
      return features;
    };
    return {
      extent: 'areas',
      items: async (q, loaders) => {
        const filter = filterOf(q);
        const codes = await this.repository.areaCodes(filter, this.after(q, 'areas'), q.limit + 1);
        const numberMatched = await this.repository.areasMatched(filter);
        const page = codes.slice(0, q.limit);
        return { features: await featuresOf(page, loaders), numberMatched, nextCursor: codes.length > q.limit ? this.cursor('areas', page[page.length - 1]!) : null };
      },
      item: async (id, params, loaders) => {
        const area = await this.services.areas.getByCode(id, loaders);
        const f = filterOf({ params, bbox: null });
        const matches = within(area.code, f.areaCode) && (!f.level || area.level === f.level) && (!f.parentCode || area.parentCode === f.parentCode);
        if (!matches) throw notInCollection('areas', id);
        const [feature] = await featuresOf([area.code], loaders);
        return { feature: feature! };
      },
    };
  }

  /* ----------------------------------------------------------------------------------------------------------
   * Coverage gaps: CoverageService's coverage (engine, cache, provenance), ordered as coverageGaps orders them
   * -------------------------------------------------------------------------------------------------------- */

  /** What is asked (item, mode, minutes, travel model, scenario), as the GraphQL arguments of coverageGaps. */
  private coverageArgs(params: CollectionParams) {
    return {
      itemCode: textParam(params, 'item') ?? undefined,
      mode: (textParam(params, 'mode') as TravelMode | null) ?? undefined,
      minutes: numberParam(params, 'minutes') ?? undefined,
      travelModel: (textParam(params, 'travelModel') as TravelModelName | null) ?? undefined,
      scenarioId: textParam(params, 'scenario') ?? undefined,
      handling: (listParam(params, 'handling') as HandlingWay[] | null) ?? undefined,
      method: CoverageMethod.INDEX,
    };
  }

  /**
   * The coverage of each area asked for: `areaCode`, else every top-level area (the provinces), so that a client
   * that adds the collection without parameters (QGIS) gets all the gaps. A parameter the computation refuses
   * (an unknown scenario, ROAD where no network is loaded) is a bad request.
   */
  private async coverages(params: CollectionParams, loaders: Loaders, deadline: Deadline, areaCode: string | null): Promise<CoverageView[]> {
    const codes = areaCode ? [areaCode] : (await this.services.areas.list(undefined, undefined, loaders)).map((a) => a.code);
    const args = this.coverageArgs(params);
    try {
      const views: CoverageView[] = [];
      for (const code of codes) views.push(await this.services.coverage.coverageOf({ ...args, areaCode: code }, loaders, deadline));
      return views;
    } catch (err) {
      if (err instanceof NotFoundError) throw new BadInputError(`${err.message} (a query parameter names it).`, { argument: String(err.extensions.entity).toLowerCase() });
      throw err;
    }
  }

  private coverageGapSource(): OgcSource {
    const coverage = this.services.coverage;
    /** What each view says of its gaps as a whole (as coverageGaps does), with how it was computed. */
    const summary = (view: CoverageView, uncovered: number) => ({
      areaCode: view.area.code,
      areaName: view.area.name,
      itemCode: view.itemCode,
      uncoveredVillageCount: uncovered,
      uncoveredPopulation: view.population - view.coveredPopulation,
      provenance: view.provenance,
    });
    const featuresOf = async (entries: readonly { view: CoverageView; k: number }[], loaders: Loaders) => {
      const gaps = entries.map(({ view, k }) => villageCoverage(view.computation, k, view.travel, view.scenario?.shown));
      const [villages, nearest] = await Promise.all([
        loaders.villageByCode.loadMany(gaps.map((g) => g.villageCode)),
        loaders.servicePointById.loadMany(gaps.map((g, i) => (g.nearestPointId && !entries[i]!.view.scenario?.shown.has(g.nearestPointId) ? g.nearestPointId : ''))),
      ]);
      const features: OgcFeature[] = [];
      gaps.forEach((gap, i) => {
        const village = villages[i];
        if (!village || village instanceof Error) return;
        const view = entries[i]!.view;
        const shown = gap.nearestPointId ? view.scenario?.shown.get(gap.nearestPointId) : undefined;
        const point = shown ?? nearest[i];
        features.push(coverageGapFeature(village as Village, gap, point && !(point instanceof Error) ? point : null, { itemCode: view.itemCode, provenance: view.provenance }));
      });
      return features;
    };
    return {
      extent: 'villages',
      items: async (q, loaders, deadline) => {
        const areaCode = textParam(q.params, 'areaCode');
        const views = await this.coverages(q.params, loaders, deadline, areaCode);
        const orders = views.map((view) => coverage.uncoveredOrder(view));
        let entries = views.flatMap((view, v) => orders[v]!.map((k) => ({ view, k, code: view.computation.codes[k]!, population: view.computation.population[k]! })));
        if (views.length > 1) entries.sort((a, b) => b.population - a.population || (a.code < b.code ? -1 : 1));
        if (q.bbox) {
          // The villages in the box; the coverage computed says which are the area's.
          const inBox = await this.repository.villageCodesInBox(q.bbox, null);
          entries = entries.filter((e) => inBox.has(e.code));
        }
        let start = 0;
        if (q.cursor) {
          const [population, code] = this.decode(q.cursor, 'coverage-gaps', 2) as [number, string];
          // The first entry after (population, code) in the order: most people first, then by code.
          let lo = 0;
          let hi = entries.length;
          while (lo < hi) {
            const mid = (lo + hi) >>> 1;
            const e = entries[mid]!;
            if (e.population > population || (e.population === population && e.code <= code)) lo = mid + 1;
            else hi = mid;
          }
          start = lo;
        }
        const page = entries.slice(start, start + q.limit);
        const last = page[page.length - 1];
        return {
          features: await featuresOf(page, loaders),
          numberMatched: entries.length,
          nextCursor: last && start + q.limit < entries.length ? this.cursor('coverage-gaps', last.population, last.code) : null,
          members: { coverage: views.map((view, v) => summary(view, orders[v]!.length)) },
        };
      },
      item: async (id, params, loaders, deadline) => {
        const village = await this.services.villages.getByCode(id, loaders);
        // The area asked for, or else the village's township: the village's figures are the same in any area holding
        // it, and a township's are computed for fewer villages. Whether the area holds it is the computation's say.
        const [view] = await this.coverages(params, loaders, deadline, textParam(params, 'areaCode') ?? village.townshipCode);
        const k = view!.computation.codes.indexOf(village.code);
        if (k < 0) throw notInCollection('coverage-gaps', id);
        if (view!.computation.covered[k]) {
          throw new NotFoundError('Coverage gap (the village is reached within the budget: it is no gap)', id);
        }
        const [feature] = await featuresOf([{ view: view!, k }], loaders);
        return { feature: feature!, members: { coverage: [summary(view!, coverage.uncoveredOrder(view!).length)] } };
      },
    };
  }

  /* ---------------------------------------------------------------------------------------------------------- */

  /** Planning areas, by code; a bbox keeps the polygon areas whose bounds meet it (members areas have no geometry). */
  private planningAreaSource(): OgcSource {
    const featureOf = async (a: PlanningAreaRecord): Promise<OgcFeature> => {
      const figures = await this.services.planningAreas.figures(a.code);
      return {
        type: 'Feature',
        id: a.code,
        geometry: a.boundary,
        properties: {
          code: a.code,
          name: a.name,
          description: a.description,
          memberCodes: a.memberCodes.length ? a.memberCodes.join(',') : null,
          villageCount: figures.villageCount,
          population: figures.population,
          updatedAt: a.updatedAt.toISOString(),
        },
      };
    };
    const meets = (a: PlanningAreaRecord, bbox: BBox | null): boolean => {
      if (!bbox) return true;
      if (!a.boundary) return false;
      const [w, s, e, n] = bbox;
      const xs = a.boundary.coordinates.flat(2).map((p) => p[0]!);
      const ys = a.boundary.coordinates.flat(2).map((p) => p[1]!);
      return Math.min(...xs) <= e && Math.max(...xs) >= w && Math.min(...ys) <= n && Math.max(...ys) >= s;
    };
    return {
      extent: 'areas',
      items: async (q) => {
        const after = this.after(q, 'planning-areas');
        const all = (await this.services.planningAreas.list(MAX_PLANNING_AREAS)).filter((a) => meets(a, q.bbox));
        const rest = all.filter((a) => after === null || a.code > after);
        const page = rest.slice(0, q.limit);
        return {
          features: await Promise.all(page.map(featureOf)),
          numberMatched: all.length,
          nextCursor: rest.length > q.limit ? this.cursor('planning-areas', page[page.length - 1]!.code) : null,
        };
      },
      item: async (id) => {
        const a = await this.services.planningAreas.get(id);
        if (!a) throw notInCollection('planning-areas', id);
        return { feature: await featureOf(a) };
      },
    };
  }

  private cursor(collection: OgcCollectionId, ...values: (string | number)[]): string {
    return encodeCursor(`ogc:${collection}`, values);
  }

  private decode(cursor: string, collection: OgcCollectionId, arity: number): (string | number)[] {
    try {
      return decodeCursor(cursor, `ogc:${collection}`, arity);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      throw new BadInputError(`cursor is not one this server issued for ${collection}; follow the \`next\` link of the previous page, or start without it.`, { argument: 'cursor' });
    }
  }

  /** The id a keyset page starts after, from the request's cursor. */
  private after(q: ItemsQuery, collection: OgcCollectionId): string | null {
    if (!q.cursor) return null;
    const [id] = this.decode(q.cursor, collection, 1);
    if (typeof id !== 'string') throw new BadInputError(`cursor is not one this server issued for ${collection}.`, { argument: 'cursor' });
    return id;
  }
}

/** Planning areas an OGC request reads at most (they are few: a planner's own). */
const MAX_PLANNING_AREAS = 500;

/** Whether `code` lies in the area `areaCode` (codes are hierarchical), or no area is asked for. */
function within(code: string, areaCode: string | null): boolean {
  return areaCode === null || code.startsWith(areaCode);
}

function notInCollection(collection: OgcCollectionId, id: string): NotFoundError {
  return new NotFoundError(`Feature of ${collection} matching the query parameters`, id);
}
