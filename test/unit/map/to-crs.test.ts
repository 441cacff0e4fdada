import * as turf from '@turf/turf';
import type { GeometryCollection, LineString, MultiPolygon, Point, Polygon } from 'geojson';
import { positionToCrs, toCrs } from '../../../src/geo/to-crs';

const meters = (a: number[], b: number[]) => turf.distance(a, b, { units: 'meters' });

describe('toCrs (gcoord at the API edge)', () => {
  it('matches the published pair for Tiananmen: WGS-84 (116.397428, 39.90923) → GCJ-02 ≈ (116.403673, 39.910632)', () => {
    const gcj = toCrs({ type: 'Point', coordinates: [116.397428, 39.90923] }, 'GCJ02');
    expect(gcj.coordinates[0]).toBeCloseTo(116.403673, 5);
    expect(gcj.coordinates[1]).toBeCloseTo(39.910632, 5);
    expect(meters(gcj.coordinates, [116.403673, 39.910632])).toBeLessThan(1);
  });

  it('shifts points in the seed areas by a few hundred metres (GCJ-02) and more (BD-09)', () => {
    for (const p of [
      [106.9612, 27.0613],
      [117.64, 26.26],
    ]) {
      const gcj = positionToCrs(p, 'GCJ02');
      const bd = positionToCrs(p, 'BD09');
      expect(meters(p, gcj)).toBeGreaterThan(200);
      expect(meters(p, gcj)).toBeLessThan(800);
      expect(meters(p, bd)).toBeGreaterThan(meters(p, gcj));
      expect(meters(p, bd)).toBeLessThan(2000);
    }
  });

  it('round-trips WGS-84 → GCJ-02 → WGS-84 and → BD-09 → WGS-84 within 1 m over mainland China', () => {
    let worst = 0;
    for (let lon = 74; lon <= 134; lon += 3.7) {
      for (let lat = 19; lat <= 53; lat += 2.9) {
        const p = [lon, lat];
        for (const crs of ['GCJ02', 'BD09'] as const) {
          const back = positionToCrs(positionToCrs(p, crs), 'WGS84', crs);
          worst = Math.max(worst, meters(p, back));
        }
      }
    }
    expect(worst).toBeLessThan(1);
  });

  it('leaves points outside gcoord\'s China box unshifted (Tokyo, New York), and documents that the box is not the border (Seoul is shifted)', () => {
    const tokyo = [139.6917, 35.6895];
    expect(positionToCrs(tokyo, 'GCJ02')).toEqual(tokyo);
    expect(toCrs({ type: 'Point', coordinates: [-73.98, 40.75] }, 'GCJ02').coordinates).toEqual([-73.98, 40.75]);
    // gcoord's test is a rough box (72.004–137.8347°E, 0.8293–55.8271°N), like the other public GCJ-02 codes.
    expect(meters([126.978, 37.5665], positionToCrs([126.978, 37.5665], 'GCJ02'))).toBeGreaterThan(100);
  });

  it('returns a new geometry for every type, never mutating the input, and keeps altitudes', () => {
    const polygon: Polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [106.9, 27.0],
          [107.0, 27.0],
          [107.0, 27.1],
          [106.9, 27.0],
        ],
      ],
    };
    const frozen = JSON.stringify(polygon);
    const out = toCrs(polygon, 'GCJ02');
    expect(JSON.stringify(polygon)).toBe(frozen);
    expect(out).not.toBe(polygon);
    expect(out.type).toBe('Polygon');
    expect(out.coordinates[0]).toHaveLength(4);
    expect(out.coordinates[0][0]).toEqual(positionToCrs([106.9, 27.0], 'GCJ02'));

    const multi: MultiPolygon = { type: 'MultiPolygon', coordinates: [polygon.coordinates, polygon.coordinates] };
    expect(toCrs(multi, 'BD09').coordinates[1][0][2]).toEqual(positionToCrs([107.0, 27.1], 'BD09'));

    const line: LineString = { type: 'LineString', coordinates: [[106.9, 27.0, 812], [107.0, 27.0, 900]] };
    const l = toCrs(line, 'GCJ02');
    expect(l.coordinates[0][2]).toBe(812);
    expect(l.coordinates[0][0]).not.toBe(106.9);

    const collection: GeometryCollection = { type: 'GeometryCollection', geometries: [{ type: 'Point', coordinates: [106.9, 27.0] }, line] };
    const c = toCrs(collection, 'GCJ02');
    expect((c.geometries[0] as Point).coordinates).toEqual(positionToCrs([106.9, 27.0], 'GCJ02'));
    expect(JSON.stringify(line.coordinates)).toBe('[[106.9,27,812],[107,27,900]]');

    const same = toCrs(polygon, 'WGS84');
    expect(same).toEqual(polygon);
    expect(same.coordinates[0][0]).not.toBe(polygon.coordinates[0][0]); // a copy
  });

  it('converts from GCJ-02 and BD-09 as well (optional `from`)', () => {
    const wgs = [106.9612, 27.0613];
    const bd = positionToCrs(wgs, 'BD09');
    expect(meters(positionToCrs(bd, 'GCJ02', 'BD09'), positionToCrs(wgs, 'GCJ02'))).toBeLessThan(1);
    expect(meters(toCrs({ type: 'Point', coordinates: bd }, 'WGS84', 'BD09').coordinates, wgs)).toBeLessThan(1);
  });
});
