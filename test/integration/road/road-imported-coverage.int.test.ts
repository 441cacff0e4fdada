import path from 'node:path';
import { Role } from '../../../src/common/role.enum';
import type { Viewer } from '../../../src/common/viewer';
import type { TravelConfig } from '../../../src/config/config';
import { RoadImportService, type RoadImportReport } from '../../../src/road/road-import.service';
import { RoadRepository } from '../../../src/road/road.repository';
import { DEFAULT_JOIN_SLACK_METERS, DEFAULT_MAX_JOINS, DEFAULT_MAX_MINUTES, DEFAULT_MAX_POINT_SNAP_METERS } from '../../../src/travel/road.model';
import { DEFAULT_ROAD_SPEEDS, type RoadClass } from '../../../src/travel/road-speeds';
import type { TravelModeName } from '../../../src/travel/travel-model';
import { createTestApp, type TestApp } from '../../helpers/test-app';

/**
 * `travelModel: ROAD` on a network imported from an OSM PBF file (test/fixtures/road/kaiyang-roads.osm.pbf, through
 * RoadImportService, the path `npm run roads -- import` takes) rather than the seeds' synthetic ones, on whichever
 * database the run uses (the embedded one and the PostgreSQL server). The running app routes on the new roads
 * once the import's data version is read, and every coverage question answers over them: coverage per village
 * (minutes, nearest point, off-network flag), gaps, whereToHandle, the delegation matrix, a point's isochrone,
 * compareCoverage with a scenario and suggestSites, each labelled with the imported network and the data version.
 *
 * The minutes are checked against an independent computation written here: a plain Dijkstra (binary heap) over
 * the road_edge rows as stored, per mode with the speed table (src/travel/road-speeds, the only thing taken from
 * the engine's routing besides its limits and the join rule's two numbers), and the joins to the network done by
 * PostGIS: each village and each counted point joins the usable (not ferry) edges whose geodesic distance
 * (`ST_Distance` on geography) is within DEFAULT_JOIN_SLACK_METERS of its nearest one's and within its limit, the
 * DEFAULT_MAX_JOINS nearest of them (ties: the smaller id), each at the fraction `ST_LineLocatePoint` gives in the
 * place's UTM zone, walking the distance at the off-road pace; a route takes the best pair of joins (its Dijkstra
 * starts from all of the village's). Villages with no usable edge within ROAD_MAX_OFF_ROAD_METERS take the straight
 * line (geodesic metres × detour ÷ the mode's speed) to every counted point.
 *
 * The seeded networks (520121's synthetic one; 3504's is not touched) are copied aside first and put back after.
 */

const AREA = '520121';
const TOUCHED = [AREA];
const FIXTURE = path.resolve(__dirname, '../../fixtures/road/kaiyang-roads.osm.pbf');
const ITEM = 'CHRONIC_DISEASE_CERT';
const BUDGET = 15;
const MODES: TravelModeName[] = ['WALK', 'BICYCLE', 'EBIKE', 'CAR'];
const VIEWER: Viewer = { kind: 'api-key', keyId: null, name: 'imported roads test', roles: [Role.READER, Role.PLANNER], areaCodes: [AREA] };

/**
 * Tolerance: 0.01 min + 0.2 % of the minutes (as road-pgrouting-imported.int.test.ts). The engine measures off-road
 * legs, straight lines and fractions along ways with cheap-ruler at the place's latitude; the reference with PostGIS:
 * spheroid distances, and fractions located in the place's UTM zone (conformal metres; on the lon/lat geometry itself
 * they would be off by per cents on bent ways, a degree of longitude being 0.89 of one of latitude here). Both take
 * each edge's stored length_m. Neither side rounds. Seen on this fixture: at most 0.012 min (a 114-minute straight
 * line, 0.011 %), relatively at most 0.04 % (0.004 min over 11 min).
 */
const ABS_TOLERANCE = 0.01;
const REL_TOLERANCE = 0.002;
const tolerance = (minutes: number) => ABS_TOLERANCE + REL_TOLERANCE * minutes;
const near = (a: number, b: number) => Math.abs(a - b) <= tolerance(Math.max(a, b));

/**
 * No village of the fixture's surroundings lies within this of the off-road limit from its nearest usable road (checked
 * below), so the two measures cannot disagree on which side of it a village is.
 */
const LIMIT_MARGIN_METERS = 20;

/**
 * No place has an edge within this of the join slack's edge (its nearest + DEFAULT_JOIN_SLACK_METERS), nor, when more
 * than DEFAULT_MAX_JOINS edges are within the slack, a next edge within this of the last one joined (checked below):
 * both measures join the same edges. 1 m + 0.1 % of the distance: cheap-ruler is within 0.05 % of the geodesic here.
 */
const joinMargin = (meters: number) => 1 + 0.001 * meters;

/**
 * The villages within the off-road limit of the fixture's roads, per mode (kaiyang-roads.osm was drawn for them; the
 * others of Kaiyang's 136, 106 to 109, are off the network). 群兴村 lies at the end of a footway (walkers and cyclists
 * only), 白安营村 of a path (not for cars); 东兴社区, 东山村, 大荆村 and 卡比村 are within a kilometre of the
 * expressway and its link only (cars only); 六块碑社区 is 30 m from steps (walkers) and 790 m from the street above them.
 */
const ON_EVERY_MODE = [
  '520121001001', '520121001002', '520121001004', '520121001005', '520121001006', '520121001200', '520121001201',
  '520121002001', '520121002003', '520121002004', '520121002005', '520121002006', '520121002007', '520121002008', '520121002200',
  '520121002202', '520121002203', '520121003001', '520121003201', '520121003202', '520121105001', '520121105200', '520121105209',
  '520121107202', '520121200201', '520121200203',
];
const ON_NETWORK: Record<TravelModeName, string[]> = {
  WALK: [...ON_EVERY_MODE, '520121003200', '520121001202'].sort(),
  BICYCLE: [...ON_EVERY_MODE, '520121003200', '520121001202'].sort(),
  EBIKE: [...ON_EVERY_MODE, '520121001202'].sort(),
  CAR: [...ON_EVERY_MODE, '520121002002', '520121002201', '520121105202', '520121105207'].sort(),
};

interface Place {
  readonly key: string;
  readonly lon: number;
  readonly lat: number;
}

interface RefVillage extends Place {
  readonly population: number;
}

/** Where a place joins the network: edge (index into the reference's edges), fraction from its source, off-road metres. */
interface Join {
  readonly edge: number;
  readonly fraction: number;
  readonly offMeters: number;
}

/** Minutes to walk `meters` off the roads. */
const walk = (meters: number) => meters / ((DEFAULT_ROAD_SPEEDS.offRoadWalkKmh * 1000) / 60);

interface RefEdge {
  readonly id: string;
  readonly source: number;
  readonly target: number;
  readonly highway: RoadClass;
  readonly oneway: number;
  readonly lengthM: number;
  readonly maxspeedKmh: number | null;
  readonly ferryMinutes: number | null;
}

/** Minutes from a village to the nearest of some points: which, and to every point reached. */
interface Nearest {
  readonly minutes: number;
  readonly id: string | null;
  readonly all: Map<string, number>;
}

type Query = <T>(sql: string, params?: unknown[]) => Promise<T[]>;

/** A binary min-heap of (key, node). */
class Heap {
  private readonly keys: number[] = [];
  private readonly nodes: number[] = [];

