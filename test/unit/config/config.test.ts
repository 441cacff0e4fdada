import path from 'node:path';
import { ConfigError, loadConfig } from '../../../src/config/config';

describe('loadConfig', () => {
  it('defaults to the embedded database, migrated and seeded on start, port 4000', () => {
    const c = loadConfig({});
    expect(c.database).toEqual({ kind: 'embedded', dataDir: path.resolve('data', 'pglite') });
    expect(c).toMatchObject({ port: 4000, host: '127.0.0.1', migrateOnStart: true, seedOnStart: true, seedDatasets: ['kaiyang', 'sanming', 'taibai-lake', 'taiyuan'] });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('with DATABASE_URL uses the server and does not migrate or seed unless asked', () => {
    const c = loadConfig({ DATABASE_URL: 'postgres://u@localhost:5432/db', PORT: '8080', MIGRATE_ON_START: 'true' });
    expect(c.database).toEqual({ kind: 'server', url: 'postgres://u@localhost:5432/db', poolSize: 10 });
    expect(c).toMatchObject({ port: 8080, migrateOnStart: true, seedOnStart: false });
  });

  it('lists every bad variable in one error', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/PORT/);
    expect(message).toMatch(/DATABASE_URL/);
    expect(message).toMatch(/LOG_LEVEL/);
  });

  it('rejects a default page size above the maximum', () => {
    expect(() => loadConfig({ DEFAULT_PAGE_SIZE: '50', MAX_PAGE_SIZE: '10' })).toThrow(/DEFAULT_PAGE_SIZE/);
  });
});
