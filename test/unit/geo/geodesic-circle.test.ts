import type { Feature, FeatureCollection, Point, Polygon } from 'geojson';
import * as turf from '@turf/turf';
import { Geodesic } from 'geographiclib-geodesic';
import { geodesicCircle } from '../../../src/geo/geodesic-circle';
import { geodesicAreaKm2 } from '../../../src/geo/geodesic-area-km2';
import { expectedOutput, loadGeoFixtures, roundCoordinates } from '../../helpers/geo-fixtures';

type CircleInput = Feature<Point, { radiusMeters: number; steps?: number }>;

const KAIYANG: [number, number] = [106.9612, 27.0613];
const MOHE: [number, number] = [122.5, 53.5];

const distance = (a: number[], b: number[]): number => Geodesic.WGS84.Inverse(a[1], a[0], b[1], b[0]).s12 as number;

describe('geodesicCircle', () => {
  describe.each(loadGeoFixtures<CircleInput>('geodesic-circle'))('fixture %s', (_name, fixture) => {
    const { radiusMeters, steps } = fixture.input.properties;
    const center = fixture.input.geometry.coordinates as [number, number];
    const polygon = geodesicCircle(center, radiusMeters, steps);
    const actual: FeatureCollection = {
      type: 'FeatureCollection',
      features: [turf.feature(polygon, { ...fixture.input.properties, areaKm2: Number(geodesicAreaKm2(polygon).toFixed(6)) }), fixture.input],
    };

    it('matches out/ (coordinates to 6 dp)', () => {
      expect(roundCoordinates(actual)).toEqual(expectedOutput(fixture, actual));
    });

    it('puts every vertex at radiusMeters ± 1 mm from the centre (Geodesic.WGS84.Inverse)', () => {
      for (const p of polygon.coordinates[0]) expect(Math.abs(distance(center, p) - radiusMeters)).toBeLessThan(1e-3);
    });

    it('is a closed, counter-clockwise ring of steps + 1 positions starting due north', () => {
      const ring = polygon.coordinates[0];
      expect(polygon.coordinates).toHaveLength(1);
      expect(ring).toHaveLength((steps ?? 64) + 1);
      expect(ring[ring.length - 1]).toEqual(ring[0]);
      expect(turf.booleanClockwise(ring)).toBe(false);
      expect(ring[0][0]).toBeCloseTo(center[0], 9);
      expect(ring[0][1]).toBeGreaterThan(center[1]);
    });
  });

  it.each([
    [1, 8],
    [5000, 64],
    [5000, 1024],
    [120_000, 64],
    [999_000, 16],
  ])('r = %d m, %d steps: every vertex within 1 mm of r', (r, steps) => {
    for (const center of [KAIYANG, MOHE, [0, 0] as [number, number], [-70, -33] as [number, number]]) {
      for (const p of geodesicCircle(center, r, steps).coordinates[0]) expect(Math.abs(distance(center, p) - r)).toBeLessThan(1e-3);
    }
  });

  it('keeps its chords inside the circle by at most r·(1 − cos(π/steps)) (0.12 % of r for 64 steps)', () => {
    const r = 5000;
    for (const steps of [16, 64]) {
      const ring = geodesicCircle(KAIYANG, r, steps).coordinates[0];
      const bound = r * (1 - Math.cos(Math.PI / steps));
      let worst = 0;
      for (let i = 0; i < steps; i++) {
        const mid = [(ring[i][0] + ring[i + 1][0]) / 2, (ring[i][1] + ring[i + 1][1]) / 2];
        const inward = r - distance(KAIYANG, mid);
        expect(inward).toBeGreaterThan(0);
        worst = Math.max(worst, inward);
      }
      // the lon/lat midpoint is not exactly the chord's closest point to the centre: allow 1 %
      expect(worst).toBeLessThan(bound * 1.01);
      expect(worst).toBeGreaterThan(bound * 0.95);
    }
    expect(1 - Math.cos(Math.PI / 64)).toBeCloseTo(0.0012, 4);
  });

  it('is geodesic, not a circle in degrees: at 53.5°N it is 1/cos φ ≈ 1.68 times wider in longitude than in latitude', () => {
    const r = 5000;
    const ring = geodesicCircle(MOHE, r, 256).coordinates[0];
    const lons = ring.map((p) => p[0]);
    const lats = ring.map((p) => p[1]);
    const widthDeg = Math.max(...lons) - Math.min(...lons);
    const heightDeg = Math.max(...lats) - Math.min(...lats);
    expect(widthDeg / heightDeg).toBeCloseTo(1 / Math.cos((53.5 * Math.PI) / 180), 1);

    // A naive "circle" of radius r/111,320 degrees in both directions covers only ~cos φ of the area.
    const deg = r / 111_320;
    const naive: Polygon = {
      type: 'Polygon',
      coordinates: [
        Array.from({ length: 257 }, (_, i) => {
          const a = (2 * Math.PI * (i % 256)) / 256;
          return [MOHE[0] + deg * Math.cos(a), MOHE[1] + deg * Math.sin(a)];
        }),
      ],
    };
    const circleArea = Math.PI * (r / 1000) ** 2;
    expect(geodesicAreaKm2(geodesicCircle(MOHE, r, 256)) / circleArea).toBeCloseTo(1, 3);
    expect(geodesicAreaKm2(naive) / circleArea).toBeLessThan(0.62);
    expect(geodesicAreaKm2(naive) / circleArea).toBeGreaterThan(0.57);
  });

  it.each([
    [[NaN, 27], 5000, 64, /finite/],
    [[106.9, Infinity], 5000, 64, /finite/],
    [[181, 27], 5000, 64, /longitude/],
    [[106.9, -91], 5000, 64, /latitude/],
    [KAIYANG, 0, 64, /radiusMeters/],
    [KAIYANG, -5, 64, /radiusMeters/],
    [KAIYANG, NaN, 64, /radiusMeters/],
    [KAIYANG, 1_000_000, 64, /radiusMeters/],
    [KAIYANG, 5000, 7, /steps/],
    [KAIYANG, 5000, 1025, /steps/],
    [KAIYANG, 5000, 64.5, /steps/],
    [[0, 89.99], 5000, 64, /pole/],
    [[179.99, 0], 5000, 64, /antimeridian/],
    [[-179.99, 0], 5000, 64, /antimeridian/],
  ] as [[number, number], number, number, RegExp][])('rejects center %j, radius %d, steps %d', (center, r, steps, message) => {
    expect(() => geodesicCircle(center, r, steps)).toThrow(message);
  });

  it('does not mutate its input', () => {
    const center: [number, number] = [...KAIYANG];
    const ring = geodesicCircle(center, 5000).coordinates[0];
    expect(center).toEqual(KAIYANG);
    ring[0][0] = 0; // the closing position is a copy, not the same array
    expect(ring[ring.length - 1][0]).not.toBe(0);
  });
});
