import CheapRuler from 'cheap-ruler';
import type { ReachedRoad } from '../geo/reached-road';
import { travelMinutes } from '../geo/travel-minutes';
import { travelRadiusMeters } from '../geo/travel-radius-meters';
import type { PointPlaces, VillagePlaces } from './places';
import { emptyRoadLabels, RoadDirection, roadDijkstra, type RoadLabels, type RoadSeed } from './road-dijkstra';
import { DEFAULT_WORKER_MIN_NODES, RoadSearchPool, roadSearchPool } from './road-search.pool';
import { RoadModeCosts } from './road-mode-costs';
import { SAMPLE_METERS, type RoadNetwork } from './road-network';
import { DEFAULT_ROAD_SPEEDS, FERRY_CLASS, metersPerMinute, ROAD_CLASSES, type RoadSpeeds } from './road-speeds';
import type { StraightLineParameters } from './straight-line.model';
import { TravelModelName, type AccessibilityField, type ReachShape, type TravelDescription, type TravelModel, type TravelModeName } from './travel-model';

/** A village farther than this from every road its mode may use is off the network: the straight line serves it. */
export const DEFAULT_MAX_OFF_ROAD_METERS = 1_000;
/** A service point is joined to its nearest usable road however far it is, up to this (a clinic exists off the mapped roads too). */
export const DEFAULT_MAX_POINT_SNAP_METERS = 50_000;
/** Single places' joins a join cache keeps (then it starts afresh): service points, by place. */
const PLACE_JOINS_KEPT = 100_000;
/** Villages costed between two turns of the event loop by the async methods' village pass. */
const VILLAGE_SLICE = 8192;
/** Nothing farther than this is a village's nearest (NaN, −1), as 300 km is for the straight line. */
export const DEFAULT_MAX_MINUTES = 240;
/**
 * A place joins every usable way whose nearest point is within this many metres of its nearest usable way's (and
 * within the place's limit), up to DEFAULT_MAX_JOINS of them. 500 m is 7.5 minutes' walk at the off-road pace (half
 * a 15-minute budget): a road farther off than that beyond the nearest one cannot do much for a 15-minute circle.
 */
export const DEFAULT_JOIN_SLACK_METERS = 500;
/** The most ways a place joins (the nearest ones within the slack). */
export const DEFAULT_MAX_JOINS = 4;

export interface RoadModelOptions {
  readonly network: RoadNetwork;
  readonly speeds?: RoadSpeeds;
  /** Speeds and detour of the straight line, for villages off the network. */
  readonly straightLine: StraightLineParameters;
  readonly maxOffRoadMeters?: number;
  readonly maxPointSnapMeters?: number;
  readonly maxMinutes?: number;
  /**
   * Fields label nodes and cost villages only up to this many minutes at first (the largest budget the callers
   * expect to ask; `createField`'s `cutoffCost` may ask for more), extending when asked (`RoadField.ensureCutoff`,
   * `completeRange`, `complete`): costs beyond it are NaN until then. Default maxMinutes: every cost up to it, as
   * without a cutoff.
   */
  readonly fieldCutoffMinutes?: number;
  /** A place joins every usable way within this many metres of its nearest (up to maxJoins of them). Default DEFAULT_JOIN_SLACK_METERS. */
  readonly joinSlackMeters?: number;
  /** The most ways a place joins. Default DEFAULT_MAX_JOINS; 1 (with any slack): the nearest way alone. */
  readonly maxJoins?: number;
  /** Where the async methods (`createFieldAsync`, `RoadField.ensureCutoffAsync`, …) search: default the process's pool. */
  readonly searchPool?: RoadSearchPool;
  /** Networks of at least this many nodes search in the pool's thread (async methods only); smaller ones on the calling thread. */
  readonly workerMinNodes?: number;
}

interface Settings {
  readonly costs: RoadModeCosts;
  readonly straightLine: StraightLineParameters;
  readonly mode: TravelModeName;
  readonly maxOffRoadMeters: number;
  readonly maxPointSnapMeters: number;
  readonly maxMinutes: number;
  readonly joinSlackMeters: number;
  readonly maxJoins: number;
  /** New fields' cutoff (≤ maxMinutes). */
  readonly fieldCutoffMinutes: number;
  /** Shared by the fields of a mode for single-place searches (one thread: one search at a time); all Infinity between uses. */
  readonly scratch: RoadLabels;
  /** Where villages join the network, shared by the modes that may join the same ways. */
  readonly joins: VillageJoinCache;
  readonly pool: RoadSearchPool;
  readonly workerMinNodes: number;
}

/** The reached part of a way between two fractions of it (from < to), and the minutes left at each end. */
export interface ReachedWayPart {
  readonly way: number;
  readonly from: number;
  readonly to: number;
  readonly remainingAtStart: number;
  readonly remainingAtEnd: number;
}

/** One of the places where an origin or a place joins the network: a way, the fraction along it, and off-road minutes. */
interface Joined {
  readonly way: number;
  readonly fraction: number;
  readonly offMinutes: number;
}

/**
 * The road travel model: shortest travel time in minutes over a road network, per mode (speeds and permissions by
 * OSM class, cars keep to one-way streets, ferries cost their duration). Costs are minutes from the village to the
 * point (for cars on one-way streets the direction matters: the fields search from the points over reversed edges).
 *
 * Joining the network. A place joins the nearest point of each of the ways its mode may use (not ferries) whose
 * nearest point lies within `joinSlackMeters` (500 m) of the nearest such way's, the `maxJoins` (4) nearest of
 * them (ties: the smaller way index), all within the place's limit (maxOffRoadMeters for villages: none, and the
 * village is costed by the straight line; maxPointSnapMeters for points). Each join is walked in a straight line at
 * the speed table's off-road pace, and a route from or to a place takes the best of its joins. The nearest way alone
 * (as pgRouting's pgr_withPoints is given one, R5 links to one, and OpenTripPlanner to those within a millimetre
 * of the nearest) can be a trap: a service road that is one-way away from a hospital 3 m from its end leaves the
 * hospital unreachable by car although a two-way road runs 349 m off (HS-520121-14 on the Kaiyang fixture).
 * Valhalla, for the same reason, takes the
 * candidate ways within a radius and passes over those on small islands; here the slack plays the radius's part,
 * and the walk is priced rather than the candidates judged, so routing picks the join that pays. The cap bounds the
 * work: a field's village pass reads two labels per join.
 */
export class RoadModel implements TravelModel {
  readonly name = TravelModelName.ROAD;
  readonly unit = 'minutes' as const;
  readonly network: RoadNetwork;
  readonly speeds: RoadSpeeds;
  private readonly settings = new Map<TravelModeName, Settings>();

  constructor(private readonly options: RoadModelOptions) {
    this.network = options.network;
    this.speeds = options.speeds ?? DEFAULT_ROAD_SPEEDS;
  }

  fieldKey(mode: TravelModeName): string {
    return `${this.name}|${this.network.name}|${this.speeds.name}|${mode}`;
  }

  budgetCost(_mode: TravelModeName, minutes: number): number {
    return minutes;
  }

  minutes(_mode: TravelModeName, cost: number): number {
    return cost;
  }

  /** Names the networks of `areaCode` only (RoadNetwork.nameFor), when given; fieldKey names the whole graph. */
  describe(mode: TravelModeName, minutes: number, areaCode?: string): TravelDescription {
    const { offRoadWalkKmh } = this.speeds;
    const maxOffRoadMeters = this.maxOffRoadMeters;
    const joinSlackMeters = this.options.joinSlackMeters ?? DEFAULT_JOIN_SLACK_METERS;
    const maxJoins = Math.max(1, Math.floor(this.options.maxJoins ?? DEFAULT_MAX_JOINS));
    const network = this.network.nameFor(areaCode);
    const joins = maxJoins === 1 ? 'the nearest usable road' : `the nearest usable roads (each within ${joinSlackMeters} m of the nearest, up to ${maxJoins}; the best is taken)`;
    return {
      model: this.name,
      mode,
      minutes,
      parameters: { network, speeds: this.speeds.name, offRoadWalkKmh, maxOffRoadMeters, joinSlackMeters, maxJoins },
      budgetCost: minutes,
      sentence:
        `Covered = a counted point within ${minutes} min by ${mode.toLowerCase()} over the road network "${network}" ` +
        `(speeds "${this.speeds.name}"${mode === 'CAR' ? ', one-way streets kept' : ''}), walking at ${offRoadWalkKmh} km/h to and from ${joins}; ` +
        `villages more than ${maxOffRoadMeters} m from one by the straight line`,
    };
  }

