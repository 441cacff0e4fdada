import CheapRuler from 'cheap-ruler';
import type { ReachedRoad } from '../geo/reached-road';
import { travelMinutes } from '../geo/travel-minutes';
import { travelRadiusMeters } from '../geo/travel-radius-meters';
import type { PointPlaces, VillagePlaces } from './places';
import { emptyRoadLabels, RoadDirection, roadDijkstra, type RoadLabels, type RoadSeed } from './road-dijkstra';
import { RoadModeCosts } from './road-mode-costs';
import { SAMPLE_METERS, type RoadNetwork } from './road-network';
import { DEFAULT_ROAD_SPEEDS, FERRY_CLASS, metersPerMinute, ROAD_CLASSES, type RoadSpeeds } from './road-speeds';
import type { StraightLineParameters } from './straight-line.model';
import { TravelModelName, type AccessibilityField, type ReachShape, type TravelDescription, type TravelModel, type TravelModeName } from './travel-model';

/** A village farther than this from every road its mode may use is off the network: the straight line serves it. */
export const DEFAULT_MAX_OFF_ROAD_METERS = 1_000;
/** A service point is joined to its nearest usable road however far it is, up to this (a clinic exists off the mapped roads too). */
export const DEFAULT_MAX_POINT_SNAP_METERS = 50_000;
/** Nothing farther than this is a village's nearest (NaN, −1), as 300 km is for the straight line. */
export const DEFAULT_MAX_MINUTES = 240;

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
}

interface Settings {
  readonly costs: RoadModeCosts;
  readonly straightLine: StraightLineParameters;
  readonly mode: TravelModeName;
  readonly maxOffRoadMeters: number;
  readonly maxPointSnapMeters: number;
  readonly maxMinutes: number;
  /** New fields' cutoff (≤ maxMinutes). */
  readonly fieldCutoffMinutes: number;
  /** Shared by the fields of a mode for single-place searches (one thread: one search at a time); all Infinity between uses. */
  readonly scratch: RoadLabels;
  /** Where villages join the network, shared by the modes that may join the same ways. */
  readonly joins: VillageJoinCache;
}

/** The reached part of a way between two fractions of it (from < to), and the minutes left at each end. */
export interface ReachedWayPart {
  readonly way: number;
  readonly from: number;
  readonly to: number;
  readonly remainingAtStart: number;
  readonly remainingAtEnd: number;
}

/** Where an origin or a place joins the network: its way, fraction along it, and off-road minutes. */
interface Joined {
  readonly way: number;
  readonly fraction: number;
  readonly offMinutes: number;
}

/**
 * The road travel model: shortest travel time in minutes over a road network, per mode (speeds and permissions by
 * OSM class, cars keep to one-way streets, ferries cost their duration). Costs are minutes from the village to the
 * point (for cars on one-way streets the direction matters: the fields search from the points over reversed edges).
 * A place joins the network at the nearest point of the nearest way its mode may use, walking there in a straight
 * line at the speed table's off-road pace.
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

  describe(mode: TravelModeName, minutes: number): TravelDescription {
    const { offRoadWalkKmh } = this.speeds;
    const maxOffRoadMeters = this.options.maxOffRoadMeters ?? DEFAULT_MAX_OFF_ROAD_METERS;
    return {
      model: this.name,
      mode,
      minutes,
      parameters: { network: this.network.name, speeds: this.speeds.name, offRoadWalkKmh, maxOffRoadMeters },
      budgetCost: minutes,
      sentence:
        `Covered = a counted point within ${minutes} min by ${mode.toLowerCase()} over the road network "${this.network.name}" ` +
        `(speeds "${this.speeds.name}"${mode === 'CAR' ? ', one-way streets kept' : ''}), walking at ${offRoadWalkKmh} km/h to and from the nearest usable road; ` +
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
      if (!joins) {
        joins = new VillageJoinCache(this.network, costs.snappable, maxOffRoadMeters);
        this.joinCaches.set(joinable, joins);
      }
      s = {
        costs,
        straightLine: this.options.straightLine,
        mode,
        maxOffRoadMeters,
        maxPointSnapMeters: this.options.maxPointSnapMeters ?? DEFAULT_MAX_POINT_SNAP_METERS,
        maxMinutes,
        fieldCutoffMinutes: Math.min(this.options.fieldCutoffMinutes ?? maxMinutes, maxMinutes),
        scratch: emptyRoadLabels(this.network.nodeCount),
        joins,
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
 * joined again. Fields of several modes, and the next field of a mode, thus snap each village once, however the
 * engine orders its moves and its fields.
 */
