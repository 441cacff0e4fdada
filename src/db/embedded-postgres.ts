import fs from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import type { Logger } from '../common/logger';

export interface EmbeddedPostgres {
  /** A postgres:// URL that `pg` (and so TypeORM) can connect to. */
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Starts PGlite with PostGIS and exposes it on a loopback port through pglite-socket, so the same
 * TypeORM + `pg` code path serves both the embedded and the server database.
 * `dataDir: null` keeps everything in memory (tests).
 */
export async function startEmbeddedPostgres(options: { dataDir: string | null; logger: Logger }): Promise<EmbeddedPostgres> {
  const { dataDir, logger } = options;
  const started = Date.now();
  if (dataDir) fs.mkdirSync(dataDir, { recursive: true });
  logger.info({ dataDir: dataDir ?? 'memory' }, 'starting embedded PostgreSQL (PGlite + PostGIS); the first start unpacks PostGIS and takes ~20 s');
  const db = await PGlite.create({ dataDir: dataDir ?? undefined, extensions: { postgis } });
  // PostGIS is loaded when the extension is created; migrations do that too, but doing it here makes
  // the slow unpack happen once, visibly, before any connection is made.
  await db.exec('CREATE EXTENSION IF NOT EXISTS postgis');
  // PGlite runs one statement at a time and the socket's queue keeps a transaction's statements together, so
  // several connections are safe; the app still uses one. The headroom matters because a closed connection is
  // released a tick late, and a prompt reconnect (tests, CLI tools) would otherwise be refused.
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 8 });
  await server.start();
  const [host, port] = server.getServerConn().split(':');
  logger.info({ ms: Date.now() - started, host, port }, 'embedded PostgreSQL ready');
  return {
    url: `postgres://postgres@${host}:${port}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