  get size(): number {
    return this.keys.length;
  }

  push(key: number, node: number): void {
    let i = this.keys.length;
    this.keys.push(key);
    this.nodes.push(node);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.keys[parent]! <= key) break;
      this.keys[i] = this.keys[parent]!;
      this.nodes[i] = this.nodes[parent]!;
      i = parent;
    }
    this.keys[i] = key;
    this.nodes[i] = node;
  }

  pop(): [number, number] {
    const top: [number, number] = [this.keys[0]!, this.nodes[0]!];
    const key = this.keys.pop()!;
    const node = this.nodes.pop()!;
    const n = this.keys.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const c = l + 1 < n && this.keys[l + 1]! < this.keys[l]! ? l + 1 : l;
        if (this.keys[c]! >= key) break;
        this.keys[i] = this.keys[c]!;
        this.nodes[i] = this.nodes[c]!;
        i = c;
      }
      this.keys[i] = key;
      this.nodes[i] = node;
    }
    return top;
  }
}

/** The reference computation on the stored network (see the file's comment). */
class Reference {
  /** Per mode, kind and key: the place's joins, nearest first (empty: off the network). */
  private readonly joins = new Map<string, Join[]>();
  /** Places whose joins the two measures might choose differently (see LIMIT_MARGIN_METERS), with why. */
  readonly ambiguousJoins: string[] = [];
  /** Metres from each village to its nearest usable road within the limit + 5 km (Infinity beyond), per mode. */
  readonly nearestRoadMeters = new Map<string, number>();
  private readonly straightMeters = new Map<string, number>();
  private readonly labels = new Map<string, Float64Array>();
  private readonly edgeMinutes = new Map<TravelModeName, Float64Array>();
  private readonly adjacency = new Map<TravelModeName, { to: number; edge: number }[][]>();

  private constructor(
    private readonly query: Query,
    private readonly travel: TravelConfig,
    readonly villages: readonly RefVillage[],
    readonly edges: readonly RefEdge[],
    private readonly nodeCount: number,
  ) {}

  static async load(query: Query, travel: TravelConfig): Promise<Reference> {
    const villages = (await query<{ code: string; lon: number; lat: number; population: number }>(
      `SELECT code, ST_X(location::geometry) AS lon, ST_Y(location::geometry) AS lat, population FROM village WHERE county_code = $1 ORDER BY code`,
      [AREA],
    )).map((v) => ({ key: v.code, lon: Number(v.lon), lat: Number(v.lat), population: Number(v.population) }));
    // Every stored edge (the engine routes on all networks joined; the other areas' are disjoint from Kaiyang's).
    const rows = await query<{ id: string; source: string; target: string; highway: RoadClass; oneway: number; length_m: number; maxspeed_kmh: number | null; ferry_minutes: number | null }>(
      `SELECT id::text AS id, source::text AS source, target::text AS target, highway, oneway, length_m, maxspeed_kmh, ferry_minutes FROM road_edge ORDER BY id`,
    );
    const nodes = new Map<string, number>();
    const node = (id: string) => {
      let i = nodes.get(id);
      if (i === undefined) nodes.set(id, (i = nodes.size));
      return i;
    };
    const edges = rows.map((r) => ({
      id: r.id,
      source: node(r.source),
      target: node(r.target),
      highway: r.highway,
      oneway: Number(r.oneway),
      lengthM: Number(r.length_m),
      maxspeedKmh: r.maxspeed_kmh === null ? null : Number(r.maxspeed_kmh),
      ferryMinutes: r.ferry_minutes === null ? null : Number(r.ferry_minutes),
    }));
    return new Reference(query, travel, villages, edges, nodes.size);
  }

  /** Minutes to travel edge e whole by `mode` (Infinity: closed to it): its ferry duration, else length ÷ speed (cars: capped by maxspeed). */
  minutesOf(mode: TravelModeName): Float64Array {
    let out = this.edgeMinutes.get(mode);
    if (!out) {
      const row = DEFAULT_ROAD_SPEEDS.kmh[mode];
      out = Float64Array.from(this.edges, (e) => {
        const kmh = row[e.highway];
        if (kmh === undefined) return Number.POSITIVE_INFINITY;
        if (e.highway === 'ferry' && e.ferryMinutes !== null) return e.ferryMinutes;
        const speed = mode === 'CAR' && e.maxspeedKmh !== null ? Math.min(kmh, e.maxspeedKmh) : kmh;
        return e.lengthM / ((speed * 1000) / 60);
      });
      this.edgeMinutes.set(mode, out);
    }
    return out;
  }

  /** Cars keep to one-way streets (1: source → target only; −1: target → source only); everyone else goes both ways. */
  forward(mode: TravelModeName, e: number): boolean {
    return !(mode === 'CAR' && this.edges[e]!.oneway === -1);
  }

  backward(mode: TravelModeName, e: number): boolean {
    return !(mode === 'CAR' && this.edges[e]!.oneway === 1);
  }

  private adjacencyOf(mode: TravelModeName): { to: number; edge: number }[][] {
    let adj = this.adjacency.get(mode);
    if (!adj) {
      const minutes = this.minutesOf(mode);
      adj = Array.from({ length: this.nodeCount }, () => []);
      this.edges.forEach((e, i) => {
        if (minutes[i] === Number.POSITIVE_INFINITY) return;
        if (this.forward(mode, i)) adj![e.source]!.push({ to: e.target, edge: i });
        if (this.backward(mode, i)) adj![e.target]!.push({ to: e.source, edge: i });
      });
      this.adjacency.set(mode, adj);
    }
    return adj;
  }

  private static joinKey(mode: TravelModeName, kind: 'V' | 'P', key: string): string {
    return `${mode}|${kind}|${key}`;
  }

  /**
   * PostGIS candidates: each place's DEFAULT_MAX_JOINS + 1 nearest edges of the classes `mode` may join (not ferries)
   * within `limitMeters` (geodesic, ties to the smaller id), nearest first, with the geodesic distance to each and
   * the fraction along it located in the place's UTM zone.
   */
  private async candidates(mode: TravelModeName, places: readonly Place[], limitMeters: number): Promise<Map<string, { edgeId: string; fraction: number; offMeters: number }[]>> {
    const classes = Object.keys(DEFAULT_ROAD_SPEEDS.kmh[mode]).filter((c) => c !== 'ferry');
    const rows = await this.query<{ key: string; edge: string | null; fraction: number | null; off_m: number | null }>(
      `SELECT p.key, j.id::text AS edge, j.d AS off_m,
              ST_LineLocatePoint(ST_Transform(j.geom, utm.srid), ST_Transform(p.pt, utm.srid)) AS fraction
         FROM (SELECT u.key, u.ord, ST_SetSRID(ST_MakePoint(u.lon, u.lat), 4326) AS pt, ST_SetSRID(ST_MakePoint(u.lon, u.lat), 4326)::geography AS g
                 FROM unnest($1::text[], $2::float8[], $3::float8[]) WITH ORDINALITY AS u(key, lon, lat, ord)) p
        CROSS JOIN LATERAL (SELECT 32600 + floor((ST_X(p.pt) + 180) / 6)::int + 1 AS srid) utm
         LEFT JOIN LATERAL (
               SELECT e.id, e.geom, ST_Distance(e.geom::geography, p.g) AS d
                 FROM road_edge e
                WHERE e.highway = ANY($4::text[])
                  AND e.geom && ST_Expand(p.pt, $5::float8 / (111000 * cos(radians(ST_Y(p.pt)))) + 0.01, $5::float8 / 110000 + 0.01)
                  AND ST_DWithin(e.geom::geography, p.g, $5::float8)
                ORDER BY d, e.id
                LIMIT $6::int) j ON true
        ORDER BY p.ord, j.d, j.id`,
      [places.map((p) => p.key), places.map((p) => p.lon), places.map((p) => p.lat), classes, limitMeters, DEFAULT_MAX_JOINS + 1],
    );
    const out = new Map<string, { edgeId: string; fraction: number; offMeters: number }[]>();
    for (const r of rows) {
      const list = out.get(r.key) ?? [];
      if (r.edge !== null) list.push({ edgeId: r.edge, fraction: Number(r.fraction), offMeters: Number(r.off_m) });
      out.set(r.key, list);
    }
    return out;
  }

