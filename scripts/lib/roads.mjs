// Helpers for scripts/build-roads.mjs: a node registry with exact (6-decimal) shared coordinates, roads as lists of
// node ids, a segment grid for nearest-point queries, winding link geometry, crossing noding and Dijkstra.
// Deterministic: no clock, no Math.random; callers pass PRNG streams from prng.mjs.
import { round6 } from './prng.mjs';

// ---------------------------------------------------------------------------------------------
// Distances and frames
// ---------------------------------------------------------------------------------------------
const R_KM = 6371.0088;
const RAD = Math.PI / 180;

export function haversineKm(a, b) {
  const dLat = (b[1] - a[1]) * RAD;
  const dLon = (b[0] - a[0]) * RAD;
  const s = Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * RAD) * Math.cos(b[1] * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * R_KM * Math.asin(Math.min(1, Math.sqrt(s)));
}

/** Local planar frame in km (equirectangular at lat0), with its inverse. */
export function makeKmFrame(lat0) {
  const kx = 111.32 * Math.cos(lat0 * RAD);
  const ky = 110.574;
  return {
    toKm: ([lon, lat]) => [lon * kx, lat * ky],
    fromKm: ([x, y]) => [x / kx, y / ky],
  };
}

/** Closest point of segment ab to p (all [x, y] in km): { t, x, y, d }. */
export function closestOnSegment(p, a, b) {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const l2 = dx * dx + dy * dy;
  let t = l2 > 0 ? ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / l2 : 0;
  t = Math.max(0, Math.min(1, t));
  const x = a[0] + t * dx;
  const y = a[1] + t * dy;
  return { t, x, y, d: Math.hypot(p[0] - x, p[1] - y) };
}

/** Distance in km from a lon/lat point to a lon/lat segment, in an equirectangular frame at the point's latitude. */
export function pointSegmentKm(p, a, b) {
  const kx = 111.32 * Math.cos(p[1] * RAD);
  const ky = 110.574;
  const P = [0, 0];
  const A = [(a[0] - p[0]) * kx, (a[1] - p[1]) * ky];
  const B = [(b[0] - p[0]) * kx, (b[1] - p[1]) * ky];
  return closestOnSegment(P, A, B).d;
}

// ---------------------------------------------------------------------------------------------
// Binary min-heap (keys: numbers, values: ints)
// ---------------------------------------------------------------------------------------------
export class MinHeap {
  constructor() {
    this.k = [];
    this.v = [];
  }
  get size() {
    return this.k.length;
  }
  push(key, val) {
    const k = this.k;
    const v = this.v;
    let i = k.length;
    k.push(key);
    v.push(val);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (k[p] <= key) break;
      k[i] = k[p];
      v[i] = v[p];
      i = p;
    }
    k[i] = key;
    v[i] = val;
  }
  /** Removes the smallest entry and returns its value; its key is left in `lastKey`. */
  pop() {
    const k = this.k;
    const v = this.v;
    const topK = k[0];
    const topV = v[0];
    const lastK = k.pop();
    const lastV = v.pop();
    const n = k.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && k[r] < k[l] ? r : l;
        if (k[c] >= lastK) break;
        k[i] = k[c];
        v[i] = v[c];
        i = c;
      }
      k[i] = lastK;
      v[i] = lastV;
    }
    this.lastKey = topK;
    return topV;
  }
}

// ---------------------------------------------------------------------------------------------
// Road network under construction
// ---------------------------------------------------------------------------------------------
export class RoadNet {
  constructor(frame, cellKm = 1) {
    this.frame = frame;
    this.lon = [];
    this.lat = [];
    this.x = [];
    this.y = [];
    this.keyToId = new Map();
    this.roads = [];
    this.used = new Set(); // node ids that are vertices of some road
    this.cell = cellKm;
    this.grid = new Map();
  }

  /** The node at [lon, lat] rounded to 6 decimals: equal coordinates are one node. */
  node(pos) {
    const lon = round6(pos[0]);
    const lat = round6(pos[1]);
    const key = `${lon},${lat}`;
    let id = this.keyToId.get(key);
    if (id === undefined) {
      id = this.lon.length;
      this.keyToId.set(key, id);
      this.lon.push(lon);
      this.lat.push(lat);
      const [x, y] = this.frame.toKm([lon, lat]);
      this.x.push(x);
      this.y.push(y);
    }
    return id;
  }
  nodeFromKm(p) {
    return this.node(this.frame.fromKm(p));
  }
  pos(id) {
    return [this.lon[id], this.lat[id]];
  }
  km(id) {
    return [this.x[id], this.y[id]];
  }