  /** The off-road walking pace (metres per minute, whatever the mode): places walk to and from the nearest usable road. */
  get offRoadMetersPerMinute(): number {
    return metersPerMinute(this.speeds.offRoadWalkKmh);
  }

  /** A village farther than this from every road its mode may use is off the network (costed by the straight line). */
  get maxOffRoadMeters(): number {
    return this.options.maxOffRoadMeters ?? DEFAULT_MAX_OFF_ROAD_METERS;
  }

  /**
   * The roads reached (`reachedRoads`) widened by the walk one can still make off them at the off-road pace, up to
   * maxOffRoadMeters. (Villages off the network are costed by the straight line; the polygon leaves them out.)
   */
  reachShape(_mode: TravelModeName, _minutes: number): ReachShape {
    return { kind: 'network', walkMetersPerMinute: this.offRoadMetersPerMinute, maxOffRoadMeters: this.maxOffRoadMeters };
  }

  /** `options.cutoffCost`: label at least this far at first (the largest budget asked so far), beyond fieldCutoffMinutes. */
  createField(villages: VillagePlaces, points: PointPlaces, origins: readonly number[], mode: TravelModeName, options?: { readonly cutoffCost?: number }): RoadField {
    return new RoadField(villages, points, origins, this.settingsFor(mode), options?.cutoffCost);
  }

  /**
   * `createField` with its search off the calling thread when the network is large (`workerMinNodes`: in the search
   * pool's worker thread, over the same arrays in shared memory), so that the event loop runs meanwhile. The field is
   * the same bit for bit. The joins (the village table's first field snaps its villages) and the village pass stay on
   * the calling thread.
   */
  async createFieldAsync(villages: VillagePlaces, points: PointPlaces, origins: readonly number[], mode: TravelModeName, options?: { readonly cutoffCost?: number }): Promise<RoadField> {
    const field = new RoadField(villages, points, origins, this.settingsFor(mode), options?.cutoffCost, true);
    await field.finishBuild();
    return field;
  }

  /**
   * The roads from which one of `places` (service points, joined as a field joins its origins) is reached within
   * `minutes` by `mode`, toward the places (as coverage measures village → point): one search from them all over
   * scratch labels, then each reached way's reached parts (`reachedWayParts`). With `box` [minX, minY, maxX, maxY],
   * only the ways passing through it (whole parts, not clipped). A budget beyond maxMinutes counts as maxMinutes.
   */
  reachedRoads(places: readonly (readonly [number, number])[], mode: TravelModeName, minutes: number, box?: readonly [number, number, number, number]): ReachedRoad[] {
    const s = this.settingsFor(mode);
    return toReachedRoads(s, reachedFromPlaces(s, places, minutes, box));
  }

  /** `reachedRoads` of one place (a service point's isochrone). */
  reachedRoadsFrom(longitude: number, latitude: number, mode: TravelModeName, minutes: number): ReachedRoad[] {
    return this.reachedRoads([[longitude, latitude]], mode, minutes);
  }

  /** `reachedRoads` as ways and fractions (for tests and callers that want the network's own terms). */
  reachedWayParts(places: readonly (readonly [number, number])[], mode: TravelModeName, minutes: number, box?: readonly [number, number, number, number]): ReachedWayPart[] {
    return reachedFromPlaces(this.settingsFor(mode), places, minutes, box);
  }

  private settingsFor(mode: TravelModeName): Settings {
    let s = this.settings.get(mode);
    if (!s) {
      const costs = new RoadModeCosts(this.network, this.speeds, mode);
      const maxOffRoadMeters = this.maxOffRoadMeters;
      const maxMinutes = this.options.maxMinutes ?? DEFAULT_MAX_MINUTES;
      // Modes that may join the same classes of way join every village to the same point.
      const joinable = ROAD_CLASSES.map((_, c) => (c !== FERRY_CLASS && this.speeds.kmh[mode][ROAD_CLASSES[c]!] !== undefined ? '1' : '0')).join('');
      let joins = this.joinCaches.get(joinable);
      const joinSlackMeters = this.options.joinSlackMeters ?? DEFAULT_JOIN_SLACK_METERS;
      const maxJoins = Math.max(1, Math.floor(this.options.maxJoins ?? DEFAULT_MAX_JOINS));
      if (!joins) {
        joins = new VillageJoinCache(this.network, costs.snappable, maxOffRoadMeters, joinSlackMeters, maxJoins);
        this.joinCaches.set(joinable, joins);
      }
      s = {
        costs,
        straightLine: this.options.straightLine,
        mode,
        maxOffRoadMeters,
        maxPointSnapMeters: this.options.maxPointSnapMeters ?? DEFAULT_MAX_POINT_SNAP_METERS,
        maxMinutes,
        joinSlackMeters,
        maxJoins,
        fieldCutoffMinutes: Math.min(this.options.fieldCutoffMinutes ?? maxMinutes, maxMinutes),
        scratch: emptyRoadLabels(this.network.nodeCount),
        joins,
        pool: this.options.searchPool ?? roadSearchPool,
        workerMinNodes: this.options.workerMinNodes ?? DEFAULT_WORKER_MIN_NODES,
      };
      this.settings.set(mode, s);
    }
    return s;
  }

  /** Village joins by the classes of way a mode may join (a string of 0/1 per class). */
  private readonly joinCaches = new Map<string, VillageJoinCache>();
}

/**
 * Where each village of a village table joins the network (for the modes sharing this cache), kept per table and
 * checked against the village's place on every use: a village whose place is not the one it was joined at is
 * joined again. Fields of several modes, and the next field of a mode, thus join each village once, however the
 * engine orders its moves and its fields.
 */
class VillageJoinCache {
  private readonly tables = new WeakMap<VillagePlaces, VillageJoins>();
  /** Joins of single places (service points, each field joins its origins), by limit and place; emptied past PLACE_JOINS_KEPT. */
  private readonly places = new Map<string, readonly Joined[]>();

  constructor(
    private readonly network: RoadNetwork,
    private readonly snappable: (way: number) => boolean,
    private readonly maxOffRoadMeters: number,
    private readonly joinSlackMeters: number,
    readonly maxJoins: number,
  ) {}

  /** The joins of every village of the table, brought up to date. */
  of(villages: VillagePlaces): VillageJoins {
    let joins = this.tables.get(villages);
    if (!joins || joins.size < villages.size) {
      const grown = new VillageJoins(Math.max(villages.size, joins ? joins.size * 2 : 0), this.maxJoins);
      if (joins) grown.copy(joins);
      joins = grown;
      this.tables.set(villages, joins);
    }
    for (let v = 0; v < villages.size; v++) this.refresh(joins, villages, v);
    joins.villageCount = villages.size;
    return joins;
  }

  /** Village v's joins, found again if its place moved since (or it was never joined). */
  refresh(joins: VillageJoins, villages: VillagePlaces, v: number): void {
    const lon = villages.longitude[v]!;
    const lat = villages.latitude[v]!;
    if (joins.lon[v] === lon && joins.lat[v] === lat) return;
    const found = this.network.joins(lon, lat, this.snappable, this.maxOffRoadMeters, this.joinSlackMeters, this.maxJoins);
    joins.unindex(v);
    joins.lon[v] = lon;
    joins.lat[v] = lat;
    joins.count[v] = found.length;
    for (let i = 0; i < this.maxJoins; i++) {
      const k = v * this.maxJoins + i;
      const snap = found[i];
      joins.way[k] = snap ? snap.way : -1;
      joins.fraction[k] = snap ? snap.fraction : 0;
      joins.offRoadMeters[k] = snap ? snap.offRoadMeters : 0;
    }
    joins.index(v);
  }

  /** The villages of the table joined to each way (the table's joins brought up to date first by `of`). */
  villagesByWay(villages: VillagePlaces): ReadonlyMap<number, readonly number[]> {
    return (this.tables.get(villages) ?? this.of(villages)).villagesByWay();
  }

