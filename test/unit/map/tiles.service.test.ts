import type { Feature, Polygon } from 'geojson';
import { AppError } from '../../../src/common/errors';
import { lonLatToTile, tileBounds, tileUnitDegrees } from '../../../src/map/tile-math';
import { decodeTile } from '../../helpers/vector-tile';
import { canonicalQueryString, encodeTile, parseLayer, parseTileAddress, parseTileQuery, roadClassesAtZoom } from '../../../src/map/tiles.service';
import { ROAD_CLASSES } from '../../../src/travel/road-speeds';



function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof AppError ? err.code : 'not an AppError';
  }
  return undefined;
}

describe('tile request parsing', () => {
  it('knows the four layers; anything else is NOT_FOUND with the list', () => {
    expect(['villages', 'service-points', 'coverage', 'areas'].map(parseLayer)).toEqual(['villages', 'service-points', 'coverage', 'areas']);
    expect(codeOf(() => parseLayer('rivers'))).toBe('NOT_FOUND');
    expect(() => parseLayer('rivers')).toThrow(/villages, service-points, coverage, areas, roads/);
  });

  it('roadClassesAtZoom: the main network from the minzoom, village roads from 9, every class once from 11', () => {
    expect(roadClassesAtZoom(6)).toEqual(roadClassesAtZoom(8));
    expect(roadClassesAtZoom(8)).toEqual(expect.arrayContaining(['motorway', 'primary', 'tertiary', 'ferry']));
    expect(roadClassesAtZoom(8)).not.toContain('unclassified');
    expect(roadClassesAtZoom(10)).toEqual([...roadClassesAtZoom(8), 'unclassified']);
    expect(roadClassesAtZoom(10)).not.toContain('residential');
    for (const z of [11, 16, 22]) expect([...roadClassesAtZoom(z)].sort()).toEqual([...ROAD_CLASSES].sort());
    expect(roadClassesAtZoom(11).slice(0, roadClassesAtZoom(10).length)).toEqual(roadClassesAtZoom(10)); // higher classes first
  });

  it('accepts tile addresses in range and refuses the rest with BAD_USER_INPUT', () => {
    expect(parseTileAddress('10', '816', '431')).toEqual({ z: 10, x: 816, y: 431 });
    expect(parseTileAddress('0', '0', '0')).toEqual({ z: 0, x: 0, y: 0 });
    expect(parseTileAddress('22', String(2 ** 22 - 1), '0')).toEqual({ z: 22, x: 2 ** 22 - 1, y: 0 });
    for (const [z, x, y, pattern] of [
      ['23', '0', '0', /from 0 to 22/],
      ['-1', '0', '0', /from 0 to 22/],
      ['1.5', '0', '0', /integer/],
      ['ten', '0', '0', /integer/],
      ['10', '1024', '0', /x must be an integer from 0 to 1023 at zoom 10/],
      ['10', '0', '1024', /y must be an integer from 0 to 1023/],
      ['10', '1.5', '3', /x must be/],
      ['10', '3', '', /y must be/],
      ['10', '3', '1e3', /y must be/],
      ['2', '99999999999999999999', '0', /x must be/],
    ] as const) {
      expect(codeOf(() => parseTileAddress(z, x, y))).toBe('BAD_USER_INPUT');
      expect(() => parseTileAddress(z, x, y)).toThrow(pattern);
    }
  });

  it('parses item, mode, minutes, travelModel and crs; empty means default; unknown parameters are ignored', () => {
    expect(parseTileQuery({})).toEqual({ item: null, mode: null, minutes: null, travelModel: null, scenario: null, crs: null });
    expect(parseTileQuery({ item: 'CHRONIC_DISEASE_CERT', mode: 'walk', minutes: '7.5', travelModel: 'straight_line', crs: 'gcj02', v: '3' })).toEqual({
      item: 'CHRONIC_DISEASE_CERT',
      mode: 'WALK',
      minutes: 7.5,
      travelModel: 'STRAIGHT_LINE',
      scenario: null,
      crs: 'GCJ02',
    });
    expect(parseTileQuery({ item: '', mode: '', minutes: '', travelModel: '', scenario: '', crs: '' })).toEqual({ item: null, mode: null, minutes: null, travelModel: null, scenario: null, crs: null });
    expect(parseTileQuery({ scenario: '5f0c8f4e-1b2a-4c3d-9e8f-0a1b2c3d4e5f' }).scenario).toBe('5f0c8f4e-1b2a-4c3d-9e8f-0a1b2c3d4e5f');
    expect(() => parseTileQuery({ travelModel: 'ROADS' })).toThrow(/travelModel must be one of STRAIGHT_LINE/);
    expect(parseTileQuery({ minutes: '1' }).minutes).toBe(1);
    expect(parseTileQuery({ minutes: '120' }).minutes).toBe(120);
  });

  it.each([
    [{ mode: 'PLANE' }, /mode must be one of WALK, BICYCLE, EBIKE, CAR/],
    [{ mode: ['WALK', 'CAR'] }, /once/],
    [{ minutes: '0' }, /minutes must be a number from 1 to 120/],
    [{ minutes: '121' }, /from 1 to 120/],
    [{ minutes: 'abc' }, /from 1 to 120/],
    [{ minutes: '1e2' }, /from 1 to 120/],
    [{ minutes: '-5' }, /from 1 to 120/],
    [{ crs: 'EPSG:3857' }, /crs must be WGS84 .*GCJ02 .*BD09/],
    [{ item: 'chronic disease' }, /item must be a service-item code/],
    [{ scenario: 'my-scenario' }, /scenario must be the id of a saved scenario/],
  ])('refuses %j with BAD_USER_INPUT', (query, pattern) => {
    expect(codeOf(() => parseTileQuery(query))).toBe('BAD_USER_INPUT');
    expect(() => parseTileQuery(query)).toThrow(pattern);
  });

  it('builds the canonical query string of the parameters that matter for a layer', () => {
    const q = parseTileQuery({ item: 'CHRONIC_DISEASE_CERT', mode: 'walk', minutes: '10', crs: 'GCJ02', junk: 'x' });
    expect(canonicalQueryString('villages', q)).toBe('?item=CHRONIC_DISEASE_CERT&mode=WALK&minutes=10&crs=GCJ02');
    expect(canonicalQueryString('service-points', q)).toBe('?item=CHRONIC_DISEASE_CERT&crs=GCJ02');
    expect(canonicalQueryString('areas', q)).toBe('?crs=GCJ02');
    expect(canonicalQueryString('areas', parseTileQuery({ crs: 'WGS84' }))).toBe('');
  });
});

