import { check } from '@placemarkio/check-geojson';
import * as turf from '@turf/turf';
import CheapRuler from 'cheap-ruler';
import fc from 'fast-check';
import type { FeatureCollection, LineString, MultiPolygon, Polygon, Position } from 'geojson';
import { geodesicAreaKm2 } from '../../../src/geo/geodesic-area-km2';
import { networkIsochrone, networkIsochroneResolution, type NetworkIsochroneOptions } from '../../../src/geo/network-isochrone';
import type { ReachedRoad } from '../../../src/geo/reached-road';
import { validateGeometry } from '../../../src/geo/validate-geometry';
import { expectedOutput, loadGeoFixtures, seeded } from '../../helpers/geo-fixtures';

const LAT = 27.06;
const ORIGIN: [number, number] = [106.96, LAT];
const base = new CheapRuler(LAT, 'meters');
/** The position `east` and `north` metres from ORIGIN. */
const at = (east: number, north: number): [number, number] => base.offset(ORIGIN, east, north) as [number, number];
const EMPTY: MultiPolygon = { type: 'MultiPolygon', coordinates: [] };

const box = (w: number, s: number, e: number, n: number): Polygon => ({
  type: 'Polygon',
  coordinates: [[at(w, s), at(e, s), at(e, n), at(w, n), at(w, s)]],
});

/**
 * A maintained validator (structure, positions, closed rings: @placemarkio/check-geojson), the house's own
 * (validateGeometry), RFC 7946 winding, 6-decimal coordinates, Turf's validity (holes inside, no spikes, polygons not
 * crossing) and no two segments of any rings crossing or touching (turf.kinks over every pair of segments).
 */
function expectWellFormed(result: MultiPolygon): void {
  expect(result.type).toBe('MultiPolygon');
  expect(() => check(JSON.stringify(result))).not.toThrow();
  if (result.coordinates.length === 0) return;
  expect(validateGeometry(result)).toBeNull();
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
  expect(turf.booleanValid(result)).toBe(true);
  expect(turf.kinks(result).features).toEqual([]);
}

const areaM2 = (g: MultiPolygon) => geodesicAreaKm2(g) * 1e6;

interface Exact {
  /** F(x) in metres: > 0 inside, the margin of the walk; see networkIsochrone. */
  margin(p: Position): number;
}

/**
 * The rule, by brute force: every road sampled every `step` metres along its length (the minutes left interpolated
 * linearly in length), F(x) = max over samples of (min(minutes · walk, cap) − distance), the distance by cheap-ruler
 * at x's latitude. Sampling makes F at most step · (1 + |slope|) / 2 low, within 1 m for step = 1 m and |slope| < 1.
 */
function exact(roads: readonly ReachedRoad[], walk: number, cap: number, step = 1): Exact {
  // Per road: its samples, and its box grown by its largest radius and 200 m. A point outside a road's box is more
  // than 200 m short of that road's reach, so the road cannot decide whether the point is within the tests' band.
  const groups = roads.map((road) => {
    const ruler = new CheapRuler(road.line[0][1], 'meters');
    const total = ruler.lineDistance(road.line);
    const count = Math.max(1, Math.ceil(total / step));
    const lon: number[] = [];
    const lat: number[] = [];
    const r: number[] = [];
    for (let q = 0; q <= count; q++) {
      const s = (total * q) / count;
      const p = total > 0 ? ruler.along(road.line, s) : road.line[0];
      const minutes = total > 0 ? road.remainingAtStart + ((road.remainingAtEnd - road.remainingAtStart) * s) / total : Math.max(road.remainingAtStart, road.remainingAtEnd);
      lon.push(p[0]);
      lat.push(p[1]);
      r.push(Math.min(minutes * walk, cap));
    }
    const [w, so, e, n] = ruler.bufferBBox(turf.bbox(turf.lineString(road.line.length > 1 ? road.line : [road.line[0], road.line[0]])) as [number, number, number, number], Math.max(...r) + 200);
    return { lon: Float64Array.from(lon), lat: Float64Array.from(lat), r: Float64Array.from(r), box: [w, so, e, n] };
  });
  return {
    margin([x, y]) {
      const ruler = new CheapRuler(y, 'meters');
      let best = -Infinity;
      for (const { lon, lat, r, box: b } of groups) {
        if (x < b[0] || x > b[2] || y < b[1] || y > b[3]) continue;
        for (let i = 0; i < r.length; i++) {
          const dx = (x - lon[i]) * ruler.kx;
          const dy = (y - lat[i]) * ruler.ky;
          const g = r[i] - Math.sqrt(dx * dx + dy * dy);
          if (g > best) best = g;
        }
      }
      return best;
    },
  };
}