  /**
   * Where a place joins the network within maxMeters (joinPlace's answer), remembered by place: a field joins every
   * one of its origins, and the next field of the mode (another item's) mostly the same points.
   */
  place(longitude: number, latitude: number, maxMeters: number, offRoadMinutes: (meters: number) => number): readonly Joined[] {
    const key = `${maxMeters}|${longitude}|${latitude}`;
    let joins = this.places.get(key);
    if (!joins) {
      joins = this.network
        .joins(longitude, latitude, this.snappable, maxMeters, this.joinSlackMeters, this.maxJoins)
        .map((snap) => ({ way: snap.way, fraction: snap.fraction, offMinutes: offRoadMinutes(snap.offRoadMeters) }));
      if (this.places.size >= PLACE_JOINS_KEPT) this.places.clear();
      this.places.set(key, joins);
    }
    return joins;
  }

  /** Village v's joins, for one village that moved. */
  one(villages: VillagePlaces, v: number): VillageJoins {
    let joins = this.tables.get(villages);
    if (!joins || joins.size <= v) joins = this.of(villages);
    else this.refresh(joins, villages, v);
    return joins;
  }
}

/**
 * Per village slot: the place it was joined at (NaN: never) and how many ways it joins (0: off the network); per
 * join (slot v × maxJoins + i, nearest first): its way (−1 past the count), fraction and off-road metres.
 */
class VillageJoins {
  readonly lon: Float64Array;
  readonly lat: Float64Array;
  readonly count: Uint8Array;
  readonly way: Int32Array;
  readonly fraction: Float64Array;
  readonly offRoadMeters: Float64Array;

  constructor(
    readonly size: number,
    private readonly maxJoins: number,
  ) {
    this.lon = new Float64Array(size).fill(Number.NaN);
    this.lat = new Float64Array(size).fill(Number.NaN);
    this.count = new Uint8Array(size);
    this.way = new Int32Array(size * maxJoins).fill(-1);
    this.fraction = new Float64Array(size * maxJoins);
    this.offRoadMeters = new Float64Array(size * maxJoins);
  }

  /** Village slots 0 … size − 1 (the table's) by the node their nearest join's way starts at (off the network last); made once per table and size. */
  passOrder(network: RoadNetwork): Uint32Array {
    if (this.order && this.order.length === this.villageCount) return this.order;
    const n = this.villageCount;
    const key = new Uint32Array(n);
    for (let v = 0; v < n; v++) key[v] = this.count[v]! > 0 ? network.wayFrom[this.way[v * this.maxJoins]!]! : network.nodeCount;
    this.order = Uint32Array.from({ length: n }, (_, v) => v).sort((a, b) => key[a]! - key[b]! || a - b);
    return this.order;
  }

  private order: Uint32Array | null = null;
  /** The villages joined to each way: made on first need (a field's patch or a place's reach), then kept up to date. */
  private byWay: Map<number, number[]> | null = null;

  villagesByWay(): Map<number, number[]> {
    if (!this.byWay) {
      this.byWay = new Map();
      for (let v = 0; v < this.villageCount; v++) this.index(v);
    }
    return this.byWay;
  }

  /** Village v into the index of villages by way, under each of its joins' ways (when the index exists). */
  index(v: number): void {
    const byWay = this.byWay;
    if (!byWay) return;
    for (let i = 0, count = this.count[v]!; i < count; i++) {
      const way = this.way[v * this.maxJoins + i]!;
      const list = byWay.get(way);
      if (list) list.push(v);
      else byWay.set(way, [v]);
    }
  }

  /** Village v out of the index (before its joins change). */
  unindex(v: number): void {
    const byWay = this.byWay;
    if (!byWay) return;
    for (let i = 0, count = this.count[v]!; i < count; i++) {
      const way = this.way[v * this.maxJoins + i]!;
      const list = byWay.get(way);
      const at = list ? list.indexOf(v) : -1;
      if (at < 0) continue;
      list!.splice(at, 1);
      if (list!.length === 0) byWay.delete(way);
    }
  }
  /** Villages of the table when last brought up to date (`size` may be larger: room to grow). */
  villageCount = 0;

  copy(from: VillageJoins): void {
    this.lon.set(from.lon);
    this.lat.set(from.lat);
    this.count.set(from.count);
    this.way.set(from.way);
    this.fraction.set(from.fraction);
    this.offRoadMeters.set(from.offRoadMeters);
  }
}

/** Where a place joins the network (RoadModel's rule, within maxMeters), each with its off-road leg in minutes; empty: nowhere. */
function joinPlace(s: Settings, longitude: number, latitude: number, maxMeters: number): readonly Joined[] {
  return s.joins.place(longitude, latitude, maxMeters, (meters) => s.costs.offRoadMinutes(meters));
}

/** The ends of the way of one of an origin's joins, at the minutes from each to the origin (along the way, if the mode may go that way, then off-road). */
function pushSeeds(s: Settings, seeds: RoadSeed[], j: Joined, source: number): void {
  const { costs } = s;
  const m = costs.wayMinutes[j.way]!;
  if (costs.forwardOpen(j.way)) seeds.push({ node: costs.network.wayFrom[j.way]!, minutes: j.offMinutes + j.fraction * m, source });
  if (costs.backwardOpen(j.way)) seeds.push({ node: costs.network.wayTo[j.way]!, minutes: j.offMinutes + (1 - j.fraction) * m, source });
}

function clearScratch(s: Settings, changed: readonly number[]): void {
  const { minutes, source } = s.scratch;
  for (const u of changed) {
    minutes[u] = Number.POSITIVE_INFINITY;
    source[u] = -1;
  }
}

/** The ways passing through the box that a place may join (every way within SAMPLE_METERS / 2 of an indexed point in it, buffered by that). */
function joinableWaysInBox(s: Settings, box: readonly [number, number, number, number]): number[] {
  const [minX, minY, maxX, maxY] = box;
  const ruler = new CheapRuler((minY + maxY) / 2, 'meters');
  const [x0, y0, x1, y1] = ruler.bufferBBox([minX, minY, maxX, maxY], (SAMPLE_METERS / 2) * 1.01);
  return s.costs.network.waysInBox(x0, y0, x1, y1).filter(s.costs.snappable);
}

/** The search of RoadModel.reachedRoads: places joined as origins (at each of their joins), scratch labels toward them, the parts reached. */
function reachedFromPlaces(s: Settings, places: readonly (readonly [number, number])[], minutes: number, box?: readonly [number, number, number, number]): ReachedWayPart[] {
  const { costs, scratch } = s;
  const network = costs.network;
  const limit = Math.min(minutes, s.maxMinutes);
  const seeds: RoadSeed[] = [];
  const byWay = new Map<number, Joined[]>();
  places.forEach(([lon, lat], i) => {
    for (const j of joinPlace(s, lon, lat, s.maxPointSnapMeters)) {
      pushSeeds(s, seeds, j, i);
      const list = byWay.get(j.way);
      if (list) list.push(j);
      else byWay.set(j.way, [j]);
    }
  });
  const changed: number[] = [];
  const out: ReachedWayPart[] = [];
  if (!(limit >= 0)) return out;
  // Which place is nearest does not matter here: ties go to any.
  roadDijkstra(costs, RoadDirection.TO_SOURCES, scratch, seeds, limit, () => false, changed);
  let ways: Iterable<number>;
  if (box) ways = joinableWaysInBox(s, box);
  else {
    const reached = new Set<number>(byWay.keys());
    const { edgeOffsets, edgeWay } = network;
    for (const u of changed) for (let e = edgeOffsets[u]!; e < edgeOffsets[u + 1]!; e++) if (costs.snappable(edgeWay[e]!)) reached.add(edgeWay[e]!);
    ways = [...reached].sort((a, b) => a - b); // in way order, whatever order the search reached them in
  }
  for (const w of ways) wayParts(s, scratch, w, limit, byWay.get(w) ?? [], out);
  clearScratch(s, changed);
  return out;
}

function toReachedRoads(s: Settings, parts: readonly ReachedWayPart[]): ReachedRoad[] {
  const network = s.costs.network;
  return parts.map((p) => ({ line: network.wayLine(p.way, p.from, p.to), remainingAtStart: p.remainingAtStart, remainingAtEnd: p.remainingAtEnd }));
}

/**
 * The parts of way `way` from which an origin is within `budget` by `labels` (minutes from each node to its
 * nearest origin, right up to the budget at least), and the minutes left at their ends, appended to `out`.
 * A point at fraction f of the way (m minutes long) reaches an origin by its from node (f·m + that node's label,
 * if the mode may go that way along it), by its to node ((1 − f)·m + label), or straight along the way to an
 * origin joined to it at g (|g − f|·m + the origin's off-road minutes, if open that way). Each term is linear in f
 * with slope ±m; their minimum changes slope only where two terms of opposite slopes cross and where an origin
 * sits (the ends of its terms), so between those breakpoints, and those where a term reaches the budget, the
 * minutes left are linear: one part per run of such intervals that is reached and keeps the same slope. Ways the
 * mode may not join (closed to it, ferries: no place joins them, so no place is reached there) have none.
 */
