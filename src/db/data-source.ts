import { DataSource } from 'typeorm';
import { migrations } from '../../migrations';
import type { Config } from '../config/config';
import type { Logger } from '../common/logger';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres';
import { entities } from './entities';
import { openReadReplicas, type ReadReplicas } from './read-replicas';
import { TypeOrmLogger } from './typeorm-logger';

export interface Database {
  readonly dataSource: DataSource;
  readonly ormLogger: TypeOrmLogger;
  readonly kind: 'server' | 'embedded';
  close(): Promise<void>;
}

interface Notification {
  channel: string;
  payload?: string;
}

/** Who hears the notifications that arrive on pooled connections (only the embedded database sends any there). */
const notificationListeners = new Set<(n: Notification) => void>();

/** Hears NOTIFY messages that arrive on the pool's connections; returns the function that stops it. */
export function onPoolNotification(listener: (n: Notification) => void): () => void {
  notificationListeners.add(listener);
  return () => notificationListeners.delete(listener);
}

/** The DataSource options both modes share; `url` and pool size are what differ. */
export function createDataSource(
  url: string,
  poolSize: number,
  ormLogger: TypeOrmLogger,
  connectionTimeoutMillis = 10_000,
  statementTimeoutMs?: number,
  applicationName = 'service-circle',
): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities,
    migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    // The initial migration creates PostGIS; TypeORM must not try on its own.
    installExtensions: false,
    logging: ['query', 'error', 'warn', 'migration', 'schema'],
    logger: ormLogger,
    maxQueryExecutionTime: 2000,
    applicationName,
    extra: {
      max: poolSize,
      connectionTimeoutMillis,
      // Sent at connection start: the server cancels any statement running longer (SQLSTATE 57014).
      ...(statementTimeoutMs ? { statement_timeout: statementTimeoutMs } : {}),
      // pg-pool hands a new client to TypeORM before TypeORM listens for the client's errors. A server that is
      // shutting down sends FATAL 57P01 right after the handshake; landing in that gap it was an unhandled
      // 'error' event, which ends the process. With this listener the error only fails the client's queries
      // (SERVICE_UNAVAILABLE) and the pool drops the client.
      onConnect: (client: { on(event: 'error', listener: (err: Error) => void): unknown; on(event: 'notification', listener: (n: Notification) => void): unknown }) => {
        client.on('error', () => undefined);
        // The embedded database is one session shared by every connection: a NOTIFY reaches whichever pooled
        // connection's answer it rides on (change-listener.ts, listenOnSharedSession).
        client.on('notification', (n) => {
          for (const listener of notificationListeners) listener(n);
        });
      },
    },
  });
}

/**
 * Connects to the configured database: a PostgreSQL + PostGIS server (`DATABASE_URL`), or the embedded
 * PGlite + PostGIS started here. The embedded engine takes one connection, hence a pool of one. The API server
 * passes `statementTimeoutMs` (its request deadline); tools that migrate, seed or import in bulk do not.
 */
export async function openDatabase(config: Config, logger: Logger, options: { statementTimeoutMs?: number } = {}): Promise<Database> {
  const ormLogger = new TypeOrmLogger(logger.child({ component: 'typeorm' }));
  let embedded: EmbeddedPostgres | null = null;
  let url: string;
  let poolSize: number;
  if (config.database.kind === 'server') {
    url = config.database.url;
    poolSize = config.database.poolSize;
  } else {
    embedded = await startEmbeddedPostgres({ dataDir: config.database.dataDir, logger });
    url = embedded.url;
    poolSize = 1;
  }
  // With one embedded connection, waiting for it is queueing behind other statements, not a dead server.
  const connectTimeoutMs = config.database.connectTimeoutMs ?? (embedded ? 120_000 : 10_000);
  // statement_timeout only on a server: the embedded database runs each statement to its end on the event loop.
  const dataSource = createDataSource(url, poolSize, ormLogger, connectTimeoutMs, embedded ? undefined : options.statementTimeoutMs);
  try {
    await dataSource.initialize();
  } catch (err) {
    await embedded?.stop();
    throw err;
  }
  return {
    dataSource,
    ormLogger,
    kind: config.database.kind,
    async close() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await embedded?.stop();
    },
  };
}

/** How read replicas' sessions show in pg_stat_activity. */
export const REPLICA_APPLICATION_NAME = 'service-circle-replica-read';
/** A replica that does not give a connection within this time is taken for down (its reads go to the primary). */
const REPLICA_CONNECT_TIMEOUT_MS = 2_000;

/**
 * The read replicas of DATABASE_REPLICA_URLS beside the server's `primary` (read-replicas.ts), connected; null without
 * any. Each has a pool of DATABASE_POOL_SIZE, and statements cancelled at `statementTimeoutMs` as on the primary.
 */
export function openReplicas(config: Config, primary: DataSource, logger: Logger, options: { statementTimeoutMs?: number } = {}): Promise<ReadReplicas | null> {
  if (config.database.kind !== 'server' || !config.database.replicas) return Promise.resolve(null);
  const { poolSize, connectTimeoutMs } = config.database;
  const ormLogger = new TypeOrmLogger(logger.child({ component: 'typeorm', database: 'replica' }));
  const connectMs = Math.min(connectTimeoutMs ?? REPLICA_CONNECT_TIMEOUT_MS, REPLICA_CONNECT_TIMEOUT_MS);
  return openReadReplicas(primary, config.database.replicas, (url) => createDataSource(url, poolSize, ormLogger, connectMs, options.statementTimeoutMs, REPLICA_APPLICATION_NAME), logger);
}

/**
 * Which engine answers on this connection: the embedded PGlite (which runs each statement on the event loop, to
 * its end) or a PostgreSQL server. Read from the engine itself, since a PGlite can also be reached by URL.
 */
export async function detectDatabaseEngine(dataSource: DataSource): Promise<'server' | 'embedded'> {
  const [row] = (await dataSource.query('SELECT version() AS version')) as { version: string }[];
  return /PGlite|wasm32/i.test(row?.version ?? '') ? 'embedded' : 'server';
}
