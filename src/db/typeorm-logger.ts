import type { Logger as OrmLogger } from 'typeorm';
import type { Logger } from '../common/logger';

export type QueryListener = (sql: string) => void;

/**
 * Bridges TypeORM's logger to the app logger (queries at debug) and lets tests observe every
 * statement sent, which is how the N+1 tests count queries.
 */
export class TypeOrmLogger implements OrmLogger {
  private readonly listeners = new Set<QueryListener>();

  constructor(private readonly logger: Logger) {}

  onQuery(listener: QueryListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  logQuery(query: string): void {
    for (const listener of this.listeners) listener(query);
    if (this.logger.isLevelEnabled('debug')) this.logger.debug({ sql: query }, 'sql');
  }
  logQueryError(error: string | Error, query: string): void {
    this.logger.warn({ err: error, sql: query }, 'sql failed');
  }
  logQuerySlow(time: number, query: string): void {
    this.logger.warn({ ms: time, sql: query }, 'slow sql');
  }
  logSchemaBuild(message: string): void {
    this.logger.debug(message);
  }
  logMigration(message: string): void {
    this.logger.info(message);
  }
  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger.warn({ message }, 'typeorm');
    else this.logger.debug({ message }, 'typeorm');
  }
}
