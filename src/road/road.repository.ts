import type { DataSource, EntityManager } from 'typeorm';
import * as SQL from './road.sql';

export type Bbox = readonly [west: number, south: number, east: number, north: number];

export interface RoadArea {
  readonly code: string;
  readonly name: string;
  readonly hasBoundary: boolean;
}

/** A batch of nodes: parallel arrays (plain arrays: the driver sends typed arrays as bytea). */
export interface RoadNodeRows {
  readonly ids: number[];
  readonly osmIds: (number | null)[];
  readonly lons: number[];
  readonly lats: number[];
}

/** A batch of edges: parallel arrays; `wkb` are LineStrings (see lineStringWkb). */
export interface RoadEdgeRows {
  readonly sources: number[];
  readonly targets: number[];
  readonly highways: string[];
  readonly oneways: number[];
  readonly maxspeedsKmh: (number | null)[];
  readonly ferryMinutes: (number | null)[];
  readonly lengthsMeters: number[];
  readonly names: (string | null)[];
  readonly osmWayIds: (number | null)[];
  readonly wkb: Buffer[];
}

export interface RoadNetworkRow {
  readonly areaCode: string;
  readonly name: string;
  readonly source: string;
  readonly synthetic: boolean;
  readonly nodeCount: number;
  readonly edgeCount: number;
  readonly lengthKm: number;
  readonly bbox: Bbox | null;
}

export interface RoadNetworkSummary extends Omit<RoadNetworkRow, 'bbox'> {
  readonly areaName: string;
  readonly importedAt: Date;
}

/** A WKB LineString (little-endian, 2D) of the positions lon[k], lat[k] for k in `vertices`. */
export function lineStringWkb(vertices: ArrayLike<number>, lon: ArrayLike<number>, lat: ArrayLike<number>): Buffer {
  const n = vertices.length;
  const wkb = Buffer.allocUnsafe(9 + 16 * n);
  wkb.writeUInt8(1, 0);
  wkb.writeUInt32LE(2, 1);
  wkb.writeUInt32LE(n, 5);
  for (let k = 0; k < n; k++) {
    const v = vertices[k]!;
    wkb.writeDoubleLE(lon[v]!, 9 + 16 * k);
    wkb.writeDoubleLE(lat[v]!, 17 + 16 * k);
  }
  return wkb;
}

/** All SQL of road networks. Writes take the caller's transaction (EntityManager); reads use the pool. */
export class RoadRepository {
  constructor(private readonly db: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  async findArea(code: string): Promise<RoadArea | null> {
    const [row] = (await this.db.query(SQL.ROAD_AREA, [code])) as { code: string; name: string; has_boundary: boolean }[];
    return row ? { code: row.code, name: row.name, hasBoundary: row.has_boundary } : null;
  }

  /**
   * The areas whose boundaries a network of `area` is clipped to: its own boundary; else, those of the areas below
   * it that have one (a city from its counties); else the nearest ancestor's (a township: its county's). Empty when
   * none has one.
   */
  async clipAreas(area: RoadArea): Promise<string[]> {
    if (area.hasBoundary) return [area.code];
    const below = (await this.db.query(SQL.ROAD_CLIP_DESCENDANTS, [area.code])) as { code: string }[];
    if (below.length) return below.map((r) => r.code);
    const above = (await this.db.query(SQL.ROAD_CLIP_ANCESTOR, [area.code])) as { code: string }[];
    return above.map((r) => r.code);
  }

  async extent(codes: readonly string[]): Promise<Bbox | null> {
    const [row] = (await this.db.query(SQL.ROAD_CLIP_EXTENT, [codes])) as { west: number | null; south: number; east: number; north: number }[];
    return row && row.west !== null ? [row.west, row.south, row.east, row.north] : null;
  }

  /** Which of the WKB geometries intersect the boundaries of `codes`: their positions, ascending. */
  async intersecting(codes: readonly string[], wkb: readonly Buffer[]): Promise<number[]> {
    if (wkb.length === 0) return [];
    return ((await this.db.query(SQL.ROAD_GEOMETRIES_INTERSECTING, [codes, wkb])) as { i: number }[]).map((r) => r.i);
  }

  async smallestAreaCovering([west, south, east, north]: Bbox): Promise<{ code: string; name: string } | null> {
    const [row] = (await this.db.query(SQL.ROAD_SMALLEST_AREA_COVERING, [west, south, east, north])) as { code: string; name: string }[];
    return row ?? null;
  }

  async deleteNetwork(manager: EntityManager, areaCode: string): Promise<void> {
    await manager.query(SQL.ROAD_DELETE_EDGES, [areaCode]);
    await manager.query(SQL.ROAD_DELETE_NODES, [areaCode]);
    await manager.query(SQL.ROAD_DELETE_NETWORK, [areaCode]);
  }

  async newNodeIds(manager: EntityManager, count: number): Promise<number[]> {
    return ((await manager.query(SQL.ROAD_NODE_IDS, [count])) as { id: number }[]).map((r) => r.id);
  }

  async insertNodes(manager: EntityManager, areaCode: string, rows: RoadNodeRows): Promise<void> {
    if (rows.ids.length) await manager.query(SQL.ROAD_INSERT_NODES, [areaCode, rows.ids, rows.osmIds, rows.lons, rows.lats]);
  }

  async insertEdges(manager: EntityManager, areaCode: string, rows: RoadEdgeRows): Promise<void> {
    if (!rows.sources.length) return;
    await manager.query(SQL.ROAD_INSERT_EDGES, [
      areaCode,
      rows.sources,
      rows.targets,
      rows.highways,
      rows.oneways,
      rows.maxspeedsKmh,
      rows.ferryMinutes,
      rows.lengthsMeters,
      rows.names,
      rows.osmWayIds,
      rows.wkb,
    ]);
  }

  async insertNetwork(manager: EntityManager, row: RoadNetworkRow): Promise<void> {
    const [west, south, east, north] = row.bbox ?? [null, null, null, null];
    await manager.query(SQL.ROAD_INSERT_NETWORK, [row.areaCode, row.name, row.source, row.synthetic, row.nodeCount, row.edgeCount, row.lengthKm, west, south, east, north]);
  }

  async networks(): Promise<RoadNetworkSummary[]> {
    const rows = (await this.db.query(SQL.ROAD_NETWORKS)) as {
      area_code: string;
      area_name: string;
      name: string;
      source: string;
      synthetic: boolean;
      node_count: number;
      edge_count: number;
      length_km: number;
      imported_at: Date;
    }[];
    return rows.map((r) => ({
      areaCode: r.area_code,
      areaName: r.area_name,
      name: r.name,
      source: r.source,
      synthetic: r.synthetic,
      nodeCount: r.node_count,
      edgeCount: r.edge_count,
      lengthKm: r.length_km,
      importedAt: r.imported_at,
    }));
  }
}
