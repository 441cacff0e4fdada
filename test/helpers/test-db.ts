import 'reflect-metadata';
import { createSilentLogger } from '../../src/common/logger';
import { loadConfig, type Config } from '../../src/config/config';
import { openDatabase, type Database } from '../../src/db/data-source';
import { testDatabaseKind, testDatabaseUrl } from './test-env';

/** Config for tests: explicit env, never process.env. The embedded engine takes one connection. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    DATABASE_URL: testDatabaseUrl(),
    DATABASE_POOL_SIZE: testDatabaseKind() === 'embedded' ? '1' : '4',
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    ...overrides,
  });
}

/** A connection to the run's migrated, seeded database; close it in afterAll. */
export function openTestDatabase(config: Config = testConfig()): Promise<Database> {
  // As the server opens it: statements cancelled at the request deadline (on a PostgreSQL server).
  return openDatabase(config, createSilentLogger(), { statementTimeoutMs: config.requestDeadlineMs });
}
