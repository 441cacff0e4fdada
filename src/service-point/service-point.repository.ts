import type { Point } from 'geojson';
import type { DataSource, EntityManager } from 'typeorm';
import type { ServicePointKind, ServicePointStatus } from './service-point-kind.enum';
import type { ServicePoint } from './service-point.entity';
import * as SQL from './service-point.sql';

interface ServicePointRow {
  id: string;
  name: string;
  kind: ServicePointKind;
  status: ServicePointStatus;
  location: Point;
  area_code: string;
  village_code: string | null;
  address: string | null;
  phone: string | null;
  opening_hours: string | null;
  location_synthetic: boolean;
  distance_meters: number | null;
}

export interface ServicePointWithDistance {
  point: ServicePoint;
  distanceMeters: number | null;
}

export interface ServicePointQuery {
  areaCode: string | null;
  kinds: ServicePointKind[] | null;
  statuses: ServicePointStatus[] | null;
  itemCode: string | null;
  near: { longitude: number; latitude: number; radiusMeters: number } | null;
}

export interface ServicePointInput {
  id: string;
  name: string;
  kind: ServicePointKind;
  status: ServicePointStatus;
  longitude: number;
  latitude: number;
  areaCode: string;
  villageCode: string | null;
  address: string | null;
  phone: string | null;
  openingHours: string | null;
  locationSynthetic: boolean;
  /** Items handled in person. */
  itemCodes: string[];
  /** Items accepted on a resident's behalf and forwarded (assisted handling, 帮办代办); absent: none (a write replaces the set). */
  assistedItemCodes?: string[];
}

function toServicePoint(row: ServicePointRow): ServicePointWithDistance {
  return {
    point: {
      id: row.id,
      name: row.name,
      kind: row.kind,
      status: row.status,
      location: row.location,
      areaCode: row.area_code,
      villageCode: row.village_code,
      address: row.address,
      phone: row.phone,
      openingHours: row.opening_hours,
      locationSynthetic: row.location_synthetic,
    },
    distanceMeters: row.distance_meters,
  };
}

export class ServicePointRepository {
  constructor(private readonly db: DataSource) {}

  private filterParams(q: ServicePointQuery): unknown[] {
    return [q.areaCode, q.kinds, q.statuses, q.itemCode];
  }

  /** One page ordered by id, starting after `afterId`; fetches `limit` rows (ask for one extra to detect a next page). */
  async page(q: ServicePointQuery, afterId: string | null, limit: number): Promise<ServicePointWithDistance[]> {
    const rows: ServicePointRow[] = await this.db.query(SQL.SERVICE_POINTS_PAGE, [...this.filterParams(q), afterId, limit]);
    return rows.map(toServicePoint);
  }

  /** One page ordered by distance from `q.near`, starting after (distance, id). */
  async nearPage(
    q: ServicePointQuery & { near: NonNullable<ServicePointQuery['near']> },
    after: { distanceMeters: number; id: string } | null,
    limit: number,
  ): Promise<ServicePointWithDistance[]> {
    const { longitude, latitude, radiusMeters } = q.near;
    const rows: ServicePointRow[] = await this.db.query(SQL.SERVICE_POINTS_NEAR_PAGE, [
      ...this.filterParams(q),
      longitude,
      latitude,
      radiusMeters,
      after?.distanceMeters ?? null,
      after?.id ?? null,
      limit,
    ]);
    return rows.map(toServicePoint);
  }

  async count(q: ServicePointQuery): Promise<number> {
    const rows: { count: number }[] = q.near
      ? await this.db.query(SQL.SERVICE_POINTS_NEAR_COUNT, [...this.filterParams(q), q.near.longitude, q.near.latitude, q.near.radiusMeters])
      : await this.db.query(SQL.SERVICE_POINTS_COUNT, this.filterParams(q));
    return rows[0].count;
  }

  async findByIds(ids: readonly string[]): Promise<ServicePoint[]> {
    const rows: ServicePointRow[] = await this.db.query(SQL.SERVICE_POINTS_BY_IDS, [ids]);
    return rows.map((r) => toServicePoint(r).point);
  }

