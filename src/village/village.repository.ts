import type { Point } from 'geojson';
import type { DataSource, EntityManager } from 'typeorm';
import type { Village } from './village.entity';
import * as SQL from './village.sql';

interface VillageRow {
  code: string;
  name: string;
  township_code: string;
  county_code: string;
  location: Point;
  population: number;
  location_synthetic: boolean;
}

export interface VillageQuery {
  areaCode: string | null;
  nameContains: string | null;
  minPopulation: number | null;
  maxPopulation: number | null;
}

export interface VillageInput {
  code: string;
  name: string;
  townshipCode: string;
  countyCode: string;
  longitude: number;
  latitude: number;
  population: number;
  locationSynthetic: boolean;
}

const toVillage = (r: VillageRow): Village => ({
  code: r.code,
  name: r.name,
  townshipCode: r.township_code,
  countyCode: r.county_code,
  location: r.location,
  population: r.population,
  locationSynthetic: r.location_synthetic,
});

export class VillageRepository {
  constructor(private readonly db: DataSource) {}

  private params(q: VillageQuery): unknown[] {
    return [q.areaCode, q.nameContains, q.minPopulation, q.maxPopulation];
  }

  async page(q: VillageQuery, afterCode: string | null, limit: number): Promise<Village[]> {
    return ((await this.db.query(SQL.VILLAGES_PAGE, [...this.params(q), afterCode, limit])) as VillageRow[]).map(toVillage);
  }

  async count(q: VillageQuery): Promise<number> {
    return ((await this.db.query(SQL.VILLAGES_COUNT, this.params(q))) as { count: number }[])[0].count;
  }

  async findByCodes(codes: readonly string[]): Promise<Village[]> {
    return ((await this.db.query(SQL.VILLAGES_BY_CODES, [codes])) as VillageRow[]).map(toVillage);
  }

  /** The stored villages among `codes` as write records, row-locked until the transaction ends. */
  async lockRecords(manager: EntityManager, codes: readonly string[]): Promise<VillageInput[]> {
    if (codes.length === 0) return [];
    const rows: { code: string; name: string; township_code: string; county_code: string; longitude: number; latitude: number; population: number; location_synthetic: boolean }[] =
      await manager.query(SQL.VILLAGE_RECORDS_FOR_UPDATE, [codes]);
    return rows.map((r) => ({
      code: r.code,
      name: r.name,
      townshipCode: r.township_code,
      countyCode: r.county_code,
      longitude: r.longitude,
      latitude: r.latitude,
      population: r.population,
      locationSynthetic: r.location_synthetic,
    }));
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  async upsertMany(manager: EntityManager, villages: readonly VillageInput[]): Promise<void> {
    const col = <T>(f: (v: VillageInput) => T) => villages.map(f);
    await manager.query(SQL.UPSERT_VILLAGES, [
      col((v) => v.code),
      col((v) => v.name),
      col((v) => v.townshipCode),
      col((v) => v.countyCode),
      col((v) => v.longitude),
      col((v) => v.latitude),
      col((v) => v.population),
      col((v) => v.locationSynthetic),
    ]);
  }
}
