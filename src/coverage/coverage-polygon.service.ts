import type { MultiPolygon, Polygon } from 'geojson';
import type { Area } from '../area/area.entity';
import { LimitExceededError, ServiceUnavailableError } from '../common/errors';
import type { VersionCache } from '../common/version-cache';
import type { Config } from '../config/config';
import type { CoverageLoaders } from './coverage.loaders';
import type { TravelModel, TravelModeName } from '../travel/travel-model';
import type { CoverageReader } from './coverage.engine';
import type { CoveragePolygonPool } from './coverage-polygon.pool';
import type { CoveragePolygonResult, CoveragePolygonTask } from './coverage-polygon.worker';

/** The request's loaders this reads. */
type Loaders = CoverageLoaders;

/** What a kept clip boundary is taken to weigh (a county's is ~50 KB of GeoJSON). */
const CLIP_BYTES = 64 * 1024;

/** What a polygon is of: the points counted for an item, the travel model and budget, and the data version. */
export interface ReachRequest {
  readonly item: string;
  readonly model: TravelModel;
  readonly mode: TravelModeName;
  readonly minutes: number;
  readonly dataVersion: string;
}

type Box = [number, number, number, number];

/**
 * Coverage polygons: the area reachable from the counted points within the budget, in the shape the travel model
 * gives its reach (the straight line's: geodesic circles), unioned in the polygon worker threads and clipped to an
 * area's boundary or a map tile. Computed from the points counted at the request's data version, whatever the
 * engine has patched in since.
 */
export class CoveragePolygonService {
  constructor(
    private readonly pool: CoveragePolygonPool,
    private readonly config: Config,
    private readonly cache: VersionCache,
  ) {}

  get stats(): { computed: number; inline: number; refused: number; queued: number } {
    return { ...this.pool.stats, queued: this.pool.queued };
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  /** A polygon task as it is (an isochrone's), on a worker thread when large. */
  compute(task: CoveragePolygonTask): Promise<CoveragePolygonResult> {
    return this.pool.union(task);
  }

  /** The polygon of an area, clipped to its boundary (or its nearest ancestor's: townships have none). */
  async ofArea(engine: CoverageReader, area: Area, reach: ReachRequest, loaders: Loaders): Promise<CoveragePolygonResult> {
    const clip = (await this.clipOf(area, reach.dataVersion, loaders))?.boundary ?? null;
    const box = clip ? bbox(clip.coordinates.flat(2) as [number, number][]) : engine.villageBox(area.code);
    if (!box) return { polygon: { type: 'MultiPolygon', coordinates: [] }, areaKm2: 0 };
    const centers = this.centers(engine, reach, box, `The coverage polygon of ${area.name} (${area.code})`);
    return this.pool.union(this.task(reach, centers, clip, box));
  }

  /** The polygon inside a box [minX, minY, maxX, maxY] (a map tile, slightly buffered), clipped to it. */
  async inBox(engine: CoverageReader, reach: ReachRequest, box: Box): Promise<MultiPolygon> {
    const centers = this.centers(engine, reach, box, 'This view');
    const [minX, minY, maxX, maxY] = box;
    const clip: Polygon = { type: 'Polygon', coordinates: [[[minX, minY], [maxX, minY], [maxX, maxY], [minX, maxY], [minX, minY]]] };
    return (await this.pool.union({ ...this.task(reach, centers, clip, box), area: false })).polygon;
  }

  /**
   * The polygon task for the reach's shape: circles around the points, or (a road network) the roads reached from
   * the points as they were at the request's version, searched afresh (a county's: a few milliseconds).
   */
  task(reach: ReachRequest, centers: [number, number][], clip: Polygon | MultiPolygon | null, box: Box): CoveragePolygonTask {
    const shape = reach.model.reachShape(reach.mode, reach.minutes);
    if (shape.kind === 'circles') return { centers, radiusMeters: shape.radiusMeters, clip };
    const roads = reach.model.reachedRoads?.(centers, reach.mode, reach.minutes, box) ?? [];
    return { kind: 'network', roads, walkMetersPerMinute: shape.walkMetersPerMinute, maxOffRoadMeters: shape.maxOffRoadMeters, clip };
  }

  /** Places of the points whose reach touches the box, at the request's version; refused past MAX_POLYGON_POINTS. */
  private centers(engine: CoverageReader, reach: ReachRequest, box: Box, what: string): [number, number][] {
    const cost = reach.model.budgetCost(reach.mode, reach.minutes);
    const points = engine.pointsReachingAt(reach.dataVersion, reach.item, reach.model, reach.mode, box, cost);
    if (points === null) throw new ServiceUnavailableError('The data changed too much while this answer was computed; ask again.');
    const centers = points.map((p): [number, number] => [p.longitude, p.latitude]);
    if (centers.length > this.config.maxPolygonPoints) {
      throw new LimitExceededError(
        `${what} would union ${centers.length} circles, more than the limit of ${this.config.maxPolygonPoints} (MAX_POLYGON_POINTS). Ask for a smaller area (a city or county) or zoom in; the figures and village lists have no such limit.`,
        { circles: centers.length, limit: this.config.maxPolygonPoints },
      );
    }
    return centers;
  }

  /** The code of the area whose boundary a polygon of `area` is clipped to (null: none has one). */
  async clippedTo(area: Area, dataVersion: string, loaders: Loaders): Promise<string | null> {
    return (await this.clipOf(area, dataVersion, loaders))?.code ?? null;
  }

  /**
   * The boundary a polygon of `area` is clipped to: its own, or the nearest ancestor's when it has none
   * (townships: the data has none of theirs). Kept per data version: a county's boundary is thousands of vertices,
   * the same for every item, mode and budget of it.
   */
  private clipOf(area: Area, dataVersion: string, loaders: Loaders): Promise<{ code: string; boundary: MultiPolygon } | null> {
    type Clip = Promise<{ code: string; boundary: MultiPolygon } | null>;
    let clip = this.cache.get<Clip>('clip', dataVersion, area.code);
    if (!clip) {
      clip = (async () => {
        for (let code: string | null = area.code; code; ) {
          const boundary = await loaders.areaBoundary.load(code);
          if (boundary) return { code, boundary };
          code = (await loaders.areaByCode.load(code))?.parentCode ?? null;
        }
        return null;
      })();
      this.cache.set('clip', dataVersion, area.code, clip, CLIP_BYTES);
      clip.catch(() => this.cache.delete('clip', dataVersion, area.code)); // a failed read (database down) is not kept
    }
    return clip;
  }
}

function bbox(coordinates: readonly [number, number][]): Box {
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of coordinates) {
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
    maxX = Math.max(maxX, x);
    maxY = Math.max(maxY, y);
  }
  return [minX, minY, maxX, maxY];
}
