import path from 'node:path';
import { readRoadFile } from '../../../src/road/read-road-file';
import { roadGraph } from '../../../src/road/road-graph';
import { RoadImportError } from '../../../src/road/road-import.error';
import { durationMinutes, maxspeedKmh, roadWayTags } from '../../../src/road/road-way-tags';
import { roadWaysFromGeoJson } from '../../../src/road/road-ways-from-geojson';
import { looksLikePbf, roadWaysFromPbf } from '../../../src/road/road-ways-from-pbf';
import { splitRoadWays } from '../../../src/road/split-road-ways';
import type { RoadWays } from '../../../src/road/road-ways';

const FIXTURES = path.resolve(__dirname, '../../fixtures/road');
const fixture = (name: string) => path.join(FIXTURES, name);

const line = (coordinates: number[][], properties: Record<string, unknown>) => ({ type: 'Feature', properties, geometry: { type: 'LineString', coordinates } });
const collection = (...features: unknown[]) => ({ type: 'FeatureCollection', features });

/** Each kept edge as "way:osmFrom>osmTo(vertex count)" (OSM node ids), sorted. */
function describeEdges(ways: RoadWays): string[] {
  const edges = splitRoadWays(ways);
  const out: string[] = [];
  for (let e = 0; e < edges.count; e++) {
    out.push(`${ways.wayOsmId[edges.way[e]!]}:${ways.vertexOsmId[edges.from[e]!]}>${ways.vertexOsmId[edges.to[e]!]}(${edges.start[e + 1]! - edges.start[e]!})`);
  }
  return out.sort();
}

describe('roadWayTags (the OSM way filter)', () => {
  it.each([
    [{ highway: 'primary', maxspeed: '60', name: '开州大道' }, { highway: 'primary', oneway: 0, maxspeedKmh: 60, ferryMinutes: null, name: '开州大道' }],
    [{ highway: 'residential', oneway: 'yes' }, { highway: 'residential', oneway: 1, maxspeedKmh: null, ferryMinutes: null, name: null }],
    [{ highway: 'service', oneway: '-1' }, { highway: 'service', oneway: -1, maxspeedKmh: null, ferryMinutes: null, name: null }],
    [{ highway: 'motorway' }, { highway: 'motorway', oneway: 1, maxspeedKmh: null, ferryMinutes: null, name: null }],
    [{ highway: 'motorway', oneway: 'no' }, { highway: 'motorway', oneway: 0, maxspeedKmh: null, ferryMinutes: null, name: null }],
    [{ highway: 'tertiary', junction: 'roundabout' }, { highway: 'tertiary', oneway: 1, maxspeedKmh: null, ferryMinutes: null, name: null }],
    [{ route: 'ferry', duration: '00:20', name: '乌江渡' }, { highway: 'ferry', oneway: 0, maxspeedKmh: null, ferryMinutes: 20, name: '乌江渡' }],
    [{ highway: 'ferry', duration: 25 }, { highway: 'ferry', oneway: 0, maxspeedKmh: null, ferryMinutes: 25, name: null }],
    [{ highway: 'trunk', maxspeed: 80, oneway: true }, { highway: 'trunk', oneway: 1, maxspeedKmh: 80, ferryMinutes: null, name: null }],
  ])('%j is kept as %j', (tags, expected) => {
    expect(roadWayTags(tags)).toEqual(expected);
  });

  it.each([[{ waterway: 'river' }], [{ highway: 'construction' }], [{ highway: 'proposed' }], [{ highway: 'bus_stop' }], [{ highway: 'pedestrian', area: 'yes' }], [{ building: 'yes' }], [{}]])(
    '%j is dropped',
    (tags) => expect(roadWayTags(tags)).toBeNull(),
  );

  it.each([
    ['60', 60],
    ['60 km/h', 60],
    ['30 mph', 30 * 1.609344],
    ['60;40', 60],
    ['none', null],
    ['CN:urban', null],
    ['walk', null],
    ['0', null],
  ])('maxspeed %s → %s km/h', (value, kmh) => expect(maxspeedKmh(value)).toBe(kmh));

  it.each([
    ['00:20', 20],
    ['1:30', 90],
    ['0:10:30', 10.5],
    ['45', 45],
    ['PT1H15M', 75],
    ['soon', null],
    ['0', null],
  ])('duration %s → %s min', (value, minutes) => expect(durationMinutes(value)).toBe(minutes));
});