  addRoad(nodes, props, meta = {}) {
    const list = dedupeConsecutive(nodes);
    if (list.length < 2) throw new Error(`road with fewer than 2 distinct vertices (${props.highway})`);
    const road = { id: this.roads.length, nodes: list, props, meta };
    this.roads.push(road);
    for (let i = 0; i + 1 < list.length; i++) this.indexSeg(road, list[i], list[i + 1]);
    for (const n of list) this.used.add(n);
    return road;
  }

  cellsOf(a, b) {
    const c = this.cell;
    const x0 = Math.floor(Math.min(this.x[a], this.x[b]) / c);
    const x1 = Math.floor(Math.max(this.x[a], this.x[b]) / c);
    const y0 = Math.floor(Math.min(this.y[a], this.y[b]) / c);
    const y1 = Math.floor(Math.max(this.y[a], this.y[b]) / c);
    const out = [];
    for (let i = x0; i <= x1; i++) for (let j = y0; j <= y1; j++) out.push(`${i},${j}`);
    return out;
  }
  indexSeg(road, a, b) {
    const seg = { road, a, b, dead: false };
    for (const k of this.cellsOf(a, b)) {
      let l = this.grid.get(k);
      if (!l) this.grid.set(k, (l = []));
      l.push(seg);
    }
  }
  reindex() {
    this.grid = new Map();
    this.used = new Set();
    for (const r of this.roads) {
      for (let i = 0; i + 1 < r.nodes.length; i++) this.indexSeg(r, r.nodes[i], r.nodes[i + 1]);
      for (const n of r.nodes) this.used.add(n);
    }
  }

  /** Nearest point of the network to p (km): { seg, t, x, y, d } or null; `accept(road)` filters roads. */
  nearest(p, accept = () => true, maxRing = 400) {
    const c = this.cell;
    const cx = Math.floor(p[0] / c);
    const cy = Math.floor(p[1] / c);
    let best = null;
    const seen = new Set();
    for (let r = 0; r <= maxRing; r++) {
      for (let i = cx - r; i <= cx + r; i++) {
        for (let j = cy - r; j <= cy + r; j++) {
          if (Math.max(Math.abs(i - cx), Math.abs(j - cy)) !== r) continue;
          const l = this.grid.get(`${i},${j}`);
          if (!l) continue;
          for (const seg of l) {
            if (seg.dead || seen.has(seg) || !accept(seg.road)) continue;
            seen.add(seg);
            const q = closestOnSegment(p, this.km(seg.a), this.km(seg.b));
            if (!best || q.d < best.d - 1e-12) best = { seg, ...q };
          }
        }
      }
      if (best && best.d <= r * c) break;
    }
    return best;
  }

  /** Inserts node n into segment seg (a → b) of its road; returns n. */
  splitSeg(seg, n) {
    if (n === seg.a || n === seg.b) return n;
    const nodes = seg.road.nodes;
    let i = -1;
    for (let k = 0; k + 1 < nodes.length; k++) {
      if (nodes[k] === seg.a && nodes[k + 1] === seg.b) {
        i = k;
        break;
      }
    }
    if (i < 0) throw new Error('splitSeg: segment not in its road');
    nodes.splice(i + 1, 0, n);
    seg.dead = true;
    this.indexSeg(seg.road, seg.a, n);
    this.indexSeg(seg.road, n, seg.b);
    this.used.add(n);
    return n;
  }

  /** The node at point q (km) of segment seg: the nearer end when within snapKm, else a new vertex inserted there. */
  junctionAt(seg, q, snapKm) {
    const da = Math.hypot(q[0] - this.x[seg.a], q[1] - this.y[seg.a]);
    const db = Math.hypot(q[0] - this.x[seg.b], q[1] - this.y[seg.b]);
    if (Math.min(da, db) <= snapKm) return da <= db ? seg.a : seg.b;
    return this.splitSeg(seg, this.nodeFromKm(q));
  }

  /** Where something at p joins the network: its nearest point (see junctionAt). */
  junctionNear(p, snapKm, accept) {
    const hit = this.nearest(p, accept);
    if (!hit) return null;
    return { node: this.junctionAt(hit.seg, [hit.x, hit.y], snapKm), d: hit.d, road: hit.seg.road };
  }