function wayParts(s: Settings, labels: RoadLabels, way: number, budget: number, sameWay: readonly Joined[], out: ReachedWayPart[]): void {
  const { costs } = s;
  if (!costs.snappable(way)) return;
  const network = costs.network;
  const m = costs.wayMinutes[way]!;
  // Terms: cost(f) = base + (f − anchor)·m (rising, dir +1) or base + (anchor − f)·m (falling, dir −1), on [lo, hi].
  const terms: { base: number; anchor: number; dir: 1 | -1; lo: number; hi: number }[] = [];
  const la = labels.minutes[network.wayFrom[way]!]!;
  const lb = labels.minutes[network.wayTo[way]!]!;
  const back = costs.backwardOpen(way);
  const fwd = costs.forwardOpen(way);
  if (back && la <= budget) terms.push({ base: la, anchor: 0, dir: 1, lo: 0, hi: 1 });
  if (fwd && lb <= budget) terms.push({ base: lb, anchor: 1, dir: -1, lo: 0, hi: 1 });
  for (const j of sameWay) {
    if (fwd) terms.push({ base: j.offMinutes, anchor: j.fraction, dir: -1, lo: 0, hi: j.fraction });
    if (back) terms.push({ base: j.offMinutes, anchor: j.fraction, dir: 1, lo: j.fraction, hi: 1 });
  }
  if (terms.length === 0) return;
  const cost = (t: (typeof terms)[number], f: number): number => t.base + (t.dir === 1 ? f - t.anchor : t.anchor - f) * m;
  const breaks = [0, 1];
  for (const t of terms) {
    breaks.push(t.lo, t.hi, t.anchor + (t.dir * (budget - t.base)) / m);
    if (t.dir === 1) for (const u of terms) if (u.dir === -1) breaks.push((u.base - t.base + (t.anchor + u.anchor) * m) / (2 * m));
  }
  const fs = [...new Set(breaks.filter((f) => f >= 0 && f <= 1))].sort((a, b) => a - b);
  let open: { from: number; to: number; start: number; end: number; dir: number } | null = null;
  const close = (): void => {
    if (open && open.to > open.from) out.push({ way, from: open.from, to: open.to, remainingAtStart: Math.max(0, budget - open.start), remainingAtEnd: Math.max(0, budget - open.end) });
    open = null;
  };
  for (let k = 0; k + 1 < fs.length; k++) {
    const f0 = fs[k]!;
    const f1 = fs[k + 1]!;
    const mid = (f0 + f1) / 2;
    let best: (typeof terms)[number] | null = null;
    let bestCost = Number.POSITIVE_INFINITY;
    for (const t of terms) {
      if (mid < t.lo || mid > t.hi) continue;
      const c = cost(t, mid);
      if (c < bestCost) {
        best = t;
        bestCost = c;
      }
    }
    if (!best || !(bestCost <= budget)) {
      close();
      continue;
    }
    const c0 = cost(best, f0);
    const c1 = cost(best, f1);
    const o = open as { to: number; end: number; dir: number } | null;
    if (o && o.to === f0 && o.dir === best.dir && Math.abs(o.end - c0) <= 1e-9) {
      o.to = f1;
      o.end = c1;
    } else {
      close();
      open = { from: f0, to: f1, start: c0, end: c1, dir: best.dir };
    }
  }
  close();
}

/**
 * Minutes from each village to its nearest origin over the network, by node labels (minutes from every node to its
 * nearest origin and which, from a multi-source Dijkstra over reversed edges, seeded at every join of every origin)
 * read at each of the village's joining points, the best kept: off-road walk + the part of its way to either end +
 * that end's label, or straight along the way to an origin joined to the same way. Villages off the network (no
 * join) take the straight line to every origin. Villages join the
 * network once per village table and class of mode (the model's join cache). Labels and on-network costs stop at
 * the field's cutoff (maxMinutes unless the model sets `fieldCutoffMinutes` or the caller a `cutoffCost`): beyond it
 * such a cost is NaN until `ensureCutoff` extends it, or `completeRange` / `complete` extend it as far as some
 * villages need (after which their costs are those of an uncut field); villages off the network are costed up to
 * maxMinutes whatever the cutoff (no search needed). A search that ends before its cutoff (everything reachable
 * labelled) leaves the field uncut. The single-place questions (nearestOrigins, reachFrom, costsBetween,
 * originsReaching) search afresh and do not depend on it.
 */
export class RoadField implements AccessibilityField {
  readonly cost: Float64Array;
  readonly nearest: Int32Array;
  /** 1 for villages farther than maxOffRoadMeters from any road the mode may use (costed by the straight line). */
  readonly offNetwork: Uint8Array;
  /** Per node: minutes to its nearest origin and which (in shared memory); null while a deferred field awaits its first search. */
  private nodeLabels: RoadLabels | null;
  private cutoff: number;
  /** The first search's seeds while the field waits for it (createFieldAsync); null once built. */
  private deferred: RoadSeed[] | null = null;
  /** An async search of the labels is under way: nothing else may use the field until it ends. */
  private busy = false;

  /**
   * No node's true label lies above the cutoff and below this (the cheapest label the searches left out, as
   * roadDijkstra returns it): the cutoff may rise to just below it without a search.
   */
  private frontier = Number.POSITIVE_INFINITY;
  /**
   * Origins joined in each connected part of the mode's network (RoadModeCosts.components): where a village may be
   * reached at all. Counted on first need (`completeRange`), kept up to date after.
   */
  private originsInComponent: Map<number, number> | null = null;
  /** Joins per village: maxJoins slots each (v × maxJoins + i, nearest first), `villageJoinCount` of them used. */
  private readonly maxJoins: number;
  private readonly villageJoinCount: Uint8Array;
  private readonly villageWay: Int32Array;
  private readonly villageFraction: Float64Array;
  private readonly villageOffMinutes: Float64Array;
  /**
   * Every village, in the order the field's passes cost them: by the node their nearest join's way starts at (nodes
   * are numbered along a Hilbert curve), so that the labels they read lie close together in memory (each village reads
   * two per join); the order does not change what a village costs. Moved villages keep their place in it.
   */
  private readonly passOrder: Uint32Array;
  /** Counted origins and where they join the network (empty: no usable road within maxPointSnapMeters). */
  private readonly origins = new Map<number, readonly Joined[]>();
  /** The origins joined to each way. */
  private readonly originsByWay = new Map<number, number[]>();
  private readonly sourceBefore: (a: number, b: number) => boolean;
  /** Stamps for deduplicating villages touched by a search. */
  private readonly seen: Uint32Array;
  private stamp = 0;

  constructor(
    private readonly villages: VillagePlaces,
    private readonly points: PointPlaces,
    origins: readonly number[],
    private readonly s: Settings,
    cutoffCost?: number,
    /** Leave the first search to `finishBuild` (createFieldAsync). */
    deferSearch = false,
  ) {
    const n = villages.size;
    this.cost = new Float64Array(n).fill(Number.NaN);
    this.nearest = new Int32Array(n).fill(-1);
    this.offNetwork = new Uint8Array(n);
    this.maxJoins = s.maxJoins;
    this.villageJoinCount = new Uint8Array(n);
    this.villageWay = new Int32Array(n * s.maxJoins).fill(-1);
    this.villageFraction = new Float64Array(n * s.maxJoins);
    this.villageOffMinutes = new Float64Array(n * s.maxJoins);
    this.seen = new Uint32Array(n);
    this.sourceBefore = (a, b) => points.id(a) < points.id(b);
    const joins = s.joins.of(villages);
    this.passOrder = joins.passOrder(s.costs.network);
    // Every village's joins at once (setJoin's copy, in bulk).
    const slots = n * s.maxJoins;
    this.villageJoinCount.set(joins.count.subarray(0, n));
    this.villageWay.set(joins.way.subarray(0, slots));
    this.villageFraction.set(joins.fraction.subarray(0, slots));
    for (let k = 0; k < slots; k++) this.villageOffMinutes[k] = s.costs.offRoadMinutes(joins.offRoadMeters[k]!);
    for (let v = 0; v < n; v++) this.offNetwork[v] = this.villageJoinCount[v] === 0 ? 1 : 0;
    const seeds: RoadSeed[] = [];
    for (const p of origins) {
      if (this.origins.has(p)) continue;
      for (const j of this.joinOrigin(p)) this.pushSeeds(seeds, j, p);
    }
    // A deferred field's labels are made by the thread that searches them (in the worker: 25 MB on a province, off the event loop).
    this.nodeLabels = deferSearch ? null : emptyRoadLabels(s.costs.network.nodeCount);
    this.cutoff = Math.min(s.maxMinutes, Math.max(s.fieldCutoffMinutes, cutoffCost !== undefined && cutoffCost >= 0 ? cutoffCost : 0));
    if (deferSearch) {
      this.deferred = seeds;
      return;
    }
    this.searched(roadDijkstra(s.costs, RoadDirection.TO_SOURCES, this.labels, seeds, this.cutoff, this.sourceBefore));
    for (const v of this.passOrder) this.recompute(v);
  }

