import type { DataSource, EntityManager } from 'typeorm';

const SEED_CHECKSUM = /* sql */ `SELECT checksum FROM seed_state WHERE dataset = $1`;
const RECORD_SEED = /* sql */ `
  INSERT INTO seed_state (dataset, checksum) VALUES ($1, $2)
  ON CONFLICT (dataset) DO UPDATE SET checksum = EXCLUDED.checksum, applied_at = now()`;

/** Planner statistics after a bulk load; without them the first spatial joins on a fresh database plan badly. */
const ANALYZE_LOADED_TABLES = /* sql */ `ANALYZE area, village, service_item, service_point, service_point_item`;

/** Which seed datasets are loaded, and from which content. */
export class SeedStateRepository {
  constructor(private readonly db: DataSource) {}

  async checksumOf(dataset: string): Promise<string | null> {
    const rows: { checksum: string }[] = await this.db.query(SEED_CHECKSUM, [dataset]);
    return rows[0]?.checksum ?? null;
  }

  async analyze(): Promise<void> {
    await this.db.query(ANALYZE_LOADED_TABLES);
  }

  async record(manager: EntityManager, dataset: string, checksum: string): Promise<void> {
    await manager.query(RECORD_SEED, [dataset, checksum]);
  }
}