  /** Live segments with a point within R km of p, in a deterministic order. */
  segmentsWithin(p, R) {
    const c = this.cell;
    const out = [];
    const seen = new Set();
    for (let i = Math.floor((p[0] - R) / c); i <= Math.floor((p[0] + R) / c); i++) {
      for (let j = Math.floor((p[1] - R) / c); j <= Math.floor((p[1] + R) / c); j++) {
        const l = this.grid.get(`${i},${j}`);
        if (!l) continue;
        for (const seg of l) {
          if (seg.dead || seen.has(seg)) continue;
          seen.add(seg);
          if (closestOnSegment(p, this.km(seg.a), this.km(seg.b)).d <= R) out.push(seg);
        }
      }
    }
    return out;
  }

  /**
   * Where a new road from p joins the network so that the trip to a seat is short: among the points q of segments
   * within R km of p, the one minimising k·|p − q| + g(q), where g(q) is the network distance from q to the seat
   * (from the distances g(a), g(b) of the segment's ends; k is the expected winding of the new road). Null when no
   * segment within R reaches the seat.
   */
  bestJunction(p, g, k, R, snapKm) {
    let best = null;
    for (const seg of this.segmentsWithin(p, R)) {
      const ga = g(seg.a);
      const gb = g(seg.b);
      if (!Number.isFinite(ga) && !Number.isFinite(gb)) continue;
      const A = this.km(seg.a);
      const B = this.km(seg.b);
      const len = Math.hypot(B[0] - A[0], B[1] - A[1]);
      const ts = [0, 0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875, 1, closestOnSegment(p, A, B).t];
      for (const t of ts) {
        const q = [A[0] + t * (B[0] - A[0]), A[1] + t * (B[1] - A[1])];
        const cost = k * Math.hypot(p[0] - q[0], p[1] - q[1]) + Math.min(ga + t * len, gb + (1 - t) * len);
        if (!best || cost < best.cost - 1e-12) best = { seg, q, cost };
      }
    }
    if (!best) return null;
    return { node: this.junctionAt(best.seg, best.q, snapKm), cost: best.cost, road: best.seg.road };
  }

  lengthKm(road) {
    let s = 0;
    for (let i = 0; i + 1 < road.nodes.length; i++) s += haversineKm(this.pos(road.nodes[i]), this.pos(road.nodes[i + 1]));
    return s;
  }

  /**
   * Nodes every crossing of two segments (of different roads, or of one road at non-adjacent segments) that do not
   * already share a vertex: the crossing point becomes a vertex of both. Roads with meta.noNode are left alone
   * (they pass over or under). Returns the number of crossings noded.
   */
  nodeCrossings(tolKm = 0.002) {
    const segs = [];
    this.roads.forEach((r) => {
      if (r.meta.noNode) return;
      for (let i = 0; i + 1 < r.nodes.length; i++) segs.push({ r, i, a: r.nodes[i], b: r.nodes[i + 1] });
    });
    const cell = 0.5;
    const grid = new Map();
    segs.forEach((s, idx) => {
      const x0 = Math.floor(Math.min(this.x[s.a], this.x[s.b]) / cell);
      const x1 = Math.floor(Math.max(this.x[s.a], this.x[s.b]) / cell);
      const y0 = Math.floor(Math.min(this.y[s.a], this.y[s.b]) / cell);
      const y1 = Math.floor(Math.max(this.y[s.a], this.y[s.b]) / cell);
      for (let i = x0; i <= x1; i++) {
        for (let j = y0; j <= y1; j++) {
          const k = `${i},${j}`;
          let l = grid.get(k);
          if (!l) grid.set(k, (l = []));
          l.push(idx);
        }
      }
    });
    const keys = [...grid.keys()].sort();
    const tested = new Set();
    const inserts = new Map(); // road id -> Map(seg index -> [{t, node}])
    const addInsert = (s, t, n) => {
      if (n === s.a || n === s.b) return;
      let m = inserts.get(s.r.id);
      if (!m) inserts.set(s.r.id, (m = new Map()));
      let l = m.get(s.i);
      if (!l) m.set(s.i, (l = []));
      l.push({ t, n });
    };
    let count = 0;
    for (const k of keys) {
      const l = grid.get(k);
      for (let p = 0; p < l.length; p++) {
        for (let q = p + 1; q < l.length; q++) {
          const i1 = Math.min(l[p], l[q]);
          const i2 = Math.max(l[p], l[q]);
          const pk = i1 * 1e7 + i2;
          if (tested.has(pk)) continue;
          tested.add(pk);
          const s1 = segs[i1];
          const s2 = segs[i2];
          if (s1.a === s2.a || s1.a === s2.b || s1.b === s2.a || s1.b === s2.b) continue;
          const hit = segmentIntersection(this.km(s1.a), this.km(s1.b), this.km(s2.a), this.km(s2.b));
          if (!hit) continue;
          const len1 = Math.hypot(this.x[s1.b] - this.x[s1.a], this.y[s1.b] - this.y[s1.a]);
          const len2 = Math.hypot(this.x[s2.b] - this.x[s2.a], this.y[s2.b] - this.y[s2.a]);
          let n;
          if (hit.t * len1 <= tolKm) n = s1.a;
          else if ((1 - hit.t) * len1 <= tolKm) n = s1.b;
          else if (hit.u * len2 <= tolKm) n = s2.a;
          else if ((1 - hit.u) * len2 <= tolKm) n = s2.b;
          else n = this.nodeFromKm([hit.x, hit.y]);
          addInsert(s1, hit.t, n);
          addInsert(s2, hit.u, n);
          count++;
        }
      }
    }
    for (const [rid, m] of inserts) {
      const r = this.roads[rid];
      const out = [];
      r.nodes.forEach((n, i) => {
        out.push(n);
        const l = m.get(i);
        if (l) for (const e of l.sort((a, b) => a.t - b.t || a.n - b.n)) out.push(e.n);
      });
      r.nodes = dedupeConsecutive(out);
    }
    this.reindex();
    return count;
  }

