import path from 'node:path';
import type { Database } from '../../../src/db/data-source';
import { RoadImportError } from '../../../src/road/road-import.error';
import { importRoadNetwork, RoadImportService } from '../../../src/road/road-import.service';
import { RoadRepository } from '../../../src/road/road.repository';
import { openTestDatabase } from '../../helpers/test-db';

/**
 * The road import against the run's seeded database (Kaiyang 520121 with its boundary, Sanming 3504): the graph
 * stored from the PBF fixture, clipping, the area found from the bounding box, replacing a network in one
 * transaction, refusals that leave the previous network in place, and the seeds' entry point. The seeded
 * synthetic networks (520121, 3504) are copied aside first and put back after, for the test files that follow.
 */

const TOUCHED = ['520121', '520121001', '5201', '52', '3504'];

const FIXTURES = path.resolve(__dirname, '../../fixtures/road');
const fixture = (name: string) => path.join(FIXTURES, name);

describe(RoadImportService.name, () => {
  let db: Database;
  let service: RoadImportService;
  const query = <T>(sql: string, params: unknown[] = []) => db.dataSource.query(sql, params) as Promise<T[]>;
  const networkRow = async (code: string) =>
    (await query<{ node_count: number; edge_count: number; source: string; name: string; synthetic: boolean }>('SELECT * FROM road_network WHERE area_code = $1', [code]))[0];

  beforeAll(async () => {
    db = await openTestDatabase();
    service = new RoadImportService(new RoadRepository(db.dataSource));
    for (const table of ['road_network', 'road_node', 'road_edge']) {
      await query(`DROP TABLE IF EXISTS ${table}_test_copy`);
      await query(`CREATE TABLE ${table}_test_copy AS SELECT * FROM ${table} WHERE area_code = ANY($1)`, [TOUCHED]);
    }
  });
  afterAll(async () => {
    await db.dataSource.transaction(async (m) => {
      for (const table of ['road_edge', 'road_node', 'road_network']) await m.query(`DELETE FROM ${table} WHERE area_code = ANY($1)`, [TOUCHED]);
      for (const table of ['road_node', 'road_edge', 'road_network']) await m.query(`INSERT INTO ${table} SELECT * FROM ${table}_test_copy`);
    });
    for (const table of ['road_network', 'road_node', 'road_edge']) await query(`DROP TABLE ${table}_test_copy`);
    await db.close();
  });

  it('imports the PBF fixture for Kaiyang, clipped to its boundary: nodes, edges with full geometry, attributes and the network row', async () => {
    const logged = async () => (await query<{ n: number }>(`SELECT count(*)::int AS n FROM change_log WHERE entity = 'road_network'`))[0]!.n;
    const before = await logged();
    const report = await service.importFile({ file: fixture('kaiyang.osm.pbf'), areaCode: '520121' });
    expect(report).toMatchObject({ format: 'PBF', areaCode: '520121', areaFrom: 'given', clippedTo: ['520121'], waysRead: 12, roadWays: 9, nodes: 12, edges: 11, droppedOutsideArea: 2, droppedOutsideChina: 0 });
    expect(await networkRow('520121')).toMatchObject({ node_count: 12, edge_count: 11, source: 'kaiyang.osm.pbf', name: '开阳县 roads', synthetic: false });

    const edges = await query<{ osm_way_id: string; highway: string; oneway: number; maxspeed_kmh: number | null; ferry_minutes: number | null; name: string | null; points: number; length_m: number; measured: number; from_osm: string; to_osm: string }>(`
      SELECT e.osm_way_id, e.highway, e.oneway, e.maxspeed_kmh, e.ferry_minutes, e.name, ST_NPoints(e.geom) AS points, e.length_m,
             ST_Length(e.geom::geography) AS measured, s.osm_id AS from_osm, t.osm_id AS to_osm
      FROM road_edge e JOIN road_node s ON s.id = e.source JOIN road_node t ON t.id = e.target
      WHERE e.area_code = '520121' ORDER BY e.osm_way_id, s.osm_id`);
    expect(edges.map((e) => `${e.osm_way_id}:${e.from_osm}>${e.to_osm}(${e.points})`)).toEqual([
      '100:1>3(3)',
      '100:3>5(3)',
      '101:3>7(3)',
      '102:7>9(3)',
      '103:10>11(2)',
      '103:11>12(2)',
      '103:12>13(2)',
      '104:5>12(3)',
      '105:9>16(3)',
      '107:16>22(4)', // crosses the boundary: kept whole; 22>23 and the track 22>24 lie outside
      '111:11>25(2)',
    ]);
    for (const e of edges) expect(Math.abs(e.length_m - e.measured) / e.measured).toBeLessThan(0.002);
    expect(edges.find((e) => e.osm_way_id === '105')).toMatchObject({ highway: 'ferry', ferry_minutes: 20, name: '乌江渡', oneway: 0 });
    expect(edges.find((e) => e.osm_way_id === '101')).toMatchObject({ highway: 'residential', oneway: 1 });
    expect(edges.find((e) => e.osm_way_id === '111')).toMatchObject({ highway: 'service', oneway: -1 });
    expect(edges.find((e) => e.osm_way_id === '103')).toMatchObject({ highway: 'motorway', oneway: 1, maxspeed_kmh: 100 });
    // The network row's trigger logged the change (servers reload roads with the new data version).
    expect(await logged()).toBeGreaterThan(before);

    const networks = await service.networks();
    expect(networks.find((n) => n.areaCode === '520121')).toMatchObject({ areaName: '开阳县', nodeCount: 12, edgeCount: 11, synthetic: false });
  });

  it('finds the area from the bounding box when none is given, and replaces the previous network', async () => {
    const report = await service.importFile({ file: fixture('kaiyang-town.geojson'), name: 'town roads' });
    expect(report).toMatchObject({ format: 'GEOJSON', areaCode: '520121', areaFrom: 'found', clippedTo: [], nodes: 7, edges: 6 });
    expect(await networkRow('520121')).toMatchObject({ node_count: 7, edge_count: 6, name: 'town roads' });
    const [counts] = await query<{ nodes: number; edges: number }>(`SELECT (SELECT count(*) FROM road_node WHERE area_code = '520121')::int AS nodes, (SELECT count(*) FROM road_edge WHERE area_code = '520121')::int AS edges`);
    expect(counts).toEqual({ nodes: 7, edges: 6 });
  });

  it('clips an area without a boundary of its own to its nearest ancestor (township → county) or its descendants (city → counties)', async () => {
    const township = await service.importFile({ file: fixture('kaiyang.osm.pbf'), areaCode: '520121001' });
    expect(township).toMatchObject({ areaCode: '520121001', clippedTo: ['520121'], edges: 11 });
    const city = await service.importFile({ file: fixture('kaiyang.osm.pbf'), areaCode: '5201' });
    expect(city).toMatchObject({ areaCode: '5201', clippedTo: ['520121'], edges: 11 });
    // Networks of nested areas are separate rows (and nodes): replacing one leaves the others.
    expect((await networkRow('520121001'))?.edge_count).toBe(11);
  });

  it.each([
    ['kaiyang-truncated.osm.pbf', '520121', 'FILE', /not a complete OSM PBF file/],
    ['not-a-network.csv', '520121', 'FILE', /neither an OSM PBF file nor GeoJSON/],
    ['no-roads.geojson', '520121', 'FILE', /holds no road/],
    ['outside-china.geojson', undefined, 'FILE', /outside mainland China/],
    ['kaiyang.osm.pbf', '3504', 'FILE', /holds no road in 三明市 \(3504\)/],
    ['kaiyang.osm.pbf', '999999', 'ARGUMENT', /there is no area 999999/],
    ['kaiyang.osm.pbf', undefined, 'ARGUMENT', /no area's boundary contains the network's bounding box/],
  ] as const)('%s (area %s) is refused (%s) and the previous network stays', async (file, areaCode, kind, message) => {
    const before = [await networkRow('520121'), await networkRow('3504')];
    const error = await service.importFile({ file: fixture(file), ...(areaCode ? { areaCode } : {}) }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(RoadImportError);
    expect((error as RoadImportError).kind).toBe(kind);
    expect((error as RoadImportError).message).toMatch(message);
    expect([await networkRow('520121'), await networkRow('3504')]).toEqual(before);
  });

  it('importRoadNetwork (for the seeds) loads a FeatureCollection in the caller\'s transaction, and rolls back with it', async () => {
    const features = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { highway: 'tertiary' }, geometry: { type: 'LineString', coordinates: [[117.62, 26.26], [117.63, 26.27], [117.64, 26.27]] } },
        { type: 'Feature', properties: { highway: 'track' }, geometry: { type: 'LineString', coordinates: [[117.63, 26.27], [117.63, 26.28]] } },
      ],
    };
    const counts = await db.dataSource.transaction((manager) => importRoadNetwork(manager, { areaCode: '3504', name: 'synthetic Sanming', source: 'seed', synthetic: true, features }));
    expect(counts).toEqual({ nodes: 4, edges: 3, lengthKm: expect.any(Number) });
    expect(await networkRow('3504')).toMatchObject({ node_count: 4, edge_count: 3, synthetic: true, source: 'seed' });
    await expect(
      db.dataSource.transaction(async (manager) => {
        await importRoadNetwork(manager, { areaCode: '3504', name: 'again', source: 'seed', synthetic: true, features });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await networkRow('3504')).toMatchObject({ name: 'synthetic Sanming' });
    await db.dataSource.transaction((manager) => importRoadNetwork(manager, { areaCode: '3504', name: 'replaced', source: 'seed', synthetic: true, features }));
    const [n] = await query<{ n: number }>(`SELECT count(*)::int AS n FROM road_edge WHERE area_code = '3504'`);
    expect(n!.n).toBe(3);
  });
});