  /** A deferred field's first search (`search`: in the pool's thread when the network is large), then its villages. */
  async finishBuild(): Promise<void> {
    const seeds = this.deferred;
    if (!seeds) return;
    this.busy = true;
    try {
      this.searched(await this.search(seeds));
      await this.costInSlices(false);
    } finally {
      this.deferred = null;
      this.busy = false;
    }
  }

  /** Per node: minutes to its nearest origin and which (read-only outside the field; in shared memory). */
  get labels(): RoadLabels {
    if (!this.nodeLabels) throw new Error('RoadField: its first search has not run yet (await createFieldAsync)');
    return this.nodeLabels;
  }

  /**
   * roadDijkstra over the field's labels to its cutoff, in the search pool's worker thread when the network has at
   * least workerMinNodes nodes (ties between origins by their ids' order, as sourceBefore), else here. A deferred
   * field's labels are made by whichever thread searches first. The caller keeps the field busy meanwhile.
   */
  private async search(seeds: readonly RoadSeed[]): Promise<number> {
    const { s } = this;
    const worker = s.costs.network.nodeCount >= s.workerMinNodes && RoadSearchPool.canSearchGraph(s.costs) && (!this.nodeLabels || RoadSearchPool.canSearch(s.costs, this.nodeLabels));
    if (!worker) {
      this.nodeLabels ??= emptyRoadLabels(s.costs.network.nodeCount);
      return roadDijkstra(s.costs, RoadDirection.TO_SOURCES, this.nodeLabels, seeds, this.cutoff, this.sourceBefore);
    }
    const found = await s.pool.search(s.costs, this.nodeLabels, seeds, this.cutoff, this.originRanks());
    this.nodeLabels = found.labels;
    return found.beyond;
  }

  /**
   * The village pass of the async methods (every village, or those without a cost), in slices of VILLAGE_SLICE
   * villages with the event loop let run between them: a province's 60,000 villages take some 50 ms.
   */
  private async costInSlices(uncostedOnly: boolean): Promise<void> {
    const order = this.passOrder;
    for (let start = 0; start < order.length; start += VILLAGE_SLICE) {
      if (start > 0) await new Promise<void>((resolve) => setImmediate(resolve));
      for (let k = start, end = Math.min(order.length, start + VILLAGE_SLICE); k < end; k++) {
        const v = order[k]!;
        if (!uncostedOnly || Number.isNaN(this.cost[v]!)) this.recompute(v);
      }
    }
  }

  /** Per point slot: the origin's place in the origins' order by id (−1: not an origin). Every source in the labels is an origin. */
  private originRanks(): Int32Array {
    const origins = [...this.origins.keys()];
    const before = this.sourceBefore;
    origins.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
    const rank = new Int32Array(origins.reduce((m, p) => Math.max(m, p + 1), 0)).fill(-1);
    origins.forEach((p, i) => (rank[p] = i));
    return rank;
  }

  /** Throws when an async search is under way (or the field awaits its first): callers await those first. */
  private idle(): void {
    if (this.busy || this.deferred) throw new Error('RoadField: a search of its labels is under way (await it before using the field)');
  }

  get size(): number {
    return this.origins.size;
  }

  get bytes(): number {
    return (
      this.cost.byteLength * 4 +
      this.nearest.byteLength +
      this.offNetwork.byteLength +
      this.villageJoinCount.byteLength +
      this.villageWay.byteLength * 5 +
      (this.nodeLabels?.minutes.byteLength ?? 0) +
      (this.nodeLabels?.source.byteLength ?? 0) +
      this.origins.size * 2 * 48
    );
  }

  hasOrigin(point: number): boolean {
    return this.origins.has(point);
  }

  /** Minutes up to which the field's costs are exact; beyond, NaN (−1 nearest) until `ensureCutoff` extends it. */
  get cutoffMinutes(): number {
    return this.cutoff;
  }

  /**
   * Extends the field's costs to `minutes` (at most maxMinutes) if they stop short of it: the search resumes from
   * the labelled nodes next to unlabelled ones and from the origins' seeds (labels up to the old cutoff are final,
   * so resuming from them at their labels gives what one search to the new cutoff would; an origin's seed may lie
   * beyond the old cutoff), then the villages without a cost are costed.
   * Work: a scan of the nodes and villages, and the search of the ring between the two cutoffs.
   */
  ensureCutoff(minutes: number): void {
    const seeds = this.extendTo(minutes);
    if (seeds === undefined) return;
    if (seeds) this.searched(roadDijkstra(this.s.costs, RoadDirection.TO_SOURCES, this.labels, seeds, this.cutoff, this.sourceBefore));
    this.costUncosted();
  }

  /** `ensureCutoff` with its search off the calling thread on a large network (see RoadModel.createFieldAsync). */
  async ensureCutoffAsync(minutes: number): Promise<void> {
    const seeds = this.extendTo(minutes);
    if (seeds === undefined) return;
    this.busy = true;
    try {
      if (seeds) this.searched(await this.search(seeds));
      await this.costInSlices(true);
    } finally {
      this.busy = false;
    }
  }

  /**
   * ensureCutoff's first half: raises the cutoff to `minutes` (at most maxMinutes) and returns the seeds of the search
   * that labels the ring between the two (null: no label lies there; undefined: the cutoff was that far already).
   */
  private extendTo(minutes: number): RoadSeed[] | null | undefined {
    this.idle();
    const target = Math.min(minutes, this.s.maxMinutes);
    if (!(target > this.cutoff)) return undefined;
    this.cutoff = target;
    // Nothing to label below the frontier: only the villages whose cost lies beyond the old cutoff change.
    if (!(target >= this.frontier)) return null;
    const { minutes: label, source } = this.labels;
    const { costs } = this.s;
    const { edgeOffsets, edgeTarget } = costs.network;
    const edgeMinutes = costs.edgeMinutes(true);
    const seeds: RoadSeed[] = [];
    for (let u = 0; u < label.length; u++) {
      if (label[u] === Number.POSITIVE_INFINITY) continue;
      // A rim node: a neighbour x unlabelled that u's label may reach (travel x → u, stored edge u → x walked backwards).
      for (let e = edgeOffsets[u]!; e < edgeOffsets[u + 1]!; e++) {
        if (label[edgeTarget[e]!] !== Number.POSITIVE_INFINITY || edgeMinutes[e] === Number.POSITIVE_INFINITY) continue;
        seeds.push({ node: u, minutes: label[u]!, source: source[u]! });
        break;
      }
    }
    // And the origins' own seeds: those beyond the old cutoff were left out.
    for (const [p, js] of this.origins) for (const j of js) this.pushSeeds(seeds, j, p);
    // Every label left out now is left out by this search: its frontier is the field's.
    this.frontier = Number.POSITIVE_INFINITY;
    return seeds;
  }

  /** The villages without a cost, costed (after the cutoff rose). */
  private costUncosted(): void {
    for (const v of this.passOrder) if (Number.isNaN(this.cost[v]!)) this.recompute(v);
  }

  /**
   * Makes the costs of villages start … end − 1 those of an uncut field: while one of them has no cost yet and may
   * have one (it is on the network, in a connected part of it with an origin), the cutoff doubles (or jumps to the
   * frontier), up to maxMinutes. What answers report of villages beyond the budget (their nearest point and
   * minutes) is then what it would be without a cutoff.
   */
  completeRange(start: number, end: number): void {
    this.idle();
    while (this.cutoff < this.s.maxMinutes && this.someUnsettled(start, end, null)) this.ensureCutoff(this.nextCutoff());
  }