  /** Undirected adjacency over every vertex (consecutive vertices of a road), weights in km (haversine). */
  adjacency() {
    const adj = Array.from({ length: this.lon.length }, () => []);
    for (const r of this.roads) {
      for (let i = 0; i + 1 < r.nodes.length; i++) {
        const a = r.nodes[i];
        const b = r.nodes[i + 1];
        const w = haversineKm(this.pos(a), this.pos(b));
        adj[a].push(b, w);
        adj[b].push(a, w);
      }
    }
    return adj;
  }
}

export function dedupeConsecutive(nodes) {
  const out = [];
  for (const n of nodes) if (out[out.length - 1] !== n) out.push(n);
  return out;
}

/** Proper intersection of segments p1p2 and p3p4 (km): { t, u, x, y } or null (parallel or disjoint). */
export function segmentIntersection(p1, p2, p3, p4) {
  const d1x = p2[0] - p1[0];
  const d1y = p2[1] - p1[1];
  const d2x = p4[0] - p3[0];
  const d2y = p4[1] - p3[1];
  const den = d1x * d2y - d1y * d2x;
  if (Math.abs(den) < 1e-12) return null;
  const ex = p3[0] - p1[0];
  const ey = p3[1] - p1[1];
  const t = (ex * d2y - ey * d2x) / den;
  const u = (ex * d1y - ey * d1x) / den;
  if (t < 0 || t > 1 || u < 0 || u > 1) return null;
  return { t, u, x: p1[0] + t * d1x, y: p1[1] + t * d1y };
}

/**
 * Single-source Dijkstra over an adjacency from RoadNet.adjacency(); stops beyond maxKm. Returns a plain array of
 * distances in km indexed by node (Infinity when not reached), which callers may extend.
 */
export function dijkstra(adj, source, maxKm = Infinity) {
  const dist = new Array(adj.length).fill(Infinity);
  dist[source] = 0;
  const heap = new MinHeap();
  heap.push(0, source);
  while (heap.size) {
    const u = heap.pop();
    const d = heap.lastKey;
    if (d > dist[u]) continue;
    if (d > maxKm) break;
    const e = adj[u];
    for (let k = 0; k < e.length; k += 2) {
      const v = e[k];
      const nd = d + e[k + 1];
      if (nd < dist[v]) {
        dist[v] = nd;
        heap.push(nd, v);
      }
    }
  }
  return dist;
}