describe('encodeTile (geojson-vt + vt-pbf)', () => {
  const seat: [number, number] = [106.9612, 27.0613];
  const tile = lonLatToTile(...seat, 11);

  it('encodes nothing as 0 bytes, and features outside the tile and its buffer as 0 bytes too', () => {
    expect(encodeTile('villages', [], tile)).toHaveLength(0);
    const far: Feature = { type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [125, 20] } };
    expect(encodeTile('villages', [far], tile)).toHaveLength(0);
  });

  it('encodes points with their properties and integer id, decoding within a tile unit', () => {
    const features: Feature[] = [
      { type: 'Feature', id: 520121101002, properties: { code: '520121101002', population: 1234, covered: true, travelMinutes: 3.25 }, geometry: { type: 'Point', coordinates: seat } },
    ];
    const buf = encodeTile('villages', features, tile);
    const layer = decodeTile(buf).villages;
    expect(layer).toBeDefined();
    expect(layer.extent).toBe(4096);
    expect(layer.version).toBe(2);
    expect(layer.length).toBe(1);
    const f = layer.feature(0);
    expect(f.id).toBe(520121101002);
    expect(f.properties).toEqual({ code: '520121101002', population: 1234, covered: true, travelMinutes: 3.25 });
    const [lon, lat] = (f.toGeoJSON(tile.x, tile.y, tile.z).geometry as { coordinates: number[] }).coordinates;
    const unit = tileUnitDegrees(tile);
    expect(Math.abs(lon - seat[0])).toBeLessThanOrEqual(unit.longitude);
    expect(Math.abs(lat - seat[1])).toBeLessThanOrEqual(unit.latitude);
  });

  it('simplifies polygons at low zoom (fewer vertices than at high zoom) and keeps them closed', () => {
    // A wiggly ring of 2000 vertices around the county seat, ~20 km across.
    const ring: [number, number][] = [];
    for (let i = 0; i < 2000; i++) {
      const a = (2 * Math.PI * i) / 2000;
      const r = 0.1 * (1 + 0.01 * Math.sin(37 * a));
      ring.push([seat[0] + r * Math.cos(a), seat[1] + r * Math.sin(a)]);
    }
    ring.push(ring[0]);
    const polygon: Feature<Polygon> = { type: 'Feature', properties: { code: '520121' }, geometry: { type: 'Polygon', coordinates: [ring] } };
    const vertices = (z: number) => {
      const t = lonLatToTile(...seat, z);
      const f = decodeTile(encodeTile('areas', [polygon], t)).areas.feature(0);
      expect(f.type).toBe(3);
      const g = f.toGeoJSON(t.x, t.y, t.z).geometry as Polygon;
      const outer = g.coordinates[0];
      expect(outer[0]).toEqual(outer[outer.length - 1]);
      return outer.length;
    };
    expect(vertices(5)).toBeLessThan(100);
    expect(vertices(10)).toBeGreaterThan(vertices(7));
    expect(vertices(10)).toBeGreaterThan(3 * vertices(5));
  });

  it('cuts polygons to the tile plus its buffer', () => {
    const [w, s, e, n] = tileBounds(tile);
    const big: Feature<Polygon> = {
      type: 'Feature',
      properties: {},
      geometry: { type: 'Polygon', coordinates: [[[w - 1, s - 1], [e + 1, s - 1], [e + 1, n + 1], [w - 1, n + 1], [w - 1, s - 1]]] },
    };
    const g = decodeTile(encodeTile('coverage', [big], tile)).coverage.feature(0).toGeoJSON(tile.x, tile.y, tile.z).geometry as Polygon;
    const xs = g.coordinates[0].map((p) => p[0]);
    const margin = (e - w) * (64 / 4096) * 1.01;
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(w - margin);
    expect(Math.max(...xs)).toBeLessThanOrEqual(e + margin);
  });
});
