import type { GraphQLFormattedError } from 'graphql';
import { createApp, type App } from '../../src/app/app';
import { createSilentLogger, type Logger } from '../../src/common/logger';
import type { Config } from '../../src/config/config';
import type { Database } from '../../src/db/data-source';
import type { Viewer } from '../../src/common/viewer';
import { openTestDatabase, testConfig } from './test-db';

export interface TestApp {
  readonly app: App;
  readonly db: Database;
  readonly config: Config;
  /** Runs an operation in process (no HTTP), with a fresh context as a request would get. */
  execute<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, viewer?: Viewer): Promise<{ data?: T | null; errors?: readonly GraphQLFormattedError[] }>;
  close(): Promise<void>;
}

/** An app on the run's test database with env `overrides`; `logger` to read its logs (default: silent). */
export async function createTestApp(overrides: Record<string, string> = {}, options: { logger?: Logger } = {}): Promise<TestApp> {
  const config = testConfig(overrides);
  const db = await openTestDatabase(config);
  const app = await createApp({ config, logger: options.logger ?? createSilentLogger(), dataSource: db.dataSource });
  return {
    app,
    db,
    config,
    async execute<T>(query: string, variables?: Record<string, unknown>, viewer?: Viewer) {
      const response = await app.apollo.executeOperation<T>({ query, variables }, { contextValue: app.createContext(viewer) });
      if (response.body.kind !== 'single') throw new Error('expected a single result');
      return { data: response.body.singleResult.data, errors: response.body.singleResult.errors };
    },
    async close() {
      await app.stop();
      await db.close();
    },
  };
}
