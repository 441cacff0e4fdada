import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { FeatureCollection, Point } from 'geojson';
import { Role } from '../../src/common/role.enum';
import { CLI_ACTOR } from '../../src/write/actor';
import { describeWithGdal, gdalTools } from '../helpers/gdal';
import { createTestApp, type TestApp } from '../helpers/test-app';

/**
 * GDAL (Debian's gdal-bin, its OAPIF driver) as a real OGC API - Features client of /ogc, with an API key in a header
 * (GDAL_HTTP_HEADERS) on a server that lets nobody in without one: ogrinfo lists the collections; ogr2ogr copies
 * Kaiyang's villages into a GeoPackage (GDAL pages through them by the `next` links and sends the attribute filter
 * to the server, since the OpenAPI description lists countyCode as a query parameter), and every feature and
 * attribute there is the database's; the coverage gaps come over with the parameters in the collection URL.
 * Skipped without gdal-bin (one line says how to enable it); required under CI=true.
 */

const run = promisify(execFile);
const KAIYANG = '520121';

describeWithGdal('GDAL as an OGC API - Features client (e2e)', () => {
  let t: TestApp;
  let ogc: string;
  let key: string;
  let dir: string;

  /** A GDAL tool with the key in a header, as GDAL sends it on every request. */
  const gdal = async (tool: 'ogrinfo' | 'ogr2ogr', args: string[], withKey = true) => {
    const { stdout, stderr } = await run(gdalTools()[tool], [...(withKey ? ['--config', 'GDAL_HTTP_HEADERS', `X-API-Key: ${key}`] : []), ...args], {
      timeout: 60_000,
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, GDAL_HTTP_TIMEOUT: '30', CPL_DEBUG: 'OFF' },
    });
    return { stdout, stderr };
  };

  /** A layer of a GeoPackage as GeoJSON (read back by GDAL itself). */
  const readGpkg = async (file: string, layer: string) =>
    JSON.parse((await gdal('ogr2ogr', ['-f', 'GeoJSON', '/vsistdout/', file, layer], false)).stdout) as FeatureCollection<Point>;

  beforeAll(async () => {
    t = await createTestApp({ ANONYMOUS_ROLES: 'none', RATE_LIMIT_COST_PER_MINUTE: '0' });
    const { url } = await t.app.listen(0, '127.0.0.1');
    ogc = `${url}/ogc`;
    key = (await t.app.services.apiKey.create({ name: 'GDAL', roles: [Role.READER, Role.PLANNER], areaCodes: [] }, CLI_ACTOR)).secret;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-ogc-gdal-'));
  });
  afterAll(async () => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    await t?.close();
  });

  it('ogrinfo lists the collections, with their geometry types', async () => {
    const { stdout } = await gdal('ogrinfo', ['-ro', '-q', `OAPIF:${ogc}`]);
    const layers = stdout
      .split('\n')
      .map((l) => /^\d+: (\S+)/.exec(l)?.[1])
      .filter(Boolean);
    expect(layers).toEqual(['service-points', 'villages', 'areas', 'planning-areas', 'coverage-gaps']);
    expect(stdout).toMatch(/villages \(title: Villages\) \(Point\)/);
    expect(stdout).toMatch(/areas \(title: Administrative areas\) \(Multi Polygon\)/);
  });

  it('without the key GDAL gets no collections (401), as GraphQL would refuse it', async () => {
    await expect(gdal('ogrinfo', ['-ro', '-q', `OAPIF:${ogc}`], false)).rejects.toMatchObject({ stderr: expect.stringMatching(/401|UNAUTHENTICATED|needs an API key/) });
  });

  it("ogr2ogr copies Kaiyang's 136 villages into a GeoPackage with every feature and attribute", async () => {
    const gpkg = path.join(dir, 'kaiyang-villages.gpkg');
    await gdal('ogr2ogr', ['-f', 'GPKG', gpkg, `OAPIF:${ogc}`, 'villages', '-where', `countyCode = '${KAIYANG}'`]);
    const copied = await readGpkg(gpkg, 'villages');
    const rows: { code: string; name: string; township_code: string; county_code: string; population: number; location_synthetic: boolean; lon: number; lat: number }[] =
      await t.db.dataSource.query(
        `SELECT code, name, township_code, county_code, population, location_synthetic, ST_X(location::geometry) AS lon, ST_Y(location::geometry) AS lat
         FROM village WHERE county_code = $1 ORDER BY code`,
        [KAIYANG],
      );
    expect(rows).toHaveLength(136);
    expect(copied.features).toHaveLength(136);
    const byCode = new Map(copied.features.map((f) => [f.properties!.code as string, f]));
    expect(byCode.size).toBe(136);
    for (const row of rows) {
      const f = byCode.get(row.code)!;
      expect(f).toBeDefined();
      expect(f.properties).toEqual({
        id: row.code,
        code: row.code,
        name: row.name,
        townshipCode: row.township_code,
        countyCode: row.county_code,
        population: Number(row.population),
        locationSynthetic: row.location_synthetic,
      });
      expect(f.geometry.coordinates[0]).toBeCloseTo(Number(row.lon), 6);
      expect(f.geometry.coordinates[1]).toBeCloseTo(Number(row.lat), 6);
    }
  });

  it('ogr2ogr takes the coverage gaps with the question in the collection URL, each naming its data version and travel model', async () => {
    const gpkg = path.join(dir, 'kaiyang-gaps.gpkg');
    const collection = `${ogc}/collections/coverage-gaps?areaCode=${KAIYANG}&item=CHRONIC_DISEASE_CERT&mode=EBIKE&minutes=15`;
    await gdal('ogr2ogr', ['-f', 'GPKG', gpkg, `OAPIF:${collection}`]);
    const copied = await readGpkg(gpkg, 'coverage-gaps');
    expect(copied.features).toHaveLength(46);
    const [{ version }] = await t.db.dataSource.query('SELECT version::text AS version FROM data_version');
    for (const f of copied.features) {
      expect(f.properties).toEqual(expect.objectContaining({ itemCode: 'CHRONIC_DISEASE_CERT', mode: 'EBIKE', minutes: 15, travelModel: 'STRAIGHT_LINE', method: 'INDEX', dataVersion: version }));
      expect(f.properties!.travelMinutes as number).toBeGreaterThan(15);
    }
    expect(copied.features.map((f) => f.properties!.name)).toContain('龙广村');
  });
});
