import type { Config } from '../config/config';
import type { FeatureCollection, Point } from 'geojson';
import { LimitExceededError, NotFoundError } from '../common/errors';
import { MAX_FEATURES } from '../common/limits';
import type { Crs } from '../geo/convert-geometry';
import type { ServiceItem } from '../service-item/service-item.entity';
import type { ServicePointFilter } from './service-point.filter.input';
import { decodeCursor, encodeCursor } from '../common/cursor';
import { toPage, type Page } from '../common/page';
import { pageSize } from '../common/page-size';
import type { ServicePointLoaders } from './service-point.loaders';
import type { VillageLoaders } from '../village/village.loaders';
import type { AreaLoaders } from '../area/area.loaders';
import type { ServiceItemLoaders } from '../service-item/service-item.loaders';
import type { ServicePointEdge } from './service-point.connection';
import type { ServicePoint } from './service-point.entity';
import type { ServicePointQuery, ServicePointRepository, ServicePointWithDistance } from './service-point.repository';
import type { ServicePointsArgs } from './service-points.args';
import type { NearInput } from './near.input';
import { fromWgs84 } from '../geo/convert-geometry';
import { locationInWgs84 } from '../geo/location-in-wgs84';

/** The request's loaders this reads. */
type Loaders = ServicePointLoaders & VillageLoaders & AreaLoaders & ServiceItemLoaders;

export class ServicePointService {
  constructor(
    private readonly points: ServicePointRepository,
    private readonly config: Config,
  ) {}

  async getById(id: string, loaders: Loaders): Promise<ServicePoint> {
    const point = await loaders.servicePointById.load(id);
    if (!point) throw new NotFoundError('ServicePoint', id);
    return point;
  }

  /** The directory: filtered, keyset-paged by id, or by distance when `near` is given. */
  async list(args: ServicePointsArgs, loaders: Loaders): Promise<Page<ServicePointEdge>> {
    const limit = pageSize(args.first, this.config.pagination);
    const query = await this.queryOf(args.filter, loaders);
    const count = () => this.points.count(query);
    const toEdge = (scope: string) => (r: ServicePointWithDistance): ServicePointEdge => ({
      node: r.point,
      distanceMeters: r.distanceMeters,
      cursor: encodeCursor(scope, r.distanceMeters === null ? [r.point.id] : [r.distanceMeters, r.point.id]),
    });

    if (query.near) {
      // The scope pins the origin and radius: a distance cursor means nothing around another point.
      const scope = `near:${query.near.longitude},${query.near.latitude},${query.near.radiusMeters}`;
      const after = args.after ? decodeCursor(args.after, scope, 2) : null;
      const rows = await this.points.nearPage(
        { ...query, near: query.near },
        after ? { distanceMeters: Number(after[0]), id: String(after[1]) } : null,
        limit + 1,
      );
      return toPage(rows, limit, toEdge(scope), count);
    }
    const after = args.after ? String(decodeCursor(args.after, 'id', 1)[0]) : null;
    return toPage(await this.points.page(query, after, limit + 1), limit, toEdge('id'), count);
  }

  /** Validates the filter's codes (NOT_FOUND) and turns it into a repository query in WGS-84. */
  private async queryOf(filter: ServicePointFilter | undefined, loaders: Loaders): Promise<ServicePointQuery> {
    const f = filter ?? {};
    await Promise.all([
      f.areaCode ? loaders.areaByCode.load(f.areaCode).then((a) => a ?? Promise.reject(new NotFoundError('Area', f.areaCode!))) : null,
      f.itemCode ? loaders.serviceItemByCode.load(f.itemCode).then((i) => i ?? Promise.reject(new NotFoundError('ServiceItem', f.itemCode!))) : null,
    ]);
    return {
      areaCode: f.areaCode ?? null,
      kinds: f.kinds?.length ? f.kinds : null,
      statuses: f.status?.length ? f.status : null,
      itemCode: f.itemCode ?? null,
      near: f.near ? nearInWgs84(f.near) : null,
    };
  }

  /** The points matching the filter as a GeoJSON FeatureCollection (kind, status, item codes as properties). */
  async featureCollection(filter: ServicePointFilter | undefined, crs: Crs, loaders: Loaders): Promise<FeatureCollection<Point>> {
    const query = await this.queryOf(filter, loaders);
    const rows = query.near ? await this.points.nearPage({ ...query, near: query.near }, null, MAX_FEATURES + 1) : await this.points.page(query, null, MAX_FEATURES + 1);
    if (rows.length > MAX_FEATURES) {
      throw new LimitExceededError(`More than ${MAX_FEATURES} service points match; narrow the filter (areaCode, kinds, near) or use the vector tiles (/tiles/service-points).`, {
        limit: MAX_FEATURES,
      });
    }
    const items = await loaders.itemsByServicePoint.loadMany(rows.map((r) => r.point.id));
    return {
      type: 'FeatureCollection',
      features: rows.map(({ point, distanceMeters }, i) => ({
        type: 'Feature',
        id: point.id,
        geometry: fromWgs84(point.location, crs),
        properties: {
          id: point.id,
          name: point.name,
          kind: point.kind,
          status: point.status,
          areaCode: point.areaCode,
          villageCode: point.villageCode,
          itemCodes: (items[i] as ServiceItem[]).map((item) => item.code),
          ...(distanceMeters === null ? {} : { distanceMeters }),
        },
      })),
    };
  }

}

/** Storage is WGS-84: a `near` given in GCJ-02 or BD-09 is converted at the edge. */
function nearInWgs84(near: NearInput): { longitude: number; latitude: number; radiusMeters: number } {
  const [longitude, latitude] = locationInWgs84(near);
  return { longitude, latitude, radiusMeters: near.radiusMeters };
}