  /**
   * The join rule on a place's candidates (nearest first): those within DEFAULT_JOIN_SLACK_METERS of the nearest and
   * within `limit`, the DEFAULT_MAX_JOINS nearest. Notes the place in `ambiguousJoins` when a candidate other than the
   * nearest (that one is checked against the limit with LIMIT_MARGIN_METERS) lies within joinMargin of the rule's edge
   * (the nearest + the slack, or the limit when nearer), or the cap cuts between two candidates that close (but not
   * exactly as far).
   */
  private joinsOf(what: string, candidates: readonly { edgeId: string; fraction: number; offMeters: number }[], limit: number): Join[] {
    if (candidates.length === 0 || candidates[0]!.offMeters > limit) return [];
    const edgeIndex = this.edgeIndex;
    const bound = Math.min(limit, candidates[0]!.offMeters + DEFAULT_JOIN_SLACK_METERS);
    const within = candidates.filter((c) => c.offMeters <= bound);
    const joined = within.slice(0, DEFAULT_MAX_JOINS);
    // A join walked longer than the horizon changes no answer; two edges exactly as far (their common node is the
    // nearest point of both) are ordered by id on both sides.
    const matters = (c: { offMeters: number }) => walk(c.offMeters) <= DEFAULT_MAX_MINUTES;
    for (const c of candidates.slice(1, DEFAULT_MAX_JOINS)) {
      if (matters(c) && Math.abs(c.offMeters - bound) < joinMargin(c.offMeters)) this.ambiguousJoins.push(`${what}: edge ${c.edgeId} ${c.offMeters.toFixed(1)} m off, at the rule's edge (${bound.toFixed(1)} m)`);
    }
    const [last, next] = [within[DEFAULT_MAX_JOINS - 1], within[DEFAULT_MAX_JOINS]];
    if (last && next && matters(next) && next.offMeters !== last.offMeters && next.offMeters - last.offMeters < joinMargin(next.offMeters)) {
      this.ambiguousJoins.push(`${what}: edges ${within[DEFAULT_MAX_JOINS - 1]!.edgeId} and ${within[DEFAULT_MAX_JOINS]!.edgeId} at the cap`);
    }
    return joined.map((c) => ({ edge: edgeIndex.get(c.edgeId)!, fraction: c.fraction, offMeters: c.offMeters }));
  }

  private get edgeIndex(): Map<string, number> {
    return (this.edgeIndexCache ??= new Map(this.edges.map((e, i) => [e.id, i])));
  }

  private edgeIndexCache: Map<string, number> | null = null;

  /** Joins (and straight-line metres) for the villages and `points` under `mode`, those not yet known. */
  async prepare(mode: TravelModeName, points: readonly Place[]): Promise<void> {
    const limit = this.travel.roadMaxOffRoadMeters;
    const villages = this.villages.filter((v) => !this.joins.has(Reference.joinKey(mode, 'V', v.key)));
    if (villages.length) {
      for (const [key, list] of await this.candidates(mode, villages, limit + 5_000)) {
        this.nearestRoadMeters.set(`${mode}|${key}`, list.length ? list[0]!.offMeters : Number.POSITIVE_INFINITY);
        this.joins.set(Reference.joinKey(mode, 'V', key), this.joinsOf(`${mode} village ${key}`, list, limit));
      }
    }
    const fresh = points.filter((p) => !this.joins.has(Reference.joinKey(mode, 'P', p.key)));
    if (fresh.length) {
      for (const [key, list] of await this.candidates(mode, fresh, DEFAULT_MAX_POINT_SNAP_METERS)) {
        this.joins.set(Reference.joinKey(mode, 'P', key), this.joinsOf(`${mode} point ${key}`, list, DEFAULT_MAX_POINT_SNAP_METERS));
      }
    }
    const missing = points.filter((p) => !this.straightMeters.has(`${this.villages[0]!.key}|${p.key}`));
    if (missing.length) {
      const rows = await this.query<{ v: string; p: string; m: number }>(
        `SELECT v.key AS v, p.key AS p,
                ST_Distance(ST_SetSRID(ST_MakePoint(v.lon, v.lat), 4326)::geography, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326)::geography) AS m
           FROM unnest($1::text[], $2::float8[], $3::float8[]) AS v(key, lon, lat)
          CROSS JOIN unnest($4::text[], $5::float8[], $6::float8[]) AS p(key, lon, lat)`,
        [this.villages.map((v) => v.key), this.villages.map((v) => v.lon), this.villages.map((v) => v.lat), missing.map((p) => p.key), missing.map((p) => p.lon), missing.map((p) => p.lat)],
      );
      for (const r of rows) this.straightMeters.set(`${r.v}|${r.p}`, Number(r.m));
    }
  }

  /** The village's joins, nearest first; empty: off the network. */
  villageJoins(mode: TravelModeName, code: string): Join[] {
    const key = Reference.joinKey(mode, 'V', code);
    if (!this.joins.has(key)) throw new Error(`reference: village ${code} not prepared for ${mode}`);
    return this.joins.get(key)!;
  }

  /** Whether the village is off the network (no usable edge within the off-road limit). */
  offNetwork(mode: TravelModeName, code: string): boolean {
    return this.villageJoins(mode, code).length === 0;
  }

  /** The point's joins, nearest first; empty: no usable edge within DEFAULT_MAX_POINT_SNAP_METERS. */
  pointJoins(mode: TravelModeName, id: string): Join[] {
    const key = Reference.joinKey(mode, 'P', id);
    if (!this.joins.has(key)) throw new Error(`reference: point ${id} not prepared for ${mode}`);
    return this.joins.get(key)!;
  }

  /** Minutes from the village (off-road walk to each of its joins, then along its edge to the ends it may go to) to every node. */
  private labelsFrom(mode: TravelModeName, code: string, joins: readonly Join[]): Float64Array {
    const key = `${mode}|${code}`;
    let dist = this.labels.get(key);
    if (dist) return dist;
    const minutes = this.minutesOf(mode);
    const adj = this.adjacencyOf(mode);
    dist = new Float64Array(this.nodeCount).fill(Number.POSITIVE_INFINITY);
    const heap = new Heap();
    const seed = (node: number, d: number) => {
      if (d < dist![node]!) {
        dist![node] = d;
        heap.push(d, node);
      }
    };
    for (const j of joins) {
      const e = this.edges[j.edge]!;
      const m = minutes[j.edge]!;
      if (this.backward(mode, j.edge)) seed(e.source, walk(j.offMeters) + j.fraction * m);
      if (this.forward(mode, j.edge)) seed(e.target, walk(j.offMeters) + (1 - j.fraction) * m);
    }
    while (heap.size) {
      const [d, u] = heap.pop();
      if (d > dist[u]!) continue;
      for (const { to, edge } of adj[u]!) seed(to, d + minutes[edge]!);
    }
    this.labels.set(key, dist);
    return dist;
  }

