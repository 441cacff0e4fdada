import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { isInMainlandChina } from '../../../src/geo/is-in-mainland-china';
import { ROAD_CLASSES } from '../../../src/travel/road-speeds';

/**
 * The committed synthetic road networks (seeds/data/roads/*.geojson, written by scripts/build-roads.mjs from the seed
 * files): valid OSM-like LineStrings, one connected network per dataset, every village on it but the declared
 * off-network ones (1–3 km away), and roads that wind like roads on hilly ground (village → township seat over the
 * network 1.15–2.5 times the straight line on average).
 */

type Pos = [number, number];

interface RoadFeature {
  type: string;
  id?: number;
  properties: Record<string, unknown>;
  geometry: { type: string; coordinates: Pos[] };
}
interface RoadCollection {
  type: string;
  properties: {
    synthetic: boolean;
    rootCode: string;
    seedSha256: string;
    offNetworkVillages: { code: string; distanceKm: number }[];
    gorgeVillages: string[];
  };
  features: RoadFeature[];
}
interface SeedDoc {
  rootCode: string;
  areas: { code: string; level: string; parentCode: string | null }[];
  villages: { code: string; townshipCode: string; countyCode: string; location: Pos }[];
  servicePoints: { id: string; kind: string; areaCode: string; location: Pos }[];
}

const DATA = path.join(__dirname, '..', '..', '..', 'seeds', 'data');
const DATASETS = [
  { name: 'kaiyang', rootCode: '520121', counties: 1 },
  { name: 'sanming', rootCode: '3504', counties: 11 },
];

const key = (p: Pos): string => `${p[0]},${p[1]}`;
const RAD = Math.PI / 180;
function haversineKm(a: Pos, b: Pos): number {
  const dLat = (b[1] - a[1]) * RAD;
  const dLon = (b[0] - a[0]) * RAD;
  const s = Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * RAD) * Math.cos(b[1] * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371.0088 * Math.asin(Math.min(1, Math.sqrt(s)));
}
/** km from p to segment ab, in an equirectangular frame at p's latitude. */
function pointSegmentKm(p: Pos, a: Pos, b: Pos): number {
  const kx = 111.32 * Math.cos(p[1] * RAD);
  const ky = 110.574;
  const ax = (a[0] - p[0]) * kx;
  const ay = (a[1] - p[1]) * ky;
  const bx = (b[0] - p[0]) * kx;
  const by = (b[1] - p[1]) * ky;
  const dx = bx - ax;
  const dy = by - ay;
  const l2 = dx * dx + dy * dy;
  const t = l2 > 0 ? Math.max(0, Math.min(1, -(ax * dx + ay * dy) / l2)) : 0;
  return Math.hypot(ax + t * dx, ay + t * dy);
}

/** The vertex graph: every vertex a node, consecutive vertices of a road an edge (km). */
class VertexGraph {
  readonly ids = new Map<string, number>();
  readonly adj: number[][] = [];
  constructor(features: RoadFeature[]) {
    for (const f of features) {
      const c = f.geometry.coordinates;
      for (let i = 0; i + 1 < c.length; i++) {
        const a = this.id(c[i]);
        const b = this.id(c[i + 1]);
        const w = haversineKm(c[i], c[i + 1]);
        this.adj[a].push(b, w);
        this.adj[b].push(a, w);
      }
    }
  }
  private id(p: Pos): number {
    const k = key(p);
    let id = this.ids.get(k);
    if (id === undefined) {
      id = this.adj.length;
      this.ids.set(k, id);
      this.adj.push([]);
    }
    return id;
  }
  components(): number {
    const seen = new Uint8Array(this.adj.length);
    let n = 0;
    for (let s = 0; s < this.adj.length; s++) {
      if (seen[s]) continue;
      n++;
      seen[s] = 1;
      const stack = [s];
      while (stack.length) {
        const u = stack.pop()!;
        const e = this.adj[u];
        for (let k = 0; k < e.length; k += 2) {
          if (!seen[e[k]]) {
            seen[e[k]] = 1;
            stack.push(e[k]);
          }
        }
      }
    }
    return n;
  }
  /** Plain Dijkstra with a binary heap. */
  distancesFrom(source: number): Float64Array {
    const dist = new Float64Array(this.adj.length).fill(Infinity);
    dist[source] = 0;
    const hk: number[] = [0];
    const hv: number[] = [source];
    const push = (k: number, v: number): void => {
      let i = hk.length;
      hk.push(k);
      hv.push(v);
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (hk[p] <= k) break;
        hk[i] = hk[p];
        hv[i] = hv[p];
        i = p;
      }
      hk[i] = k;
      hv[i] = v;
    };
    const pop = (): [number, number] => {
      const top: [number, number] = [hk[0], hv[0]];
      const lk = hk.pop()!;
      const lv = hv.pop()!;
      if (hk.length) {
        let i = 0;
        for (;;) {
          const l = 2 * i + 1;
          if (l >= hk.length) break;
          const c = l + 1 < hk.length && hk[l + 1] < hk[l] ? l + 1 : l;
          if (hk[c] >= lk) break;
          hk[i] = hk[c];
          hv[i] = hv[c];
          i = c;
        }
        hk[i] = lk;
        hv[i] = lv;
      }
      return top;
    };
    while (hk.length) {
      const [d, u] = pop();
      if (d > dist[u]) continue;
      const e = this.adj[u];
      for (let k = 0; k < e.length; k += 2) {
        const nd = d + e[k + 1];
        if (nd < dist[e[k]]) {
          dist[e[k]] = nd;
          push(nd, e[k]);
        }
      }
    }
    return dist;
  }
}