describe(splitRoadWays.name, () => {
  it('cuts ways at shared positions and at their ends, keeps intermediate vertices, and ignores non-road ways', () => {
    const ways = roadWaysFromGeoJson(
      collection(
        line([[107.0, 27.05], [107.001, 27.051], [107.002, 27.05], [107.003, 27.051], [107.004, 27.05]], { highway: 'primary', '@id': 'way/1' }),
        line([[107.002, 27.05], [107.002, 27.06]], { highway: 'residential', '@id': 'way/2' }),
        // A stream crossing the primary at its 4th vertex: no junction there.
        line([[107.003, 27.04], [107.003, 27.051], [107.003, 27.06]], { waterway: 'stream' }),
      ),
    );
    const edges = splitRoadWays(ways);
    expect(edges.count).toBe(3);
    expect(Array.from(edges.start)).toEqual([0, 3, 6, 8]);
    const graph = roadGraph(ways, edges);
    expect(graph.nodeVertex.length).toBe(4);
    expect(graph.bbox).toEqual([107.0, 27.05, 107.004, 27.06]);
    // Length along the geometry, not between the ends.
    expect(edges.lengthMeters[0]).toBeGreaterThan(200);
    expect(edges.lengthMeters[0]).toBeLessThan(300);
    expect(edges.lengthMeters[2]).toBeCloseTo(1109, -1);
    expect(Array.from(ways.wayOsmId)).toEqual([1, 2]);
  });

  it('drops zero-length edges and repeated vertices; a loop way is one edge from its node to itself', () => {
    const ways = roadWaysFromGeoJson(
      collection(
        line([[107.0, 27.0], [107.0, 27.0]], { highway: 'track' }),
        line([[107.1, 27.1], [107.1, 27.1], [107.101, 27.1], [107.101, 27.101], [107.1, 27.1]], { highway: 'tertiary', junction: 'roundabout' }),
      ),
    );
    const edges = splitRoadWays(ways);
    expect(edges.count).toBe(1);
    expect(edges.from[0]).toBe(edges.to[0]);
    expect(edges.start[1]! - edges.start[0]!).toBe(4);
    expect(roadGraph(ways, edges).nodeVertex.length).toBe(1);
  });

  it('refuses GeoJSON that is no FeatureCollection or has a position that is not [lon, lat]', () => {
    expect(() => roadWaysFromGeoJson({ type: 'Topology' })).toThrow(RoadImportError);
    expect(() => roadWaysFromGeoJson(collection(line([[27.05, 107.0], [27.06, 107.0]], { highway: 'primary' })))).toThrow(/is not a \[longitude, latitude\] position/);
  });
});

describe('the PBF reader (fixture test/fixtures/road/kaiyang.osm.pbf)', () => {
  it('reads the road ways in two passes and splits them at junctions: the expected edges', async () => {
    const progress: number[] = [];
    const ways = await roadWaysFromPbf(fixture('kaiyang.osm.pbf'), (p) => progress.push(p.pass));
    expect(ways.waysRead).toBe(12);
    expect(ways.nodesRead).toBe(26);
    expect(ways.wayCount).toBe(9);
    expect(progress).toContain(1);
    expect(progress).toContain(2);
    expect(describeEdges(ways)).toEqual(
      [
        '100:1>3(3)',
        '100:3>5(3)', // not cut at node 4, shared with the river only
        '101:3>7(3)',
        '102:7>9(3)',
        '103:10>11(2)',
        '103:11>12(2)',
        '103:12>13(2)',
        '104:5>12(3)',
        '105:9>16(3)',
        '107:16>22(4)',
        '107:22>23(2)',
        '108:22>24(2)',
        '111:11>25(2)',
      ].sort(),
    );
    const tags = ways.wayTags;
    expect(tags.find((t) => t.highway === 'ferry')).toEqual({ highway: 'ferry', oneway: 0, maxspeedKmh: null, ferryMinutes: 20, name: '乌江渡' });
    expect(tags.find((t) => t.highway === 'motorway')).toMatchObject({ oneway: 1, maxspeedKmh: 100 });
  });

  it('fails on a truncated file with a message (no hang)', async () => {
    await expect(roadWaysFromPbf(fixture('kaiyang-truncated.osm.pbf'))).rejects.toThrow(/is not a complete OSM PBF file \(truncated or damaged/);
  });

  it('tells PBF from other files by its first bytes', async () => {
    const fs = await import('node:fs');
    expect(looksLikePbf(fs.readFileSync(fixture('kaiyang.osm.pbf')))).toBe(true);
    expect(looksLikePbf(fs.readFileSync(fixture('kaiyang.osm')))).toBe(false);
    expect(looksLikePbf(Buffer.alloc(0))).toBe(false);
    await expect(readRoadFile(fixture('not-a-network.csv'))).rejects.toThrow(/neither an OSM PBF file nor GeoJSON/);
    await expect(readRoadFile(fixture('kaiyang.osm'))).rejects.toThrow(/looks like OSM XML/);
    await expect(readRoadFile(fixture('missing.pbf'))).rejects.toThrow(/cannot be read \(ENOENT\)/);
    const geojson = await readRoadFile(fixture('kaiyang-town.geojson'));
    expect(geojson.format).toBe('GEOJSON');
    expect(geojson.waysRead).toBe(6);
    expect(Array.from(geojson.ways.wayOsmId)).toEqual([200, 201, 202, 202, 203]);
  });
});
