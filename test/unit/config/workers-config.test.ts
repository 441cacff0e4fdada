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

describe('loadConfig: WORKERS (several processes)', () => {
  it('defaults to one process, no cluster', () => {
    expect(loadConfig({}).cluster).toEqual({ workers: 1, worker: null });
    expect(loadConfig({ ...SERVER, WORKERS: '1' }).cluster).toEqual({ workers: 1, worker: null });
  });

  it('reads WORKERS on a PostgreSQL server, and the worker number the primary gives each worker', () => {
    expect(loadConfig({ ...SERVER, WORKERS: '4' }).cluster).toEqual({ workers: 4, worker: null });
    expect(loadConfig({ ...SERVER, WORKERS: ' 2 ', SERVICE_CIRCLE_WORKER: '2' }).cluster).toEqual({ workers: 2, worker: 2 });
  });

  it('refuses what is not a whole number from 1 to 64, saying what it must be', () => {
    for (const bad of ['two', '', '-1', '1.5', '2e1', '0', '65']) {
      expect([bad, problems({ ...SERVER, WORKERS: bad })]).toEqual([bad, [expect.stringMatching(/^WORKERS: must be (a whole number of server processes, from 1 to 64|at least 1|at most 64)/)]]);
    }
  });

  it('refuses more than one worker on the embedded database, saying to set DATABASE_URL', () => {
    expect(problems({ WORKERS: '2' })).toEqual([expect.stringMatching(/^WORKERS: 2 worker processes need a PostgreSQL server: set DATABASE_URL/)]);
    expect(problems({ WORKERS: '1' })).toEqual([]);
  });
});
