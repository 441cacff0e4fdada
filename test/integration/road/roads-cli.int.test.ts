import path from 'node:path';
import { Client } from 'pg';
import { runNode, type ProcessResult } from '../../helpers/run-process';
import { testDatabaseUrl } from '../../helpers/test-env';

/**
 * `npm run roads` as an operator runs it, from its TypeScript source (scripts/register-ts.cjs: no build to wait
 * for), against the run's database: import (report, rate, plain progress lines off a terminal), status, and each
 * refused file or argument with its exit code, its message, and the previous network still in place. The
 * embedded test database is served by this jest process: the children use a pool of one, and this file reads the
 * database through its own short-lived connection between children. Area 5201 (贵阳市, clipped to its county
 * Kaiyang) keeps the seeded networks untouched.
 */

const ROOT = path.resolve(__dirname, '../../..');
const fixture = (name: string) => path.join('test/fixtures/road', name);

function roads(args: readonly string[]): Promise<ProcessResult> {
  return runNode(['--require', path.join(ROOT, 'scripts/register-ts.cjs'), path.join(ROOT, 'src/cli/roads.ts'), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: testDatabaseUrl(), DATABASE_POOL_SIZE: '1', MIGRATE_ON_START: 'false', LOG_LEVEL: 'warn' },
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

const network = async () => (await query<{ node_count: number; edge_count: number; source: string; imported_at: Date }>(`SELECT node_count, edge_count, source, imported_at FROM road_network WHERE area_code = '5201'`))[0];

describe('npm run roads (the command)', () => {
  afterAll(async () => {
    await query(`DELETE FROM road_edge WHERE area_code = '5201'`);
    await query(`DELETE FROM road_node WHERE area_code = '5201'`);
    await query(`DELETE FROM road_network WHERE area_code = '5201'`);
  });

  it('import FILE --area CODE: writes the network, reports counts and rate on stdout, progress lines on stderr', async () => {
    const run = await roads(['import', fixture('kaiyang.osm.pbf'), '--area', '5201']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Imported 12 nodes and 11 edges (`);
    expect(run.stdout).toContain('as the road network of 贵阳市 (5201) from test/fixtures/road/kaiyang.osm.pbf (PBF).');
    expect(run.stdout).toContain('12 ways read, 9 of them roads; clipped to the boundary of 520121: 2 edges outside dropped.');
    expect(run.stdout).toMatch(/^Rate: [\d,]+ nodes\/s, [\d,]+ edges\/s \(read [\d.]+ s, build [\d.]+ s, write [\d.]+ s, total [\d.]+ s\)\.$/m);
    expect(run.stderr).toMatch(/^pass 1\/2: ways: .* MiB/m);
    expect(run.stderr).toMatch(/^pass 2\/2: node positions: .* \(100 %\)$/m);
    expect(run.stderr).toMatch(/^writing nodes and edges: 23 of 23 rows \(100 %\)$/m);
    expect(await network()).toMatchObject({ node_count: 12, edge_count: 11, source: 'kaiyang.osm.pbf' });
  });

  it('status lists the loaded networks', async () => {
    const run = await roads(['status']);
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^area\s+name\s+source\s+synthetic\s+nodes\s+edges\s+km\s+imported at$/);
    expect(lines.find((l) => l.startsWith('5201 '))).toMatch(/^5201 贵阳市\s+贵阳市 roads\s+kaiyang\.osm\.pbf\s+no\s+12\s+11\s+[\d.]+\s+\d{4}-\d\d-\d\dT/);
  });

  it.each([
    [['import', fixture('kaiyang-truncated.osm.pbf'), '--area', '5201'], 2, /kaiyang-truncated\.osm\.pbf is not a complete OSM PBF file \(truncated or damaged/],
    [['import', fixture('not-a-network.csv'), '--area', '5201'], 2, /is neither an OSM PBF file nor GeoJSON/],
    [['import', fixture('kaiyang.osm'), '--area', '5201'], 2, /looks like OSM XML/],
    [['import', fixture('no-roads.geojson'), '--area', '5201'], 2, /holds no road: none of its 3 features/],
    [['import', fixture('outside-china.geojson'), '--area', '5201'], 2, /outside mainland China/],
    [['import', fixture('kaiyang.osm.pbf'), '--area', '3504'], 2, /holds no road in 三明市 \(3504\)/],
    [['import', fixture('missing.osm.pbf'), '--area', '5201'], 2, /cannot be read \(ENOENT\)/],
    [['import', fixture('kaiyang.osm.pbf'), '--area', '999999'], 64, /there is no area 999999/],
    [['import', fixture('kaiyang.osm.pbf')], 64, /no area's boundary contains the network's bounding box .*--area CODE/],
    [['import'], 64, /import needs a FILE/],
    [['import', fixture('kaiyang.osm.pbf'), '--bogus'], 64, /Unknown option '--bogus'/],
    [['frob'], 64, /Unknown command "frob"/],
  ] as const)('%j exits %i with a message and changes nothing', async (args, code, message) => {
    const before = await network();
    const run = await roads(args);
    expect(run.code).toBe(code);
    expect(run.stderr).toMatch(message);
    expect(await network()).toEqual(before);
  });
});
