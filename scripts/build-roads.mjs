#!/usr/bin/env node
// Synthetic road networks for the seeded areas: writes seeds/data/roads/kaiyang.geojson and
// seeds/data/roads/sanming.geojson from seeds/data/kaiyang.json and seeds/data/sanming.json.
//
// THE ROADS ARE SYNTHETIC. No road data can be downloaded here; these networks only give the ROAD travel model
// something shaped like rural roads to run on (see seeds/data/README.md, "Synthetic roads"):
// - county roads: per county, a minimum spanning tree over the county seat (COUNTY_HALL location) and the township
//   seats (TS-<township> locations), plus a few loop links (short non-tree pairs whose tree path is long); the tree
//   path from the county seat to the two farthest seats is a provincial road (primary), the other tree links county
//   roads (secondary), the loops township roads (tertiary); in Sanming the county seats are linked the same way
//   (primary), so the city is one network; a small grid of streets (residential, two of them one-way) at each county seat;
// - village roads (unclassified, some track, residential for urban communities) to every village, villages taken in
//   order of distance from their township seat, each joined to the network built so far at the point near it that
//   makes the trip to the seat shortest (a vertex is inserted into the road it joins), so that roads are shared where
//   villages line up; two villages per county (among the most isolated) are left 1.5-3 km off the network;
// - every link winds (windingLink): a road is 1.15-1.8 times its straight line, and in each county a few village
//   roads go round a gorge (2-3 times); a few footpaths (path) cut across between villages far apart by road;
// - crossings are noded (a shared vertex), so that an importer splitting ways at shared vertices sees the junctions.
//
// Run from the project root: `node scripts/build-roads.mjs` (npm run roads:build). Deterministic: every random
// choice comes from a PRNG keyed on area and village codes; the output is byte-identical on every run.

import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { assert, log, setLogName } from './lib/log.mjs';
import { ROOT } from './lib/refs.mjs';
import { hashString, rngFor } from './lib/prng.mjs';
import { makeContains } from './lib/geometry.mjs';
import { isCommunity } from './lib/domain.mjs';
import { RoadNet, closestOnSegment, dijkstra, dijkstraWithin, haversineKm, makeKmFrame, pointSegmentKm, windingLink } from './lib/roads.mjs';

setLogName('build-roads');
const SEED_DIR = path.join(ROOT, 'seeds', 'data');
const OUT_DIR = path.join(SEED_DIR, 'roads');
const SCRIPT = 'scripts/build-roads.mjs';
const KEY = (s) => `roads/v1/${s}`;

const DATASETS = [
  { name: 'Kaiyang county', seed: 'kaiyang.json', out: 'kaiyang.geojson', rootCode: '520121' },
  { name: 'Sanming city', seed: 'sanming.json', out: 'sanming.geojson', rootCode: '3504' },
];

const OFF_NETWORK_PER_COUNTY = 2;
const OFF_NETWORK_KM = [1.5, 3.0]; // the range they must end up in
const OFF_NETWORK_CANDIDATES = 12; // the most isolated villages of a county, among which they are chosen
const GORGES_PER_COUNTY = 3;
const FOOTPATHS_PER_COUNTY = 2;
const SNAP_KM = 0.04; // a junction within 40 m of a vertex uses that vertex
const STREET_NAMES = ['人民路', '解放路', '建设路', '新华路', '中山路', '和平路', '胜利路', '文化路', '环城路', '滨江路', '府前路', '东风路'];

// Link styles: target ratio of road length to chord (drawn per link), vertex spacing (km), wiggle wavelength (km),
// weight of the broad bend vs. the wiggles, cap on the sideways amplitude as a fraction of the chord.
const STYLES = {
  provincial: (rng) => ({ ratio: 1.15 + 0.2 * rng(), step: 0.3, wavelength: 1.6 + 1.2 * rng(), bend: 0.35, maxAmp: 0.2 }),
  county: (rng) => ({ ratio: 1.2 + 0.25 * rng(), step: 0.25, wavelength: 1.2 + 1.0 * rng(), bend: 0.35, maxAmp: 0.25 }),
  township: (rng) => ({ ratio: 1.25 + 0.3 * rng(), step: 0.22, wavelength: 1.0 + 0.8 * rng(), bend: 0.4, maxAmp: 0.25 }),
  village: (rng) => ({ ratio: 1.2 + 0.6 * rng() ** 1.3, step: 0.15 + 0.15 * rng(), wavelength: 0.7 + 0.8 * rng(), bend: 0.3, maxAmp: 0.4, cycles: 1.5 }),
  gorge: (rng) => ({ ratio: 2.0 + 1.0 * rng(), step: 0.15 + 0.1 * rng(), wavelength: 0.8, bend: 0.8, maxAmp: 1.8 }),
  footpath: (rng) => ({ ratio: 1.15 + 0.2 * rng(), step: 0.15, wavelength: 0.5 + 0.4 * rng(), bend: 0.3, maxAmp: 0.25 }),
};

