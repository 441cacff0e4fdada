import type { MultiPolygon } from 'geojson';
import type { DataSource, EntityManager } from 'typeorm';
import * as SQL from './planning-area.sql';

/** A planner's own area as stored: members (townships, villages) or a polygon (WGS-84). */
export interface PlanningAreaRecord {
  readonly code: string;
  readonly name: string;
  readonly description: string | null;
  readonly memberCodes: readonly string[];
  readonly boundary: MultiPolygon | null;
  readonly authorKeyId: string | null;
  readonly authorName: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** What is written: the definition and its author. */
export interface PlanningAreaWrite {
  readonly code: string;
  readonly name: string;
  readonly description: string | null;
  readonly memberCodes: readonly string[];
  readonly boundary: MultiPolygon | null;
}

interface Row {
  code: string;
  name: string;
  description: string | null;
  member_codes: string[] | string;
  boundary: MultiPolygon | string | null;
  author_key_id: string | null;
  author_name: string;
  created_at: Date | string;
  updated_at: Date | string;
}

/** text[] arrives as an array from pg, as '{a,b}' from some drivers. */
function textArray(value: string[] | string): string[] {
  if (Array.isArray(value)) return value;
  const inner = value.replace(/^\{|\}$/g, '');
  return inner === '' ? [] : inner.split(',');
}

/** TypeORM answers UPDATE/DELETE … RETURNING with [rows, affected count], SELECT and INSERT with the rows. */
function returned<T>(result: unknown): T[] {
  return (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number' ? result[0] : result) as T[];
}

const toRecord = (r: Row): PlanningAreaRecord => ({
  code: r.code,
  name: r.name,
  description: r.description,
  memberCodes: textArray(r.member_codes),
  boundary: r.boundary === null ? null : typeof r.boundary === 'string' ? (JSON.parse(r.boundary) as MultiPolygon) : r.boundary,
  authorKeyId: r.author_key_id,
  authorName: r.author_name,
  createdAt: new Date(r.created_at),
  updatedAt: new Date(r.updated_at),
});

export class PlanningAreaRepository {
  constructor(private readonly db: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  async all(first: number): Promise<PlanningAreaRecord[]> {
    return ((await this.db.query(SQL.PLANNING_AREAS_ALL, [first])) as Row[]).map(toRecord);
  }

  async findByCodes(codes: readonly string[], manager?: EntityManager): Promise<PlanningAreaRecord[]> {
    return ((await (manager ?? this.db).query(SQL.PLANNING_AREAS_BY_CODES, [codes])) as Row[]).map(toRecord);
  }

  async insert(manager: EntityManager, a: PlanningAreaWrite, author: { keyId: string | null; name: string }): Promise<PlanningAreaRecord> {
    const rows = (await manager.query(SQL.INSERT_PLANNING_AREA, [a.code, a.name, a.description, a.memberCodes, a.boundary ? JSON.stringify(a.boundary) : null, author.keyId, author.name])) as Row[];
    return toRecord(rows[0]!);
  }

  async update(manager: EntityManager, a: PlanningAreaWrite): Promise<PlanningAreaRecord | null> {
    const rows = returned<Row>(await manager.query(SQL.UPDATE_PLANNING_AREA, [a.code, a.name, a.description, a.memberCodes, a.boundary ? JSON.stringify(a.boundary) : null]));
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async delete(manager: EntityManager, code: string): Promise<{ code: string; name: string } | null> {
    const rows = returned<{ code: string; name: string }>(await manager.query(SQL.DELETE_PLANNING_AREA, [code]));
    return rows[0] ?? null;
  }

  async scenarioCount(manager: EntityManager, code: string): Promise<number> {
    const rows = (await manager.query(SQL.SCENARIOS_OF_AREA, [code])) as { n: number }[];
    return rows[0]?.n ?? 0;
  }

  /** PostGIS's verdict on a polygon: why it is invalid (null when valid), and its geodesic area. */
  async checkPolygon(polygon: MultiPolygon): Promise<{ reason: string | null; areaKm2: number }> {
    const rows = (await this.db.query(SQL.CHECK_POLYGON, [JSON.stringify(polygon)])) as { reason: string | null; area_km2: number }[];
    return { reason: rows[0]?.reason ?? null, areaKm2: Number(rows[0]?.area_km2 ?? 0) };
  }

  /** The codes among `codes` that name a township or a village. */
  async knownMembers(codes: readonly string[]): Promise<Set<string>> {
    const rows = (await this.db.query(SQL.KNOWN_MEMBERS, [codes])) as { code: string }[];
    return new Set(rows.map((r) => r.code));
  }

  async villageStats(codes: readonly string[]): Promise<{ code: string; villageCount: number; population: number }[]> {
    const rows = (await this.db.query(SQL.PLANNING_AREA_VILLAGE_STATS, [codes])) as { code: string; village_count: number; population: string }[];
    return rows.map((r) => ({ code: r.code, villageCount: r.village_count, population: Number(r.population) }));
  }
}