  /** Minutes from village `v` to point `p` by `mode`: over the roads if the village is on the network, else the straight line. */
  minutes(mode: TravelModeName, v: RefVillage, p: Place): number {
    return this.minutesVia(mode, v, p, this.pointJoins(mode, p.key));
  }

  /** `minutes` with the point joined at `pointJoins` only (the best over them). */
  minutesVia(mode: TravelModeName, v: RefVillage, p: Place, pointJoins: readonly Join[]): number {
    const villageJoins = this.villageJoins(mode, v.key);
    if (villageJoins.length === 0) {
      const meters = this.straightMeters.get(`${v.key}|${p.key}`);
      if (meters === undefined) throw new Error(`reference: no straight line from ${v.key} to ${p.key}`);
      return (meters * this.travel.detourFactor) / ((this.travel.speedsKmh[mode] * 1000) / 60);
    }
    const dist = this.labelsFrom(mode, v.key, villageJoins);
    const minutes = this.minutesOf(mode);
    let best = Number.POSITIVE_INFINITY;
    for (const jp of pointJoins) {
      const e = this.edges[jp.edge]!;
      const m = minutes[jp.edge]!;
      // Onto the point's edge from its source (travelling forwards along it) or from its target (backwards), then the walk.
      if (this.forward(mode, jp.edge)) best = Math.min(best, dist[e.source]! + jp.fraction * m + walk(jp.offMeters));
      if (this.backward(mode, jp.edge)) best = Math.min(best, dist[e.target]! + (1 - jp.fraction) * m + walk(jp.offMeters));
      // Or straight along one of the village's edges, if the point joins it too.
      for (const jv of villageJoins) {
        if (jp.edge === jv.edge && (jp.fraction >= jv.fraction ? this.forward(mode, jv.edge) : this.backward(mode, jv.edge))) {
          best = Math.min(best, walk(jv.offMeters) + Math.abs(jp.fraction - jv.fraction) * m + walk(jp.offMeters));
        }
      }
    }
    return best;
  }

  nearest(mode: TravelModeName, v: RefVillage, points: readonly Place[]): Nearest {
    const all = new Map<string, number>();
    let minutes = Number.POSITIVE_INFINITY;
    let id: string | null = null;
    for (const p of points) {
      const m = this.minutes(mode, v, p);
      if (m === Number.POSITIVE_INFINITY) continue;
      all.set(p.key, m);
      if (m < minutes || (m === minutes && id !== null && p.key < id)) {
        minutes = m;
        id = p.key;
      }
    }
    return { minutes, id, all };
  }
}

interface VillageRow {
  village: { code: string };
  covered: boolean;
  travelMinutes: number | null;
  distanceMeters: number | null;
  offRoadNetwork: boolean | null;
  nearestServicePoint: { id: string } | null;
}

interface Provenance {
  travelModel: string;
  dataVersion: string;
  parameters: { network?: string; speeds?: string; maxOffRoadMeters?: number };
  description: string;
}

const PROVENANCE = 'provenance { travelModel dataVersion parameters description }';
const VILLAGE_FIELDS = 'village { code } covered travelMinutes distanceMeters offRoadNetwork nearestServicePoint { id }';

/** The range a figure summed over villages may take when villages within the tolerance of the budget may fall either side. */
function bounds(villages: readonly RefVillage[], minutesOf: (v: RefVillage) => number, budget: number): { count: [number, number]; population: [number, number]; sure: Set<string>; unsure: Set<string> } {
  const sure = new Set<string>();
  const unsure = new Set<string>();
  let count = 0;
  let population = 0;
  let extraCount = 0;
  let extraPopulation = 0;
  for (const v of villages) {
    const m = minutesOf(v);
    if (Math.abs(m - budget) <= tolerance(budget)) {
      unsure.add(v.key);
      extraCount++;
      extraPopulation += v.population;
    } else if (m < budget) {
      sure.add(v.key);
      count++;
      population += v.population;
    }
  }
  return { count: [count, count + extraCount], population: [population, population + extraPopulation], sure, unsure };
}

