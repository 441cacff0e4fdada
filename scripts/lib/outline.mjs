// Helpers for scripts/build-mainland.mjs: union of many polygons, hole filling, JTS buffer/difference, a
// Douglas-Peucker simplifier whose tolerance (in metres) may vary from place to place, and a point-to-boundary
// distance index for the checks.
import * as turf from '@turf/turf';
import { assert, log } from './log.mjs';
import { jsts, ringsOf } from './geometry.mjs';

// Union of Polygon/MultiPolygon features in groups (e.g. per province), then of the groups: polyclip-ts through
// turf.union, exact on the source's 1/1024-degree grid. Returns a MultiPolygon.
export function unionGrouped(groups) {
  const unions = [];
  for (const [key, feats] of groups) {
    const t = Date.now();
    unions.push(feats.length > 1 ? turf.union(turf.featureCollection(feats)) : feats[0]);
    log(`  union ${key}: ${feats.length} shapes, ${((Date.now() - t) / 1000).toFixed(1)} s`);
  }
  const all = unions.length > 1 ? turf.union(turf.featureCollection(unions)) : unions[0];
  return all.geometry.type === 'MultiPolygon' ? all.geometry : { type: 'MultiPolygon', coordinates: [all.geometry.coordinates] };
}

export const areaKm2 = (ring) => turf.area(turf.polygon([ring])) / 1e6;

// Outer rings only (every hole filled).
export function fillHoles(mp) {
  return { type: 'MultiPolygon', coordinates: mp.coordinates.map((p) => [p[0]]) };
}

// JTS (jsts, brought in by @turf/turf) for buffer and difference: robust and fast on 100k-vertex polygons.
function jstsOrFail() {
  assert(jsts, 'jsts is not resolvable from node_modules (it comes with @turf/turf)');
  return jsts;
}
export function toJsts(geom) {
  return new (jstsOrFail().io.GeoJSONReader)().read(geom);
}
export function fromJsts(g) {
  const out = new (jstsOrFail().io.GeoJSONWriter)().write(g);
  if (out.type === 'Polygon') return { type: 'MultiPolygon', coordinates: [out.coordinates] };
  assert(out.type === 'MultiPolygon', `expected a (Multi)Polygon from JTS, got ${out.type}`);
  return { type: 'MultiPolygon', coordinates: out.coordinates };
}
/** Outward buffer by `deg` degrees (the same number of degrees of longitude and of latitude). */
export function bufferDeg(mp, deg, quadrantSegments = 4) {
  return fromJsts(toJsts(mp).buffer(deg, quadrantSegments));
}
export function difference(mp, cut) {
  return fromJsts(toJsts(mp).difference(toJsts(cut)));
}

// Metres per degree of longitude / latitude at a latitude (spherical, ample for tolerances of 50-300 m).
const mPerDegLon = (lat) => 111320 * Math.cos((lat * Math.PI) / 180);
const M_PER_DEG_LAT = 110574;

// Douglas-Peucker on one closed ring with a tolerance in metres that depends on the place: tolAt([lon, lat]).
// A vertex is dropped only when it lies within its own tolerance of the simplified edge that replaces it. The
// ring is first split at its vertex farthest from the start, so both halves are open polylines.
export function simplifyRing(ring, tolAt) {
  const n = ring.length;
  if (n <= 4) return ring.slice();
  const keep = new Uint8Array(n);
  keep[0] = keep[n - 1] = 1;
  let far = 1;
  let farD = -1;
  for (let i = 1; i < n - 1; i++) {
    const d = (ring[i][0] - ring[0][0]) ** 2 + (ring[i][1] - ring[0][1]) ** 2;
    if (d > farD) { farD = d; far = i; }
  }
  keep[far] = 1;
  const tol = ring.map(tolAt);
  const stack = [[0, far], [far, n - 1]];
  while (stack.length) {
    const [a, b] = stack.pop();
    if (b - a < 2) continue;
    const A = ring[a];
    const B = ring[b];
    const kx = mPerDegLon((A[1] + B[1]) / 2);
    const bx = (B[0] - A[0]) * kx;
    const by = (B[1] - A[1]) * M_PER_DEG_LAT;
    const len2 = bx * bx + by * by;
    let worst = 1;
    let wi = -1;
    for (let i = a + 1; i < b; i++) {
      const px = (ring[i][0] - A[0]) * kx;
      const py = (ring[i][1] - A[1]) * M_PER_DEG_LAT;
      const t = len2 > 0 ? Math.max(0, Math.min(1, (px * bx + py * by) / len2)) : 0;
      const r = Math.hypot(px - t * bx, py - t * by) / tol[i];
      if (r > worst) { worst = r; wi = i; }
    }
    if (wi >= 0) {
      keep[wi] = 1;
      stack.push([a, wi], [wi, b]);
    }
  }
  // a ring needs 3 distinct corners: a sliver that collapses to 2 is left out by the caller
  return ring.filter((_, i) => keep[i]);
}