const inside = (p: Position, g: MultiPolygon) => g.coordinates.length > 0 && turf.booleanPointInPolygon(p, g);

describe('networkIsochrone', () => {
  const options = (o: Partial<NetworkIsochroneOptions> = {}): NetworkIsochroneOptions => ({
    walkMetersPerMinute: 50,
    maxOffRoadMeters: 1000,
    clip: null,
    cellMeters: 25,
    ...o,
  });

  describe('empty results', () => {
    it('is empty for no roads', () => {
      expect(networkIsochrone([], options())).toEqual(EMPTY);
      expect(networkIsochroneResolution([], options())).toBeNull();
    });

    it('is empty when nothing is left to walk: no minutes, no walking speed, or no walk allowed off the road', () => {
      const road: ReachedRoad = { line: [at(0, 0), at(1000, 0)], remainingAtStart: 5, remainingAtEnd: 5 };
      expect(networkIsochrone([{ ...road, remainingAtStart: 0, remainingAtEnd: 0 }], options())).toEqual(EMPTY);
      expect(networkIsochrone([road], options({ walkMetersPerMinute: 0 }))).toEqual(EMPTY);
      expect(networkIsochrone([road], options({ maxOffRoadMeters: 0 }))).toEqual(EMPTY);
    });

    it('is empty when the clip is elsewhere', () => {
      const road: ReachedRoad = { line: [at(0, 0), at(1000, 0)], remainingAtStart: 5, remainingAtEnd: 5 };
      expect(networkIsochrone([road], options({ clip: box(5000, 5000, 6000, 6000) }))).toEqual(EMPTY);
      expect(networkIsochrone([road], options({ clip: box(0, 1000, 1000, 2000) }))).toEqual(EMPTY);
    });
  });

  describe('one straight road with constant minutes left: a stadium of area π r² + 2 r L', () => {
    const L = 2000;
    const r = 500;
    const road: ReachedRoad = { line: [at(0, 0), at(L / 2, 0), at(L, 0)], remainingAtStart: r / 50, remainingAtEnd: r / 50 };
    const result = networkIsochrone([road], options());
    const d = networkIsochroneResolution([road], options())!.errorMeters;

    it('states its error bound: the cell diagonal', () => {
      expect(d).toBeGreaterThan(25 * Math.SQRT2);
      expect(d).toBeLessThan(25 * Math.SQRT2 * 1.001);
    });

    it('is one well-formed polygon without holes', () => {
      expectWellFormed(result);
      expect(result.coordinates).toHaveLength(1);
      expect(result.coordinates[0]).toHaveLength(1);
    });

    it('has an area within the bound (stadiums of r ± d), and in fact within 0.5 %', () => {
      const area = areaM2(result);
      const stadium = (rr: number) => Math.PI * rr * rr + 2 * rr * L;
      expect(area).toBeGreaterThan(stadium(r - d));
      expect(area).toBeLessThan(stadium(r + d));
      expect(Math.abs(area / stadium(r) - 1)).toBeLessThan(0.005);
    });

    it('holds the points within r − d of the road and none beyond r + d', () => {
      for (let k = 0; k < 64; k++) {
        const a = (2 * Math.PI * k) / 64;
        for (const [cx, end] of [[0, -1], [L, 1]] as const) {
          // around each end, on the half-circle away from the road
          const ux = Math.cos(a);
          const uy = Math.sin(a);
          if (ux * end < 0) continue;
          expect(inside(at(cx + (r - d) * ux, (r - d) * uy), result)).toBe(true);
          expect(inside(at(cx + (r + d) * ux, (r + d) * uy), result)).toBe(false);
        }
        const x = (L * k) / 63;
        expect(inside(at(x, r - d), result)).toBe(true);
        expect(inside(at(x, -(r - d)), result)).toBe(true);
        expect(inside(at(x, r + d), result)).toBe(false);
        expect(inside(at(x, -(r + d)), result)).toBe(false);
      }
    });
  });

  describe('minutes decreasing along a road: a tapering shape (the hull of the first disc and the end)', () => {
    // Radius 500 m at the start, 0 at the end 2,000 m on: an ice-cream cone, area r·T + r²(π − acos(r / L)).
    const L = 2000;
    const r = 500;
    const road: ReachedRoad = { line: [at(0, 0), at(L, 0)], remainingAtStart: r / 50, remainingAtEnd: 0 };
    const result = networkIsochrone([road], options());
    const d = networkIsochroneResolution([road], options())!.errorMeters;
    const T = Math.sqrt(L * L - r * r);

    it('is well formed', () => {
      expectWellFormed(result);
      expect(result.coordinates).toHaveLength(1);
    });

    it('has the cone’s area within 1 %', () => {
      const cone = r * T + r * r * (Math.PI - Math.acos(r / L));
      expect(Math.abs(areaM2(result) / cone - 1)).toBeLessThan(0.01);
    });

    it('narrows along the road as the cone does, within d', () => {
      // Past the tangent points (s ≥ r² / L), the half-width at s is (L − s) · r / T.
      for (const s of [200, 600, 1000, 1400, 1800]) {
        const half = ((L - s) * r) / T;
        if (half > d) expect(inside(at(s, half - d), result)).toBe(true);
        expect(inside(at(s, half + d), result)).toBe(false);
        expect(inside(at(s, -(half + d)), result)).toBe(false);
      }
      expect(inside(at(L + d, 0), result)).toBe(false);
    });
  });

  describe('maxOffRoadMeters caps the width', () => {
    it('gives the stadium of the cap when the minutes would allow more', () => {
      const L = 1500;
      const cap = 300;
      const road: ReachedRoad = { line: [at(0, 0), at(L, 0)], remainingAtStart: 30, remainingAtEnd: 28 };
      const result = networkIsochrone([road], options({ maxOffRoadMeters: cap }));
      expectWellFormed(result);
      expect(Math.abs(areaM2(result) / (Math.PI * cap * cap + 2 * cap * L) - 1)).toBeLessThan(0.005);
      const d = networkIsochroneResolution([road], options({ maxOffRoadMeters: cap }))!.errorMeters;
      expect(inside(at(L / 2, cap + d), result)).toBe(false);
      expect(inside(at(L / 2, cap - d), result)).toBe(true);
    });

    it.each([
      ['gently: 800 m to 0 over 2,000 m', 2000],
      ['steeply: 800 m to 0 over 1,000 m (the cap starts where the best point of the road moves most)', 1000],
    ])('caps the wide end of a tapering road only, %s', (_name, L) => {
      // Width 2 × 400 until the radius falls below the cap of 400, then tapering.
      const road: ReachedRoad = { line: [at(0, 0), at(L, 0)], remainingAtStart: 16, remainingAtEnd: 0 };
      const opts = options({ maxOffRoadMeters: 400, cellMeters: 10 });
      const result = networkIsochrone([road], opts);
      expectWellFormed(result);
      const truth = exact([road], 50, 400);
      const d = networkIsochroneResolution([road], opts)!.errorMeters;
      let checked = 0;
      const wrong: { s: number; n: number; f: number }[] = [];
      for (let s = -500; s <= L + 500; s += 50) {
        for (let n = 0; n <= 500; n += 10) {
          const p = at(s, n);
          const f = truth.margin(p);
          if (Math.abs(f) <= d + 1) continue; // the stated band, + 1 m for the brute force's sampling
          if (inside(p, result) !== f > 0) wrong.push({ s, n, f });
          checked++;
        }
      }
      expect(wrong).toEqual([]);
      expect(checked).toBeGreaterThan(500);
    });
  });

  describe('clip', () => {
    const L = 2000;
    const road: ReachedRoad = { line: [at(0, 0), at(L, 0)], remainingAtStart: 10, remainingAtEnd: 10 };
    const full = networkIsochrone([road], options());

    it('keeps the part inside a box, with the box’s edges exactly', () => {
      const clip = box(-1000, -1000, 1000, 1000);
      const result = networkIsochrone([road], options({ clip }));
      expectWellFormed(result);
      const reference = turf.intersect(turf.featureCollection<Polygon | MultiPolygon>([turf.feature(full), turf.feature(clip)]))!;
      expect(Math.abs(areaM2(result) / (geodesicAreaKm2(reference.geometry) * 1e6) - 1)).toBeLessThan(1e-4);
      const [, , east] = turf.bbox(result);
      expect(east).toBeCloseTo(at(1000, 0)[0], 6);
    });

    it('cuts out a hole of the clip, and takes a MultiPolygon clip', () => {
      const outer = box(-1000, -1000, 3000, 1000).coordinates[0];
      const hole = [...box(500, -200, 1500, 200).coordinates[0]].reverse();
      const withHole: Polygon = { type: 'Polygon', coordinates: [outer, hole] };
      const result = networkIsochrone([road], options({ clip: withHole }));
      expectWellFormed(result);
      expect(result.coordinates.reduce((n, p) => n + p.length - 1, 0)).toBe(1);
      expect(areaM2(result)).toBeCloseTo(areaM2(full) - 1000 * 400, -3);
      expect(inside(at(1000, 0), result)).toBe(false);

      const two: MultiPolygon = { type: 'MultiPolygon', coordinates: [box(-1000, -1000, 500, 1000).coordinates, box(1500, -1000, 3000, 1000).coordinates] };
      const split = networkIsochrone([road], options({ clip: two }));
      expectWellFormed(split);
      expect(split.coordinates).toHaveLength(2);
    });
  });

  describe('matches the rule by brute force on random networks', () => {
    /** A few dozen random roads in a 4 km square: polylines of 2–4 vertices, minutes falling (or rising) along them. */
    function randomRoads(seed: number, count: number): ReachedRoad[] {
      const rnd = seeded(seed);
      return Array.from({ length: count }, () => {
        let x = rnd() * 4000 - 2000;
        let y = rnd() * 4000 - 2000;
        let heading = rnd() * 2 * Math.PI;
        const line = [at(x, y)];
        let length = 0;
        const vertices = 2 + Math.floor(rnd() * 3);
        for (let v = 1; v < vertices; v++) {
          const step = 50 + rnd() * 400;
          heading += (rnd() - 0.5) * 1.5;
          x += step * Math.cos(heading);
          y += step * Math.sin(heading);
          line.push(at(x, y));
          length += step;
        }
        const start = rnd() * 12;
        // driving 200–800 m/min: minutes fall by length / speed (a piece reached from its end rises instead)
        const end = Math.max(0, start - length / (200 + rnd() * 600));
        return rnd() < 0.3 ? { line, remainingAtStart: end, remainingAtEnd: start } : { line, remainingAtStart: start, remainingAtEnd: end };
      });
    }

    const cases: { name: string; seed: number; walk: number; cap: number; clip: Polygon | null }[] = [
      { name: 'capped at 400 m', seed: 1, walk: 60, cap: 400, clip: null },
      { name: 'uncapped, clipped to a box with a hole', seed: 2, walk: 60, cap: Infinity, clip: { type: 'Polygon', coordinates: [box(-1500, -2500, 2500, 1500).coordinates[0], [...box(-500, -500, 500, 500).coordinates[0]].reverse()] } },
      { name: 'a fast walk, capped at 800 m', seed: 3, walk: 90, cap: 800, clip: null },
    ];

    it.each(cases)('$name: 2,000 random points agree except within d of the boundary', ({ seed, walk, cap, clip }) => {
      const roads = randomRoads(seed, 40);
      const opts = options({ walkMetersPerMinute: walk, maxOffRoadMeters: cap, clip, cellMeters: 25 });
      const result = networkIsochrone(roads, opts);
      expectWellFormed(result);
      const d = networkIsochroneResolution(roads, opts)!.errorMeters;
      const truth = exact(roads, walk, cap);
      const rnd = seeded(seed + 100);
      let checked = 0;
      let positive = 0;
      const wrong: { p: Position; f: number; expected: boolean }[] = [];
      for (let k = 0; k < 2000; k++) {
        const p = at(rnd() * 7000 - 3500, rnd() * 7000 - 3500);
        const f = truth.margin(p);
        if (Math.abs(f) <= d + 1) continue; // within the stated band (+ 1 m for the brute force's own sampling)
        const expected = f > 0 && (clip === null || turf.booleanPointInPolygon(p, clip));
        if (inside(p, result) !== expected) wrong.push({ p, f, expected });
        checked++;
        if (expected) positive++;
      }
      expect(wrong).toEqual([]);
      // The band is a small part of the sample, and both sides are well represented.
      expect(checked).toBeGreaterThan(1600);
      expect(positive).toBeGreaterThan(300);
      expect(checked - positive).toBeGreaterThan(300);
    });
  });

  it('is always well formed (property: random small networks, cells, caps and clips)', () => {
    const pointArb = fc.tuple(fc.double({ min: -1500, max: 1500, noNaN: true }), fc.double({ min: -1500, max: 1500, noNaN: true }));
    const roadArb = fc.record({
      line: fc.array(pointArb, { minLength: 1, maxLength: 4 }),
      remainingAtStart: fc.double({ min: 0, max: 12, noNaN: true }),
      remainingAtEnd: fc.double({ min: 0, max: 12, noNaN: true }),
    });
    fc.assert(
      fc.property(
        fc.array(roadArb, { minLength: 0, maxLength: 12 }),
        fc.integer({ min: 10, max: 120 }),
        fc.constantFrom(100, 400, 1000, Infinity),
        fc.option(fc.tuple(pointArb, fc.integer({ min: 200, max: 2500 })), { nil: null }),
        (raw, cellMeters, cap, clipAt) => {
          const roads = raw.map((r) => ({ ...r, line: r.line.map(([x, y]) => at(x, y)) }));
          const clip = clipAt ? box(clipAt[0][0], clipAt[0][1], clipAt[0][0] + clipAt[1], clipAt[0][1] + clipAt[1]) : null;
          expectWellFormed(networkIsochrone(roads, { walkMetersPerMinute: 60, maxOffRoadMeters: cap, clip, cellMeters }));
        },
      ),
      { numRuns: 60, seed: 15 },
    );
  });

  it('coarsens the grid to fit maxCells, and keeps the (larger) bound', () => {
    const road: ReachedRoad = { line: [at(-3000, 0), at(3000, 0)], remainingAtStart: 10, remainingAtEnd: 10 };
    const opts = options({ cellMeters: 10, maxCells: 10_000 });
    const resolution = networkIsochroneResolution([road], opts)!;
    expect(resolution.columns * resolution.rows).toBeLessThanOrEqual(10_000);
    expect(resolution.cellMeters).toBeGreaterThan(20);
    expect(resolution.errorMeters).toBeGreaterThan(resolution.cellMeters * Math.SQRT2);
    const result = networkIsochrone([road], opts);
    expectWellFormed(result);
    const d = resolution.errorMeters;
    const stadium = (rr: number) => Math.PI * rr * rr + 2 * rr * 6000;
    expect(areaM2(result)).toBeGreaterThan(stadium(500 - d));
    expect(areaM2(result)).toBeLessThan(stadium(500 + d));
  });

  it('takes a road of one position (or of zero length) as a point', () => {
    const result = networkIsochrone([{ line: [at(0, 0)], remainingAtStart: 4, remainingAtEnd: 6 }], options());
    expectWellFormed(result);
    expect(Math.abs(areaM2(result) / (Math.PI * 300 * 300) - 1)).toBeLessThan(0.005);
    expect(networkIsochrone([{ line: [at(0, 0), at(0, 0)], remainingAtStart: 4, remainingAtEnd: 6 }], options())).toEqual(result);
  });

  it('does not mutate its input', () => {
    const roads: ReachedRoad[] = [{ line: [at(0, 0), at(500, 0)], remainingAtStart: 5, remainingAtEnd: 3 }];
    const clip = box(-100, -1000, 1000, 1000);
    const before = JSON.stringify([roads, clip]);
    networkIsochrone(roads, options({ clip }));
    expect(JSON.stringify([roads, clip])).toBe(before);
  });

  it('refuses invalid input', () => {
    const road: ReachedRoad = { line: [at(0, 0), at(500, 0)], remainingAtStart: 5, remainingAtEnd: 3 };
    expect(() => networkIsochrone([{ ...road, remainingAtEnd: -1 }], options())).toThrow(/remaining/);
    expect(() => networkIsochrone([{ ...road, remainingAtStart: Number.NaN }], options())).toThrow(/remaining/);
    expect(() => networkIsochrone([{ ...road, line: [] }], options())).toThrow(/at least one position/);
    expect(() => networkIsochrone([{ ...road, line: [[200, 27]] }], options())).toThrow(/out of range/);
    expect(() => networkIsochrone([road], options({ walkMetersPerMinute: -1 }))).toThrow(/walkMetersPerMinute/);
    expect(() => networkIsochrone([road], options({ maxOffRoadMeters: Number.NaN }))).toThrow(/maxOffRoadMeters/);
    expect(() => networkIsochrone([road], options({ cellMeters: 5 }))).toThrow(/cellMeters/);
    expect(() => networkIsochrone([road], options({ maxCells: 100 }))).toThrow(/maxCells/);
    const open: Polygon = { type: 'Polygon', coordinates: [[at(0, 0), at(1, 0), at(1, 1), at(0, 1)]] };
    expect(() => networkIsochrone([road], options({ clip: open }))).toThrow(/clip/);
  });

  /** Roads are the LineString features (minutes left in their properties); the clip is the feature with role "clip". */
  type IsochroneInput = FeatureCollection<LineString | Polygon | MultiPolygon> & { properties: Omit<NetworkIsochroneOptions, 'clip'> & { note?: string } };

  describe.each(loadGeoFixtures<IsochroneInput>('network-isochrone'))(
    'fixture %s',
    (_name, fixture) => {
      const roads: ReachedRoad[] = fixture.input.features
        .filter((f) => f.geometry.type === 'LineString')
        .map((f) => ({
          line: (f.geometry as LineString).coordinates as [number, number][],
          remainingAtStart: f.properties!.remainingAtStart as number,
          remainingAtEnd: f.properties!.remainingAtEnd as number,
        }));
      const clipFeature = fixture.input.features.find((f) => f.properties?.role === 'clip');
      const clip = clipFeature ? (clipFeature.geometry as Polygon | MultiPolygon) : null;
      const { walkMetersPerMinute, maxOffRoadMeters, cellMeters, maxCells } = fixture.input.properties;
      const result = networkIsochrone(roads, { walkMetersPerMinute, maxOffRoadMeters, cellMeters, maxCells, clip });

      it('matches out/', () => {
        const actual = {
          ...fixture.input,
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

      it('with a clip: equals the unclipped result intersected with the clip by polyclip (area within 1e-6)', () => {
        if (!clip) return;
        const full = networkIsochrone(roads, { walkMetersPerMinute, maxOffRoadMeters, cellMeters, maxCells, clip: null });
        const reference = turf.intersect(turf.featureCollection<Polygon | MultiPolygon>([turf.feature(full), turf.feature(clip)]))!;
        expect(Math.abs(areaM2(result) / (geodesicAreaKm2(reference.geometry) * 1e6) - 1)).toBeLessThan(1e-6);
        const holes = (g: Polygon | MultiPolygon) => (g.type === 'Polygon' ? [g.coordinates] : g.coordinates).reduce((n, p) => n + p.length - 1, 0);
        expect(holes(result)).toBe(holes(reference.geometry));
      });
    },
  );
});