describe('ROAD on an imported PBF network: every coverage question, checked against a Dijkstra on road_edge (integration)', () => {
  let t: TestApp;
  let ref: Reference;
  let report: RoadImportReport;
  let before: { provenance: Provenance };
  let importedVersion: string;
  let copied = false;
  const query: Query = <T>(sql: string, params: unknown[] = []) => t.db.dataSource.query(sql, params) as Promise<T[]>;
  const points = new Map<string | null, Place[]>();

  /** The counted points for an item (null: any), as Places; only those within reach of Kaiyang (see below). */
  const countedPoints = async (item: string | null): Promise<Place[]> => {
    let list = points.get(item);
    if (!list) {
      // Points farther than this from Kaiyang's seat can neither join its roads (DEFAULT_MAX_POINT_SNAP_METERS) nor be
      // within DEFAULT_MAX_MINUTES of a village in a straight line, by any mode: Sanming's, 1,000 km off, are left out.
      const fastest = Math.max(...Object.values(t.config.travel.speedsKmh));
      const reach = Math.max(DEFAULT_MAX_POINT_SNAP_METERS, ((fastest * 1000) / 60) * DEFAULT_MAX_MINUTES / t.config.travel.detourFactor) + 100_000;
      const rows = await query<{ id: string; lon: number; lat: number }>(
        `SELECT sp.id, ST_X(sp.location::geometry) AS lon, ST_Y(sp.location::geometry) AS lat FROM service_point sp
          WHERE sp.status = 'ACTIVE'
            AND ($1::text IS NULL OR EXISTS (SELECT 1 FROM service_point_item i WHERE i.service_point_id = sp.id AND i.item_code = $1::text))
            AND ST_DWithin(sp.location, ST_SetSRID(ST_MakePoint(106.99, 27.06), 4326)::geography, $2::float8)
          ORDER BY sp.id`,
        [item, reach],
      );
      list = rows.map((r) => ({ key: r.id, lon: Number(r.lon), lat: Number(r.lat) }));
      points.set(item, list);
    }
    return list;
  };

  const coverage = async (mode: TravelModeName, item: string | null, minutes = BUDGET) => {
    const r = await t.execute<{ coverage: { villageCount: number; coveredVillageCount: number; population: number; coveredPopulation: number; provenance: Provenance; villages: { edges: { node: VillageRow }[] } } }>(
      `query($area: ID!, $item: ID, $mode: TravelMode!, $minutes: Float!) {
         coverage(areaCode: $area, itemCode: $item, mode: $mode, minutes: $minutes, travelModel: ROAD) {
           villageCount coveredVillageCount population coveredPopulation ${PROVENANCE} villages(first: 500) { edges { node { ${VILLAGE_FIELDS} } } } } }`,
      { area: AREA, item, mode, minutes },
      VIEWER,
    );
    expect(r.errors).toBeUndefined();
    return r.data!.coverage;
  };

  const expectImportedProvenance = (p: Provenance) => {
    expect(p.travelModel).toBe('ROAD');
    expect(p.parameters.network).toContain('开阳县 roads (520121)');
    expect(p.parameters.network).not.toMatch(/开阳县 synthetic roads/);
    expect(p.parameters.speeds).toBe(DEFAULT_ROAD_SPEEDS.name);
    expect(p.parameters.maxOffRoadMeters).toBe(t.config.travel.roadMaxOffRoadMeters);
    expect(p.description).toContain('开阳县 roads (520121)');
    expect(p.dataVersion).toBe(importedVersion);
  };

  beforeAll(async () => {
    t = await createTestApp();
    // The running app answers on the seeded synthetic network first (its engine is built), then the import lands.
    before = await coverage('EBIKE', ITEM);
    expect(before.provenance.parameters.network).toContain('开阳县 synthetic roads (520121, synthetic)');
    for (const table of ['road_network', 'road_node', 'road_edge']) {
      await query(`DROP TABLE IF EXISTS ${table}_imported_copy`);
      await query(`CREATE TABLE ${table}_imported_copy AS SELECT * FROM ${table} WHERE area_code = ANY($1)`, [TOUCHED]);
    }
    copied = true;
    report = await new RoadImportService(new RoadRepository(t.db.dataSource)).importFile({ file: FIXTURE, areaCode: AREA });
    importedVersion = (await query<{ version: string }>('SELECT version::text AS version FROM data_version'))[0]!.version;
    ref = await Reference.load(query, t.config.travel);
    for (const item of [ITEM, null]) for (const mode of MODES) await ref.prepare(mode, await countedPoints(item));
  });

  afterAll(async () => {
    if (!t) return;
    try {
      if (copied) {
        await t.db.dataSource.transaction(async (m) => {
          for (const table of ['road_edge', 'road_node', 'road_network']) await m.query(`DELETE FROM ${table} WHERE area_code = ANY($1)`, [TOUCHED]);
          for (const table of ['road_node', 'road_edge', 'road_network']) await m.query(`INSERT INTO ${table} SELECT * FROM ${table}_imported_copy`);
        });
        for (const table of ['road_network', 'road_node', 'road_edge']) await query(`DROP TABLE IF EXISTS ${table}_imported_copy`);
      }
    } finally {
      await t.close();
    }
  });

  it('imports the PBF fixture into 520121 (the real path), a new data version', async () => {
    expect(report).toMatchObject({ format: 'PBF', areaCode: AREA, areaFrom: 'given', clippedTo: [AREA], roadWays: 17, nodes: 22, edges: 23, droppedOutsideArea: 0 });
    const [row] = await query<{ name: string; synthetic: boolean; node_count: number; edge_count: number; source: string }>(`SELECT name, synthetic, node_count, edge_count, source FROM road_network WHERE area_code = $1`, [AREA]);
    expect(row).toMatchObject({ name: '开阳县 roads', synthetic: false, node_count: 22, edge_count: 23, source: 'kaiyang-roads.osm.pbf' });
    expect(BigInt(importedVersion)).toBeGreaterThan(BigInt(before.provenance.dataVersion));
    // The reference reads the stored edges: Kaiyang's are the fixture's 23 (classes as tagged, the ferry with its duration).
    const [kaiyang] = await query<{ n: number; classes: string[]; ferry: number }>(
      `SELECT count(*)::int AS n, array_agg(DISTINCT highway ORDER BY highway) AS classes, max(ferry_minutes)::float8 AS ferry FROM road_edge WHERE area_code = $1`,
      [AREA],
    );
    expect(kaiyang).toEqual({
      n: 23,
      classes: ['ferry', 'footway', 'motorway', 'motorway_link', 'path', 'residential', 'secondary', 'service', 'steps', 'tertiary', 'track', 'unclassified'],
      ferry: 12,
    });
  });

  it('the fixture puts some villages on the network and the rest more than 1 km off, none near the limit', () => {
    const limit = t.config.travel.roadMaxOffRoadMeters;
    expect(limit).toBe(1000);
    for (const mode of MODES) {
      const on = ref.villages.filter((v) => !ref.offNetwork(mode, v.key)).map((v) => v.key);
      expect({ mode, on }).toEqual({ mode, on: ON_NETWORK[mode] });
      const nearLimit = ref.villages.filter((v) => Math.abs(ref.nearestRoadMeters.get(`${mode}|${v.key}`)! - limit) < LIMIT_MARGIN_METERS).map((v) => v.key);
      expect({ mode, nearLimit }).toEqual({ mode, nearLimit: [] });
    }
    // Every place's joins are clear of the slack's edge and the cap (both measures join the same edges).
    expect(ref.ambiguousJoins).toEqual([]);
  });

  describe.each(MODES)('coverage by %s', (mode) => {
    it.each([ITEM, 'ANY'])('item %s: every village at the reference minutes, nearest point and off-network flag', async (itemName) => {
      const item = itemName === 'ANY' ? null : itemName;
      const counted = await countedPoints(item);
      const c = await coverage(mode, item);
      expectImportedProvenance(c.provenance);
      const rows = c.villages.edges.map((e) => e.node);
      expect(rows).toHaveLength(c.villageCount);
      expect(c.villageCount).toBe(ref.villages.length);
      const byCode = new Map(ref.villages.map((v) => [v.key, v]));
      const problems: string[] = [];
      let compared = 0;
      let onNetwork = 0;
      let largest = 0;
      let largestAt = '';
      for (const row of rows) {
        const v = byCode.get(row.village.code)!;
        const r = ref.nearest(mode, v, counted);
        const off = ref.offNetwork(mode, v.key);
        if (row.offRoadNetwork !== off) problems.push(`${v.key}: offRoadNetwork ${row.offRoadNetwork}, reference ${off}`);
        if (row.distanceMeters !== null) problems.push(`${v.key}: distanceMeters ${row.distanceMeters} under ROAD`);
        if (r.minutes > DEFAULT_MAX_MINUTES + tolerance(DEFAULT_MAX_MINUTES)) {
          if (row.travelMinutes !== null) problems.push(`${v.key}: engine ${row.travelMinutes} min, reference ${r.minutes} (beyond the ${DEFAULT_MAX_MINUTES} min horizon)`);
          continue;
        }
        if (r.minutes >= DEFAULT_MAX_MINUTES - tolerance(DEFAULT_MAX_MINUTES)) continue; // at the horizon: either side
        if (row.travelMinutes === null) {
          problems.push(`${v.key}: engine unreached, reference ${r.minutes} min to ${r.id}`);
          continue;
        }
        const diff = Math.abs(row.travelMinutes - r.minutes);
        if (diff > largest) {
          largest = diff;
          largestAt = `${v.key} at ${r.minutes.toFixed(3)} min, ${((100 * diff) / r.minutes).toFixed(4)} %`;
        }
        compared++;
        if (!off) onNetwork++;
        if (diff > tolerance(r.minutes)) problems.push(`${v.key}: engine ${row.travelMinutes} min to ${row.nearestServicePoint?.id}, reference ${r.minutes} min to ${r.id} (off network: ${off})`);
        const id = row.nearestServicePoint?.id ?? null;
        if (id !== r.id) {
          const theirs = id === null ? undefined : r.all.get(id);
          if (theirs === undefined || !near(theirs, r.minutes)) problems.push(`${v.key}: engine nearest ${id} at ${row.travelMinutes}, reference ${r.id} at ${r.minutes} (reference to ${id}: ${theirs})`);
        }
        if (row.covered !== (row.travelMinutes <= BUDGET)) problems.push(`${v.key}: covered ${row.covered} at ${row.travelMinutes} min`);
      }
      console.log(`road-imported-coverage ${mode} ${itemName}: ${compared} villages compared (${onNetwork} on the network), largest difference ${largest.toFixed(6)} min (${largestAt})`);
      expect(problems).toEqual([]);
      expect(onNetwork).toBe(ON_NETWORK[mode].length);
      expect(compared).toBeGreaterThan(onNetwork); // off-network villages compared too, by the straight line
      const b = bounds(ref.villages, (v) => ref.nearest(mode, v, counted).minutes, BUDGET);
      expect(c.coveredVillageCount).toBeGreaterThanOrEqual(b.count[0]);
      expect(c.coveredVillageCount).toBeLessThanOrEqual(b.count[1]);
      expect(c.coveredPopulation).toBeGreaterThanOrEqual(b.population[0]);
      expect(c.coveredPopulation).toBeLessThanOrEqual(b.population[1]);
    });
  });

  it('flags the villages more than 1 km from every usable fixture road and costs them by the straight line', async () => {
    const counted = await countedPoints(ITEM);
    const { speedsKmh, detourFactor } = t.config.travel;
    const c = await coverage('EBIKE', ITEM);
    const rows = new Map(c.villages.edges.map((e) => [e.node.village.code, e.node]));
    const off = ref.villages.filter((v) => ref.nearestRoadMeters.get(`EBIKE|${v.key}`)! > t.config.travel.roadMaxOffRoadMeters);
    expect(off.length).toBe(ref.villages.length - ON_NETWORK.EBIKE.length);
    // 群兴村: 35 m from a footway, 1.37 km from the main road: off the network by e-bike, on it on foot.
    expect(off.map((v) => v.key)).toContain('520121003200');
    const [meters] = await query<{ m: number }>(
      `SELECT min(ST_Distance(v.location, sp.location)) AS m FROM village v, service_point sp JOIN service_point_item i ON i.service_point_id = sp.id AND i.item_code = $2
        WHERE v.code = $1 AND sp.status = 'ACTIVE'`,
      ['520121003200', ITEM],
    );
    const straight = (Number(meters!.m) * detourFactor) / ((speedsKmh.EBIKE * 1000) / 60);
    expect(rows.get('520121003200')).toMatchObject({ offRoadNetwork: true });
    expect(Math.abs(rows.get('520121003200')!.travelMinutes! - straight)).toBeLessThanOrEqual(tolerance(straight));
    for (const v of off) {
      const row = rows.get(v.key)!;
      expect(row.offRoadNetwork).toBe(true);
      const r = ref.nearest('EBIKE', v, counted);
      if (r.minutes < DEFAULT_MAX_MINUTES - 1) expect(Math.abs(row.travelMinutes! - r.minutes)).toBeLessThanOrEqual(tolerance(r.minutes));
    }
    const walk = await coverage('WALK', ITEM);
    expect(walk.villages.edges.find((e) => e.node.village.code === '520121003200')!.node.offRoadNetwork).toBe(false);
  });

  it('answers coverageGaps and the delegation matrix from the same minutes', async () => {
    const counted = await countedPoints(ITEM);
    const r = await t.execute<{
      coverageGaps: { uncoveredVillageCount: number; uncoveredPopulation: number; villages: VillageRow[]; provenance: Provenance };
      delegationMatrix: { rows: { item: { code: string }; coveredVillageCount: number; coveredPopulationRatio: number }[]; provenance: Provenance };
    }>(
      `query($area: ID!, $item: ID!) {
         coverageGaps(areaCode: $area, itemCode: $item, mode: EBIKE, minutes: ${BUDGET}, travelModel: ROAD, first: 500) { uncoveredVillageCount uncoveredPopulation villages { ${VILLAGE_FIELDS} } ${PROVENANCE} }
         delegationMatrix(areaCode: $area, mode: EBIKE, minutes: ${BUDGET}, travelModel: ROAD) { rows { item { code } coveredVillageCount coveredPopulationRatio } ${PROVENANCE} } }`,
      { area: AREA, item: ITEM },
      VIEWER,
    );
    expect(r.errors).toBeUndefined();
    const { coverageGaps: gaps, delegationMatrix: matrix } = r.data!;
    expectImportedProvenance(gaps.provenance);
    expectImportedProvenance(matrix.provenance);
    const b = bounds(ref.villages, (v) => ref.nearest('EBIKE', v, counted).minutes, BUDGET);
    const total = ref.villages.reduce((s, v) => s + v.population, 0);
    // Uncovered = not surely covered, less any at the budget's edge the engine puts inside.
    expect(gaps.uncoveredVillageCount).toBeGreaterThanOrEqual(ref.villages.length - b.count[1]);
    expect(gaps.uncoveredVillageCount).toBeLessThanOrEqual(ref.villages.length - b.count[0]);
    expect(gaps.uncoveredPopulation).toBeGreaterThanOrEqual(total - b.population[1]);
    expect(gaps.uncoveredPopulation).toBeLessThanOrEqual(total - b.population[0]);
    expect(gaps.villages).toHaveLength(gaps.uncoveredVillageCount);
    const byCode = new Map(ref.villages.map((v) => [v.key, v]));
    for (const row of gaps.villages) {
      expect(b.sure.has(row.village.code)).toBe(false);
      expect(row.covered).toBe(false);
      expect(row.offRoadNetwork).toBe(ref.offNetwork('EBIKE', row.village.code));
      const m = ref.nearest('EBIKE', byCode.get(row.village.code)!, counted).minutes;
      if (row.travelMinutes === null) expect(m).toBeGreaterThan(DEFAULT_MAX_MINUTES - tolerance(DEFAULT_MAX_MINUTES));
      else expect(Math.abs(row.travelMinutes - m)).toBeLessThanOrEqual(tolerance(m));
    }
    // Most people first.
    const pops = gaps.villages.map((v) => byCode.get(v.village.code)!.population);
    expect(pops).toEqual([...pops].sort((x, y) => y - x));
    // Some gaps are on the network (the roads are slower than the straight line would say), most off it.
    expect(gaps.villages.some((v) => v.offRoadNetwork === false)).toBe(true);
    const row = matrix.rows.find((x) => x.item.code === ITEM)!;
    expect(row.coveredVillageCount).toBe(ref.villages.length - gaps.uncoveredVillageCount);
    expect(row.coveredPopulationRatio).toBeCloseTo((total - gaps.uncoveredPopulation) / total, 9);
  });

  it.each([
    ['EBIKE', '520121002008', '毛稗田社区, 83 m from 东风路 by 云开街道\'s station'],
    ['CAR', '520121001201', '刘育村, on the one-way loop'],
    ['WALK', '520121001005', '六块碑社区, at the foot of the steps'],
    ['EBIKE', '520121001003', '干田坝社区, 1.3 km from the roads: by the straight line'],
  ] as const)('whereToHandle by %s for %s (%s): the options at the reference minutes, nearest first', async (mode, code, _why) => {
    const counted = await countedPoints(ITEM);
    const r = await t.execute<{ whereToHandle: { options: { servicePoint: { id: string }; distanceMeters: number | null; travelMinutes: number; withinBudget: boolean }[]; ruleExplanation: string; provenance: Provenance } }>(
      `query($code: ID!, $item: ID!, $mode: TravelMode!) {
         whereToHandle(villageCode: $code, itemCode: $item, mode: $mode, minutes: ${BUDGET}, travelModel: ROAD, first: 5) {
           options { servicePoint { id } distanceMeters travelMinutes withinBudget } ruleExplanation ${PROVENANCE} } }`,
      { code, item: ITEM, mode },
      VIEWER,
    );
    expect(r.errors).toBeUndefined();
    const w = r.data!.whereToHandle;
    expectImportedProvenance(w.provenance);
    expect(w.ruleExplanation).toMatch(/over the road network/);
    expect(w.options).toHaveLength(5);
    const v = ref.villages.find((x) => x.key === code)!;
    expect(ref.offNetwork(mode, code)).toBe(code === '520121001003');
    const all = ref.nearest(mode, v, counted).all;
    const sorted = [...all.values()].sort((a, b) => a - b);
    w.options.forEach((o, k) => {
      const theirs = all.get(o.servicePoint.id);
      expect({ id: o.servicePoint.id, ours: o.travelMinutes, theirs }).toEqual({ id: o.servicePoint.id, ours: expect.any(Number), theirs: expect.any(Number) });
      expect(Math.abs(o.travelMinutes - theirs!)).toBeLessThanOrEqual(tolerance(theirs!));
      // The k-th option is the reference's k-th nearest (up to ties within the tolerance).
      expect(near(o.travelMinutes, sorted[k]!)).toBe(true);
      expect(o.distanceMeters).toBeNull();
      expect(o.withinBudget).toBe(o.travelMinutes <= BUDGET);
    });
  });

  it('reaches 南龙乡\'s hospital by car through its second join: its nearest road, a service road one-way away from it, leads nowhere for a car', async () => {
    const counted = await countedPoints(ITEM);
    const options = async (mode: TravelModeName) => {
      const r = await t.execute<{ whereToHandle: { options: { servicePoint: { id: string }; travelMinutes: number }[] } }>(
        `query($mode: TravelMode!) { whereToHandle(villageCode: "520121200201", itemCode: "${ITEM}", mode: $mode, minutes: ${BUDGET}, travelModel: ROAD, first: 50) { options { servicePoint { id } travelMinutes } } }`,
        { mode },
        VIEWER,
      );
      expect(r.errors).toBeUndefined();
      return new Map(r.data!.whereToHandle.options.map((o) => [o.servicePoint.id, o.travelMinutes]));
    };
    const village = ref.villages.find((v) => v.key === '520121200201')!; // 田坎村, on the track from 南龙乡
    const hospital = counted.find((p) => p.key === 'HS-520121-14')!;
    // PostGIS's joins of the hospital for cars: the service road (way 215, oneway=-1 drawn towards it) 3 m off, then
    // 东风路 (two-way tertiary) 349 m off, within the slack.
    const joins = ref.pointJoins('CAR', 'HS-520121-14');
    expect(joins.length).toBeGreaterThanOrEqual(2);
    const [nearest, second] = [ref.edges[joins[0]!.edge]!, ref.edges[joins[1]!.edge]!];
    expect({ highway: nearest.highway, oneway: nearest.oneway }).toEqual({ highway: 'service', oneway: -1 });
    expect(joins[0]!.offMeters).toBeLessThan(5);
    expect({ highway: second.highway, oneway: second.oneway }).toEqual({ highway: 'tertiary', oneway: 0 });
    expect(joins[1]!.offMeters).toBeGreaterThan(340);
    expect(joins[1]!.offMeters).toBeLessThan(360);
    // Joined at the nearest road alone (the rule before), no car reaches it; joined also at 东风路, it is reached.
    expect(ref.minutesVia('CAR', village, hospital, joins.slice(0, 1))).toBe(Number.POSITIVE_INFINITY);
    const m = ref.minutes('CAR', village, hospital);
    expect(m).toBeLessThan(DEFAULT_MAX_MINUTES);
    expect(m).toBeGreaterThan(walk(joins[1]!.offMeters)); // the last leg: the walk from 东风路
    const [car, ebike] = [await options('CAR'), await options('EBIKE')];
    expect(car.has('HS-520121-14')).toBe(true);
    expect(Math.abs(car.get('HS-520121-14')! - m)).toBeLessThanOrEqual(tolerance(m));
    expect(car.has('TS-520121200')).toBe(true);
    const e = ref.minutes('EBIKE', village, hospital);
    expect(Math.abs(ebike.get('HS-520121-14')! - e)).toBeLessThanOrEqual(tolerance(e));
  });

  it('draws the isochrone of 云开街道\'s station (on the roads) over them, with the villages and people the reference reaches', async () => {
    const station = (await countedPoints(ITEM)).find((p) => p.key === 'TS-520121002')!;
    const r = await t.execute<{ isochrone: { polygon: { type: string; coordinates: number[][][][] }; polygonAreaKm2: number; villageCount: number; population: number; provenance: Provenance } }>(
      `{ isochrone(servicePointId: "TS-520121002", mode: EBIKE, minutes: ${BUDGET}, travelModel: ROAD) { polygon polygonAreaKm2 villageCount population ${PROVENANCE} } }`,
      {},
      VIEWER,
    );
    expect(r.errors).toBeUndefined();
    const iso = r.data!.isochrone;
    expectImportedProvenance(iso.provenance);
    expect(iso.polygon.type).toBe('MultiPolygon');
    expect(iso.polygon.coordinates.length).toBeGreaterThan(0);
    expect(iso.polygonAreaKm2).toBeGreaterThan(0);
    // The reference: villages (every seeded one) whose minutes to the station are within the budget.
    const b = bounds(ref.villages, (v) => ref.minutes('EBIKE', v, station), BUDGET);
    expect(b.count[0]).toBeGreaterThan(3);
    expect(iso.villageCount).toBeGreaterThanOrEqual(b.count[0]);
    expect(iso.villageCount).toBeLessThanOrEqual(b.count[1]);
    expect(iso.population).toBeGreaterThanOrEqual(b.population[0]);
    expect(iso.population).toBeLessThanOrEqual(b.population[1]);
    // A valid polygon, around the station, holding (within the 50 m grid's diagonal) every on-network village reached,
    // and not reaching 南龙乡's station 12 km down the road.
    const reachedOnNetwork = ref.villages.filter((v) => b.sure.has(v.key) && !ref.offNetwork('EBIKE', v.key));
    expect(reachedOnNetwork.length).toBeGreaterThan(3);
    const [check] = await query<{ valid: boolean; station: boolean; far: boolean; area_km2: number; outside: string[] | null }>(
      `WITH iso AS (SELECT ST_SetSRID(ST_GeomFromGeoJSON($1), 4326) AS g)
       SELECT ST_IsValid(iso.g) AS valid,
              ST_Intersects(iso.g, ST_SetSRID(ST_MakePoint($2, $3), 4326)) AS station,
              ST_Intersects(iso.g, (SELECT location::geometry FROM service_point WHERE id = 'TS-520121200')) AS far,
              ST_Area(iso.g::geography) / 1e6 AS area_km2,
              (SELECT array_agg(v.code ORDER BY v.code) FROM village v WHERE v.code = ANY($4::text[]) AND NOT ST_DWithin(iso.g::geography, v.location, 75)) AS outside
         FROM iso`,
      [JSON.stringify(iso.polygon), station.lon, station.lat, reachedOnNetwork.map((v) => v.key)],
    );
    expect(check).toMatchObject({ valid: true, station: true, far: false, outside: null });
    expect(Number(check!.area_km2)).toBeCloseTo(iso.polygonAreaKm2, 1);
  });

  it('compares a scenario under ROAD (close 云开街道\'s two stations, open one at 龙岗一村 on 龙岗公路) with the reference\'s before and after', async () => {
    const counted = await countedPoints(ITEM);
    const closed = ['TS-520121002', 'HS-520121-05'];
    const added: Place = { key: 'NEW-1', lon: 107.008, lat: 27.0034 };
    const after = [...counted.filter((p) => !closed.includes(p.key)), added];
    await ref.prepare('EBIKE', after);
    expect(ref.ambiguousJoins).toEqual([]);
    const r = await t.execute<{
      compareCoverage: {
        before: { coveredVillageCount: number; coveredPopulation: number };
        after: { coveredVillageCount: number; coveredPopulation: number };
        populationGained: number;
        villagesGainedCount: number;
        villagesLostCount: number;
        villagesGained: VillageRow[];
        villagesLost: VillageRow[];
        provenance: Provenance & { scenario: { added: number; closed: number } | null };
      };
    }>(
      `query($area: ID!, $item: ID!) {
         compareCoverage(areaCode: $area, itemCode: $item, mode: EBIKE, minutes: ${BUDGET}, travelModel: ROAD, first: 200, scenario: {
           close: ["TS-520121002", "HS-520121-05"],
           add: [{ key: "NEW-1", name: "龙岗一村服务站", kind: TOWNSHIP_STATION, areaCode: "520121105", location: { longitude: ${added.lon}, latitude: ${added.lat} } }] }) {
           before { coveredVillageCount coveredPopulation } after { coveredVillageCount coveredPopulation }
           populationGained villagesGainedCount villagesLostCount villagesGained { ${VILLAGE_FIELDS} } villagesLost { ${VILLAGE_FIELDS} }
           provenance { travelModel dataVersion parameters description scenario { added closed } } } }`,
      { area: AREA, item: ITEM },
      VIEWER,
    );
    expect(r.errors).toBeUndefined();
    const cmp = r.data!.compareCoverage;
    expectImportedProvenance(cmp.provenance);
    expect(cmp.provenance.scenario).toMatchObject({ added: 1, closed: 2 });
    const was = bounds(ref.villages, (v) => ref.nearest('EBIKE', v, counted).minutes, BUDGET);
    const now = bounds(ref.villages, (v) => ref.nearest('EBIKE', v, after).minutes, BUDGET);
    for (const [side, b] of [[cmp.before, was], [cmp.after, now]] as const) {
      expect(side.coveredVillageCount).toBeGreaterThanOrEqual(b.count[0]);
      expect(side.coveredVillageCount).toBeLessThanOrEqual(b.count[1]);
      expect(side.coveredPopulation).toBeGreaterThanOrEqual(b.population[0]);
      expect(side.coveredPopulation).toBeLessThanOrEqual(b.population[1]);
    }
    // Gained: covered after, not before; lost: the reverse. Villages within the tolerance of the budget (on either
    // side) may go either way: the engine's lists must hold the sure ones and nothing beyond the possible ones.
    const maybe = (b: typeof was) => new Set([...b.sure, ...b.unsure]);
    const gained = { sure: [...now.sure].filter((c) => !maybe(was).has(c)).sort(), possible: new Set([...maybe(now)].filter((c) => !was.sure.has(c))) };
    const lost = { sure: [...was.sure].filter((c) => !maybe(now).has(c)).sort(), possible: new Set([...maybe(was)].filter((c) => !now.sure.has(c))) };
    expect(gained.sure.length).toBeGreaterThan(0);
    expect(lost.sure.length).toBeGreaterThan(0);
    console.log(`road-imported-coverage scenario: gained ${gained.sure.join(', ')}; lost ${lost.sure.join(', ')}; at the budget's edge ${[...new Set([...was.unsure, ...now.unsure])].join(', ') || 'none'}`);
    for (const [list, count, expected] of [[cmp.villagesGained, cmp.villagesGainedCount, gained], [cmp.villagesLost, cmp.villagesLostCount, lost]] as const) {
      const codes = list.map((v) => v.village.code);
      expect(codes).toHaveLength(count);
      expect(codes).toEqual(expect.arrayContaining(expected.sure));
      expect(codes.filter((c) => !expected.possible.has(c))).toEqual([]);
    }
    expect(cmp.populationGained).toBe(cmp.after.coveredPopulation - cmp.before.coveredPopulation);
    // The gained villages reach the new point, at the reference's minutes to it.
    for (const row of cmp.villagesGained) {
      expect(row.nearestServicePoint?.id).toBe('NEW-1');
      expect(row.offRoadNetwork).toBe(ref.offNetwork('EBIKE', row.village.code));
      const m = ref.minutes('EBIKE', ref.villages.find((v) => v.key === row.village.code)!, added);
      expect(Math.abs(row.travelMinutes! - m)).toBeLessThanOrEqual(tolerance(m));
    }
    // The lost ones, as they are after: at the reference's minutes to the points left.
    for (const row of cmp.villagesLost) {
      const m = ref.nearest('EBIKE', ref.villages.find((v) => v.key === row.village.code)!, after);
      expect(row.covered).toBe(false);
      expect(Math.abs(row.travelMinutes! - m.minutes)).toBeLessThanOrEqual(tolerance(m.minutes));
    }
  });

  it('suggests sites under ROAD whose covered population the reference confirms', async () => {
    const counted = await countedPoints(ITEM);
    const r = await t.execute<{
      suggestSites: { status: string; coveredPopulationBefore: number; coveredPopulationAfter: number; sites: { key: string; longitude: number; latitude: number; kind: string }[]; provenance: Provenance };
    }>(
      `query($area: ID!, $item: ID!) {
         suggestSites(areaCode: $area, itemCode: $item, mode: EBIKE, minutes: ${BUDGET}, travelModel: ROAD, count: 2) {
           status coveredPopulationBefore coveredPopulationAfter sites { key longitude latitude kind } ${PROVENANCE} } }`,
      { area: AREA, item: ITEM },
      VIEWER,
    );
    expect(r.errors).toBeUndefined();
    const s = r.data!.suggestSites;
    expectImportedProvenance(s.provenance);
    expect(s.sites).toHaveLength(2);
    expect(s.coveredPopulationAfter).toBeGreaterThan(s.coveredPopulationBefore);
    const sites: Place[] = s.sites.map((x) => ({ key: x.key, lon: x.longitude, lat: x.latitude }));
    const withSites = [...counted, ...sites];
    await ref.prepare('EBIKE', withSites);
    expect(ref.ambiguousJoins).toEqual([]);
    const was = bounds(ref.villages, (v) => ref.nearest('EBIKE', v, counted).minutes, BUDGET);
    const now = bounds(ref.villages, (v) => ref.nearest('EBIKE', v, withSites).minutes, BUDGET);
    expect(s.coveredPopulationBefore).toBeGreaterThanOrEqual(was.population[0]);
    expect(s.coveredPopulationBefore).toBeLessThanOrEqual(was.population[1]);
    expect(s.coveredPopulationAfter).toBeGreaterThanOrEqual(now.population[0]);
    expect(s.coveredPopulationAfter).toBeLessThanOrEqual(now.population[1]);
  });
});