  /** `completeRange` for some villages (indices). */
  complete(villages: ArrayLike<number>): void {
    this.idle();
    while (this.cutoff < this.s.maxMinutes && this.someUnsettled(0, villages.length, villages)) this.ensureCutoff(this.nextCutoff());
  }

  /** `completeRange` with its searches off the calling thread on a large network. */
  async completeRangeAsync(start: number, end: number): Promise<void> {
    this.idle();
    while (this.cutoff < this.s.maxMinutes && this.someUnsettled(start, end, null)) await this.ensureCutoffAsync(this.nextCutoff());
  }

  /** `complete` with its searches off the calling thread on a large network. */
  async completeAsync(villages: ArrayLike<number>): Promise<void> {
    this.idle();
    while (this.cutoff < this.s.maxMinutes && this.someUnsettled(0, villages.length, villages)) await this.ensureCutoffAsync(this.nextCutoff());
  }

  /** The cutoff completing doubles to (or jumps to the frontier), up to maxMinutes. */
  private nextCutoff(): number {
    return Math.min(this.s.maxMinutes, Math.max(2 * this.cutoff, this.frontier, 1));
  }

  /** Whether one of the villages (k = start … end − 1: village k, or villages[k]) may have a cost beyond the cutoff. */
  private someUnsettled(start: number, end: number, villages: ArrayLike<number> | null): boolean {
    const components = this.s.costs.components();
    const { wayFrom } = this.s.costs.network;
    if (!this.originsInComponent) {
      this.originsInComponent = new Map();
      for (const js of this.origins.values()) for (const j of js) this.countInComponent(j, 1);
    }
    const K = this.maxJoins;
    for (let k = start; k < end; k++) {
      const v = villages ? villages[k]! : k;
      if (this.nearest[v]! >= 0 || this.offNetwork[v] === 1) continue;
      for (let i = 0, count = this.villageJoinCount[v]!; i < count; i++) {
        const way = this.villageWay[v * K + i]!;
        if ((this.originsInComponent.get(components[wayFrom[way]!]!) ?? 0) > 0) return true;
      }
    }
    return false;
  }

  /** One of an origin's joins enters (+1) or leaves (−1) its part's count, once counting has started. */
  private countInComponent(j: Joined, delta: 1 | -1): void {
    const counts = this.originsInComponent;
    if (!counts) return;
    const c = this.s.costs.components()[this.s.costs.network.wayFrom[j.way]!]!;
    const n = (counts.get(c) ?? 0) + delta;
    if (n > 0) counts.set(c, n);
    else counts.delete(c);
  }

  /** Takes in what a search cut at the cutoff returned: the cheapest label left out. */
  private searched(beyond: number): void {
    if (beyond < this.frontier) this.frontier = beyond;
    // Nothing left out up to maxMinutes: every label an uncut field has is there.
    if (this.frontier > this.s.maxMinutes) this.cutoff = this.s.maxMinutes;
  }

  /**
   * A search from the new point alone, labelling only the nodes it reaches faster than their current origin (its
   * cell: the search stops at the cell's edge, so its cost is that of the cell, not of the network), then the
   * villages on the ways at those nodes.
   */
  addOrigin(point: number): void {
    this.idle();
    if (this.origins.has(point)) return;
    const joins = this.joinOrigin(point);
    const villages: number[] = [];
    if (joins.length > 0) {
      const seeds: RoadSeed[] = [];
      for (const j of joins) this.pushSeeds(seeds, j, point);
      const changed: number[] = [];
      this.searched(roadDijkstra(this.s.costs, RoadDirection.TO_SOURCES, this.labels, seeds, this.cutoff, this.sourceBefore, changed));
      this.villagesAtNodes(changed, villages);
      for (const j of joins) this.villagesOnWay(j.way, villages);
    }
    for (const v of villages) this.recompute(v);
    this.improveOffNetwork(point);
  }

  /**
   * The point's cell is emptied (its nodes found by a scan of the labels) and filled again from its rim (the
   * labels of neighbouring nodes, which the point did not give) and the remaining origins' seeds inside it; then
   * the villages it was nearest to are costed again. Work: the cell, plus a scan of nodes and villages.
   */
  removeOrigin(point: number): void {
    this.idle();
    if (!this.origins.has(point)) return;
    const joins = this.origins.get(point)!;
    this.origins.delete(point);
    for (const j of joins) {
      this.countInComponent(j, -1);
      const list = this.originsByWay.get(j.way)!;
      list.splice(list.indexOf(point), 1);
      if (list.length === 0) this.originsByWay.delete(j.way);
    }
    if (joins.length > 0) this.refillCell(point);
    const { nearest } = this;
    for (let v = 0; v < nearest.length; v++) if (nearest[v] === point) this.recompute(v);
  }

  moveOrigin(point: number): void {
    if (!this.origins.has(point)) return;
    this.removeOrigin(point);
    this.addOrigin(point);
  }

  villagesMoved(villages: readonly number[]): void {
    this.idle();
    for (const v of villages) {
      // The table's joins (and its villages-by-way index) are brought up to date by the first field told.
      this.setJoin(v, this.s.joins.one(this.villages, v));
      this.recompute(v);
    }
  }

  /**
   * The parts of roads from which the field's nearest origin is within `budgetMinutes` (toward the origins, as the
   * costs), with the minutes left at their ends: read off the field's labels, no search. With `box` [minX, minY,
   * maxX, maxY], only the ways passing through it (whole parts, not clipped). A budget beyond maxMinutes counts as
   * maxMinutes. Work: a scan of the nodes' labels (or the box's ways), then the ways reached.
   */
  reachedRoads(budgetMinutes: number, box?: readonly [number, number, number, number]): ReachedRoad[] {
    return toReachedRoads(this.s, this.reachedWayParts(budgetMinutes, box));
  }

  /** `reachedRoads` as ways and fractions. */
  reachedWayParts(budgetMinutes: number, box?: readonly [number, number, number, number]): ReachedWayPart[] {
    const { costs } = this.s;
    const network = costs.network;
    const budget = Math.min(budgetMinutes, this.s.maxMinutes);
    const out: ReachedWayPart[] = [];
    if (!(budget >= 0)) return out;
    this.ensureCutoff(budget);
    const sameWay = (w: number): Joined[] => (this.originsByWay.get(w) ?? []).map((p) => this.joinOn(p, w));
    if (box) {
      for (const w of joinableWaysInBox(this.s, box)) wayParts(this.s, this.labels, w, budget, sameWay(w), out);
      return out;
    }
    const { minutes } = this.labels;
    const { edgeOffsets, edgeWay, wayFrom, wayTo } = network;
    // Each way once: from its from node when that is reached, else from its to node; loops (from = to) by a set.
    const loops = new Set<number>();
    for (let u = 0; u < minutes.length; u++) {
      if (!(minutes[u]! <= budget)) continue;
      for (let e = edgeOffsets[u]!; e < edgeOffsets[u + 1]!; e++) {
        const w = edgeWay[e]!;
        const a = wayFrom[w]!;
        if (a === wayTo[w]!) {
          if (loops.has(w)) continue;
          loops.add(w);
        } else if (u !== a && minutes[a]! <= budget) continue;
        wayParts(this.s, this.labels, w, budget, sameWay(w), out);
      }
    }
    // Ways holding an origin whose ends are both beyond the budget.
    for (const w of this.originsByWay.keys()) if (!(minutes[wayFrom[w]!]! <= budget) && !(minutes[wayTo[w]!]! <= budget)) wayParts(this.s, this.labels, w, budget, sameWay(w), out);
    return out;
  }

  /** One search forward from the place (cut at maxCost), then every origin read off it: O(cell searched + origins). */
  nearestOrigins(longitude: number, latitude: number, limit: number, maxCost = this.s.maxMinutes): { point: number; cost: number }[] {
    const found = this.costsFromPlace(
      longitude,
      latitude,
      [...this.origins].map(([p, joins]) => ({ point: p, joins, lon: this.points.longitude(p), lat: this.points.latitude(p) })),
      Math.min(maxCost, this.s.maxMinutes),
    );
    return found
      .filter((r) => r.cost <= maxCost)
      .sort((a, b) => a.cost - b.cost || (this.points.id(a.point) < this.points.id(b.point) ? -1 : 1))
      .slice(0, limit);
  }

