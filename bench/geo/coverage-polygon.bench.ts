import { performance } from 'node:perf_hooks';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import * as turf from '@turf/turf';
import { coveragePolygon } from '../../src/geo/coverage-polygon';
import { geodesicAreaKm2 } from '../../src/geo/geodesic-area-km2';
import { geodesicCircle } from '../../src/geo/geodesic-circle';

/**
 * coveragePolygon at Kaiyang size (180 centres) and Sanming size (2,100 centres), against the naive baseline
 * in the same run: a sequential pairwise turf.union loop over the geodesicCircle polygons, then turf.intersect
 * with the clip. Plain script, not a jest test:
 *
 *   npx tsc -p tsconfig.json && node dist/bench/geo/coverage-polygon.bench.js
 *
 * Environment: RUNS (default 5) timed runs of coveragePolygon after one untimed warm-up call (the first call
 * in a process also pays for JIT compilation; it is printed separately); BASELINE_RUNS (default 1; the
 * Sanming baseline takes minutes); SKIP_BASELINE=1 to skip it.
 */
const RUNS = Number(process.env.RUNS ?? 5);
const BASELINE_RUNS = Number(process.env.BASELINE_RUNS ?? 1);
const SKIP_BASELINE = process.env.SKIP_BASELINE === '1';

type Box = [number, number, number, number];

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomCenters(count: number, [w, s, e, n]: Box, seed: number): [number, number][] {
  const rnd = seeded(seed);
  return Array.from({ length: count }, () => [w + (e - w) * rnd(), s + (n - s) * rnd()] as [number, number]);
}

const boxPolygon = ([w, s, e, n]: Box): Polygon => ({ type: 'Polygon', coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] });

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function naiveBaseline(centers: readonly [number, number][], r: number, clip: Polygon): Polygon | MultiPolygon | null {
  let acc: Feature<Polygon | MultiPolygon> | null = null;
  for (const c of centers) {
    const circle = turf.feature(geodesicCircle(c, r));
    acc = acc ? turf.union(turf.featureCollection([acc, circle])) : circle;
  }
  if (!acc) return null;
  return turf.intersect(turf.featureCollection([acc, turf.feature(clip)]))?.geometry ?? null;
}

function run(label: string, centers: [number, number][], r: number, clip: Polygon): void {
  console.log(`\n${label}: ${centers.length} centres, r = ${r} m, clipped by a ${clip.coordinates[0].length - 1}-vertex polygon`);
  let t0 = performance.now();
  let result = coveragePolygon(centers, r, clip);
  console.log(`  coveragePolygon first call (cold JIT): ${(performance.now() - t0).toFixed(1)} ms`);
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    t0 = performance.now();
    result = coveragePolygon(centers, r, clip);
    times.push(performance.now() - t0);
  }
  const fast = median(times);
  let vertices = 0;
  for (const p of result.coordinates) for (const ring of p) vertices += ring.length;
  const area = geodesicAreaKm2(result);
  console.log(
    `  coveragePolygon median of ${RUNS}: ${fast.toFixed(1)} ms (runs ${times.map((t) => t.toFixed(0)).join(', ')}); ` +
      `${result.coordinates.length} polygon(s), ${vertices} vertices, ${area.toFixed(3)} km²`,
  );
  if (SKIP_BASELINE) return;
  const baseTimes: number[] = [];
  let base: Polygon | MultiPolygon | null = null;
  for (let i = 0; i < BASELINE_RUNS; i++) {
    t0 = performance.now();
    base = naiveBaseline(centers, r, clip);
    baseTimes.push(performance.now() - t0);
  }
  const slow = median(baseTimes);
  const baseArea = base ? geodesicAreaKm2(base) : 0;
  console.log(`  naive sequential turf.union loop + turf.intersect, median of ${BASELINE_RUNS}: ${slow.toFixed(0)} ms; ${baseArea.toFixed(3)} km²`);
  console.log(`  speed-up ×${(slow / fast).toFixed(0)}; area difference ${(((area - baseArea) / baseArea) * 100).toFixed(4)} %`);
}

// Kaiyang county: ~180 service points, r ≈ 4–8 km, a county-sized clip (illustrative pentagon, ~700 km²).
const kaiyangClip: Polygon = {
  type: 'Polygon',
  coordinates: [[[106.8, 26.92], [107.12, 26.9], [107.2, 27.12], [107.02, 27.3], [106.82, 27.18], [106.8, 26.92]]],
};
run('Kaiyang size', randomCenters(180, [106.78, 26.88, 107.22, 27.32], 1), 6000, kaiyangClip);

// Sanming city: ~2,100 service points over its bounding box 117.0–118.1°E, 25.5–27.1°N, r = 6 km; the box
// clip cuts the coverage on two sides and leaves the coverage's own (arc) edge on the other two.
run('Sanming size', randomCenters(2100, [117.0, 25.5, 118.1, 27.1], 2), 6000, boxPolygon([117.05, 25.45, 118.15, 27.05]));
