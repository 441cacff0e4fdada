import gcoord from 'gcoord';
import { Geodesic } from 'geographiclib-geodesic';
import type { Feature, GeometryCollection, LineString, MultiPolygon, Point, Polygon, Position } from 'geojson';
import { CRS_NAMES, convertGeometry, convertPosition, type Crs } from '../../../src/geo/convert-geometry';
import { isInMainlandChina } from '../../../src/geo/is-in-mainland-china';
import { mainlandPlaces } from '../../helpers/geo-fixtures';

const meters = (a: Position, b: Position) => Geodesic.WGS84.Inverse(a[1], a[0], b[1], b[0]).s12!;
const places = mainlandPlaces().features.map((f) => ({ name: f.properties.name, mainland: f.properties.mainland, p: f.geometry.coordinates }));
const GCOORD = { WGS84: gcoord.WGS84, GCJ02: gcoord.GCJ02, BD09: gcoord.BD09 } as const;
const PAIRS = CRS_NAMES.flatMap((from) => CRS_NAMES.filter((to) => to !== from).map((to) => [from, to] as const));

describe('convertGeometry / convertPosition', () => {
  // Published reference pairs (wandergis/coordtransform README), at Tiananmen.
  it.each([
    ['WGS84', 'GCJ02', [116.404, 39.915], [116.41024449916938, 39.91640428150164]],
    ['GCJ02', 'BD09', [116.404, 39.915], [116.41036949371029, 39.92133699351021]],
    ['BD09', 'GCJ02', [116.404, 39.915], [116.39762729119315, 39.90865673957631]],
  ] as const)('%s → %s matches the published pair', (from, to, input, expected) => {
    const out = convertGeometry([...input] as [number, number], from, to);
    expect(meters(out, [...expected])).toBeLessThan(0.01);
  });

  it('matches the published pair for Tiananmen: WGS-84 (116.397428, 39.90923) → GCJ-02 ≈ (116.403673, 39.910632)', () => {
    const gcj = convertGeometry({ type: 'Point', coordinates: [116.397428, 39.90923] } as Point, 'WGS84', 'GCJ02');
    expect(gcj.coordinates[0]).toBeCloseTo(116.403673, 5);
    expect(gcj.coordinates[1]).toBeCloseTo(39.910632, 5);
    expect(meters(gcj.coordinates, [116.403673, 39.910632])).toBeLessThan(1);
  });

  it('agrees with gcoord inside mainland China, in all six directions', () => {
    let compared = 0;
    for (let lon = 74.1; lon <= 134; lon += 1.7) {
      for (let lat = 18.3; lat <= 53.5; lat += 1.3) {
        if (!isInMainlandChina(lon, lat)) continue;
        compared++;
        // inputs in GCJ-02 / BD-09 are the positions a mainland WGS-84 point is published at
        const input = { WGS84: [lon, lat], GCJ02: gcoord.transform([lon, lat], gcoord.WGS84, gcoord.GCJ02), BD09: gcoord.transform([lon, lat], gcoord.WGS84, gcoord.BD09) };
        for (const [from, to] of PAIRS) {
          if (!isInMainlandChina(input[from][0], input[from][1])) continue; // a shifted position off the coast
          const ours = convertPosition(input[from], from, to);
          const theirs = gcoord.transform([input[from][0], input[from][1]] as [number, number], GCOORD[from], GCOORD[to]);
          // gcoord stops its GCJ-02 → WGS-84 iteration at 1e-6° (~0.1 m); ours goes on to 1e-10°
          expect(meters(ours, theirs)).toBeLessThan(to === 'WGS84' ? 0.2 : 1e-6);
        }
      }
    }
    expect(compared).toBeGreaterThan(250);
  });

  it('round-trips WGS84 → GCJ02/BD09 → WGS84 within 1 m over mainland China, and leaves the rest of the box as it is', () => {
    let worst = 0;
    let inside = 0;
    for (let lon = 74; lon <= 134; lon += 1.3) {
      for (let lat = 18.5; lat <= 53; lat += 1.1) {
        const p: [number, number] = [lon, lat];
        for (const crs of ['GCJ02', 'BD09'] as const) {
          const there = convertGeometry(p, 'WGS84', crs);
          if (!isInMainlandChina(lon, lat)) {
            expect(there).toEqual(p);
            continue;
          }
          inside++;
          worst = Math.max(worst, meters(p, convertGeometry(there, crs, 'WGS84')));
        }
      }
    }
    expect(inside).toBeGreaterThan(500);
    expect(worst).toBeLessThan(1);
  });

  it('shifts points in the seed areas by a few hundred metres (GCJ-02) and more (BD-09)', () => {
    for (const p of [
      [106.9612, 27.0613],
      [117.64, 26.26],
    ]) {
      const gcj = convertPosition(p, 'WGS84', 'GCJ02');
      const bd = convertPosition(p, 'WGS84', 'BD09');
      expect(meters(p, gcj)).toBeGreaterThan(200);
      expect(meters(p, gcj)).toBeLessThan(800);
      expect(meters(p, bd)).toBeGreaterThan(meters(p, gcj));
      expect(meters(p, bd)).toBeLessThan(2000);
    }
  });

  describe.each(places.filter((x) => x.mainland))('$name (mainland)', ({ p }) => {
    it('is shifted to GCJ-02 and BD-09, and back', () => {
      for (const crs of ['GCJ02', 'BD09'] as const) {
        const there = convertPosition(p, 'WGS84', crs);
        expect(meters(p, there)).toBeGreaterThan(100);
        expect(meters(convertPosition(there, crs, 'WGS84'), p)).toBeLessThan(1);
      }
      const gcj = convertPosition(p, 'WGS84', 'GCJ02');
      const bd = convertPosition(p, 'WGS84', 'BD09');
      // Baidu's published BD-09 → GCJ-02 formula is not the exact inverse of GCJ-02 → BD-09 (~0.1 m apart)
      expect(meters(convertPosition(gcj, 'GCJ02', 'BD09'), bd)).toBeLessThan(0.01);
      expect(meters(convertPosition(bd, 'BD09', 'GCJ02'), gcj)).toBeLessThan(0.5);
    });
  });

  describe.each(places.filter((x) => !x.mainland))('$name (outside mainland China)', ({ p }) => {
    it.each(PAIRS)('is not shifted from %s to %s', (from, to) => {
      expect(convertPosition(p, from, to)).toEqual(p);
      expect(convertGeometry({ type: 'Point', coordinates: p } as Point, from, to).coordinates).toEqual(p);
    });
  });

  it('fixes what gcoord\'s bounding box gets wrong: Seoul, Hanoi, Hong Kong and Taipei are shifted by gcoord, not here', () => {
    for (const p of [
      [126.978, 37.5665],
      [105.8342, 21.0278],
      [114.1582, 22.2819],
      [121.5645, 25.034],
    ]) {
      expect(meters(p, gcoord.transform(p as [number, number], gcoord.WGS84, gcoord.GCJ02))).toBeGreaterThan(100);
      expect(convertPosition(p, 'WGS84', 'GCJ02')).toEqual(p);
      // gcoord applies Baidu's offset even outside its box; BD-09 outside mainland China is WGS-84 here too
      expect(convertPosition(p, 'WGS84', 'BD09')).toEqual(p);
    }
    expect(convertPosition([-73.98, 40.75], 'WGS84', 'BD09')).toEqual([-73.98, 40.75]);
  });

  it('converts each vertex on its own: a line from Shenzhen into Hong Kong keeps its Hong Kong end', () => {
    const line: LineString = { type: 'LineString', coordinates: [[114.05, 22.52], [114.1694, 22.3193]] };
    const out = convertGeometry(line, 'WGS84', 'GCJ02');
    expect(meters(out.coordinates[0], line.coordinates[0])).toBeGreaterThan(100);
    expect(out.coordinates[1]).toEqual([114.1694, 22.3193]);
  });

  it('converts whole geometries and collections without mutating the input', () => {
    const fc = {
      type: 'FeatureCollection' as const,
      features: [{ type: 'Feature' as const, properties: { a: 1, nested: { b: [1, 2] } }, geometry: { type: 'Polygon' as const, coordinates: [[[107, 27], [107.1, 27], [107.1, 27.1], [107, 27]]] } }],
    };
    const copy = structuredClone(fc);
    const out = convertGeometry(fc, 'WGS84', 'GCJ02');
    expect(fc).toEqual(copy);
    expect(out.features[0].properties).toEqual({ a: 1, nested: { b: [1, 2] } });
    expect(out.features[0].properties.nested).not.toBe(fc.features[0].properties.nested);
    expect(out.features[0].geometry.coordinates[0][0]).not.toEqual([107, 27]);
    // the same system: an equal copy, never the input itself
    const same = convertGeometry(fc, 'WGS84', 'WGS84');
    expect(same).toEqual(fc);
    expect(same).not.toBe(fc);
    expect(same.features[0].geometry.coordinates[0][0]).not.toBe(fc.features[0].geometry.coordinates[0][0]);
  });

  it('returns a new geometry for every type, never mutating the input, and keeps altitudes', () => {
    const polygon: Polygon = { type: 'Polygon', coordinates: [[[106.9, 27.0], [107.0, 27.0], [107.0, 27.1], [106.9, 27.0]]] };
    const frozen = JSON.stringify(polygon);
    const out = convertGeometry(polygon, 'WGS84', 'GCJ02');
    expect(JSON.stringify(polygon)).toBe(frozen);
    expect(out).not.toBe(polygon);
    expect(out.type).toBe('Polygon');
    expect(out.coordinates[0]).toHaveLength(4);
    expect(out.coordinates[0][0]).toEqual(convertPosition([106.9, 27.0], 'WGS84', 'GCJ02'));

    const multi: MultiPolygon = { type: 'MultiPolygon', coordinates: [polygon.coordinates, polygon.coordinates] };
    expect(convertGeometry(multi, 'WGS84', 'BD09').coordinates[1][0][2]).toEqual(convertPosition([107.0, 27.1], 'WGS84', 'BD09'));

    const line: LineString = { type: 'LineString', coordinates: [[106.9, 27.0, 812], [107.0, 27.0, 900]] };
    const l = convertGeometry(line, 'WGS84', 'GCJ02');
    expect(l.coordinates[0][2]).toBe(812);
    expect(l.coordinates[0][0]).not.toBe(106.9);
    expect(convertPosition([106.9, 27.0, 812, 3], 'WGS84', 'BD09').slice(2)).toEqual([812, 3]);

    const collection: GeometryCollection = { type: 'GeometryCollection', geometries: [{ type: 'Point', coordinates: [106.9, 27.0] }, line] };
    const c = convertGeometry(collection, 'WGS84', 'GCJ02');
    expect((c.geometries[0] as Point).coordinates).toEqual(convertPosition([106.9, 27.0], 'WGS84', 'GCJ02'));
    expect(JSON.stringify(line.coordinates)).toBe('[[106.9,27,812],[107,27,900]]');

    const position = [106.9, 27.0];
    expect(convertGeometry(position, 'WGS84', 'GCJ02')).not.toBe(position);
    expect(position).toEqual([106.9, 27.0]);
  });

  it('keeps ids, properties and foreign members, drops a bbox that the shift would make stale, and a null geometry stays null', () => {
    const f = { type: 'Feature', id: 'v1', bbox: [106.9, 27, 106.9, 27], properties: { name: '村' }, geometry: { type: 'Point', coordinates: [106.9, 27.0] }, extra: { k: 1 } } as Feature<Point> & { extra: unknown };
    const out = convertGeometry(f, 'WGS84', 'GCJ02') as typeof f;
    expect(Object.keys(out)).toEqual(['type', 'id', 'properties', 'geometry', 'extra']);
    expect(out.extra).toEqual({ k: 1 });
    expect(convertGeometry(f, 'WGS84', 'WGS84').bbox).toEqual(f.bbox);
    expect(convertGeometry({ type: 'Feature', properties: null, geometry: null } as unknown as Feature, 'WGS84', 'BD09').geometry).toBeNull();
  });

  it('converts from GCJ-02 and BD-09 as well', () => {
    const wgs = [106.9612, 27.0613];
    const bd = convertPosition(wgs, 'WGS84', 'BD09');
    expect(meters(convertPosition(bd, 'BD09', 'GCJ02'), convertPosition(wgs, 'WGS84', 'GCJ02'))).toBeLessThan(1);
    expect(meters(convertGeometry({ type: 'Point', coordinates: bd } as Point, 'BD09', 'WGS84').coordinates, wgs)).toBeLessThan(1);
  });

  it('rejects what is not GeoJSON', () => {
    expect(() => convertGeometry({ type: 'Circle', coordinates: [1, 2] } as never, 'WGS84', 'GCJ02' as Crs)).toThrow(/unsupported GeoJSON type "Circle"/);
  });
});
