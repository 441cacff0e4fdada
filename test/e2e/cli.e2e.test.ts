import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { runNode, type ProcessResult } from '../helpers/run-process';
import { testDatabaseKind, testDatabaseUrl } from '../helpers/test-env';

/**
 * The admin commands as an operator runs them, compiled: `npm run api-key` (create, list, revoke) and
 * `npm run import` (a CSV with a bad row: exit code 2, the bad line printed, progress on stderr).
 * The embedded test database is served by this jest process, so the children use a pool of one and this
 * file checks the database through its own short-lived connection only between children.
 */

const ROOT = path.resolve(__dirname, '../..');

function run(script: string, args: string[]): Promise<ProcessResult> {
  return runNode([path.join(ROOT, 'dist/src/cli', script), ...args], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: testDatabaseUrl(),
      DATABASE_POOL_SIZE: '1',
      MIGRATE_ON_START: 'false',
      LOG_LEVEL: 'warn',
    },
  });
}

async function query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: testDatabaseUrl() });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

describe('admin commands (e2e, compiled)', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-cli-'));

  beforeAll(async () => {
    // The compiled commands must match the sources under test.
    const tsc = await runNode([require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: ROOT, env: process.env });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.code).toBe(0);
  }, 180_000);
  afterAll(async () => {
    await query(`DELETE FROM village WHERE code IN ('520121001971', '520121001972')`);
    await query(`DELETE FROM audit_log WHERE actor_name = 'cli' AND (entity = 'village' AND entity_key IN ('520121001971', '520121001972') OR entity = 'api_key' AND entity_key IN (SELECT id::text FROM api_key WHERE name = 'test cli key'))`);
    await query(`DELETE FROM api_key WHERE name = 'test cli key'`);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('api-key create prints the secret once, stores only its hash; list shows it; revoke revokes it', async () => {
    const created = await run('api-key.js', ['create', '--name', 'test cli key', '--roles', 'editor,reader', '--areas', '520121']);
    expect(created.code).toBe(0);
    const secret = created.stdout.match(/^(sc_[A-Za-z0-9_-]{43})$/m)?.[1];
    expect(secret).toBeDefined();
    const id = created.stdout.match(/Created API key ([0-9a-f-]{36})/)![1]!;
    const [row] = await query<{ secret_hash: string; roles: string[]; area_codes: string[] }>('SELECT secret_hash, roles, area_codes FROM api_key WHERE id = $1', [id]);
    expect(row).toMatchObject({ roles: ['EDITOR', 'READER'], area_codes: ['520121'] });
    expect(row!.secret_hash).not.toContain(secret!.slice(3));

    const listed = await run('api-key.js', ['list']);
    expect(listed.stdout).toContain(id);
    expect(listed.stdout).not.toContain(secret);

    const revoked = await run('api-key.js', ['revoke', id]);
    expect(revoked.code).toBe(0);
    expect((await query<{ revoked_at: Date | null }>('SELECT revoked_at FROM api_key WHERE id = $1', [id]))[0]!.revoked_at).not.toBeNull();
  }, 60_000);

  it('api-key refuses unknown roles and a missing name with usage and exit code 64', async () => {
    const bad = await run('api-key.js', ['create', '--name', 'x', '--roles', 'ROOT']);
    expect(bad.code).toBe(64);
    expect(bad.stderr).toMatch(/Unknown roles: ROOT/);
  }, 60_000);

  it(`import villages with VALID_ROWS (${testDatabaseKind()} database): good rows land, the bad line is printed, exit code 2, progress on stderr`, async () => {
    const file = path.join(tmp, 'villages.csv');
    fs.writeFileSync(file, 'code,name,longitude,latitude,population\n520121001971,命令行村,106.9612,27.0613,80\n520121001972,坏村,106.9612,95,80\n');
    const res = await run('import.js', ['villages', file, '--mode', 'VALID_ROWS']);
    expect(res.code).toBe(2);
    expect(res.stdout).toMatch(/line 3 \(520121001972\) latitude: latitude 95 must be a finite number/);
    expect(res.stdout).toMatch(/2 rows read: created 1, updated 0, unchanged 0, rejected 1\./);
    expect(res.stderr).toMatch(/Reading .*villages\.csv/);
    expect(res.stderr).toMatch(/rows written/);
    expect(await query(`SELECT code FROM village WHERE code IN ('520121001971', '520121001972')`)).toEqual([{ code: '520121001971' }]);

    const again = await run('import.js', ['villages', file, '--mode', 'ALL_OR_NOTHING']);
    expect(again.code).toBe(2);
    expect(again.stdout).toMatch(/nothing was written/);
  }, 60_000);
});
