import 'reflect-metadata';
import cluster from 'node:cluster';
import { createLogger, type Logger } from './common/logger';
import { ConfigError, loadConfig, type Config } from './config/config';
import { openDatabase } from './db/data-source';
import { prepareDatabase, prepareOptionsFrom } from './db/prepare-database';
import { answerMetricsRequests, superviseWorkers } from './ops/cluster';

/**
 * WORKERS > 1: this process is the cluster's primary. Migrations, seeds and the pending-migrations check run once,
 * here, before any worker starts; then it forks the workers and looks after them (ops/cluster.ts).
 */
async function runPrimary(config: Config, logger: Logger): Promise<never> {
  const setup = await openDatabase(config, logger);
  try {
    await prepareDatabase(setup, prepareOptionsFrom(config, logger));
  } finally {
    await setup.close();
  }
  if (config.rateLimit.costPerMinute > 0 && config.rateLimit.redisUrl === null) {
    logger.warn(
      { workers: config.cluster.workers },
      `the rate limit is kept per worker: a key may spend up to ${config.cluster.workers} × RATE_LIMIT_COST_PER_MINUTE a minute. Set RATE_LIMIT_REDIS_URL to share one budget.`,
    );
  }
  // A worker drains for at most Apollo's grace period (10 s) and the request deadline; then the database closes.
  const code = await superviseWorkers({ workers: config.cluster.workers, host: config.host, logger, stopTimeoutMs: config.requestDeadlineMs + 20_000 });
  logger.info({ code }, 'stopped');
  process.exit(code);
}

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
  if (config.cluster.workers > 1 && cluster.isPrimary) return runPrimary(config, createLogger({ level: config.logLevel }).child({ role: 'primary' }));
  // A worker our primary forked (another cluster manager's process runs as one process): its number, kept by its
  // replacements, on every log line; the primary prepared the database.
  const worker = cluster.isWorker ? config.cluster.worker : null;
  if (worker !== null) answerMetricsRequests();
  const logger = worker === null ? createLogger({ level: config.logLevel }) : createLogger({ level: config.logLevel }).child({ worker });
  const prepare = prepareOptionsFrom(config, logger);
  if (worker === null && config.database.kind === 'server' && (prepare.migrate || prepare.seed)) {
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
  // Loaded here, not at the top: a cluster's primary never builds the app (nor holds its modules in memory).
  const { createApp } = await import('./app/app');
  const app = await createApp({ config, logger, dataSource: db.dataSource, ...(worker === null ? {} : { instance: { pid: process.pid, worker } }) });
  const { url } = await app.listen(config.port, config.host);
  if (worker === null) logger.info({ url: `${url}/graphql`, database: db.kind }, `Service Circle ready at ${url}/graphql`);
  else logger.info({ url: `${url}/graphql`, database: db.kind }, `worker ${worker} listening`);

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
