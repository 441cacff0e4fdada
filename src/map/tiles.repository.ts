import type { Geometry } from 'geojson';
import type { BBox } from './tile-math';
import * as SQL from './tiles.sql';

/** What the repository needs of a TypeORM DataSource (or EntityManager): raw parameterised queries. */
export interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

export interface TileVillageRow {
  code: string;
  name: string;
  population: number;
  longitude: number;
  latitude: number;
}

export interface TileServicePointRow {
  id: string;
  name: string;
  kind: string;
  status: string;
  longitude: number;
  latitude: number;
  /** Item codes, comma-joined, sorted ('' when none). */
  items: string;
}

export interface TileAreaRow {
  code: string;
  name: string;
  level: string;
  /** Cut to the box and simplified; Polygon, MultiPolygon or (rarely, after the cut) GeometryCollection. */
  boundary: Geometry;
}

export interface TileRoadRow {
  id: string;
  areaCode: string;
  highway: string;
  name: string | null;
  /** 1 one way along the geometry, −1 against it, 0 both ways. */
  oneway: number;
  maxspeedKmh: number | null;
  ferryMinutes: number | null;
  /** Of a synthetic network (generated for the seeds), not a real one. */
  synthetic: boolean;
  geometry: Geometry;
}

export type ExtentSource = 'villages' | 'service-points' | 'areas' | 'roads';

const EXTENT_SQL: Record<ExtentSource, string> = {
  villages: SQL.VILLAGES_EXTENT,
  'service-points': SQL.SERVICE_POINTS_EXTENT,
  areas: SQL.AREAS_EXTENT,
  roads: SQL.ROADS_EXTENT,
};

/**
 * Margin, in degrees, by which the index pre-filter box is grown: a geography box has great-circle edges, which
 * bulge from the lon/lat rectangle by about span² / 8 radians (0.03° for a zoom-6 tile); 5 % of the span covers
 * that with room to spare. ST_Intersects on the geometry then keeps exactly the rectangle.
 */
function candidateMargin([minX, minY, maxX, maxY]: BBox): number {
  return Math.max(maxX - minX, maxY - minY) * 0.05 + 1e-6;
}

/** Features of the tile layers inside a box (tiles.sql.ts), and the layers' extents (TileJSON bounds). */
export class TilesRepository {
  constructor(private readonly db: Queryable) {}

  async villagesInBox(box: BBox): Promise<TileVillageRow[]> {
    const rows = (await this.db.query(SQL.TILE_VILLAGES, [...box, candidateMargin(box)])) as TileVillageRow[];
    return rows.map((r) => ({ ...r, population: Number(r.population), longitude: Number(r.longitude), latitude: Number(r.latitude) }));
  }

  async servicePointsInBox(box: BBox, itemCode: string | null): Promise<TileServicePointRow[]> {
    const rows = (await this.db.query(SQL.TILE_SERVICE_POINTS, [...box, candidateMargin(box), itemCode])) as TileServicePointRow[];
    return rows.map((r) => ({ ...r, longitude: Number(r.longitude), latitude: Number(r.latitude) }));
  }

  /** `simplifyDegrees`: Douglas-Peucker tolerance applied in the database (0 keeps every vertex). */
  async areasInBox(box: BBox, simplifyDegrees: number): Promise<TileAreaRow[]> {
    const rows = (await this.db.query(SQL.TILE_AREAS, [...box, simplifyDegrees])) as (Omit<TileAreaRow, 'boundary'> & { boundary: Geometry | string })[];
    return rows.map((r) => ({ ...r, boundary: typeof r.boundary === 'string' ? (JSON.parse(r.boundary) as Geometry) : r.boundary }));
  }

  /** Road edges of `classes` in the box, simplified by `simplifyDegrees`, at most `limit`, higher classes (earlier in `classes`) first. */
  async roadsInBox(box: BBox, classes: readonly string[], simplifyDegrees: number, limit: number): Promise<TileRoadRow[]> {
    const rows = (await this.db.query(SQL.TILE_ROADS, [...box, simplifyDegrees, classes, limit])) as {
      id: string | number;
      area_code: string;
      highway: string;
      name: string | null;
      oneway: number;
      maxspeed_kmh: number | null;
      ferry_minutes: number | null;
      synthetic: boolean;
      geometry: Geometry | string;
    }[];
    return rows.map((r) => ({
      id: String(r.id),
      areaCode: r.area_code,
      highway: r.highway,
      name: r.name,
      oneway: Number(r.oneway),
      maxspeedKmh: r.maxspeed_kmh === null ? null : Number(r.maxspeed_kmh),
      ferryMinutes: r.ferry_minutes === null ? null : Number(r.ferry_minutes),
      synthetic: r.synthetic,
      geometry: typeof r.geometry === 'string' ? (JSON.parse(r.geometry) as Geometry) : r.geometry,
    }));
  }

  /** Bounds of a layer's data, or null when it has none. */
  async extent(source: ExtentSource): Promise<BBox | null> {
    const rows = (await this.db.query(EXTENT_SQL[source])) as { min_lon: number | null; min_lat: number | null; max_lon: number | null; max_lat: number | null }[];
    const r = rows[0];
    if (!r || r.min_lon === null || r.min_lat === null || r.max_lon === null || r.max_lat === null) return null;
    return [Number(r.min_lon), Number(r.min_lat), Number(r.max_lon), Number(r.max_lat)];
  }
}
