import type { BBox } from './ogc-query.parse';
import * as SQL from './ogc.sql';

/** What the repository needs of a TypeORM DataSource (or EntityManager): raw parameterised queries. */
export interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

export interface VillageFilter {
  readonly bbox: BBox | null;
  readonly areaCode: string | null;
  readonly countyCode: string | null;
  readonly townshipCode: string | null;
  readonly name: string | null;
}

export interface ServicePointFilter {
  readonly bbox: BBox | null;
  readonly areaCode: string | null;
  readonly kinds: readonly string[] | null;
  readonly statuses: readonly string[] | null;
  readonly itemCode: string | null;
  readonly villageCode: string | null;
}

export interface AreaFilter {
  readonly bbox: BBox | null;
  readonly areaCode: string | null;
  readonly level: string | null;
  readonly parentCode: string | null;
}

export type ExtentSource = 'villages' | 'service-points' | 'areas';

const EXTENT_SQL: Record<ExtentSource, string> = {
  villages: SQL.VILLAGES_EXTENT,
  'service-points': SQL.SERVICE_POINTS_EXTENT,
  areas: SQL.AREAS_EXTENT,
};

/**
 * The box's four numbers and the margin by which the index pre-filter box is grown: a geography box has great-circle
 * edges, which bulge from the lon/lat rectangle by about span² / 8 radians; 5 % of the span covers that with room to
 * spare (the exact test on the geometry follows). NULLs without a box.
 */
function boxParams(bbox: BBox | null): unknown[] {
  if (!bbox) return [null, null, null, null, null];
  const [minX, minY, maxX, maxY] = bbox;
  return [minX, minY, maxX, maxY, Math.max(maxX - minX, maxY - minY) * 0.05 + 1e-6];
}

const count = (rows: unknown) => Number((rows as { count: number }[])[0]?.count ?? 0);

/** Which features of the OGC API collections match a request (ogc.sql.ts): a page of ids, their number, the extents. */
export class OgcRepository {
  constructor(private readonly db: Queryable) {}

  private villageParams(f: VillageFilter): unknown[] {
    return [...boxParams(f.bbox), f.areaCode, f.countyCode, f.townshipCode, f.name];
  }

  /** Codes of the matching villages after `afterCode`, in code order, at most `limit`. */
  async villageCodes(f: VillageFilter, afterCode: string | null, limit: number): Promise<string[]> {
    const rows = (await this.db.query(SQL.VILLAGE_CODES_PAGE, [...this.villageParams(f), afterCode, limit])) as { code: string }[];
    return rows.map((r) => r.code);
  }

  async villagesMatched(f: VillageFilter): Promise<number> {
    return count(await this.db.query(SQL.VILLAGES_MATCHED, this.villageParams(f)));
  }

  /** Codes of the villages inside `bbox` (and `areaCode`, if given). */
  async villageCodesInBox(bbox: BBox, areaCode: string | null): Promise<Set<string>> {
    const rows = (await this.db.query(SQL.VILLAGE_CODES_IN_BOX, [...boxParams(bbox), areaCode])) as { code: string }[];
    return new Set(rows.map((r) => r.code));
  }

  private servicePointParams(f: ServicePointFilter): unknown[] {
    return [...boxParams(f.bbox), f.areaCode, f.kinds, f.statuses, f.itemCode, f.villageCode];
  }

  /** Ids of the matching service points after `afterId`, in id order, at most `limit`. */
  async servicePointIds(f: ServicePointFilter, afterId: string | null, limit: number): Promise<string[]> {
    const rows = (await this.db.query(SQL.SERVICE_POINT_IDS_PAGE, [...this.servicePointParams(f), afterId, limit])) as { id: string }[];
    return rows.map((r) => r.id);
  }

  async servicePointsMatched(f: ServicePointFilter): Promise<number> {
    return count(await this.db.query(SQL.SERVICE_POINTS_MATCHED, this.servicePointParams(f)));
  }

  private areaParams(f: AreaFilter): unknown[] {
    return [...boxParams(f.bbox).slice(0, 4), f.areaCode, f.level, f.parentCode];
  }

  /** Codes of the matching areas after `afterCode`, in code order, at most `limit`. */
  async areaCodes(f: AreaFilter, afterCode: string | null, limit: number): Promise<string[]> {
    const rows = (await this.db.query(SQL.AREA_CODES_PAGE, [...this.areaParams(f), afterCode, limit])) as { code: string }[];
    return rows.map((r) => r.code);
  }

  async areasMatched(f: AreaFilter): Promise<number> {
    return count(await this.db.query(SQL.AREAS_MATCHED, this.areaParams(f)));
  }

  /** Bounds of a collection's data (min lon, min lat, max lon, max lat), or null when it has none. */
  async extent(source: ExtentSource): Promise<BBox | null> {
    const rows = (await this.db.query(EXTENT_SQL[source])) as { min_lon: number | null; min_lat: number | null; max_lon: number | null; max_lat: number | null }[];
    const r = rows[0];
    if (!r || r.min_lon === null || r.min_lat === null || r.max_lon === null || r.max_lat === null) return null;
    return [Number(r.min_lon), Number(r.min_lat), Number(r.max_lon), Number(r.max_lat)];
  }
}
