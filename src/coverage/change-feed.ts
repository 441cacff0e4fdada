import type { DataSource } from 'typeorm';
import type { Logger } from '../common/logger';
import { ChangeListener, listenOnSharedSession } from '../db/change-listener';
import type { EngineStore } from './engine-store';

export interface ChangeFeed {
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly state: { kind: 'listen' | 'shared-session'; connected: boolean; notifications: number; reconnects: number };
}

/**
 * Tells the engine about new data versions as they are written, so it catches up (and subscribers hear of it)
 * without waiting for a request. On a PostgreSQL server each process LISTENs on a dedicated connection
 * (ChangeListener), which reconnects and catches up after a loss; the embedded database is one session in this
 * process, whose notifications arrive on the pool's own connections (listenOnSharedSession). Either way the engine
 * then reads the change log after the version it holds (EngineStore), in order, with nothing skipped.
 */
export function createChangeFeed(options: { engine: 'server' | 'embedded'; url: string; dataSource: DataSource; store: EngineStore; logger: Logger }): ChangeFeed {
  const { store } = options;
  let notifications = 0;
  const announce = (version: bigint) => {
    notifications++;
    store.announce(version);
  };
  if (options.engine === 'server') {
    const listener = new ChangeListener(options.url, announce, options.logger.child({ component: 'change-feed' }));
    return {
      start: () => listener.start(),
      stop: () => listener.stop(),
      get state() {
        return { kind: 'listen' as const, connected: listener.stats.connected, notifications, reconnects: Math.max(0, listener.stats.connects - 1) };
      },
    };
  }
  let stop: (() => void) | null = null;
  return {
    async start() {
      stop = await listenOnSharedSession(options.dataSource, announce);
    },
    async stop() {
      stop?.();
      stop = null;
    },
    get state() {
      return { kind: 'shared-session' as const, connected: stop !== null, notifications, reconnects: 0 };
    },
  };
}