  async findByVillageCodes(codes: readonly string[]): Promise<ServicePoint[]> {
    const rows: ServicePointRow[] = await this.db.query(SQL.SERVICE_POINTS_BY_VILLAGES, [codes]);
    return rows.map((r) => toServicePoint(r).point);
  }

  /** (point, item code) pairs only: the items themselves come from the small catalogue (a page of 50 points has ~950 pairs). */
  async findItemCodesByServicePointIds(ids: readonly string[]): Promise<{ servicePointId: string; itemCode: string }[]> {
    const rows: { service_point_id: string; item_code: string }[] = await this.db.query(SQL.ITEM_CODES_BY_SERVICE_POINTS, [ids]);
    return rows.map((r) => ({ servicePointId: r.service_point_id, itemCode: r.item_code }));
  }

  /** The stored points among `ids` as write records, row-locked until the transaction ends. */
  /** Write records of these points, locked until the caller's transaction ends. */
  lockRecords(manager: EntityManager, ids: readonly string[]): Promise<ServicePointInput[]> {
    return this.records(manager, SQL.SERVICE_POINT_RECORDS_FOR_UPDATE, ids);
  }

  /** Write records of these points as they are now (no lock). */
  readRecords(ids: readonly string[]): Promise<ServicePointInput[]> {
    return this.records(this.db.manager, SQL.SERVICE_POINT_RECORDS, ids);
  }

  private async records(manager: EntityManager, sql: string, ids: readonly string[]): Promise<ServicePointInput[]> {
    if (ids.length === 0) return [];
    const rows: (Omit<ServicePointRow, 'location' | 'distance_meters'> & { longitude: number; latitude: number; item_codes: string[]; assisted_item_codes: string[] })[] =
      await manager.query(sql, [ids]);
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      kind: r.kind,
      status: r.status,
      longitude: r.longitude,
      latitude: r.latitude,
      areaCode: r.area_code,
      villageCode: r.village_code,
      address: r.address,
      phone: r.phone,
      openingHours: r.opening_hours,
      locationSynthetic: r.location_synthetic,
      itemCodes: r.item_codes,
      assistedItemCodes: r.assisted_item_codes,
    }));
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  /** Inserts or updates points and replaces their item sets, inside the caller's transaction. */
  async upsertMany(manager: EntityManager, points: readonly ServicePointInput[]): Promise<void> {
    if (points.length === 0) return;
    const col = <T>(f: (p: ServicePointInput) => T) => points.map(f);
    await manager.query(SQL.UPSERT_SERVICE_POINTS, [
      col((p) => p.id),
      col((p) => p.name),
      col((p) => p.kind),
      col((p) => p.status),
      col((p) => p.longitude),
      col((p) => p.latitude),
      col((p) => p.areaCode),
      col((p) => p.villageCode),
      col((p) => p.address),
      col((p) => p.phone),
      col((p) => p.openingHours),
      col((p) => p.locationSynthetic),
    ]);
    await manager.query(SQL.DELETE_ITEMS_OF_SERVICE_POINTS, [col((p) => p.id)]);
    const pairs = points.flatMap((p) => p.itemCodes.map((item) => [p.id, item] as const));
    await manager.query(SQL.INSERT_SERVICE_POINT_ITEMS, [pairs.map((p) => p[0]), pairs.map((p) => p[1])]);
    const assisted = points.flatMap((p) => (p.assistedItemCodes ?? []).map((item) => [p.id, item] as const));
    await manager.query(SQL.DELETE_ASSISTED_ITEMS_OF_SERVICE_POINTS, [col((p) => p.id), assisted.map((p) => p[0]), assisted.map((p) => p[1])]);
    if (assisted.length) await manager.query(SQL.INSERT_ASSISTED_ITEMS, [assisted.map((p) => p[0]), assisted.map((p) => p[1])]);
  }

  /** (point, item code) pairs of assisted handling. */
  async findAssistedItemCodesByServicePointIds(ids: readonly string[]): Promise<{ servicePointId: string; itemCode: string }[]> {
    const rows: { service_point_id: string; item_code: string }[] = await this.db.query(SQL.ASSISTED_ITEM_CODES_BY_SERVICE_POINTS, [ids]);
    return rows.map((r) => ({ servicePointId: r.service_point_id, itemCode: r.item_code }));
  }
}
