import type { Config } from '../config/config';
import { NotFoundError } from '../common/errors';
import { decodeCursor, encodeCursor } from '../graphql/connection/cursor';
import { toPage, type Page } from '../graphql/connection/connection.type';
import { pageSize } from '../graphql/connection/page-size';
import type { Loaders } from '../graphql/loaders';
import type { ServicePointEdge } from './service-point.connection';
import type { ServicePoint } from './service-point.entity';
import type { ServicePointQuery, ServicePointRepository, ServicePointWithDistance } from './service-point.repository';
import type { ServicePointsArgs } from './service-points.args';

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
    const f = args.filter ?? {};
    await Promise.all([
      f.areaCode ? loaders.areaByCode.load(f.areaCode).then((a) => a ?? Promise.reject(new NotFoundError('Area', f.areaCode!))) : null,
      f.itemCode ? loaders.serviceItemByCode.load(f.itemCode).then((i) => i ?? Promise.reject(new NotFoundError('ServiceItem', f.itemCode!))) : null,
    ]);
    const query: ServicePointQuery = {
      areaCode: f.areaCode ?? null,
      kinds: f.kinds?.length ? f.kinds : null,
      statuses: f.status?.length ? f.status : null,
      itemCode: f.itemCode ?? null,
      near: f.near ? { longitude: f.near.longitude, latitude: f.near.latitude, radiusMeters: f.near.radiusMeters } : null,
    };
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
}
