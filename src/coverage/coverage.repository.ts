import type { DataSource, EntityManager } from 'typeorm';
import type { RoadEdgeInput, RoadNodeInput } from '../travel/road-network';
import type { MultiPolygon } from 'geojson';
import type { AreaComputation, EnginePlanningArea, EnginePoint, EngineVillage } from './coverage.engine';
import * as SQL from './coverage.sql';
import type { HandlingRuleSpec, OnlineChannelSpec } from '../handling-rule/handling-rules';

export class CoverageRepository {
  constructor(private readonly db: DataSource) {}

  async dataVersion(): Promise<string> {
    const rows: { version: string }[] = await this.db.query(SQL.DATA_VERSION);
    return rows[0]?.version ?? '0';
  }

  /**
   * Everything the engine needs, read in one REPEATABLE READ transaction so the version matches the rows.
   */
  async loadSnapshot(): Promise<EngineSnapshot> {
    return this.db.transaction('REPEATABLE READ', async (m) => {
      const version: { version: string }[] = await m.query(SQL.DATA_VERSION);
      const villages: (VillageRow & { location_synthetic: boolean })[] = await m.query(SQL.ENGINE_VILLAGES);
      const points: PointRow[] = await m.query(SQL.ENGINE_POINTS);
      return {
        dataVersion: version[0]?.version ?? '0',
        syntheticData: villages.some((v) => v.location_synthetic),
        villages: villages.map(toVillage),
        points: points.map(toPoint),
        roads: await loadRoads(m),
        planningAreas: await loadPlanningAreas(m),
        handlingRules: await loadHandlingRules(m),
      };
    });
  }

  /**
   * What changed after `fromVersion`, from the change log, with the changed rows as they are now, all read in one
   * REPEATABLE READ transaction (so the rows are of `dataVersion`). `reload` says what cannot be patched: a gap in
   * the log (entries pruned, or written before it existed), a statement that changed too many rows to list, the item
   * catalogue, villages that appeared or went, or more rows than a reload would cost.
   */
  async changesSince(fromVersion: string): Promise<EngineChanges> {
    return this.db.transaction('REPEATABLE READ', async (m) => {
      const [{ version }] = (await m.query(SQL.DATA_VERSION)) as { version: string }[];
      const entries: { version: string; entity: string; op: string; keys: string[] | null }[] = await m.query(SQL.CHANGES_BETWEEN, [fromVersion, version]);
      const nothing = { dataVersion: version!, reload: null, points: new Map(), villages: new Map(), planningAreas: null, handlingRules: null, entries: entries.length };
      if (BigInt(version!) <= BigInt(fromVersion)) return nothing;
      if (BigInt(entries.length) !== BigInt(version!) - BigInt(fromVersion)) return { ...nothing, reload: 'a gap in the change log' };
      const pointIds = new Set<string>();
      const villageCodes = new Set<string>();
      let planningChanged = false;
      let rulesChanged = false;
      for (const e of entries) {
        if (e.entity === 'area') continue; // boundaries: polygons are clipped per data version; nothing in the engine
        if (e.entity === 'service_item') return { ...nothing, reload: 'the item catalogue changed' };
        if (e.entity === 'road_network') return { ...nothing, reload: 'a road network was imported or removed' };
        if (e.entity === 'planning_area') {
          planningChanged = true;
          continue;
        }
        if (e.entity === 'handling_rule') {
          rulesChanged = true;
          continue;
        }
        if (e.keys === null) return { ...nothing, reload: `a statement changed every row or too many rows of ${e.entity}` };
        const into = e.entity === 'village' ? villageCodes : pointIds;
        for (const k of e.keys) into.add(k);
        if (into.size > MAX_PATCHED_ROWS) return { ...nothing, reload: `more than ${MAX_PATCHED_ROWS} ${e.entity} rows changed` };
      }
      const points = new Map<string, EnginePoint | null>([...pointIds].map((id) => [id, null]));
      if (pointIds.size) {
        const rows: (PointRow & { status: string })[] = await m.query(SQL.ENGINE_POINTS_BY_IDS, [[...pointIds]]);
        for (const r of rows) points.set(r.id, { ...toPoint(r), active: r.status === 'ACTIVE' });
      }
      const villages = new Map<string, EngineVillage | null>([...villageCodes].map((code) => [code, null]));
      if (villageCodes.size) {
        const rows: VillageRow[] = await m.query(SQL.ENGINE_VILLAGES_BY_CODES, [[...villageCodes]]);
        for (const r of rows) villages.set(r.code, toVillage(r));
      }
      if ([...villages.values()].includes(null)) return { ...nothing, reload: 'villages were deleted' };
      const planningAreas = planningChanged ? await loadPlanningAreas(m) : null;
      const handlingRules = rulesChanged ? await loadHandlingRules(m) : null;
      return { dataVersion: version!, reload: null, points, villages, planningAreas, handlingRules, entries: entries.length };
    });
  }

