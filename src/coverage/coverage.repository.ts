import type { DataSource } from 'typeorm';
import type { AreaComputation, EnginePoint, EngineVillage } from './coverage.engine';
import * as SQL from './coverage.sql';

export class CoverageRepository {
  constructor(private readonly db: DataSource) {}

  async dataVersion(): Promise<string> {
    const rows: { version: string }[] = await this.db.query(SQL.DATA_VERSION);
    return rows[0]?.version ?? '0';
  }

  /**
   * Everything the engine needs, read in one REPEATABLE READ transaction so the version matches the rows.
   */
  async loadSnapshot(): Promise<{ dataVersion: string; villages: EngineVillage[]; points: EnginePoint[]; syntheticData: boolean }> {
    return this.db.transaction('REPEATABLE READ', async (m) => {
      const version: { version: string }[] = await m.query(SQL.DATA_VERSION);
      const villages: { code: string; township_code: string; longitude: number; latitude: number; population: number; location_synthetic: boolean }[] = await m.query(
        SQL.ENGINE_VILLAGES,
      );
      const points: {
        id: string;
        kind: string;
        area_code: string;
        village_code: string | null;
        longitude: number;
        latitude: number;
        item_codes: string[];
      }[] = await m.query(SQL.ENGINE_POINTS);
      return {
        dataVersion: version[0]?.version ?? '0',
        syntheticData: villages.some((v) => v.location_synthetic),
        villages: villages.map((v) => ({ code: v.code, townshipCode: v.township_code, longitude: v.longitude, latitude: v.latitude, population: v.population })),
        points: points.map((p) => ({
          id: p.id,
          kind: p.kind,
          areaCode: p.area_code,
          villageCode: p.village_code,
          longitude: p.longitude,
          latitude: p.latitude,
          itemCodes: p.item_codes,
        })),
      };
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
    nearestPointIds: rows.map((r) => r.nearest_point_id ?? beyond.get(r.code)?.id ?? null),
    distanceMeters: Float64Array.from(rows, (r) => r.distance_meters ?? beyond.get(r.code)?.distance ?? Number.NaN),
  };
}
