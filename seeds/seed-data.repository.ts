import type { DataSource, EntityManager } from 'typeorm';

/** Villages of the dataset that an import has made real (location_synthetic false): a seed never overwrites them. */
const IMPORTED_VILLAGES = /* sql */ `SELECT code FROM village WHERE code = ANY($1::text[]) AND NOT location_synthetic`;
const IMPORTED_POINTS = /* sql */ `SELECT id FROM service_point WHERE id = ANY($1::text[]) AND NOT location_synthetic`;

/**
 * Synthetic points in the dataset's counties that the dataset does not have (an older generation of them, or another
 * dataset's synthetic points there): the dataset replaces them. Points an import made real stay.
 */
const DELETE_STALE_SYNTHETIC_POINTS = /* sql */ `
  DELETE FROM service_point sp
  USING unnest($1::text[]) AS c(code)
  WHERE sp.location_synthetic AND sp.area_code >= c.code AND sp.area_code < c.code || ':'
    AND NOT EXISTS (SELECT 1 FROM unnest($2::text[]) AS k(id) WHERE k.id = sp.id)
  RETURNING sp.id`;

/** The villages and points in an area (everything whose code starts with `code`), synthetic and real. */
const AREA_DATA_COUNTS = /* sql */ `
  SELECT (SELECT count(*)::int FROM village WHERE code >= $1 AND code < $1 || ':') AS villages,
         (SELECT count(*)::int FROM village WHERE code >= $1 AND code < $1 || ':' AND location_synthetic) AS synthetic_villages,
         (SELECT count(*)::int FROM service_point WHERE area_code >= $1 AND area_code < $1 || ':') AS points,
         (SELECT count(*)::int FROM service_point WHERE area_code >= $1 AND area_code < $1 || ':' AND location_synthetic) AS synthetic_points`;

const DELETE_SYNTHETIC_POINTS_IN_AREA = /* sql */ `
  DELETE FROM service_point WHERE location_synthetic AND area_code >= $1 AND area_code < $1 || ':' RETURNING id, name, kind`;

const LOADED_DATASETS = /* sql */ `SELECT dataset FROM seed_state ORDER BY dataset`;
const AREA_EXISTS = /* sql */ `SELECT name, level FROM area WHERE code = $1`;

export interface AreaDataCounts {
  villages: number;
  syntheticVillages: number;
  points: number;
  syntheticPoints: number;
}

/** What the seeds need to know of the rows already there: which an import made real, and what is synthetic. */
export class SeedDataRepository {
  constructor(private readonly db: DataSource) {}

  async importedVillages(manager: EntityManager, codes: readonly string[]): Promise<Set<string>> {
    const rows: { code: string }[] = await manager.query(IMPORTED_VILLAGES, [codes]);
    return new Set(rows.map((r) => r.code));
  }

  async importedPoints(manager: EntityManager, ids: readonly string[]): Promise<Set<string>> {
    const rows: { id: string }[] = await manager.query(IMPORTED_POINTS, [ids]);
    return new Set(rows.map((r) => r.id));
  }

  /** Deletes the synthetic points of `countyCodes` whose id is not in `keepIds`; returns their ids. */
  async deleteStaleSyntheticPoints(manager: EntityManager, countyCodes: readonly string[], keepIds: readonly string[]): Promise<string[]> {
    if (countyCodes.length === 0) return [];
    // TypeORM answers a DELETE … RETURNING with [rows, affected count]
    const [rows] = (await manager.query(DELETE_STALE_SYNTHETIC_POINTS, [countyCodes, keepIds])) as [{ id: string }[], number];
    return rows.map((r) => r.id).sort();
  }

  async deleteSyntheticPointsIn(manager: EntityManager, areaCode: string): Promise<{ id: string; name: string; kind: string }[]> {
    // TypeORM answers a DELETE … RETURNING with [rows, affected count]
    const [rows] = (await manager.query(DELETE_SYNTHETIC_POINTS_IN_AREA, [areaCode])) as [{ id: string; name: string; kind: string }[], number];
    return rows;
  }

  async countsIn(areaCode: string, manager?: EntityManager): Promise<AreaDataCounts> {
    const [r] = (await (manager ?? this.db).query(AREA_DATA_COUNTS, [areaCode])) as {
      villages: number;
      synthetic_villages: number;
      points: number;
      synthetic_points: number;
    }[];
    return { villages: r!.villages, syntheticVillages: r!.synthetic_villages, points: r!.points, syntheticPoints: r!.synthetic_points };
  }

  async loadedDatasets(): Promise<string[]> {
    return ((await this.db.query(LOADED_DATASETS)) as { dataset: string }[]).map((r) => r.dataset);
  }

  async area(code: string): Promise<{ name: string; level: string } | null> {
    const rows: { name: string; level: string }[] = await this.db.query(AREA_EXISTS, [code]);
    return rows[0] ?? null;
  }
}