  /**
   * The PostGIS reference computation, in the engine's result shape. `nearestBeyond: false` skips the second
   * statement (nearest point at any distance for uncovered villages), which the coverage figures do not need.
   */
  async computeArea(
    areaCode: string,
    itemCode: string | null,
    radiusMeters: number,
    options: { nearestBeyond?: boolean } = {},
  ): Promise<{ dataVersion: string; computation: AreaComputation }> {
    // One REPEATABLE READ transaction: the version read first is the version of every row the statements see.
    return this.db.transaction('REPEATABLE READ', async (m) => {
      const version: { version: string }[] = await m.query(SQL.DATA_VERSION);
      const rows: ReferenceRow[] = await m.query(SQL.POSTGIS_COVERAGE, [areaCode, `${areaCode}:`, itemCode, radiusMeters]);
      const uncovered = rows.filter((r) => r.nearest_point_id === null).map((r) => r.code);
      const beyond = new Map<string, { id: string; distance: number }>();
      if (uncovered.length && options.nearestBeyond !== false) {
        const far: { code: string; nearest_point_id: string; distance_meters: number }[] = await m.query(SQL.POSTGIS_NEAREST_ANY_DISTANCE, [uncovered, itemCode]);
        for (const f of far) beyond.set(f.code, { id: f.nearest_point_id, distance: f.distance_meters });
      }
      return { dataVersion: version[0]?.version ?? '0', computation: toComputation(rows, beyond) };
    });
  }

  /** The reference for villages with codes in [from, to): one statement (reference-coverage.ts runs them). */
  referenceRows(from: string, to: string, itemCode: string | null, radiusMeters: number): Promise<ReferenceRow[]> {
    return this.db.query(SQL.POSTGIS_COVERAGE, [from, to, itemCode, radiusMeters]);
  }

  /** For the villages `codes`: the nearest ACTIVE point offering the item at any distance. */
  referenceNearest(codes: readonly string[], itemCode: string | null): Promise<{ code: string; nearest_point_id: string; distance_meters: number }[]> {
    return this.db.query(SQL.POSTGIS_NEAREST_ANY_DISTANCE, [codes, itemCode]);
  }

}

/** What the engine is built from: the rows of one data version. */
export interface EngineSnapshot {
  readonly dataVersion: string;
  readonly villages: EngineVillage[];
  readonly points: EnginePoint[];
  readonly syntheticData: boolean;
  /** The road networks of that version, joined into one graph; null when none is loaded. */
  readonly roads: RoadSnapshot | null;
  readonly planningAreas: readonly EnginePlanningArea[];
  readonly handlingRules: readonly HandlingRuleSpec[];
}

async function loadHandlingRules(m: EntityManager): Promise<HandlingRuleSpec[]> {
  const rows: { area_code: string; item_code: string; assisted_turnaround_working_days: number | null; online_channels: OnlineChannelSpec[] | string | null; note: string | null }[] =
    await m.query(SQL.ENGINE_HANDLING_RULES);
  return rows.map((r) => ({
    areaCode: r.area_code,
    itemCode: r.item_code,
    assistedTurnaroundWorkingDays: r.assisted_turnaround_working_days,
    onlineChannels: typeof r.online_channels === 'string' ? (JSON.parse(r.online_channels) as OnlineChannelSpec[]) : r.online_channels,
    note: r.note,
  }));
}

async function loadPlanningAreas(m: EntityManager): Promise<EnginePlanningArea[]> {
  const rows: { code: string; member_codes: string[] | string; boundary: MultiPolygon | string | null }[] = await m.query(SQL.ENGINE_PLANNING_AREAS);
  return rows.map((r) => ({
    code: r.code,
    memberCodes: Array.isArray(r.member_codes) ? r.member_codes : r.member_codes.replace(/^\{|\}$/g, '').split(',').filter(Boolean),
    boundary: r.boundary === null ? null : typeof r.boundary === 'string' ? (JSON.parse(r.boundary) as MultiPolygon) : r.boundary,
  }));
}

/** The stored road networks as the ROAD travel model's graph: nodes numbered 0…n−1 in id order, edges with their geometry. */
export interface RoadSnapshot {
  readonly networks: readonly { areaCode: string; name: string; source: string; synthetic: boolean; nodeCount: number; edgeCount: number; lengthKm: number }[];
  readonly nodes: RoadNodeInput[];
  readonly edges: RoadEdgeInput[];
}