  /**
   * The origins that may reach a place in the box within `cost`: a superset (callers measure). A forward search
   * from every way with an indexed point within maxOffRoadMeters (+ the index's spacing) of the box, all at cost
   * 0, gives a lower bound of any in-box place's minutes to each origin; plus the origins within the straight
   * line's reach of the box, for villages off the network. Work: one search of radius `cost` around the box.
   */
  originsReaching(box: readonly [number, number, number, number], cost: number): number[] {
    const [minX, minY, maxX, maxY] = box;
    const ruler = new CheapRuler((minY + maxY) / 2, 'meters');
    const { costs, scratch } = this.s;
    const network = costs.network;
    const [x0, y0, x1, y1] = ruler.bufferBBox([minX, minY, maxX, maxY], (this.s.maxOffRoadMeters + 200) * 1.01);
    const ways = new Set(network.waysInBox(x0, y0, x1, y1).filter(costs.snappable));
    const seeds: RoadSeed[] = [];
    for (const w of ways) {
      seeds.push({ node: network.wayFrom[w]!, minutes: 0, source: 0 });
      seeds.push({ node: network.wayTo[w]!, minutes: 0, source: 0 });
    }
    const changed: number[] = [];
    roadDijkstra(costs, RoadDirection.FROM_SOURCES, scratch, seeds, cost, () => false, changed);
    const found: number[] = [];
    const { speedsKmh, detourFactor } = this.s.straightLine;
    const [sx0, sy0, sx1, sy1] = ruler.bufferBBox([minX, minY, maxX, maxY], travelRadiusMeters(speedsKmh[this.s.mode], Math.max(cost, 1e-9), detourFactor) * 1.01);
    for (const [p, joins] of this.origins) {
      const lon = this.points.longitude(p);
      const lat = this.points.latitude(p);
      let reaches = lon >= sx0 && lon <= sx1 && lat >= sy0 && lat <= sy1;
      // A lower bound of the minutes from the box to the origin: the best over its joins.
      for (let i = 0; !reaches && i < joins.length; i++) {
        const j = joins[i]!;
        const m = costs.wayMinutes[j.way]!;
        const a = network.wayFrom[j.way]!;
        const b = network.wayTo[j.way]!;
        let bound = ways.has(j.way) ? j.offMinutes : Number.POSITIVE_INFINITY;
        if (costs.forwardOpen(j.way)) bound = Math.min(bound, scratch.minutes[a]! + j.fraction * m + j.offMinutes);
        if (costs.backwardOpen(j.way)) bound = Math.min(bound, scratch.minutes[b]! + (1 - j.fraction) * m + j.offMinutes);
        reaches = bound <= cost;
      }
      if (reaches) found.push(p);
    }
    this.clearScratch(changed);
    return found;
  }

  /**
   * The place as an origin: one search from its joins over reversed edges (cut at maxCost), then the villages on the
   * ways it reached, and the villages off the network by the straight line. Work: that search + villages reached.
   */
  reachFrom(longitude: number, latitude: number, maxCost: number): { villages: number[]; costs: number[] } {
    const { scratch, costs: modeCosts } = this.s;
    const limit = Math.min(maxCost, this.s.maxMinutes);
    const joins = this.join(longitude, latitude, this.s.maxPointSnapMeters);
    const candidates: number[] = [];
    const changed: number[] = [];
    if (joins.length > 0) {
      const seeds: RoadSeed[] = [];
      for (const j of joins) this.pushSeeds(seeds, j, 0);
      roadDijkstra(modeCosts, RoadDirection.TO_SOURCES, scratch, seeds, limit, () => false, changed);
      this.villagesAtNodes(changed, candidates);
      for (const j of joins) this.villagesOnWay(j.way, candidates);
    }
    const villages: number[] = [];
    const costs: number[] = [];
    for (const v of candidates) {
      this.onNetworkCost(v, scratch, false, joins);
      const c = this.found.cost;
      if (c <= limit) {
        villages.push(v);
        costs.push(c);
      }
    }
    this.clearScratch(changed);
    for (let v = 0; v < this.offNetwork.length; v++) {
      if (this.offNetwork[v] !== 1) continue;
      const c = this.straightLineMinutes(v, longitude, latitude);
      if (c <= limit) {
        villages.push(v);
        costs.push(c);
      }
    }
    return { villages, costs };
  }

  /** One search forward from the place, each other place joined as an origin would be and read off it. */
  costsBetween(longitude: number, latitude: number, places: readonly (readonly [number, number])[]): number[] {
    const targets = places.map(([lon, lat], i) => ({ point: i, joins: this.join(lon, lat, this.s.maxPointSnapMeters), lon, lat }));
    const found = this.costsFromPlace(longitude, latitude, targets, this.s.maxMinutes);
    const out = new Array<number>(places.length).fill(Number.POSITIVE_INFINITY);
    for (const { point, cost } of found) if (cost <= this.s.maxMinutes) out[point] = cost;
    return out;
  }

  /** Minutes from a place (joined as a village is) to each target (the best over both's joins); unreached targets are left out. */
  private costsFromPlace(
    longitude: number,
    latitude: number,
    targets: readonly { point: number; joins: readonly Joined[]; lon: number; lat: number }[],
    maxCost: number,
  ): { point: number; cost: number }[] {
    const starts = this.join(longitude, latitude, this.s.maxOffRoadMeters);
    const out: { point: number; cost: number }[] = [];
    if (starts.length === 0) {
      for (const t of targets) {
        const c = this.straightLine(latitude, longitude, t.lon, t.lat);
        if (c <= maxCost) out.push({ point: t.point, cost: c });
      }
      return out;
    }
    const { costs, scratch } = this.s;
    const network = costs.network;
    const seeds: RoadSeed[] = [];
    for (const start of starts) {
      const m0 = costs.wayMinutes[start.way]!;
      if (costs.backwardOpen(start.way)) seeds.push({ node: network.wayFrom[start.way]!, minutes: start.offMinutes + start.fraction * m0, source: 0 });
      if (costs.forwardOpen(start.way)) seeds.push({ node: network.wayTo[start.way]!, minutes: start.offMinutes + (1 - start.fraction) * m0, source: 0 });
    }
    const changed: number[] = [];
    roadDijkstra(costs, RoadDirection.FROM_SOURCES, scratch, seeds, maxCost, () => false, changed);
    for (const t of targets) {
      let c = Number.POSITIVE_INFINITY;
      for (const j of t.joins) {
        const m = costs.wayMinutes[j.way]!;
        if (costs.forwardOpen(j.way)) c = Math.min(c, scratch.minutes[network.wayFrom[j.way]!]! + j.fraction * m + j.offMinutes);
        if (costs.backwardOpen(j.way)) c = Math.min(c, scratch.minutes[network.wayTo[j.way]!]! + (1 - j.fraction) * m + j.offMinutes);
        for (const start of starts) {
          if (j.way === start.way && (j.fraction >= start.fraction ? costs.forwardOpen(j.way) : costs.backwardOpen(j.way))) {
            c = Math.min(c, start.offMinutes + (Math.abs(j.fraction - start.fraction) * m + j.offMinutes));
          }
        }
      }
      if (c <= maxCost) out.push({ point: t.point, cost: c });
    }
    this.clearScratch(changed);
    return out;
  }

  private clearScratch(changed: readonly number[]): void {
    clearScratch(this.s, changed);
  }

  private join(longitude: number, latitude: number, maxMeters: number): readonly Joined[] {
    return joinPlace(this.s, longitude, latitude, maxMeters);
  }

  /** Village v's joins from the shared cache, into the field's arrays. */
  private setJoin(v: number, joins: VillageJoins): void {
    const K = this.maxJoins;
    const count = joins.count[v]!;
    this.offNetwork[v] = count === 0 ? 1 : 0;
    this.villageJoinCount[v] = count;
    for (let i = 0; i < K; i++) {
      const k = v * K + i;
      const way = i < count ? joins.way[k]! : -1;
      this.villageWay[k] = way;
      this.villageFraction[k] = way < 0 ? 0 : joins.fraction[k]!;
      this.villageOffMinutes[k] = way < 0 ? 0 : this.s.costs.offRoadMinutes(joins.offRoadMeters[k]!);
    }
  }

  /** The villages joined to each way: the table's index, shared by its fields (made on first need). */
  private villagesByWay(): ReadonlyMap<number, readonly number[]> {
    return this.s.joins.villagesByWay(this.villages);
  }