class VillageJoinCache {
  private readonly tables = new WeakMap<VillagePlaces, VillageJoins>();

  constructor(
    private readonly network: RoadNetwork,
    private readonly snappable: (way: number) => boolean,
    private readonly maxOffRoadMeters: number,
  ) {}

  /** The joins of every village of the table, brought up to date. */
  of(villages: VillagePlaces): VillageJoins {
    let joins = this.tables.get(villages);
    if (!joins || joins.way.length < villages.size) {
      const grown = new VillageJoins(Math.max(villages.size, joins ? joins.way.length * 2 : 0));
      if (joins) grown.copy(joins);
      joins = grown;
      this.tables.set(villages, joins);
    }
    for (let v = 0; v < villages.size; v++) this.refresh(joins, villages, v);
    return joins;
  }

  /** Village v's join, re-snapped if its place moved since (or it was never joined). */
  refresh(joins: VillageJoins, villages: VillagePlaces, v: number): void {
    const lon = villages.longitude[v]!;
    const lat = villages.latitude[v]!;
    if (joins.lon[v] === lon && joins.lat[v] === lat) return;
    const snap = this.network.snap(lon, lat, this.snappable, this.maxOffRoadMeters);
    joins.lon[v] = lon;
    joins.lat[v] = lat;
    joins.way[v] = snap ? snap.way : -1;
    joins.fraction[v] = snap ? snap.fraction : 0;
    joins.offRoadMeters[v] = snap ? snap.offRoadMeters : 0;
  }

  /** Village v's join, for one village that moved. */
  one(villages: VillagePlaces, v: number): VillageJoins {
    let joins = this.tables.get(villages);
    if (!joins || joins.way.length <= v) joins = this.of(villages);
    else this.refresh(joins, villages, v);
    return joins;
  }
}

/** Per village slot: the place it was joined at (NaN: never), its way (−1: off the network), fraction and off-road metres. */
class VillageJoins {
  readonly lon: Float64Array;
  readonly lat: Float64Array;
  readonly way: Int32Array;
  readonly fraction: Float64Array;
  readonly offRoadMeters: Float64Array;

  constructor(size: number) {
    this.lon = new Float64Array(size).fill(Number.NaN);
    this.lat = new Float64Array(size).fill(Number.NaN);
    this.way = new Int32Array(size).fill(-1);
    this.fraction = new Float64Array(size);
    this.offRoadMeters = new Float64Array(size);
  }

  copy(from: VillageJoins): void {
    this.lon.set(from.lon);
    this.lat.set(from.lat);
    this.way.set(from.way);
    this.fraction.set(from.fraction);
    this.offRoadMeters.set(from.offRoadMeters);
  }
}

/** Where a place joins the network: its nearest usable way within maxMeters, with its off-road leg in minutes (null: none). */
function joinPlace(s: Settings, longitude: number, latitude: number, maxMeters: number): Joined | null {
  const snap = s.costs.network.snap(longitude, latitude, s.costs.snappable, maxMeters);
  return snap ? { way: snap.way, fraction: snap.fraction, offMinutes: s.costs.offRoadMinutes(snap.offRoadMeters) } : null;
}

/** An origin's way ends, at the minutes from each to the origin (along its way, if the mode may go that way, then off-road). */
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