function cmpCode(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------
// One dataset
// ---------------------------------------------------------------------------------------------
function buildDataset(cfg) {
  log(`--- ${cfg.name} ---`);
  const seedText = readFileSync(path.join(SEED_DIR, cfg.seed), 'utf8');
  const doc = JSON.parse(seedText);
  assert(doc.rootCode === cfg.rootCode, `${cfg.seed}: rootCode ${doc.rootCode}, expected ${cfg.rootCode}`);
  const counties = doc.areas.filter((a) => a.level === 'COUNTY').sort((a, b) => cmpCode(a.code, b.code));
  const townships = doc.areas.filter((a) => a.level === 'TOWNSHIP').sort((a, b) => cmpCode(a.code, b.code));
  const pointById = new Map(doc.servicePoints.map((p) => [p.id, p]));
  const lats = doc.villages.map((v) => v.location[1]);
  const frame = makeKmFrame((Math.min(...lats) + Math.max(...lats)) / 2);
  const net = new RoadNet(frame, 1);
  const containsByCounty = new Map(counties.map((c) => [c.code, makeContains(c.boundary)]));
  const inside = (pos) => [...containsByCounty.values()].some((f) => f(pos));
  const stats = { outsideTries: 0, outsideKept: 0, links: [] };

  // Builds a winding road from node a to node b (both existing), styled, kept inside the dataset's counties when it
  // can be: the other side, then a straighter road, then the straight line.
  const link = (a, b, key, styleName, props, meta = {}) => {
    const rng = rngFor(KEY(`link:${key}`));
    const style = STYLES[styleName](rng);
    const A = net.km(a);
    const B = net.km(b);
    const first = rng() < 0.5 ? 1 : -1;
    const k1 = styleName === 'gorge' ? 1 : rng() < 0.3 ? 2 : 1;
    let chosen = null;
    const tries = [
      { sign: first, ratio: style.ratio },
      { sign: -first, ratio: style.ratio },
      { sign: first, ratio: 1 + (style.ratio - 1) / 2 },
      { sign: -first, ratio: 1 + (style.ratio - 1) / 2 },
      { sign: first, ratio: 1 },
    ];
    for (let i = 0; i < tries.length && !chosen; i++) {
      const t = tries[i];
      const r = windingLink(A, B, { rng: rngFor(KEY(`shape:${key}`)), ...style, ratio: t.ratio, sign: t.sign, k1 });
      const pos = r.points.map((p) => frame.fromKm(p));
      if (pos.every(inside) || i === tries.length - 1) {
        if (i > 0) stats.outsideTries++;
        if (!pos.every(inside)) stats.outsideKept++;
        chosen = { ...r, pos };
      }
    }
    const nodes = [a, ...chosen.pos.map((p) => net.node(p)), b];
    const road = net.addRoad(nodes, props, { style: styleName, key, ...meta });
    stats.links.push({ style: styleName, ratio: chosen.ratio, chordKm: Math.hypot(B[0] - A[0], B[1] - A[1]) });
    return road;
  };

  // ---- seats
  const seatInfo = new Map(); // county code -> { seatNode, seats: [{ code, node, township? }] }
  for (const c of counties) {
    const ch = pointById.get(`CH-${c.code}`);
    assert(ch && ch.kind === 'COUNTY_HALL', `no county hall CH-${c.code}`);
    assert(ch.location.join() === c.seat.join(), `CH-${c.code} is not at the county seat`);
    const seatNode = net.node(ch.location);
    const byNode = new Map([[seatNode, { code: c.code, node: seatNode, isCountySeat: true, townships: [] }]]);
    for (const t of townships.filter((t) => t.parentCode === c.code)) {
      const ts = pointById.get(`TS-${t.code}`);
      assert(ts && ts.kind === 'TOWNSHIP_STATION', `no township station TS-${t.code}`);
      const n = net.node(ts.location);
      if (!byNode.has(n)) byNode.set(n, { code: t.code, node: n, isCountySeat: false, townships: [] });
      byNode.get(n).townships.push(t.code);
    }
    seatInfo.set(c.code, { county: c, seatNode, seats: [...byNode.values()] });
  }
  const townshipSeatNode = new Map();
  for (const s of seatInfo.values()) for (const seat of s.seats) for (const t of seat.townships) townshipSeatNode.set(t, seat.node);

  // ---- county-seat streets: a 3 x 3 grid through the seat, two outer streets one-way (a couplet)
  for (const c of counties) {
    const { seatNode } = seatInfo.get(c.code);
    const rng = rngFor(KEY(`streets:${c.code}`));
    const th = rng() * (Math.PI / 2);
    const u = [Math.cos(th), Math.sin(th)];
    const v = [-Math.sin(th), Math.cos(th)];
    const off = [-(0.35 + 0.1 * rng()), 0, 0.35 + 0.1 * rng()];
    const half = 0.6 + 0.2 * rng();
    const S = net.km(seatNode);
    const at = (a, b) => [S[0] + u[0] * a + v[0] * b, S[1] + u[1] * a + v[1] * b];
    const cross = off.map((oi, i) => off.map((oj, j) => (i === 1 && j === 1 ? seatNode : net.nodeFromKm(at(oi, oj)))));
    const names = [...STREET_NAMES].map((n) => ({ n, h: hashString(`${c.code}:${n}`) })).sort((a, b) => a.h - b.h).map((x) => x.n);
    let k = 0;
    for (let j = 0; j < 3; j++) {
      // along u, at v = off[j]
      let nodes = [net.nodeFromKm(at(-half, off[j])), cross[0][j], cross[1][j], cross[2][j], net.nodeFromKm(at(half, off[j]))];
      const oneway = j !== 1;
      if (j === 2) nodes = nodes.reverse(); // the couplet runs both ways
      net.addRoad(nodes, { highway: 'residential', name: names[k++], ...(oneway ? { oneway: 'yes' } : {}), maxspeed: '30' }, { style: 'street', county: c.code });
    }
    for (let i = 0; i < 3; i++) {
      const nodes = [net.nodeFromKm(at(off[i], -half)), cross[i][0], cross[i][1], cross[i][2], net.nodeFromKm(at(off[i], half))];
      net.addRoad(nodes, { highway: 'residential', name: names[k++], maxspeed: '30' }, { style: 'street', county: c.code });
    }
  }

  // ---- trees over seats (county: seats; city: county seats)
  let sCounter = 200;
  const provincialRef = () => `S${++sCounter}`;
  // Minimum spanning tree (Prim, ties by index) + loop links; returns { tree: [[i, j]], extra: [[i, j]] }
  const spanning = (pts, extraCount) => {
    const n = pts.length;
    const d = (i, j) => Math.hypot(pts[i][0] - pts[j][0], pts[i][1] - pts[j][1]);
    const inTree = new Array(n).fill(false);
    const best = new Array(n).fill(Infinity);
    const from = new Array(n).fill(-1);
    best[0] = 0;
    const tree = [];
    for (let it = 0; it < n; it++) {
      let u = -1;
      for (let i = 0; i < n; i++) if (!inTree[i] && (u < 0 || best[i] < best[u])) u = i;
      inTree[u] = true;
      if (from[u] >= 0) tree.push([from[u], u]);
      for (let i = 0; i < n; i++) if (!inTree[i] && d(u, i) < best[i]) { best[i] = d(u, i); from[i] = u; }
    }
    // loops: repeatedly the shortest pair whose distance over the links so far is > 1.6 x straight
    const extra = [];
    const sp = () => {
      const D = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 0 : Infinity)));
      for (const [i, j] of [...tree, ...extra]) D[i][j] = D[j][i] = d(i, j);
      for (let k = 0; k < n; k++) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (D[i][k] + D[k][j] < D[i][j]) D[i][j] = D[i][k] + D[k][j];
      return D;
    };
    for (let e = 0; e < extraCount; e++) {
      const D = sp();
      let pick = null;
      for (let i = 0; i < n; i++) {
        for (let j = i + 1; j < n; j++) {
          if (D[i][j] <= 1.6 * d(i, j)) continue;
          if (!pick || d(i, j) < d(pick[0], pick[1])) pick = [i, j];
        }
      }
      if (!pick) break;
      extra.push(pick);
    }
    return { tree, extra };
  };
  // Tree edges on the paths from node 0 to the two farthest nodes (by tree distance) in different branches.
  const mainAxis = (pts, tree) => {
    const n = pts.length;
    const adj = Array.from({ length: n }, () => []);
    for (const [i, j] of tree) {
      const w = Math.hypot(pts[i][0] - pts[j][0], pts[i][1] - pts[j][1]);
      adj[i].push([j, w]);
      adj[j].push([i, w]);
    }
    const dist = new Array(n).fill(-1);
    const parent = new Array(n).fill(-1);
    const branch = new Array(n).fill(-1);
    dist[0] = 0;
    const stack = [0];
    while (stack.length) {
      const u = stack.pop();
      for (const [v, w] of adj[u]) {
        if (dist[v] >= 0) continue;
        dist[v] = dist[u] + w;
        parent[v] = u;
        branch[v] = u === 0 ? v : branch[u];
        stack.push(v);
      }
    }
    const order = [...Array(n).keys()].filter((i) => i > 0).sort((a, b) => dist[b] - dist[a] || a - b);
    const ends = [];
    for (const i of order) if (ends.length < 2 && !ends.some((e) => branch[e] === branch[i])) ends.push(i);
    const axes = ends.map((e) => {
      const edges = new Set();
      for (let v = e; v > 0; v = parent[v]) edges.add(`${Math.min(v, parent[v])}-${Math.max(v, parent[v])}`);
      return edges;
    });
    return axes;
  };

  for (const c of counties) {
    const info = seatInfo.get(c.code);
    const seats = info.seats; // [0] is the county seat
    const pts = seats.map((s) => net.km(s.node));
    const { tree, extra } = spanning(pts, Math.max(1, Math.round(seats.length / 5)));
    const axes = mainAxis(pts, tree);
    const axisRefs = axes.map(() => provincialRef());
    let x = 100;
    let y = 0;
    for (const [i, j] of tree) {
      const ek = `${Math.min(i, j)}-${Math.max(i, j)}`;
      const ax = axes.findIndex((s) => s.has(ek));
      const key = `${seats[i].code}-${seats[j].code}`;
      if (ax >= 0) {
        const ref = axisRefs[ax];
        const rng = rngFor(KEY(`props:${key}`));
        link(seats[i].node, seats[j].node, key, 'county', { highway: 'primary', name: `省道 ${ref}`, ref, ...(rng() < 0.5 ? { maxspeed: '60' } : {}) }, { county: c.code });
      } else {
        const ref = `X${++x}`;
        const rng = rngFor(KEY(`props:${key}`));
        link(seats[i].node, seats[j].node, key, 'county', { highway: 'secondary', name: `县道 ${ref}`, ref, ...(rng() < 0.3 ? { maxspeed: '40' } : {}) }, { county: c.code });
      }
    }
    for (const [i, j] of extra) {
      const ref = `Y${String(++y).padStart(3, '0')}`;
      const key = `${seats[i].code}-${seats[j].code}`;
      link(seats[i].node, seats[j].node, key, 'township', { highway: 'tertiary', name: `乡道 ${ref}`, ref }, { county: c.code });
    }
  }
  if (counties.length > 1) {
    const seats = counties.map((c) => seatInfo.get(c.code));
    const pts = seats.map((s) => net.km(s.seatNode));
    const { tree, extra } = spanning(pts, 2);
    for (const [i, j] of [...tree, ...extra]) {
      const ref = provincialRef();
      const key = `${seats[i].county.code}-${seats[j].county.code}`;
      link(seats[i].seatNode, seats[j].seatNode, key, 'provincial', { highway: 'primary', name: `省道 ${ref}`, ref, maxspeed: '60' }, { county: null });
    }
  }
  const noded1 = net.nodeCrossings();
  log(`county roads: ${net.roads.length} links, ${noded1} crossings noded`);

  // ---- village roads
  const villagesByCounty = new Map(counties.map((c) => [c.code, []]));
  for (const v of doc.villages) villagesByCounty.get(v.countyCode).push(v);
  const offNetwork = [];
  const gorges = [];
  const villageNode = new Map();
  let tracks = 0;
  // Joins village v to the network where the trip to its township seat is shortest (bestJunction: expected winding
  // K of the new road times its chord, plus the network distance from the junction to the seat, over the segments
  // not much farther than the nearest one), or to the nearest point. sd: network distances from the seat (updated).
  const K = 1.45;
  const seatDistances = (seat) => dijkstra(net.adjacency(), seat);
  const connectVillage = (v, gorgeOk, sd) => {
    const vn = net.node(v.location);
    villageNode.set(v.code, vn);
    if (net.used.has(vn)) return;
    const P = net.km(vn);
    const near = net.nearest(P);
    const R = Math.max(1.5 * near.d, near.d + 1.0);
    const j = net.bestJunction(P, (n) => sd[n] ?? Infinity, K, R, SNAP_KM) ?? net.junctionNear(P, SNAP_KM);
    if (!Number.isFinite(sd[j.node] ?? Infinity)) {
      // a vertex inserted into a road: its distance from its neighbours there
      const ns = j.road.nodes;
      const i = ns.indexOf(j.node);
      const via = [ns[i - 1], ns[i + 1]].filter((n) => n !== undefined && Number.isFinite(sd[n] ?? Infinity));
      if (via.length) sd[j.node] = Math.min(...via.map((n) => sd[n] + haversineKm(net.pos(n), net.pos(j.node))));
    }
    const chord = Math.hypot(net.x[vn] - net.x[j.node], net.y[vn] - net.y[j.node]);
    const rng = rngFor(KEY(`village:${v.code}`));
    const seatKm = haversineKm(v.location, net.pos(townshipSeatNode.get(v.townshipCode)));
    let highway = 'unclassified';
    if (isCommunity(v.name)) highway = 'residential';
    else if (rng() < (seatKm > 7 ? 0.5 : 0.12)) highway = 'track';
    if (highway === 'track') tracks++;
    const style = gorgeOk && chord >= 0.8 ? 'gorge' : 'village';
    if (style === 'gorge') gorges.push(v.code);
    const props = { highway, name: '村道', ...(highway === 'unclassified' && rng() < 0.1 ? { maxspeed: '30' } : {}) };
    const road = link(j.node, vn, `village:${v.code}`, style, props, { village: v.code, county: v.countyCode, ...(style === 'gorge' ? { noNode: true } : {}) });
    // the new road is a dead end: its vertices' distances run on from the junction
    if (Number.isFinite(sd[j.node] ?? Infinity)) {
      let d = sd[j.node];
      for (let i = 1; i < road.nodes.length; i++) {
        d += haversineKm(net.pos(road.nodes[i - 1]), net.pos(road.nodes[i]));
        sd[road.nodes[i]] = d;
      }
    }
  };
  for (const c of counties) {
    const vs = villagesByCounty.get(c.code);
    const seatDist = new Map(vs.map((v) => [v.code, haversineKm(v.location, net.pos(townshipSeatNode.get(v.townshipCode)))]));
    // isolation: distance to the nearest other village or seat of the county
    const others = [...vs.map((v) => v.location), ...seatInfo.get(c.code).seats.map((s) => net.pos(s.node))];
    const isolation = new Map(vs.map((v) => [v.code, Math.min(...others.filter((o) => o !== v.location).map((o) => haversineKm(v.location, o)))]));
    const candidates = [...vs].sort((a, b) => isolation.get(b.code) - isolation.get(a.code) || cmpCode(a.code, b.code)).slice(0, OFF_NETWORK_CANDIDATES);
    const candSet = new Set(candidates.map((v) => v.code));
    const gorgeRank = new Set(
      vs.filter((v) => !candSet.has(v.code) && !isCommunity(v.name))
        .map((v) => ({ v, h: hashString(`gorge:${v.code}`) }))
        .sort((a, b) => a.h - b.h || cmpCode(a.v.code, b.v.code))
        .slice(0, 12)
        .map((x) => x.v.code),
    );
    let gorgeCount = 0;
    // township by township (code order), villages in order of distance from their seat
    for (const t of townships.filter((t) => t.parentCode === c.code)) {
      const order = vs.filter((v) => v.townshipCode === t.code && !candSet.has(v.code))
        .sort((a, b) => seatDist.get(a.code) - seatDist.get(b.code) || cmpCode(a.code, b.code));
      if (!order.length) continue;
      const sd = seatDistances(townshipSeatNode.get(t.code));
      for (const v of order) {
        const before = gorges.length;
        connectVillage(v, gorgeRank.has(v.code) && gorgeCount < GORGES_PER_COUNTY, sd);
        gorgeCount += gorges.length - before;
      }
    }
    // The most isolated villages were left out so far. The two farthest from the network (at least 1.5 km) stay off
    // it; the others are connected, and if one of their roads comes within 1.5 km of a chosen one, that one is
    // connected too and the next farthest chosen. A chosen village more than 3 km out gets a track that stops
    // 1.6-2.8 km short of it.
    const pending = new Map(candidates.map((v) => [v.code, v]));
    const sdByTownship = new Map();
    const sdOf = (t) => {
      if (!sdByTownship.has(t)) sdByTownship.set(t, seatDistances(townshipSeatNode.get(t)));
      return sdByTownship.get(t);
    };
    const gap = (v) => net.nearest(net.km(net.node(v.location))).d;
    for (;;) {
      const ranked = [...pending.values()].map((v) => ({ v, d: gap(v) })).sort((a, b) => b.d - a.d || cmpCode(a.v.code, b.v.code));
      const chosen = ranked.filter((x) => x.d >= OFF_NETWORK_KM[0] + 0.05).slice(0, OFF_NETWORK_PER_COUNTY).map((x) => x.v);
      const rest = [...pending.values()].filter((v) => !chosen.includes(v));
      if (!rest.length) break;
      for (const v of rest) {
        connectVillage(v, false, sdOf(v.townshipCode));
        pending.delete(v.code);
      }
    }
    for (const v of [...pending.values()].sort((a, b) => cmpCode(a.code, b.code))) {
      const vn = net.node(v.location);
      const entry = { code: v.code, name: v.name, townshipCode: v.townshipCode };
      if (gap(v) > OFF_NETWORK_KM[1] - 0.05) {
        const j = net.junctionNear(net.km(vn), SNAP_KM);
        const J = net.km(j.node);
        const V = net.km(vn);
        const L = Math.hypot(J[0] - V[0], J[1] - V[1]);
        // the track's end: 1.6-2.8 km from the village towards the junction, inside the area; else the same distances
        // in directions turned up to 60° either way, keeping the straight track ≥ 1.55 km from the village
        const d0 = 1.6 + 1.2 * rngFor(KEY(`off:${v.code}`))();
        const ds = [d0, ...Array.from({ length: 13 }, (_, i) => 1.6 + 0.1 * i).sort((a, b) => Math.abs(a - d0) - Math.abs(b - d0) || a - b)];
        const base = Math.atan2(J[1] - V[1], J[0] - V[0]);
        const at = (d, turn) => [V[0] + d * Math.cos(base + turn), V[1] + d * Math.sin(base + turn)];
        let E = at(d0, 0);
        search: for (const deg of [0, 10, -10, 20, -20, 30, -30, 40, -40, 50, -50, 60, -60]) {
          for (const d of ds) {
            const e = at(d, (deg * Math.PI) / 180);
            if (inside(frame.fromKm(e)) && closestOnSegment(V, J, e).d >= OFF_NETWORK_KM[0] + 0.05) {
              E = e;
              break search;
            }
          }
        }
        link(j.node, net.nodeFromKm(E), `trailhead:${v.code}`, 'village', { highway: 'track', name: '林道' }, { county: c.code, trailheadFor: v.code });
        entry.trailhead = true;
      }
      offNetwork.push(entry);
    }
    if (pending.size < OFF_NETWORK_PER_COUNTY) log(`  note: ${c.code}: only ${pending.size} village(s) can be left off the network`);
  }
  const noded2 = net.nodeCrossings();
  log(`village roads: ${net.roads.length} roads in all, ${noded2} crossings noded, ${gorges.length} gorge detours, ${offNetwork.length} villages off the network`);

  // ---- footpaths: per county, between villages close as the crow flies but far apart by road
  {
    const adj = net.adjacency();
    const skip = new Set([...gorges, ...offNetwork.map((o) => o.code)]);
    let added = 0;
    for (const c of counties) {
      const offLocs = offNetwork.map((o) => doc.villages.find((x) => x.code === o.code).location);
      const vs = villagesByCounty.get(c.code).filter((v) => !skip.has(v.code) && offLocs.every((l) => haversineKm(l, v.location) > 3.2));
      const pairs = [];
      for (const a of vs) {
        const near = vs.filter((b) => b.code > a.code && haversineKm(a.location, b.location) >= 0.4 && haversineKm(a.location, b.location) <= 1.5);
        if (!near.length) continue;
        const dist = dijkstraWithin(adj, villageNode.get(a.code), 6);
        for (const b of near) {
          const s = haversineKm(a.location, b.location);
          const r = (dist.get(villageNode.get(b.code)) ?? Infinity) / s;
          if (r > 3.5) pairs.push({ a, b, r: Math.min(r, 99), s });
        }
      }
      pairs.sort((p, q) => q.r - p.r || cmpCode(p.a.code, q.a.code) || cmpCode(p.b.code, q.b.code));
      const usedV = new Set();
      let n = 0;
      for (const p of pairs) {
        if (n >= FOOTPATHS_PER_COUNTY) break;
        if (usedV.has(p.a.code) || usedV.has(p.b.code)) continue;
        usedV.add(p.a.code);
        usedV.add(p.b.code);
        link(villageNode.get(p.a.code), villageNode.get(p.b.code), `path:${p.a.code}-${p.b.code}`, 'footpath', { highway: 'path' }, { county: c.code });
        n++;
        added++;
      }
    }
    const noded3 = net.nodeCrossings();
    log(`footpaths: ${added}, ${noded3} more crossings noded`);
  }

  // ---- checks
  const adj = net.adjacency();
  // connected (over every vertex of every road)
  {
    const start = net.roads[0].nodes[0];
    const seen = new Set([start]);
    const stack = [start];
    while (stack.length) {
      const u = stack.pop();
      const e = adj[u];
      for (let k = 0; k < e.length; k += 2) if (!seen.has(e[k])) { seen.add(e[k]); stack.push(e[k]); }
    }
    assert(seen.size === net.used.size, `${cfg.name}: network not connected (${seen.size} of ${net.used.size} vertices reached)`);
  }
  const offSet = new Set(offNetwork.map((o) => o.code));
  for (const v of doc.villages) {
    const vn = net.node(v.location);
    if (!offSet.has(v.code)) assert(net.used.has(vn), `village ${v.code} is not a vertex of the network`);
  }
  for (const o of offNetwork) {
    const v = doc.villages.find((x) => x.code === o.code);
    let best = Infinity;
    for (const r of net.roads) for (let i = 0; i + 1 < r.nodes.length; i++) best = Math.min(best, pointSegmentKm(v.location, net.pos(r.nodes[i]), net.pos(r.nodes[i + 1])));
    o.distanceKm = Math.round(best * 1000) / 1000;
    assert(best >= OFF_NETWORK_KM[0] && best <= OFF_NETWORK_KM[1], `off-network village ${o.code} is ${best.toFixed(3)} km from the network`);
  }
  for (const r of net.roads) {
    for (const n of r.nodes) assert(net.lon[n] > 73 && net.lon[n] < 135 && net.lat[n] > 18 && net.lat[n] < 54, `vertex outside China's range`);
    for (let i = 0; i + 1 < r.nodes.length; i++) assert(r.nodes[i] !== r.nodes[i + 1], 'repeated vertex');
  }
  let outsideVertices = 0;
  for (const n of net.used) if (!inside(net.pos(n))) outsideVertices++;

  // ---- village -> township seat over the network
  const ratios = [];
  {
    const byTownship = new Map();
    for (const v of doc.villages) if (!offSet.has(v.code)) {
      if (!byTownship.has(v.townshipCode)) byTownship.set(v.townshipCode, []);
      byTownship.get(v.townshipCode).push(v);
    }
    for (const [t, vs] of [...byTownship].sort((a, b) => cmpCode(a[0], b[0]))) {
      const seat = townshipSeatNode.get(t);
      const dist = dijkstra(adj, seat);
      for (const v of vs) {
        const s = haversineKm(v.location, net.pos(seat));
        if (s < 0.2) continue;
        ratios.push(dist[villageNode.get(v.code)] / s);
      }
    }
  }
  const mean = (a) => a.reduce((s, x) => s + x, 0) / a.length;
  const villageLinks = stats.links.filter((l) => l.style === 'village' && l.chordKm > 0.3);

  // ---- output
  const byClass = {};
  let vertices = 0;
  let km = 0;
  const features = net.roads.map((r, i) => {
    const len = net.lengthKm(r);
    km += len;
    vertices += r.nodes.length;
    const c = (byClass[r.props.highway] ??= { features: 0, km: 0 });
    c.features++;
    c.km += len;
    return { type: 'Feature', id: i + 1, properties: { ...r.props, synthetic: true }, geometry: { type: 'LineString', coordinates: r.nodes.map((n) => net.pos(n)) } };
  });
  const summary = {
    features: features.length,
    vertices,
    distinctVertices: net.used.size,
    km: Math.round(km * 10) / 10,
    byClass: Object.fromEntries(Object.entries(byClass).sort().map(([k, v]) => [k, { features: v.features, km: Math.round(v.km * 10) / 10 }])),
    meanVillageRoadRatio: Math.round(mean(villageLinks.map((l) => l.ratio)) * 1000) / 1000,
    meanVillageToSeatRatio: Math.round(mean(ratios) * 1000) / 1000,
    gorgeRatios: stats.links.filter((l) => l.style === 'gorge').map((l) => Math.round(l.ratio * 100) / 100),
    tracks,
    oneway: features.filter((f) => f.properties.oneway === 'yes').length,
    outsideVertices,
    linksMovedToStayInside: stats.outsideTries,
    linksLeavingTheArea: stats.outsideKept,
  };
  const collectionProps = {
    name: `${cfg.name}: synthetic road network`,
    rootCode: cfg.rootCode,
    synthetic: true,
    description:
      'SYNTHETIC roads, not survey data: generated deterministically by scripts/build-roads.mjs from the synthetic village and ' +
      'township-seat locations of the seed file, so that the ROAD travel model has a network to run on. Do not present them as real roads.',
    generatedBy: SCRIPT,
    seed: `seeds/data/${cfg.seed}`,
    seedSha256: createHash('sha256').update(seedText).digest('hex'),
    offNetworkVillages: offNetwork.map((o) => ({ code: o.code, distanceKm: o.distanceKm, trailhead: !!o.trailhead })),
    gorgeVillages: [...gorges].sort(),
    counts: { features: summary.features, vertices: summary.vertices, km: summary.km },
  };
  const text =
    `{"type":"FeatureCollection",\n"properties":${JSON.stringify(collectionProps)},\n"features":[\n` +
    features.map((f) => JSON.stringify(f)).join(',\n') +
    '\n]}\n';
  JSON.parse(text);
  return { text, summary, offNetwork };
}

function main() {
  mkdirSync(OUT_DIR, { recursive: true });
  const results = [];
  for (const cfg of DATASETS) {
    const r = buildDataset(cfg);
    const out = path.join(OUT_DIR, cfg.out);
    writeFileSync(out, r.text);
    const bytes = Buffer.byteLength(r.text);
    log(`wrote ${path.relative(ROOT, out)} (${(bytes / 1024).toFixed(0)} KiB)`);
    results.push({ cfg, ...r, bytes });
  }
  console.log('\n===== summary =====');
  for (const { cfg, summary, offNetwork, bytes } of results) {
    console.log(`${cfg.name} (${cfg.out}, ${(bytes / 1024).toFixed(0)} KiB): ${JSON.stringify(summary)}`);
    console.log(`  off the network: ${offNetwork.map((o) => `${o.code} ${o.name} ${o.distanceKm} km${o.trailhead ? ' (track stops short)' : ''}`).join('; ')}`);
  }
  log('done');
}

main();