  private joinOrigin(p: number): readonly Joined[] {
    const joins = this.join(this.points.longitude(p), this.points.latitude(p), this.s.maxPointSnapMeters);
    this.origins.set(p, joins);
    for (const j of joins) {
      this.countInComponent(j, 1);
      const list = this.originsByWay.get(j.way);
      if (list) list.push(p);
      else this.originsByWay.set(j.way, [p]);
    }
    return joins;
  }

  /** Origin p's join on `way` (it has one: p is in originsByWay's list of the way). */
  private joinOn(p: number, way: number): Joined {
    const joins = this.origins.get(p)!;
    for (const j of joins) if (j.way === way) return j;
    throw new Error(`origin ${p} does not join way ${way}`);
  }

  private pushSeeds(seeds: RoadSeed[], j: Joined, source: number): void {
    pushSeeds(this.s, seeds, j, source);
  }

  private villagesAtNodes(nodes: readonly number[], out: number[]): void {
    const { edgeOffsets, edgeWay } = this.s.costs.network;
    const stamp = this.nextStamp();
    const byWay = this.villagesByWay();
    for (const u of nodes) {
      for (let e = edgeOffsets[u]!; e < edgeOffsets[u + 1]!; e++) {
        const list = byWay.get(edgeWay[e]!);
        if (list) for (const v of list) if (this.seen[v] !== stamp) {
          this.seen[v] = stamp;
          out.push(v);
        }
      }
    }
  }

  private villagesOnWay(way: number, out: number[]): void {
    const stamp = this.stamp; // the stamp of the villagesAtNodes call before
    for (const v of this.villagesByWay().get(way) ?? []) if (this.seen[v] !== stamp) {
      this.seen[v] = stamp;
      out.push(v);
    }
  }

  private nextStamp(): number {
    this.stamp++;
    if (this.stamp === 0xffffffff) {
      this.seen.fill(0);
      this.stamp = 1;
    }
    return this.stamp;
  }

  /** Empties the removed point's cell and fills it from its rim and the remaining origins' seeds. */
  private refillCell(point: number): void {
    const { minutes, source } = this.labels;
    const { costs } = this.s;
    const { edgeOffsets, edgeTarget, edgeWay, edgeOneway } = costs.network;
    const cell: number[] = [];
    for (let u = 0; u < source.length; u++) if (source[u] === point) cell.push(u);
    for (const u of cell) {
      minutes[u] = Number.POSITIVE_INFINITY;
      source[u] = -1;
    }
    const seeds: RoadSeed[] = [];
    for (const u of cell) {
      // u's label is travel u → w, then w's label: forwards along stored edge u→w (closed to cars against the one-way).
      for (let e = edgeOffsets[u]!; e < edgeOffsets[u + 1]!; e++) {
        const w = edgeTarget[e]!;
        if (source[w]! < 0 || (costs.respectsOneway && edgeOneway[e] === 2)) continue;
        const c = costs.wayMinutes[edgeWay[e]!]!;
        if (c < Number.POSITIVE_INFINITY) seeds.push({ node: u, minutes: minutes[w]! + c, source: source[w]! });
      }
    }
    for (const [p, js] of this.origins) for (const j of js) this.pushSeeds(seeds, j, p);
    this.searched(roadDijkstra(costs, RoadDirection.TO_SOURCES, this.labels, seeds, this.cutoff, this.sourceBefore));
  }

  private improveOffNetwork(point: number): void {
    const lon = this.points.longitude(point);
    const lat = this.points.latitude(point);
    for (let v = 0; v < this.offNetwork.length; v++) {
      if (this.offNetwork[v] !== 1) continue;
      const c = this.straightLineMinutes(v, lon, lat);
      if (c > this.s.maxMinutes) continue; // no search needed: costed to maxMinutes whatever the cutoff
      const current = this.nearest[v]!;
      if (current < 0 || c < this.cost[v]! || (c === this.cost[v]! && this.sourceBefore(point, current))) {
        this.cost[v] = c;
        this.nearest[v] = point;
      }
    }
  }

  private straightLineMinutes(v: number, lon: number, lat: number): number {
    return this.straightLine(this.villages.latitude[v]!, this.villages.longitude[v]!, lon, lat);
  }

  /** The straight line's minutes from (lat, lon) to (toLon, toLat): cheap-ruler metres at the start's latitude × detour ÷ the mode's speed. */
  private straightLine(lat: number, lon: number, toLon: number, toLat: number): number {
    const { speedsKmh, detourFactor } = this.s.straightLine;
    const meters = new CheapRuler(lat, 'meters').distance([lon, lat], [toLon, toLat]);
    return travelMinutes(meters, speedsKmh[this.s.mode], detourFactor);
  }

  /** Village v's cost and nearest origin from the field's labels (ties: the smaller id). */
  private recompute(v: number): void {
    let best = -1;
    let bestCost = Number.POSITIVE_INFINITY;
    let limit = this.cutoff;
    if (this.offNetwork[v] === 1) {
      limit = this.s.maxMinutes; // the straight line needs no search: costed as far as an uncut field
      for (const p of this.origins.keys()) {
        const c = this.straightLineMinutes(v, this.points.longitude(p), this.points.latitude(p));
        if (c < bestCost || (c === bestCost && best >= 0 && this.sourceBefore(p, best))) {
          best = p;
          bestCost = c;
        }
      }
    } else {
      this.onNetworkCost(v, this.labels, true, null);
      best = this.found.point;
      bestCost = this.found.cost;
    }
    if (best >= 0 && bestCost <= limit) {
      this.cost[v] = bestCost;
      this.nearest[v] = best;
    } else {
      this.cost[v] = Number.NaN;
      this.nearest[v] = -1;
    }
  }

  /** Whether point p at c minutes beats the best so far (best at bestCost; −1: none): cheaper, or as cheap and first by sourceBefore. */
  private better(p: number, c: number, best: number, bestCost: number): boolean {
    return c < bestCost || (c === bestCost && p !== best && best >= 0 && this.sourceBefore(p, best));
  }

  /** onNetworkCost's answer (one object, no allocation per village). */
  private readonly found = { point: -1, cost: Number.POSITIVE_INFINITY };

  /**
   * An on-network village's minutes by `labels`, into `found`: the best over its joins of off-road walk, then along
   * the join's way to its from node (if open that way) or its to node, plus the node's label; or along the way
   * straight to an origin joined to the same way (`origins`: the field's origins there; `others`: a place's joins,
   * as point 0). Ties: the point `sourceBefore` puts first.
   */
  private onNetworkCost(v: number, labels: RoadLabels, origins: boolean, others: readonly Joined[] | null): void {
    const { costs } = this.s;
    const { wayFrom, wayTo } = costs.network;
    const K = this.maxJoins;
    let best = -1;
    let bestCost = Number.POSITIVE_INFINITY;
    for (let i = 0, count = this.villageJoinCount[v]!; i < count; i++) {
      const k = v * K + i;
      const way = this.villageWay[k]!;
      const f = this.villageFraction[k]!;
      const off = this.villageOffMinutes[k]!;
      const m = costs.wayMinutes[way]!;
      const back = costs.backwardOpen(way);
      const fwd = costs.forwardOpen(way);
      if (back) {
        const a = wayFrom[way]!;
        const p = labels.source[a]!;
        const c = off + (f * m + labels.minutes[a]!);
        if (p >= 0 && this.better(p, c, best, bestCost)) {
          best = p;
          bestCost = c;
        }
      }
      if (fwd) {
        const b = wayTo[way]!;
        const p = labels.source[b]!;
        const c = off + ((1 - f) * m + labels.minutes[b]!);
        if (p >= 0 && this.better(p, c, best, bestCost)) {
          best = p;
          bestCost = c;
        }
      }
      const sameWay = origins ? this.originsByWay.get(way) : undefined;
      if (sameWay) {
        for (const p of sameWay) {
          const join = this.joinOn(p, way);
          if (!(join.fraction >= f ? fwd : back)) continue;
          const c = off + (Math.abs(join.fraction - f) * m + join.offMinutes);
          if (this.better(p, c, best, bestCost)) {
            best = p;
            bestCost = c;
          }
        }
      }
      if (others) {
        for (const join of others) {
          if (join.way !== way || !(join.fraction >= f ? fwd : back)) continue;
          const c = off + (Math.abs(join.fraction - f) * m + join.offMinutes);
          if (this.better(0, c, best, bestCost)) {
            best = 0;
            bestCost = c;
          }
        }
      }
    }
    this.found.point = best;
    this.found.cost = bestCost;
  }
}
