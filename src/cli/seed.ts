import 'reflect-metadata';
import { runSeeds } from '../../seeds';
import { createLogger } from '../common/logger';
import { loadConfig } from '../config/config';
import { openDatabase } from '../db/data-source';

/** `npm run seed [-- --force] [-- dataset ...]`: loads the seed datasets (SEED_DATASETS by default). */
async function run(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger({ level: config.logLevel });
  const args = process.argv.slice(2);
  const force = args.includes('--force');
  const named = args.filter((a) => !a.startsWith('--'));
  const db = await openDatabase(config, logger);
  try {
    if (await db.dataSource.showMigrations()) throw new Error('The database has pending migrations: run `npm run migrate` first.');
    const results = await runSeeds(db.dataSource, { datasets: named.length ? named : config.seedDatasets, logger, force });
    for (const r of results) console.log(r.skipped ? `${r.dataset}: unchanged, skipped (use --force to reload)` : `${r.dataset}: ${JSON.stringify(r.counts)}`);
  } finally {
    await db.close();
  }
}

run().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
