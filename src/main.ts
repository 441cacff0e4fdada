import 'reflect-metadata';
import { createApp } from './app/app';
import { createLogger } from './common/logger';
import { ConfigError, loadConfig } from './config/config';
import { openDatabase } from './db/data-source';
import { prepareDatabase, prepareOptionsFrom } from './db/prepare-database';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  const logger = createLogger({ level: config.logLevel });
  const prepare = prepareOptionsFrom(config, logger);
  if (config.database.kind === 'server' && (prepare.migrate || prepare.seed)) {
    // Migrations and seeds first, on connections without the request deadline's statement_timeout.
    const setup = await openDatabase(config, logger);
    try {
      await prepareDatabase(setup, prepare);
    } finally {
      await setup.close();
    }
  }
  const db = await openDatabase(config, logger, { statementTimeoutMs: config.requestDeadlineMs });
  await prepareDatabase(db, config.database.kind === 'server' ? { ...prepare, migrate: false, seed: false } : prepare);
  const app = await createApp({ config, logger, dataSource: db.dataSource });
  const { url } = await app.listen(config.port, config.host);
  logger.info({ url: `${url}/graphql`, database: db.kind }, `Service Circle ready at ${url}/graphql`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    try {
      await app.stop();
      await db.close();
      logger.info('stopped');
      process.exit(0);
    } catch (err) {
      logger.error({ err }, 'error during shutdown');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err) => {
  console.error('Service Circle failed to start:', err instanceof Error ? err.message : err);
  if (process.env.NODE_ENV !== 'production' && err instanceof Error && err.stack) console.error(err.stack);
  process.exit(1);
});