/** The search of RoadModel.reachedRoads: places joined as origins, scratch labels toward them, the parts reached. */
function reachedFromPlaces(s: Settings, places: readonly (readonly [number, number])[], minutes: number, box?: readonly [number, number, number, number]): ReachedWayPart[] {
  const { costs, scratch } = s;
  const network = costs.network;
  const limit = Math.min(minutes, s.maxMinutes);
  const seeds: RoadSeed[] = [];
  const byWay = new Map<number, Joined[]>();
  places.forEach(([lon, lat], i) => {
    const j = joinPlace(s, lon, lat, s.maxPointSnapMeters);
    if (!j) return;
    pushSeeds(s, seeds, j, i);
    const list = byWay.get(j.way);
    if (list) list.push(j);
    else byWay.set(j.way, [j]);
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
 * nearest origin and which, from a multi-source Dijkstra over reversed edges) read at the village's joining point:
 * off-road walk + the part of its way to either end + that end's label, or straight along the way to an origin
 * joined to the same way. Villages off the network take the straight line to every origin. Villages join the
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
  private readonly labels: RoadLabels;
  private cutoff: number;
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
  private readonly villageWay: Int32Array;
  private readonly villageFraction: Float64Array;
  private readonly villageOffMinutes: Float64Array;
  private readonly villagesByWay = new Map<number, number[]>();
  /** Counted origins and where they join the network (null: no usable road within maxPointSnapMeters). */
  private readonly origins = new Map<number, Joined | null>();
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
  ) {
    const n = villages.size;
    this.cost = new Float64Array(n).fill(Number.NaN);
    this.nearest = new Int32Array(n).fill(-1);
    this.offNetwork = new Uint8Array(n);
    this.villageWay = new Int32Array(n).fill(-1);
    this.villageFraction = new Float64Array(n);
    this.villageOffMinutes = new Float64Array(n);
    this.seen = new Uint32Array(n);
    this.sourceBefore = (a, b) => points.id(a) < points.id(b);
    const joins = s.joins.of(villages);
    for (let v = 0; v < n; v++) this.setJoin(v, joins);
    const seeds: RoadSeed[] = [];
    for (const p of origins) {
      if (this.origins.has(p)) continue;
      const j = this.joinOrigin(p);
      if (j) this.pushSeeds(seeds, j, p);
    }
    this.labels = emptyRoadLabels(s.costs.network.nodeCount);
    this.cutoff = Math.min(s.maxMinutes, Math.max(s.fieldCutoffMinutes, cutoffCost !== undefined && cutoffCost >= 0 ? cutoffCost : 0));
    this.searched(roadDijkstra(s.costs, RoadDirection.TO_SOURCES, this.labels, seeds, this.cutoff, this.sourceBefore));
    for (let v = 0; v < n; v++) this.recompute(v);
  }

  get size(): number {
    return this.origins.size;
  }

  get bytes(): number {
    return (
      this.cost.byteLength * 4 +
      this.nearest.byteLength +
      this.offNetwork.byteLength +
      this.villageWay.byteLength * 2 +
      this.labels.minutes.byteLength +
      this.labels.source.byteLength +
      (this.villagesByWay.size + this.origins.size * 2) * 48
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
    const target = Math.min(minutes, this.s.maxMinutes);
    if (!(target > this.cutoff)) return;
    this.cutoff = target;
    // Nothing to label below the frontier: only the villages whose cost lies beyond the old cutoff change.
    if (target >= this.frontier) {
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
      for (const [p, j] of this.origins) if (j) this.pushSeeds(seeds, j, p);
      // Every label left out now is left out by this search: its frontier is the field's.
      this.frontier = Number.POSITIVE_INFINITY;
      this.searched(roadDijkstra(costs, RoadDirection.TO_SOURCES, this.labels, seeds, this.cutoff, this.sourceBefore));
    }
    for (let v = 0; v < this.cost.length; v++) if (Number.isNaN(this.cost[v]!)) this.recompute(v);
  }

  /**
   * Makes the costs of villages start … end − 1 those of an uncut field: while one of them has no cost yet and may
   * have one (it is on the network, in a connected part of it with an origin), the cutoff doubles (or jumps to the
   * frontier), up to maxMinutes. What answers report of villages beyond the budget (their nearest point and
   * minutes) is then what it would be without a cutoff.
   */
  completeRange(start: number, end: number): void {
    while (this.cutoff < this.s.maxMinutes && this.someUnsettled(start, end, null)) this.extend();
  }

  /** `completeRange` for some villages (indices). */
  complete(villages: ArrayLike<number>): void {
    while (this.cutoff < this.s.maxMinutes && this.someUnsettled(0, villages.length, villages)) this.extend();
  }

  private extend(): void {
    this.ensureCutoff(Math.min(this.s.maxMinutes, Math.max(2 * this.cutoff, this.frontier, 1)));
  }

  /** Whether one of the villages (k = start … end − 1: village k, or villages[k]) may have a cost beyond the cutoff. */
  private someUnsettled(start: number, end: number, villages: ArrayLike<number> | null): boolean {
    const components = this.s.costs.components();
    const { wayFrom } = this.s.costs.network;
    if (!this.originsInComponent) {
      this.originsInComponent = new Map();
      for (const j of this.origins.values()) if (j) this.countInComponent(j, 1);
    }
    for (let k = start; k < end; k++) {
      const v = villages ? villages[k]! : k;
      if (this.nearest[v]! >= 0 || this.offNetwork[v] === 1) continue;
      const way = this.villageWay[v]!;
      if (way >= 0 && (this.originsInComponent.get(components[wayFrom[way]!]!) ?? 0) > 0) return true;
    }
    return false;
  }

  /** An origin joined at `j` enters (+1) or leaves (−1) its part's count, once counting has started. */
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
    if (this.origins.has(point)) return;
    const j = this.joinOrigin(point);
    const villages: number[] = [];
    if (j) {
      const seeds: RoadSeed[] = [];
      this.pushSeeds(seeds, j, point);
      const changed: number[] = [];
      this.searched(roadDijkstra(this.s.costs, RoadDirection.TO_SOURCES, this.labels, seeds, this.cutoff, this.sourceBefore, changed));
      this.villagesAtNodes(changed, villages);
      this.villagesOnWay(j.way, villages);
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
    if (!this.origins.has(point)) return;
    const j = this.origins.get(point)!;
    this.origins.delete(point);
    if (j) {
      this.countInComponent(j, -1);
      const list = this.originsByWay.get(j.way)!;
      list.splice(list.indexOf(point), 1);
      if (list.length === 0) this.originsByWay.delete(j.way);
      this.refillCell(point);
    }
    const { nearest } = this;
    for (let v = 0; v < nearest.length; v++) if (nearest[v] === point) this.recompute(v);
  }

  moveOrigin(point: number): void {
    if (!this.origins.has(point)) return;
    this.removeOrigin(point);
    this.addOrigin(point);
  }

  villagesMoved(villages: readonly number[]): void {
    for (const v of villages) {
      const way = this.villageWay[v]!;
      if (way >= 0) {
        const list = this.villagesByWay.get(way)!;
        list.splice(list.indexOf(v), 1);
        if (list.length === 0) this.villagesByWay.delete(way);
      }
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
    const sameWay = (w: number): Joined[] => (this.originsByWay.get(w) ?? []).map((p) => this.origins.get(p)!);
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
      [...this.origins.keys()].map((p) => ({ point: p, join: this.origins.get(p)!, lon: this.points.longitude(p), lat: this.points.latitude(p) })),
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
    for (const [p, j] of this.origins) {
      const lon = this.points.longitude(p);
      const lat = this.points.latitude(p);
      let reaches = lon >= sx0 && lon <= sx1 && lat >= sy0 && lat <= sy1;
      if (!reaches && j) {
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
   * The place as an origin: one search from it over reversed edges (cut at maxCost), then the villages on the
   * ways it reached, and the villages off the network by the straight line. Work: that search + villages reached.
   */
  reachFrom(longitude: number, latitude: number, maxCost: number): { villages: number[]; costs: number[] } {
    const { scratch, costs: modeCosts } = this.s;
    const limit = Math.min(maxCost, this.s.maxMinutes);
    const j = this.join(longitude, latitude, this.s.maxPointSnapMeters);
    const candidates: number[] = [];
    const changed: number[] = [];
    if (j) {
      const seeds: RoadSeed[] = [];
      this.pushSeeds(seeds, j, 0);
      roadDijkstra(modeCosts, RoadDirection.TO_SOURCES, scratch, seeds, limit, () => false, changed);
      this.villagesAtNodes(changed, candidates);
      this.villagesOnWay(j.way, candidates);
    }
    const villages: number[] = [];
    const costs: number[] = [];
    for (const v of candidates) {
      this.onNetworkCost(v, scratch, undefined, j && j.way === this.villageWay[v] ? j : null);
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
    const targets = places.map(([lon, lat], i) => ({ point: i, join: this.join(lon, lat, this.s.maxPointSnapMeters), lon, lat }));
    const found = this.costsFromPlace(longitude, latitude, targets, this.s.maxMinutes);
    const out = new Array<number>(places.length).fill(Number.POSITIVE_INFINITY);
    for (const { point, cost } of found) if (cost <= this.s.maxMinutes) out[point] = cost;
    return out;
  }

  /** Minutes from a place (joined as a village is) to each target; unreached targets are left out. */
  private costsFromPlace(
    longitude: number,
    latitude: number,
    targets: readonly { point: number; join: Joined | null; lon: number; lat: number }[],
    maxCost: number,
  ): { point: number; cost: number }[] {
    const start = this.join(longitude, latitude, this.s.maxOffRoadMeters);
    const out: { point: number; cost: number }[] = [];
    if (!start) {
      for (const t of targets) {
        const c = this.straightLine(latitude, longitude, t.lon, t.lat);
        if (c <= maxCost) out.push({ point: t.point, cost: c });
      }
      return out;
    }
    const { costs, scratch } = this.s;
    const network = costs.network;
    const m0 = costs.wayMinutes[start.way]!;
    const seeds: RoadSeed[] = [];
    if (costs.backwardOpen(start.way)) seeds.push({ node: network.wayFrom[start.way]!, minutes: start.offMinutes + start.fraction * m0, source: 0 });
    if (costs.forwardOpen(start.way)) seeds.push({ node: network.wayTo[start.way]!, minutes: start.offMinutes + (1 - start.fraction) * m0, source: 0 });
    const changed: number[] = [];
    roadDijkstra(costs, RoadDirection.FROM_SOURCES, scratch, seeds, maxCost, () => false, changed);
    for (const t of targets) {
      const j = t.join;
      if (!j) continue;
      const m = costs.wayMinutes[j.way]!;
      let c = Number.POSITIVE_INFINITY;
      if (costs.forwardOpen(j.way)) c = Math.min(c, scratch.minutes[network.wayFrom[j.way]!]! + j.fraction * m + j.offMinutes);
      if (costs.backwardOpen(j.way)) c = Math.min(c, scratch.minutes[network.wayTo[j.way]!]! + (1 - j.fraction) * m + j.offMinutes);
      if (j.way === start.way && (j.fraction >= start.fraction ? costs.forwardOpen(j.way) : costs.backwardOpen(j.way))) {
        c = Math.min(c, start.offMinutes + (Math.abs(j.fraction - start.fraction) * m + j.offMinutes));
      }
      if (c <= maxCost) out.push({ point: t.point, cost: c });
    }
    this.clearScratch(changed);
    return out;
  }

  private clearScratch(changed: readonly number[]): void {
    clearScratch(this.s, changed);
  }

  private join(longitude: number, latitude: number, maxMeters: number): Joined | null {
    return joinPlace(this.s, longitude, latitude, maxMeters);
  }

  /** Village v's join from the shared cache, into the field's arrays and its villages-by-way index. */
  private setJoin(v: number, joins: VillageJoins): void {
    const way = joins.way[v]!;
    this.offNetwork[v] = way < 0 ? 1 : 0;
    this.villageWay[v] = way;
    this.villageFraction[v] = way < 0 ? 0 : joins.fraction[v]!;
    this.villageOffMinutes[v] = way < 0 ? 0 : this.s.costs.offRoadMinutes(joins.offRoadMeters[v]!);
    if (way >= 0) {
      const list = this.villagesByWay.get(way);
      if (list) list.push(v);
      else this.villagesByWay.set(way, [v]);
    }
  }

  private joinOrigin(p: number): Joined | null {
    const j = this.join(this.points.longitude(p), this.points.latitude(p), this.s.maxPointSnapMeters);
    this.origins.set(p, j);
    if (j) {
      this.countInComponent(j, 1);
      const list = this.originsByWay.get(j.way);
      if (list) list.push(p);
      else this.originsByWay.set(j.way, [p]);
    }
    return j;
  }

  private pushSeeds(seeds: RoadSeed[], j: Joined, source: number): void {
    pushSeeds(this.s, seeds, j, source);
  }

  private villagesAtNodes(nodes: readonly number[], out: number[]): void {
    const { edgeOffsets, edgeWay } = this.s.costs.network;
    const stamp = this.nextStamp();
    for (const u of nodes) {
      for (let e = edgeOffsets[u]!; e < edgeOffsets[u + 1]!; e++) {
        const list = this.villagesByWay.get(edgeWay[e]!);
        if (list) for (const v of list) if (this.seen[v] !== stamp) {
          this.seen[v] = stamp;
          out.push(v);
        }
      }
    }
  }

  private villagesOnWay(way: number, out: number[]): void {
    const stamp = this.stamp; // the stamp of the villagesAtNodes call before
    for (const v of this.villagesByWay.get(way) ?? []) if (this.seen[v] !== stamp) {
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
    for (const [p, j] of this.origins) if (j) this.pushSeeds(seeds, j, p);
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
      this.onNetworkCost(v, this.labels, this.originsByWay.get(this.villageWay[v]!), null);
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

  /** onNetworkCost's answer (one object, no allocation per village). */
  private readonly found = { point: -1, cost: Number.POSITIVE_INFINITY };

  /**
   * An on-network village's minutes by `labels`, into `found`: off-road walk, then along its way to the from node
   * (if open that way) or the to node, plus the node's label; or along the way straight to an origin joined to the
   * same way (`sameWay`: the field's origins there; `other`: a place joined there, as point 0).
   */
  private onNetworkCost(v: number, labels: RoadLabels, sameWay: readonly number[] | undefined, other: Joined | null): void {
    const { costs } = this.s;
    const way = this.villageWay[v]!;
    const f = this.villageFraction[v]!;
    const off = this.villageOffMinutes[v]!;
    const m = costs.wayMinutes[way]!;
    const back = costs.backwardOpen(way);
    const fwd = costs.forwardOpen(way);
    let best = -1;
    let bestCost = Number.POSITIVE_INFINITY;
    const a = costs.network.wayFrom[way]!;
    const b = costs.network.wayTo[way]!;
    if (back) {
      const p = labels.source[a]!;
      const c = off + (f * m + labels.minutes[a]!);
      if (p >= 0 && c < bestCost) {
        best = p;
        bestCost = c;
      }
    }
    if (fwd) {
      const p = labels.source[b]!;
      const c = off + ((1 - f) * m + labels.minutes[b]!);
      if (p >= 0 && (c < bestCost || (c === bestCost && p !== best && this.sourceBefore(p, best)))) {
        best = p;
        bestCost = c;
      }
    }
    const consider = (p: number, join: Joined): void => {
      if (!(join.fraction >= f ? fwd : back)) return;
      const c = off + (Math.abs(join.fraction - f) * m + join.offMinutes);
      if (c < bestCost || (c === bestCost && p !== best && this.sourceBefore(p, best))) {
        best = p;
        bestCost = c;
      }
    };
    if (sameWay) for (const p of sameWay) consider(p, this.origins.get(p)!);
    if (other) consider(0, other);
    this.found.point = best;
    this.found.cost = bestCost;
  }
}
