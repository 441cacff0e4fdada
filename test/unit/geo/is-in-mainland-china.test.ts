import fs from 'node:fs';
import path from 'node:path';
import * as turf from '@turf/turf';
import type { MultiPolygon } from 'geojson';
import outline from '../../../src/geo/data/china-mainland.json';
import { isInMainlandChina } from '../../../src/geo/is-in-mainland-china';
import { validateGeometry } from '../../../src/geo/validate-geometry';
import { mainlandPlaces, seeded } from '../../helpers/geo-fixtures';

const OUTLINE_FILE = path.join(__dirname, '../../../src/geo/data/china-mainland.json');
const places = mainlandPlaces();
const geometry = outline.geometry as MultiPolygon;

describe('isInMainlandChina', () => {
  it.each(places.features.map((f) => [f.properties.name, f.properties.mainland, f.geometry.coordinates] as const))(
    '%s: mainland %s',
    (_name, mainland, [lon, lat]) => {
      expect(isInMainlandChina(lon, lat)).toBe(mainland);
    },
  );

  it('has the named places of the issue in its fixture', () => {
    const names = places.features.map((f) => f.properties.name).join(' | ');
    for (const n of ['Beijing', 'Shanghai', 'Urumqi', 'Lhasa', 'Harbin', 'Haikou', 'Sanya', 'Futian', 'Gongbei',
      'Central', 'Kowloon', 'Macau', 'Taipei', 'Kaohsiung', 'Seoul', 'Pyongyang', 'Hanoi', 'Ulaanbaatar', 'Tokyo',
      'Yangon', 'Kathmandu', 'Almaty']) {
      expect(names).toContain(n);
    }
  });

  it('answers as a plain point-in-polygon test over the whole outline does (turf), near the boundary too', () => {
    const rnd = seeded(7);
    const [minX, minY, maxX, maxY] = turf.bbox(geometry);
    const points: [number, number][] = [];
    for (let i = 0; i < 1500; i++) points.push([minX - 1 + rnd() * (maxX - minX + 2), minY - 1 + rnd() * (maxY - minY + 2)]);
    // within ~100 m of the boundary: vertices and edge midpoints, nudged
    const rings = geometry.coordinates.flat();
    for (let i = 0; i < 2500; i++) {
      const ring = rings[Math.floor(rnd() * rings.length)];
      const k = 1 + Math.floor(rnd() * (ring.length - 1));
      const t = rnd() < 0.5 ? 0 : rnd();
      const x = ring[k - 1][0] + t * (ring[k][0] - ring[k - 1][0]);
      const y = ring[k - 1][1] + t * (ring[k][1] - ring[k - 1][1]);
      points.push([x + (rnd() - 0.5) * 0.002, y + (rnd() - 0.5) * 0.002]);
    }
    const feature = turf.feature(geometry);
    const wrong = points.filter(([x, y]) => isInMainlandChina(x, y) !== turf.booleanPointInPolygon([x, y], feature));
    expect(wrong).toEqual([]);
  });

  it('is false outside the outline\'s box and for non-finite input', () => {
    for (const [lon, lat] of [
      [0, 0],
      [-73.98, 40.75],
      [151.2093, -33.8688],
      [NaN, 30],
      [110, NaN],
      [Infinity, 30],
      [110, -Infinity],
    ]) {
      expect(isInMainlandChina(lon, lat)).toBe(false);
    }
  });

  it('reads a valid, compact WGS-84 MultiPolygon outline', () => {
    expect(geometry.type).toBe('MultiPolygon');
    expect(validateGeometry(geometry)).toBeNull();
    const [minX, minY, maxX, maxY] = turf.bbox(geometry);
    // Pamirs (73.5°E) to the Ussuri (135.1°E), the Paracels (15.7°N) to the Heilongjiang (53.6°N)
    expect([minX, maxX, minY, maxY].map((v) => Math.round(v))).toEqual([73, 135, 16, 54]);
    const vertices = geometry.coordinates.flat(2).length;
    expect(vertices).toBeGreaterThan(5000);
    expect(fs.statSync(OUTLINE_FILE).size).toBeLessThan(300 * 1024);
    // counter-clockwise outer rings (RFC 7946), so turf.area is the area enclosed: ~9.5 million km²
    expect(turf.area(geometry) / 1e6).toBeGreaterThan(9.3e6);
    expect(turf.area(geometry) / 1e6).toBeLessThan(9.7e6);
  });
});