describe.each(DATASETS)('synthetic roads: $name', ({ name, rootCode, counties }) => {
  const file = path.join(DATA, 'roads', `${name}.geojson`);
  const seedText = readFileSync(path.join(DATA, `${name}.json`), 'utf8');
  const seed = JSON.parse(seedText) as SeedDoc;
  const fc = JSON.parse(readFileSync(file, 'utf8')) as RoadCollection;
  const graph = new VertexGraph(fc.features);
  const offNetwork = new Map(fc.properties.offNetworkVillages.map((o) => [o.code, o]));

  it('is a synthetic FeatureCollection made from the current seed file, under 4 MB', () => {
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.properties.synthetic).toBe(true);
    expect(fc.properties.rootCode).toBe(rootCode);
    expect(seed.rootCode).toBe(rootCode);
    // stale roads (seed file regenerated with other locations): run `npm run roads:build`
    expect(fc.properties.seedSha256).toBe(createHash('sha256').update(seedText).digest('hex'));
    expect(statSync(file).size).toBeLessThan(4 * 1024 * 1024);
  });

  it('has only valid LineStrings of OSM-like roads inside mainland China', () => {
    // problems collected and compared once: tens of thousands of vertices
    const classes = new Set<string>(ROAD_CLASSES);
    const problems: string[] = [];
    expect(fc.features.length).toBeGreaterThan(0);
    for (const f of fc.features) {
      const bad = (what: string): number => problems.push(`feature ${f.id}: ${what}`);
      if (f.type !== 'Feature' || f.geometry?.type !== 'LineString') bad('not a LineString feature');
      const c = f.geometry.coordinates;
      if (!Array.isArray(c) || c.length < 2) bad('fewer than 2 vertices');
      for (const p of c) {
        const [lon, lat] = p;
        if (p.length !== 2 || !Number.isFinite(lon) || !Number.isFinite(lat)) bad(`position ${JSON.stringify(p)}`);
        else if (!(lon > 73 && lon < 135 && lat > 18 && lat < 54)) bad(`outside lon 73–135 / lat 18–54: ${key(p)}`);
        else if (!isInMainlandChina(lon, lat)) bad(`outside mainland China: ${key(p)}`);
        if (Math.round(lon * 1e6) / 1e6 !== lon || Math.round(lat * 1e6) / 1e6 !== lat) bad(`more than 6 decimals: ${key(p)}`);
      }
      for (let i = 0; i + 1 < c.length; i++) if (key(c[i]) === key(c[i + 1])) bad(`repeated vertex ${key(c[i])}`);
      if (!classes.has(f.properties.highway as string)) bad(`highway ${String(f.properties.highway)} not in ROAD_CLASSES`);
      if (f.properties.synthetic !== true) bad('not marked synthetic');
      if (f.properties.oneway !== undefined && f.properties.oneway !== 'yes') bad(`oneway ${String(f.properties.oneway)}`);
      if (f.properties.maxspeed !== undefined && !/^[1-9][0-9]*$/.test(String(f.properties.maxspeed))) bad(`maxspeed ${String(f.properties.maxspeed)}`);
    }
    expect(problems.slice(0, 20)).toEqual([]);
  });

  it('has the classes of a rural network, a few one-way streets and named county roads', () => {
    const count = (h: string): number => fc.features.filter((f) => f.properties.highway === h).length;
    for (const h of ['primary', 'secondary', 'tertiary', 'unclassified', 'residential', 'track']) expect(count(h)).toBeGreaterThan(0);
    const oneway = fc.features.filter((f) => f.properties.oneway === 'yes');
    expect(oneway.length).toBe(2 * counties);
    expect(oneway.every((f) => f.properties.highway === 'residential')).toBe(true);
    expect(fc.features.filter((f) => f.properties.highway === 'secondary').every((f) => /^县道 X\d{3}$/.test(f.properties.name as string))).toBe(true);
  });

  it('is one connected network (every vertex a node)', () => {
    expect(graph.components()).toBe(1);
  });

  it('has every village on it as a vertex, but for two per county left 1–3 km off it', () => {
    expect(offNetwork.size).toBe(2 * counties);
    const villageCodes = new Set(seed.villages.map((v) => v.code));
    for (const code of offNetwork.keys()) expect(villageCodes.has(code)).toBe(true);
    const perCounty = new Map<string, number>();
    for (const code of offNetwork.keys()) perCounty.set(code.slice(0, 6), (perCounty.get(code.slice(0, 6)) ?? 0) + 1);
    expect([...perCounty.values()].every((n) => n === 2)).toBe(true);

    const missing = seed.villages.filter((v) => !offNetwork.has(v.code) && !graph.ids.has(key(v.location))).map((v) => v.code);
    expect(missing).toEqual([]);
    for (const v of seed.villages.filter((x) => offNetwork.has(x.code))) {
      expect(graph.ids.has(key(v.location))).toBe(false);
      let best = Infinity;
      for (const f of fc.features) {
        const c = f.geometry.coordinates;
        for (let i = 0; i + 1 < c.length; i++) best = Math.min(best, pointSegmentKm(v.location, c[i], c[i + 1]));
      }
      expect(best).toBeGreaterThanOrEqual(1);
      expect(best).toBeLessThanOrEqual(3);
      expect(Math.abs(best - offNetwork.get(v.code)!.distanceKm)).toBeLessThan(0.02);
    }
  });

  it('joins roads at shared vertices: every county hall and township station is on the network', () => {
    for (const p of seed.servicePoints.filter((x) => x.kind === 'COUNTY_HALL' || x.kind === 'TOWNSHIP_STATION')) {
      expect(graph.ids.has(key(p.location))).toBe(true);
    }
  });

  it('winds: village → township seat over the network is 1.15–2.5 times the straight line on average', () => {
    const seatOf = new Map(seed.servicePoints.filter((p) => p.kind === 'TOWNSHIP_STATION').map((p) => [p.areaCode, p.location]));
    const byTownship = new Map<string, SeedDoc['villages']>();
    for (const v of seed.villages) {
      if (offNetwork.has(v.code)) continue;
      if (!byTownship.has(v.townshipCode)) byTownship.set(v.townshipCode, []);
      byTownship.get(v.townshipCode)!.push(v);
    }
    const ratios: number[] = [];
    for (const [t, vs] of byTownship) {
      const seat = seatOf.get(t)!;
      const dist = graph.distancesFrom(graph.ids.get(key(seat))!);
      for (const v of vs) {
        const straight = haversineKm(v.location, seat);
        if (straight < 0.2) continue;
        const d = dist[graph.ids.get(key(v.location))!];
        expect(Number.isFinite(d)).toBe(true);
        expect(d).toBeGreaterThanOrEqual(straight * 0.999);
        ratios.push(d / straight);
      }
    }
    const mean = ratios.reduce((s, r) => s + r, 0) / ratios.length;
    expect(ratios.length).toBeGreaterThan(seed.villages.length * 0.8);
    expect(mean).toBeGreaterThanOrEqual(1.15);
    expect(mean).toBeLessThanOrEqual(2.5);
  });
});
