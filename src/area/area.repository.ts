import type { MultiPolygon, Point } from 'geojson';
import type { DataSource, EntityManager } from 'typeorm';
import type { AreaLevel } from './area-level.enum';
import type { Area } from './area.entity';
import type { AreaSizeCounts } from '../common/area-sizes';
import * as SQL from './area.sql';

interface AreaRow {
  code: string;
  name: string;
  level: AreaLevel;
  parent_code: string | null;
  seat: Point | null;
}

export interface AreaInput {
  code: string;
  name: string;
  level: AreaLevel;
  parentCode: string | null;
  boundary: MultiPolygon | null;
  seat: [number, number] | null;
}

export interface PlaceCheck {
  /** The area's level, or null when there is no such area. */
  areaLevel: AreaLevel | null;
  /** The stated village's township code, or null when there is no such village (or none was stated). */
  villageTownship: string | null;
  /** Inside the county's boundary (with the tolerance); null when the county has no boundary. */
  inside: boolean | null;
}

export interface AreaVillageStats {
  code: string;
  villageCount: number;
  population: number;
}

const toArea = (r: AreaRow): Area => ({ code: r.code, name: r.name, level: r.level, parentCode: r.parent_code, seat: r.seat });

export class AreaRepository {
  constructor(private readonly db: DataSource) {}

  async findByCodes(codes: readonly string[]): Promise<Area[]> {
    return ((await this.db.query(SQL.AREAS_BY_CODES, [codes])) as AreaRow[]).map(toArea);
  }

  async findByParentCodes(codes: readonly string[]): Promise<Area[]> {
    return ((await this.db.query(SQL.AREAS_BY_PARENTS, [codes])) as AreaRow[]).map(toArea);
  }

  async list(level: AreaLevel | null, parentCode: string | null): Promise<Area[]> {
    return ((await this.db.query(SQL.AREAS_LIST, [level, parentCode])) as AreaRow[]).map(toArea);
  }

  async findBoundaries(codes: readonly string[]): Promise<{ code: string; boundary: MultiPolygon }[]> {
    return this.db.query(SQL.AREA_BOUNDARIES_BY_CODES, [codes]);
  }

  async villageStats(codes: readonly string[]): Promise<AreaVillageStats[]> {
    const rows: { code: string; village_count: number; population: string }[] = await this.db.query(SQL.AREA_VILLAGE_STATS, [codes]);
    return rows.map((r) => ({ code: r.code, villageCount: r.village_count, population: Number(r.population) }));
  }

  async upsertMany(manager: EntityManager, areas: readonly AreaInput[]): Promise<void> {
    await manager.query(SQL.UPSERT_AREAS, [
      areas.map((a) => a.code),
      areas.map((a) => a.name),
      areas.map((a) => a.level),
      areas.map((a) => a.parentCode),
      areas.map((a) => (a.boundary ? JSON.stringify(a.boundary) : null)),
      areas.map((a) => a.seat?.[0] ?? null),
      areas.map((a) => a.seat?.[1] ?? null),
    ]);
  }

  /** One statement for a whole batch of rows (see PLACE_CHECKS); results in input order. */
  async checkPlaces(
    manager: EntityManager,
    rows: readonly { areaCode: string; villageCode: string | null; longitude: number; latitude: number }[],
    toleranceMeters: number,
  ): Promise<PlaceCheck[]> {
    if (rows.length === 0) return [];
    const result: { area_level: AreaLevel | null; village_township: string | null; inside: boolean | null }[] = await manager.query(SQL.PLACE_CHECKS, [
      rows.map((r) => r.areaCode),
      rows.map((r) => r.villageCode),
      rows.map((r) => r.longitude),
      rows.map((r) => r.latitude),
      toleranceMeters,
    ]);
    return result.map((r) => ({ areaLevel: r.area_level, villageTownship: r.village_township, inside: r.inside }));
  }

  /** checkPlaces outside a write: for what-if points, which are checked as a write would be but never written. */
  checkPlacesNow(rows: readonly { areaCode: string; villageCode: string | null; longitude: number; latitude: number }[], toleranceMeters: number): Promise<PlaceCheck[]> {
    return this.checkPlaces(this.db.manager, rows, toleranceMeters);
  }

  async deriveBoundaryFromChildren(manager: EntityManager, code: string): Promise<void> {
    await manager.query(SQL.DERIVE_BOUNDARY_FROM_CHILDREN, [code]);
  }

  /** The counts the query cost model prices lists by (see area-sizes.ts): estimates, read in one snapshot. */
  async sizeCounts(): Promise<AreaSizeCounts> {
    return this.db.transaction('REPEATABLE READ', async (m) => {
      const villagesByTownship: { code: string; n: number }[] = await m.query(SQL.SIZE_VILLAGES_BY_TOWNSHIP);
      const pointsByHome: { code: string; n: number; active: number }[] = await m.query(SQL.SIZE_POINTS_BY_HOME);
      const childrenByParent: { code: string; n: number }[] = await m.query(SQL.SIZE_CHILDREN);
      const countyKm2: { code: string; km2: number }[] = await m.query(SQL.SIZE_COUNTY_KM2);
      const [totals] = (await m.query(SQL.SIZE_TOTALS)) as { items: number; api_keys: number }[];
      return { villagesByTownship, pointsByHome, childrenByParent, countyKm2, items: totals!.items, apiKeys: totals!.api_keys };
    });
  }
}