async function loadRoads(m: EntityManager): Promise<RoadSnapshot | null> {
  const networks: { area_code: string; name: string; source: string; synthetic: boolean; node_count: number; edge_count: number; length_km: number }[] = await m.query(SQL.ENGINE_ROAD_NETWORKS);
  if (networks.length === 0) return null;
  const nodeRows: { id: string; longitude: number; latitude: number }[] = await m.query(SQL.ENGINE_ROAD_NODES);
  const index = new Map<string, number>();
  const nodes = nodeRows.map((r, i) => {
    index.set(r.id, i);
    return { lon: r.longitude, lat: r.latitude };
  });
  const edgeRows: { source: string; target: string; length_m: number; highway: string; oneway: number; maxspeed_kmh: number | null; ferry_minutes: number | null; coordinates: [number, number][] }[] =
    await m.query(SQL.ENGINE_ROAD_EDGES);
  const edges: RoadEdgeInput[] = edgeRows.map((r) => ({
    from: index.get(r.source)!,
    to: index.get(r.target)!,
    lengthMeters: r.length_m,
    highway: r.highway,
    oneway: r.oneway === 1 ? true : r.oneway === -1 ? 'reverse' : false,
    ...(r.maxspeed_kmh !== null ? { maxspeedKmh: r.maxspeed_kmh } : {}),
    ...(r.ferry_minutes !== null ? { ferryMinutes: r.ferry_minutes } : {}),
    geometry: r.coordinates,
  }));
  return {
    networks: networks.map((n) => ({ areaCode: n.area_code, name: n.name, source: n.source, synthetic: n.synthetic, nodeCount: n.node_count, edgeCount: n.edge_count, lengthKm: n.length_km })),
    nodes,
    edges,
  };
}

/** Rows changed since a version, as they are now (null: the row is gone), or why they cannot be patched in. */
export interface EngineChanges {
  readonly dataVersion: string;
  /** Why the engine must load a snapshot instead; null: the changes can be patched in. */
  readonly reload: string | null;
  readonly points: ReadonlyMap<string, EnginePoint | null>;
  readonly villages: ReadonlyMap<string, EngineVillage | null>;
  /** Every planning area as of `dataVersion` when one changed; null when none did. */
  readonly planningAreas: readonly EnginePlanningArea[] | null;
  /** Every handling rule as of `dataVersion` when one changed; null when none did. */
  readonly handlingRules: readonly HandlingRuleSpec[] | null;
  /** Log entries read. */
  readonly entries: number;
}

/** Rows changed by one catch-up beyond which a reload is cheaper than patching them one by one. */
const MAX_PATCHED_ROWS = 20_000;

interface VillageRow {
  code: string;
  township_code: string;
  longitude: number;
  latitude: number;
  population: number;
}

interface PointRow {
  id: string;
  kind: string;
  area_code: string;
  village_code: string | null;
  longitude: number;
  latitude: number;
  item_codes: string[];
  assisted_item_codes: string[];
}

const toVillage = (v: VillageRow): EngineVillage => ({ code: v.code, townshipCode: v.township_code, longitude: v.longitude, latitude: v.latitude, population: v.population });

const toPoint = (p: PointRow): EnginePoint => ({
  id: p.id,
  kind: p.kind,
  areaCode: p.area_code,
  villageCode: p.village_code,
  longitude: p.longitude,
  latitude: p.latitude,
  itemCodes: p.item_codes,
  ...(p.assisted_item_codes.length ? { assistedItemCodes: p.assisted_item_codes } : {}),
});

export interface ReferenceRow {
  code: string;
  township_code: string;
  population: number;
  nearest_point_id: string | null;
  distance_meters: number | null;
}

/** Reference rows (and the nearest points of the uncovered villages) in the engine's result shape. */
export function toComputation(rows: readonly ReferenceRow[], beyond: ReadonlyMap<string, { id: string; distance: number }>): AreaComputation {
  return {
    codes: rows.map((r) => r.code),
    townshipCodes: rows.map((r) => r.township_code),
    population: Float64Array.from(rows, (r) => r.population),
    covered: Uint8Array.from(rows, (r) => (r.nearest_point_id === null ? 0 : 1)),
    ...pointIndex(rows.map((r) => r.nearest_point_id ?? beyond.get(r.code)?.id ?? null)),
    distanceMeters: Float64Array.from(rows, (r) => r.distance_meters ?? beyond.get(r.code)?.distance ?? Number.NaN),
    get cost() {
      return this.distanceMeters;
    },
    offNetwork: null,
  };
}

/** Ids as indexes into a list of the distinct ones (the computation's shape: `nearest`, `pointIds`). */
function pointIndex(ids: readonly (string | null)[]): { nearest: Int32Array; pointIds: string[] } {
  const pointIds: string[] = [];
  const index = new Map<string, number>();
  const nearest = Int32Array.from(ids, (id) => {
    if (id === null) return -1;
    let i = index.get(id);
    if (i === undefined) index.set(id, (i = pointIds.push(id) - 1));
    return i;
  });
  return { nearest, pointIds };
}