// Round every position (decimals), drop the consecutive duplicates rounding makes, drop rings that degenerate.
export function roundGeometry(mp, decimals) {
  const f = 10 ** decimals;
  const polys = [];
  for (const poly of mp.coordinates) {
    const rings = [];
    for (const ring of poly) {
      const out = [];
      for (const [x, y] of ring) {
        const q = [Math.round(x * f) / f, Math.round(y * f) / f];
        const last = out[out.length - 1];
        if (!last || last[0] !== q[0] || last[1] !== q[1]) out.push(q);
      }
      if (out.length >= 4) rings.push(out);
      else if (!rings.length) break; // the outer ring degenerated: drop the polygon
    }
    if (rings.length) polys.push(rings);
  }
  return { type: 'MultiPolygon', coordinates: polys };
}

// Distance in metres from a point to the nearest edge of a (Multi)Polygon, through a grid of edge buckets
// (cell degrees). Searches the rings of cells around the point until the best distance found is final.
export function makeBoundaryDistance(geom, cell = 0.05) {
  const buckets = new Map();
  const key = (i, j) => i * 100000 + j;
  for (const poly of ringsOf(geom)) {
    for (const ring of poly) {
      for (let k = 1; k < ring.length; k++) {
        const a = ring[k - 1];
        const b = ring[k];
        const i0 = Math.floor(Math.min(a[0], b[0]) / cell);
        const i1 = Math.floor(Math.max(a[0], b[0]) / cell);
        const j0 = Math.floor(Math.min(a[1], b[1]) / cell);
        const j1 = Math.floor(Math.max(a[1], b[1]) / cell);
        for (let i = i0; i <= i1; i++) for (let j = j0; j <= j1; j++) {
          const kk = key(i, j);
          if (!buckets.has(kk)) buckets.set(kk, []);
          buckets.get(kk).push(a[0], a[1], b[0], b[1]);
        }
      }
    }
  }
  return function distanceMeters([x, y], maxMeters = 20000) {
    const kx = mPerDegLon(y);
    const ci = Math.floor(x / cell);
    const cj = Math.floor(y / cell);
    let best = Infinity;
    const maxRing = Math.ceil(maxMeters / (kx * cell)) + 1;
    for (let r = 0; r <= maxRing; r++) {
      // every cell at Chebyshev distance r from the point's cell is at least (r - 1) cells away
      if ((r - 1) * cell * Math.min(kx, M_PER_DEG_LAT) > best) break;
      for (let i = ci - r; i <= ci + r; i++) {
        for (let j = cj - r; j <= cj + r; j++) {
          if (Math.max(Math.abs(i - ci), Math.abs(j - cj)) !== r) continue;
          const e = buckets.get(key(i, j));
          if (!e) continue;
          for (let k = 0; k < e.length; k += 4) {
            const ax = (e[k] - x) * kx, ay = (e[k + 1] - y) * M_PER_DEG_LAT;
            const bx = (e[k + 2] - x) * kx, by = (e[k + 3] - y) * M_PER_DEG_LAT;
            const dx = bx - ax, dy = by - ay;
            const len2 = dx * dx + dy * dy;
            const t = len2 > 0 ? Math.max(0, Math.min(1, -(ax * dx + ay * dy) / len2)) : 0;
            const d = Math.hypot(ax + t * dx, ay + t * dy);
            if (d < best) best = d;
          }
        }
      }
    }
    return best;
  };
}
