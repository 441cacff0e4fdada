import { createLogger } from '../common/logger';
import { loadConfig } from '../config/config';
import { openDatabase } from '../db/data-source';
import { prepareDatabase } from '../db/prepare-database';
import { createServices, type Services } from '../app/container';
import { createRepositories } from '../app/repositories';

/**
 * For the command-line tools: opens the configured database (migrated when MIGRATE_ON_START says so, never
 * seeded), builds the services the server uses, runs `work` and closes the database whatever happens.
 */
export async function withServices<T>(work: (services: Services) => Promise<T>): Promise<T> {
  const config = loadConfig(process.env);
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'warn' });
  const db = await openDatabase(config, logger);
  try {
    await prepareDatabase(db, { migrate: config.migrateOnStart, seed: false, datasets: [], logger });
    return await work(createServices(createRepositories(db.dataSource), config, logger));
  } finally {
    await db.close();
  }
}