/** Dijkstra bounded to maxKm, for small searches: a Map from node to km over the nodes reached. */
export function dijkstraWithin(adj, source, maxKm) {
  const dist = new Map([[source, 0]]);
  const heap = new MinHeap();
  heap.push(0, source);
  while (heap.size) {
    const u = heap.pop();
    const d = heap.lastKey;
    if (d > dist.get(u)) continue;
    if (d > maxKm) break;
    const e = adj[u];
    for (let k = 0; k < e.length; k += 2) {
      const v = e[k];
      const nd = d + e[k + 1];
      const old = dist.get(v);
      if (old === undefined || nd < old) {
        dist.set(v, nd);
        heap.push(nd, v);
      }
    }
  }
  return dist;
}

// ---------------------------------------------------------------------------------------------
// Winding link geometry
// ---------------------------------------------------------------------------------------------
/**
 * Interior vertices (km) of a road from A to B that winds like a road on hilly ground: vertices every `step` km along
 * the chord (at most a sixth of the wavelength, at least minStep), displaced sideways by S·L·shape(t), t in 0…1, where
 *   shape(t) = sign·( bend·(sin(π·k1·t) + a·sin(2πt))
 *                    + (1 − bend)·√sin(πt)·(0.7·sin(2π·f1·t + φ1) + 0.3·sin(2π·f2·t + φ2))·(0.75 + 0.25·sin(2π·g·t + ψ)) )
 * is a broad, slightly lopsided bend plus irregular switchback-like wiggles: f1 = max(cycles, L / wavelength) waves,
 * a second sine 1.8-2.6 times as fast, an amplitude that swells and fades; the phases, a and the ratios come from
 * `rng`. Every term is 0 at both ends. The scale S is found by bisection so that the polyline is `ratio` times the
 * chord, capped at S ≤ maxAmp (then the ratio reached is lower). The displacement is perpendicular to the chord, so
 * the link is monotone along it and never crosses itself. Returns { points, ratio } (ratio reached).
 */
export function windingLink(A, B, { rng, ratio, step, wavelength, bend, maxAmp, sign = 1, k1 = 1, cycles = 1, minStep = 0.1 }) {
  const L = Math.hypot(B[0] - A[0], B[1] - A[1]);
  const f1 = Math.max(cycles, L / wavelength);
  const f2 = f1 * (1.8 + 0.8 * rng());
  const g = 0.3 + 0.7 * rng();
  const a = (rng() - 0.5) * 0.8;
  const [p1, p2, p3] = [rng(), rng(), rng()].map((x) => x * 2 * Math.PI);
  const minN = L > 0.25 ? 3 : L > 0.12 ? 2 : 1;
  const n = Math.max(minN, Math.round(L / Math.max(minStep, Math.min(step, L / (6 * f1)))));
  if (n < 2 || ratio <= 1.0005) return { points: [], ratio: 1 };
  const ux = (B[0] - A[0]) / L;
  const uy = (B[1] - A[1]) / L;
  const nx = -uy;
  const ny = ux;
  const shape = [];
  for (let i = 1; i < n; i++) {
    const t = i / n;
    const broad = Math.sin(Math.PI * k1 * t) + a * Math.sin(2 * Math.PI * t);
    const wiggle = Math.sqrt(Math.sin(Math.PI * t)) * (0.7 * Math.sin(2 * Math.PI * f1 * t + p1) + 0.3 * Math.sin(2 * Math.PI * f2 * t + p2)) *
      (0.75 + 0.25 * Math.sin(2 * Math.PI * g * t + p3));
    shape.push(sign * (bend * broad + (1 - bend) * wiggle));
  }
  const pts = (S) =>
    shape.map((s, i) => {
      const t = (i + 1) / n;
      const off = S * L * s;
      return [A[0] + ux * L * t + nx * off, A[1] + uy * L * t + ny * off];
    });
  const len = (ps) => {
    let s = 0;
    let prev = A;
    for (const p of ps) {
      s += Math.hypot(p[0] - prev[0], p[1] - prev[1]);
      prev = p;
    }
    return s + Math.hypot(B[0] - prev[0], B[1] - prev[1]);
  };
  let lo = 0;
  let hi = maxAmp;
  if (len(pts(hi)) / L <= ratio) {
    const p = pts(hi);
    return { points: p, ratio: len(p) / L };
  }
  for (let it = 0; it < 48; it++) {
    const mid = (lo + hi) / 2;
    if (len(pts(mid)) / L < ratio) lo = mid;
    else hi = mid;
  }
  const p = pts((lo + hi) / 2);
  return { points: p, ratio: len(p) / L };
}
