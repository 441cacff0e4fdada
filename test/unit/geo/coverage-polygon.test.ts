import type { Feature, FeatureCollection, LineString, MultiLineString, MultiPolygon, Point, Polygon, Position } from 'geojson';
import * as turf from '@turf/turf';
import { Geodesic } from 'geographiclib-geodesic';
import { coveragePolygon } from '../../../src/geo/coverage-polygon';
import { geodesicAreaKm2 } from '../../../src/geo/geodesic-area-km2';
import { geodesicCircle } from '../../../src/geo/geodesic-circle';
import { expectedOutput, loadGeoFixtures, seeded } from '../../helpers/geo-fixtures';

/** Centres are the Point features; the clip is the (Multi)Polygon feature with properties.role = "clip". */
type CoverageInput = FeatureCollection<Point | Polygon | MultiPolygon> & {
  properties: { radiusMeters: number; steps?: number };
};

function parse(input: CoverageInput) {
  const centers = input.features.filter((f) => f.geometry.type === 'Point').map((f) => (f.geometry as Point).coordinates as [number, number]);
  const clipFeature = input.features.find((f) => f.properties?.role === 'clip');
  const clip = clipFeature ? (clipFeature.geometry as Polygon | MultiPolygon) : null;
  return { centers, clip, radiusMeters: input.properties.radiusMeters, steps: input.properties.steps };
}

function randomCenters(count: number, [w, s, e, n]: [number, number, number, number], seed: number): [number, number][] {
  const rnd = seeded(seed);
  return Array.from({ length: count }, () => [w + (e - w) * rnd(), s + (n - s) * rnd()] as [number, number]);
}

const box = (w: number, s: number, e: number, n: number): Polygon => ({
  type: 'Polygon',
  coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]],
});

/** RFC 7946 structure: closed rings of ≥ 4 positions, exteriors counter-clockwise, holes clockwise, valid (Turf). */
function expectWellFormed(result: MultiPolygon): void {
  expect(result.type).toBe('MultiPolygon');
  for (const polygon of result.coordinates) {
    polygon.forEach((ring, k) => {
      expect(ring.length).toBeGreaterThanOrEqual(4);
      expect(ring[ring.length - 1]).toEqual(ring[0]);
      expect(turf.booleanClockwise(ring)).toBe(k > 0);
      for (const p of ring) {
        expect(Math.round(p[0] * 1e6) / 1e6).toBe(p[0]);
        expect(Math.round(p[1] * 1e6) / 1e6).toBe(p[1]);
      }
    });
  }
  if (result.coordinates.length > 0) expect(turf.booleanValid(result)).toBe(true);
}

/** Centres inside the clip (or all, without one) and more than 1 m from its edge lie inside the result. */
function expectCentersCovered(centers: readonly Position[], clip: Polygon | MultiPolygon | null, result: MultiPolygon): void {
  const lines = clip ? turf.flatten(turf.polygonToLine(clip) as Feature<LineString | MultiLineString>).features : [];
  for (const c of centers) {
    if (clip) {
      if (!turf.booleanPointInPolygon(c, clip)) continue;
      const edgeMeters = Math.min(...lines.map((l) => turf.pointToLineDistance(c, l, { units: 'meters' })));
      if (edgeMeters <= 1) continue;
    }
    expect(turf.booleanPointInPolygon(c, result)).toBe(true);
  }
}

/** The slow, exact-on-polygons reference: polyclip union of geodesicCircle polygons, intersected with the clip. */
function polygonUnionReference(centers: readonly [number, number][], r: number, clip: Polygon | MultiPolygon | null, steps = 64) {
  const circles = centers.map((c) => turf.feature(geodesicCircle(c, r, steps)));
  let u: Feature<Polygon | MultiPolygon> | null = circles.length > 1 ? turf.union(turf.featureCollection(circles)) : circles[0];
  if (u && clip) u = turf.intersect(turf.featureCollection([u, turf.feature(clip)]));
  return u;
}

const KAIYANG: [number, number] = [106.9612, 27.0613];
const KAIYANG_BOX: [number, number, number, number] = [106.8, 26.9, 107.15, 27.25];

