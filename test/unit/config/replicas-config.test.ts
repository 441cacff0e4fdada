import { ConfigError, loadConfig } from '../../../src/config/config';

const SERVER = { DATABASE_URL: 'postgres://u@localhost:5432/db' };

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('loadConfig: DATABASE_REPLICA_URLS (read replicas)', () => {
  it('has no replicas unless they are set (the database config as before)', () => {
    expect(loadConfig(SERVER).database).toEqual({ kind: 'server', url: SERVER.DATABASE_URL, poolSize: 10, connectTimeoutMs: undefined });
    expect(loadConfig({ ...SERVER, DATABASE_REPLICA_URLS: ' ' }).database).not.toHaveProperty('replicas');
  });

  it('reads a comma-separated list of postgres:// URLs, in order, and how long a replica version is trusted', () => {
    const config = loadConfig({ ...SERVER, DATABASE_REPLICA_URLS: 'postgres://u@r1:5432/db, postgresql://u@r2/db,', DATABASE_REPLICA_CHECK_MS: '50' });
    expect(config.database).toMatchObject({ kind: 'server', replicas: { urls: ['postgres://u@r1:5432/db', 'postgresql://u@r2/db'], checkMs: 50 } });
    expect(loadConfig({ ...SERVER, DATABASE_REPLICA_URLS: 'postgres://u@r1/db' }).database).toMatchObject({ replicas: { checkMs: 250 } });
  });

  it('refuses a URL that is not postgres://', () => {
    expect(problems({ ...SERVER, DATABASE_REPLICA_URLS: 'postgres://u@r1/db,mysql://u@r2/db' })).toEqual([expect.stringMatching(/^DATABASE_REPLICA_URLS\.1: must start with postgres:\/\//)]);
  });

  it('refuses replicas on the embedded database, saying why and what to do', () => {
    expect(problems({ DATABASE_REPLICA_URLS: 'postgres://u@r1/db' })).toEqual([
      expect.stringMatching(/^DATABASE_REPLICA_URLS: read replicas need a PostgreSQL server as the primary: set DATABASE_URL .*unset DATABASE_REPLICA_URLS to run on it/),
    ]);
  });
});
