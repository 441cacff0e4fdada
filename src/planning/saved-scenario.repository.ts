import type { DataSource, EntityManager } from 'typeorm';
import type { ScenarioSummary } from '../coverage/scenario.type';
import * as SQL from './saved-scenario.sql';

/** An existing point named by a scenario, as it was when the scenario was saved. */
export interface PointBasis {
  readonly id: string;
  readonly status: string;
  readonly longitude: number;
  readonly latitude: number;
  readonly itemCodes: readonly string[];
}

export interface SavedScenarioRecord {
  readonly id: string;
  readonly name: string;
  readonly areaCode: string;
  /** The scenario as it was sent (ScenarioInput's shape). */
  readonly changes: Record<string, unknown>;
  readonly basis: readonly PointBasis[];
  /** What the answers say of it (its key and sizes), as when it was saved. */
  readonly summary: ScenarioSummary;
  readonly dataVersion: string;
  readonly authorKeyId: string | null;
  readonly authorName: string;
  readonly createdAt: Date;
}

interface Row {
  id: string;
  name: string;
  area_code: string;
  changes: Record<string, unknown>;
  basis: PointBasis[];
  summary: ScenarioSummary;
  data_version: string;
  author_key_id: string | null;
  author_name: string;
  created_at: Date;
}

const toRecord = (r: Row): SavedScenarioRecord => ({
  id: r.id,
  name: r.name,
  areaCode: r.area_code,
  changes: r.changes,
  basis: r.basis,
  summary: r.summary,
  dataVersion: r.data_version,
  authorKeyId: r.author_key_id,
  authorName: r.author_name,
  createdAt: new Date(r.created_at),
});

export class SavedScenarioRepository {
  constructor(private readonly db: DataSource) {}

  async insert(manager: EntityManager, s: Omit<SavedScenarioRecord, 'createdAt'>): Promise<SavedScenarioRecord> {
    const rows: Row[] = await manager.query(SQL.INSERT_SCENARIO, [s.id, s.name, s.areaCode, JSON.stringify(s.changes), JSON.stringify(s.basis), JSON.stringify(s.summary), s.dataVersion, s.authorKeyId, s.authorName]);
    return toRecord(rows[0]!);
  }

  async findByIds(ids: readonly string[]): Promise<SavedScenarioRecord[]> {
    return ((await this.db.query(SQL.SCENARIOS_BY_IDS, [ids])) as Row[]).map(toRecord);
  }

  async inArea(areaCode: string, limit: number): Promise<SavedScenarioRecord[]> {
    return ((await this.db.query(SQL.SCENARIOS_IN_AREA, [areaCode, limit])) as Row[]).map(toRecord);
  }

  /** The scenario removed, or null when there was none. */
  async delete(manager: EntityManager, id: string): Promise<SavedScenarioRecord | null> {
    // TypeORM answers a DELETE … RETURNING with [rows, affectedCount].
    const [rows] = (await manager.query(SQL.DELETE_SCENARIO, [id])) as [Row[], number];
    return rows[0] ? toRecord(rows[0]) : null;
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }
}