describe('coveragePolygon', () => {
  describe.each(loadGeoFixtures<CoverageInput>('coverage-polygon'))('fixture %s', (_name, fixture) => {
    const { centers, clip, radiusMeters, steps } = parse(fixture.input);
    const result = coveragePolygon(centers, radiusMeters, clip, { steps });

    it('matches out/', () => {
      const { properties, ...collection } = fixture.input;
      const actual = {
        ...collection,
        properties,
        features: [
          turf.feature(result, {
            role: 'result',
            areaKm2: Number(geodesicAreaKm2(result).toFixed(3)),
            polygons: result.coordinates.length,
            holes: result.coordinates.reduce((n, p) => n + p.length - 1, 0),
          }),
          ...fixture.input.features,
        ],
      };
      expect(actual).toEqual(expectedOutput(fixture, actual));
    });

    it('is a well-formed RFC 7946 MultiPolygon', () => {
      expectWellFormed(result);
    });

    it('covers every centre inside the clip and more than 1 m from its edge', () => {
      expectCentersCovered(centers, clip, result);
    });

    it('has an area between the largest circle’s and the sum of the circles’ (without a clip)', () => {
      if (clip || centers.length === 0) return;
      const circleAreas = centers.map((c) => geodesicAreaKm2(geodesicCircle(c, radiusMeters, steps)));
      const area = geodesicAreaKm2(result);
      // Arcs meet at the circles' true intersection points, up to 0.12 % of r outside the chords: allow 1e-4.
      expect(area).toBeLessThanOrEqual(circleAreas.reduce((a, b) => a + b, 0) * (1 + 1e-4));
      expect(area).toBeGreaterThanOrEqual(Math.max(...circleAreas) * (1 - 1e-4));
    });
  });

  it('returns geodesicCircle’s polygon for a single centre', () => {
    for (const steps of [16, 64]) {
      const result = coveragePolygon([KAIYANG], 5000, null, { steps });
      const circle = geodesicCircle(KAIYANG, 5000, steps).coordinates[0].map((p) => p.map((x) => Math.round(x * 1e6) / 1e6));
      expect(result.coordinates).toEqual([[circle]]);
    }
  });

  it('matches the polygon union of the geodesic circles (polyclip) within 0.1 % of the area', () => {
    const clip = box(106.85, 26.95, 107.1, 27.2);
    for (const [centers, r, c] of [
      [randomCenters(40, KAIYANG_BOX, 7), 5000, null],
      [randomCenters(40, KAIYANG_BOX, 8), 4000, clip],
      [randomCenters(12, KAIYANG_BOX, 9), 8000, clip],
    ] as [[number, number][], number, Polygon | null][]) {
      const result = coveragePolygon(centers, r, c);
      const reference = polygonUnionReference(centers, r, c);
      const area = geodesicAreaKm2(result);
      const referenceArea = reference ? geodesicAreaKm2(reference.geometry) : 0;
      expect(Math.abs(area / referenceArea - 1)).toBeLessThan(1e-3);
      // and they cover the same ground, not just the same amount of it
      const extra = turf.difference(turf.featureCollection([turf.feature(result), reference as Feature<Polygon | MultiPolygon>]));
      const missing = turf.difference(turf.featureCollection([reference as Feature<Polygon | MultiPolygon>, turf.feature(result)]));
      const mismatch = (extra ? geodesicAreaKm2(extra.geometry) : 0) + (missing ? geodesicAreaKm2(missing.geometry) : 0);
      expect(mismatch / referenceArea).toBeLessThan(1e-3);
    }
  });

  it('gives the same area with clip = null and with a box far larger than the circles (within 0.01 %)', () => {
    const centers = randomCenters(60, KAIYANG_BOX, 11);
    const free = geodesicAreaKm2(coveragePolygon(centers, 6000, null));
    const boxed = geodesicAreaKm2(coveragePolygon(centers, 6000, box(100, 20, 115, 35)));
    expect(Math.abs(boxed / free - 1)).toBeLessThan(1e-4);
  });

  it('handles a Kaiyang-size input (180 centres, r 4–8 km, clipped) and a Sanming-size one (2,100 centres)', () => {
    const clip = box(106.85, 26.95, 107.1, 27.2);
    for (const r of [4000, 8000]) {
      const centers = randomCenters(180, KAIYANG_BOX, 3);
      const result = coveragePolygon(centers, r, clip);
      expectWellFormed(result);
      expectCentersCovered(centers, clip, result);
      expect(geodesicAreaKm2(result)).toBeLessThanOrEqual(geodesicAreaKm2(clip));
    }
    // 2,100 centres over Sanming's bounding box, r = 6 km: ~12 circles cover each point on average, so the
    // union covers this box completely and the result is the box itself.
    const sanming = randomCenters(2100, [117.0, 25.5, 118.1, 27.1], 2024);
    const sanmingClip = box(117.05, 25.55, 118.05, 27.05);
    const result = coveragePolygon(sanming, 6000, sanmingClip);
    expect(result.coordinates).toEqual([sanmingClip.coordinates]);
    const unclipped = coveragePolygon(sanming, 6000, null);
    expectWellFormed(unclipped);
    expect(geodesicAreaKm2(unclipped)).toBeGreaterThan(geodesicAreaKm2(box(117.0, 25.5, 118.1, 27.1)));
  });

  it('returns an empty MultiPolygon when nothing is covered', () => {
    expect(coveragePolygon([], 5000, null)).toEqual({ type: 'MultiPolygon', coordinates: [] });
    expect(coveragePolygon([[100, 20]], 5000, box(106.9, 27, 107, 27.1))).toEqual({ type: 'MultiPolygon', coordinates: [] });
  });

  it('resolves three circles through one point to within centimetres by the radius retry: every vertex lies on a true circle', () => {
    // The Turf fallback would give chord crossings, up to r·(1 − cos(π/64)) ≈ 3.5 m inside both circles.
    const [, fixture] = loadGeoFixtures<CoverageInput>('coverage-polygon').find(([name]) => name === 'near-triple-point')!;
    const { centers, radiusMeters } = parse(fixture.input);
    const result = coveragePolygon(centers, radiusMeters, null);
    const vertices = result.coordinates.flat(2);
    expect(vertices.length).toBeGreaterThan(64);
    for (const [lon, lat] of vertices) {
      const nearestEdge = Math.min(...centers.map(([clon, clat]) => Math.abs(Geodesic.WGS84.Inverse(clat, clon, lat, lon).s12! - radiusMeters)));
      expect(nearestEdge).toBeLessThan(0.15); // radius retry (3 cm) + 6-decimal rounding (≤ 0.08 m)
    }
  });

  it('counts repeated centres once', () => {
    const centers: [number, number][] = [KAIYANG, [107.0, 27.07]];
    expect(coveragePolygon([...centers, [...KAIYANG], [107.0, 27.07]], 5000, null)).toEqual(coveragePolygon(centers, 5000, null));
  });

  it('returns the clip when it lies inside one circle, keeping the clip’s holes', () => {
    const clip: Polygon = {
      type: 'Polygon',
      coordinates: [box(106.95, 27.05, 106.97, 27.07).coordinates[0], [[106.955, 27.055], [106.955, 27.06], [106.96, 27.06], [106.96, 27.055], [106.955, 27.055]]],
    };
    const result = coveragePolygon([KAIYANG], 20_000, clip);
    expect(result.coordinates).toEqual([clip.coordinates]);
    // an inscribed polygon as the clip (its vertices on the circle) gives back that polygon
    const inscribed = geodesicCircle(KAIYANG, 5000, 32);
    expect(geodesicAreaKm2(coveragePolygon([KAIYANG], 5000, inscribed))).toBeCloseTo(geodesicAreaKm2(inscribed), 3);
  });

  it.each([
    [[[NaN, 27]], 5000, null, {}, /finite/],
    [[[200, 27]], 5000, null, {}, /out of range/],
    [[[107]], 5000, null, {}, /longitude, latitude/],
    [[KAIYANG], 0, null, {}, /radiusMeters/],
    [[KAIYANG], 1_000_000, null, {}, /radiusMeters/],
    [[KAIYANG], 5000, null, { steps: 4 }, /steps/],
    [[KAIYANG], 5000, { type: 'Point', coordinates: [107, 27] }, {}, /Polygon or MultiPolygon/],
    [[KAIYANG], 5000, { type: 'Polygon', coordinates: [[[107, 27], [107.1, 27], [107.1, 27.1]]] }, {}, /clip is not a valid geometry/],
    [[[179.99, 0]], 5000, null, {}, /antimeridian/],
  ])('rejects centers %j, radius %d, clip %j, options %j', (centers, r, clip, options, message) => {
    expect(() => coveragePolygon(centers as [number, number][], r as number, clip as Polygon | null, options)).toThrow(message);
  });

  it('does not mutate its inputs', () => {
    const centers = randomCenters(30, KAIYANG_BOX, 5);
    const clip: Polygon = {
      type: 'Polygon',
      coordinates: [[[106.85, 26.95], [106.85, 27.2], [107.1, 27.2], [107.1, 26.95], [106.85, 26.95]]], // clockwise on purpose
    };
    const copies = structuredClone({ centers, clip });
    coveragePolygon(centers, 6000, clip);
    coveragePolygon(centers, 150_000, clip, { steps: 16 }); // the polygon-union path
    expect({ centers, clip }).toEqual(copies);
  });
});
