import fs from 'node:fs';
import path from 'node:path';
import type { FeatureCollection, Point } from 'geojson';

/**
 * Turf-style fixtures for the pure functions in src/geo: `test/fixtures/geo/<function-name>/in/*.geojson`
 * are inputs (options in `properties`), `.../out/*.geojson` the expected outputs with coordinates rounded
 * to 6 decimals (≈ 0.1 m). Run with `REGEN=1` to rewrite `out/` from the current implementation, then review
 * the diff (the files open in any GeoJSON viewer, e.g. geojson.io).
 */
export const FIXTURES_ROOT = path.join(__dirname, '../fixtures/geo');

export const REGEN = process.env.REGEN === '1';

export interface GeoFixture<T = unknown> {
  /** File name without `.geojson`. */
  name: string;
  input: T;
  outPath: string;
}

/** Every `in/*.geojson` of a function, sorted by name, as `[name, fixture]` rows for `describe.each`. */
export function loadGeoFixtures<T = unknown>(functionName: string): [string, GeoFixture<T>][] {
  const dir = path.join(FIXTURES_ROOT, functionName);
  return fs
    .readdirSync(path.join(dir, 'in'))
    .filter((f) => f.endsWith('.geojson'))
    .sort()
    .map((f) => {
      const name = f.replace(/\.geojson$/, '');
      const input = JSON.parse(fs.readFileSync(path.join(dir, 'in', f), 'utf8')) as T;
      return [name, { name, input, outPath: path.join(dir, 'out', f) }];
    });
}

/** Deep copy with every number inside `coordinates` arrays rounded to `decimals` (default 6). */
export function roundCoordinates<T>(value: T, decimals = 6): T {
  const factor = 10 ** decimals;
  const roundDeep = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(roundDeep) : typeof v === 'number' ? Math.round(v * factor) / factor + 0 : v;
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = k === 'coordinates' ? roundDeep(x) : walk(x);
      return out;
    }
    return v;
  };
  return walk(value) as T;
}

/** JSON with 2-space indentation and each position ([lon, lat]) on one line, for readable diffs. */
export function formatGeoJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/\[\s+(-?[\d.e+-]+),\s+(-?[\d.e+-]+)(?:,\s+(-?[\d.e+-]+))?\s+\]/g, (_m, a, b, c) =>
    c === undefined ? `[${a}, ${b}]` : `[${a}, ${b}, ${c}]`,
  );
}

/**
 * The expected output for a fixture: with REGEN=1, writes `actual` (coordinates rounded to 6 dp) to the
 * out file and returns it; otherwise reads the out file.
 */
export function expectedOutput<T>(fixture: GeoFixture, actual: T): T {
  const rounded = roundCoordinates(actual);
  if (REGEN) {
    fs.mkdirSync(path.dirname(fixture.outPath), { recursive: true });
    fs.writeFileSync(fixture.outPath, `${formatGeoJson(rounded)}\n`);
    return rounded;
  }
  if (!fs.existsSync(fixture.outPath)) {
    throw new Error(`missing ${path.relative(process.cwd(), fixture.outPath)}: run the test with REGEN=1 and review the new file`);
  }
  return JSON.parse(fs.readFileSync(fixture.outPath, 'utf8')) as T;
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32), so generated test inputs repeat run after run. */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** test/fixtures/geo/is-in-mainland-china/places.geojson: named places, each marked in or outside the mainland. */
export function mainlandPlaces(): FeatureCollection<Point, { name: string; mainland: boolean }> {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES_ROOT, 'is-in-mainland-china/places.geojson'), 'utf8')) as FeatureCollection<Point, { name: string; mainland: boolean }>;
}
