import type { Logger } from '../common/logger';
import type { Config } from '../config/config';
import { runSeeds } from '../../seeds';
import type { Database } from './data-source';

/**
 * Applies migrations and loads seeds as configured. When migrations are not to be applied here and some
 * are pending, start-up stops with a message that says what to run, rather than failing on the first query.
 */
export async function prepareDatabase(
  db: Database,
  options: { migrate: boolean; seed: boolean; datasets: readonly string[]; logger: Logger },
): Promise<void> {
  const { dataSource } = db;
  const { logger } = options;
  if (options.migrate) {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    logger.info({ applied: applied.map((m) => m.name) }, applied.length ? 'migrations applied' : 'database schema is up to date');
  } else if (await dataSource.showMigrations()) {
    throw new Error('The database has pending migrations. Run `npm run migrate` (with the same DATABASE_URL), or set MIGRATE_ON_START=true.');
  }
  if (options.seed) await runSeeds(dataSource, { datasets: options.datasets, logger });
}

export function prepareOptionsFrom(config: Config, logger: Logger) {
  return { migrate: config.migrateOnStart, seed: config.seedOnStart, datasets: config.seedDatasets, logger };
}
