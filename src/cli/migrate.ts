import 'reflect-metadata';
import { createLogger } from '../common/logger';
import { loadConfig } from '../config/config';
import { openDatabase } from '../db/data-source';
import { prepareDatabase } from '../db/prepare-database';

/** `npm run migrate`: applies pending migrations to DATABASE_URL (or the embedded database). */
async function run(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger({ level: config.logLevel });
  const db = await openDatabase(config, logger);
  try {
    await prepareDatabase(db, { migrate: true, seed: false, datasets: [], logger });
  } finally {
    await db.close();
  }
}

run().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
