import type { ReachedRoad } from '../geo/reached-road';
import type { PointPlaces, VillagePlaces } from './places';

/** The travel models a coverage can be computed with. */
export enum TravelModelName {
  /** Geodesic distance × detour factor ÷ speed. */
  STRAIGHT_LINE = 'STRAIGHT_LINE',
  /** Shortest travel time over a road network (OSM ways, per-mode speeds, one-way streets for cars, ferries). */
  ROAD = 'ROAD',
}

/** A travel mode's name as the configuration knows it. */
export type TravelModeName = 'WALK' | 'BICYCLE' | 'EBIKE' | 'CAR';

/** What an answer says of the model it came from (R5 records its network and parameters with each result). */
export interface TravelDescription {
  readonly model: TravelModelName;
  readonly mode: TravelModeName;
  readonly minutes: number;
  /** The model's parameters for this mode (speed, detour factor, …), by name. */
  readonly parameters: Readonly<Record<string, number | string>>;
  /** The budget in the field's own unit (metres for the straight line). */
  readonly budgetCost: number;
  /** One sentence a person can read. */
  readonly sentence: string;
}

/**
 * How far one can get from a set of origins (the service points counted), over the villages: for each village,
 * the cost to its nearest origin and which origin that is, kept up to date as origins come, go and move.
 * Indices are the engine's: villages 0…size−1 in code order, points by their slot in the point table.
 */
export interface AccessibilityField {
  /** Cost (the model's unit) from each village to its nearest origin; NaN when none is within the model's reach. */
  readonly cost: Float64Array;
  /** That origin's point index, −1 when none. */
  readonly nearest: Int32Array;
  /** Origins counted now. */
  readonly size: number;
  /** Models with a network: 1 for each village too far from it, costed another way (ROAD: by the straight line). */
  readonly offNetwork?: Uint8Array;
  hasOrigin(point: number): boolean;
  /** A point starts counting (its place is in the point table). */
  addOrigin(point: number): void;
  /** A point stops counting. */
  removeOrigin(point: number): void;
  /** A counted point's place changed in the point table. */
  moveOrigin(point: number): void;
  /** These villages' places changed in the village table. */
  villagesMoved(villages: readonly number[]): void;
  /** The `limit` nearest origins to a place within `maxCost`, nearest first (ties: smaller id). */
  nearestOrigins(longitude: number, latitude: number, limit: number, maxCost?: number): { point: number; cost: number }[];
  /** Origins from which `cost` reaches into the box [minX, minY, maxX, maxY]. */
  originsReaching(box: readonly [number, number, number, number], cost: number): number[];
  /**
   * The villages within `maxCost` of a place that is not one of the field's origins (a scenario's new or moved
   * point), with their costs as the field would hold them were it an origin: what a what-if reads, the field
   * unchanged.
   */
  reachFrom(longitude: number, latitude: number, maxCost: number): { villages: number[]; costs: number[] };
  /** The cost from a place to each of some other places, as `nearestOrigins` measures it (Infinity beyond the model's reach). */
  costsBetween(longitude: number, latitude: number, places: readonly (readonly [number, number])[]): number[];
  /** Memory held, for the field cache's bound. */
  readonly bytes: number;
  /**
   * Fields built up to a cutoff (ROAD): costs up to `cost` become final (those of an uncut field); beyond the
   * cutoff a cost is NaN until then. Absent: every cost is final from the start.
   */
  ensureCutoff?(cost: number): void;
  /** Fields built up to a cutoff: makes the costs of villages start … end − 1 those of an uncut field, beyond any budget. */
  completeRange?(start: number, end: number): void;
  /** `completeRange` for some villages (indices). */
  complete?(villages: ArrayLike<number>): void;
  /**
   * Models whose large searches can run off the event loop (ROAD): `ensureCutoff`, `completeRange`, `complete` with
   * their searches in a worker thread. Until one resolves the field must not be used (nor patched).
   */
  ensureCutoffAsync?(cost: number): Promise<void>;
  completeRangeAsync?(start: number, end: number): Promise<void>;
  completeAsync?(villages: ArrayLike<number>): Promise<void>;
}

/**
 * The shape a reach takes on the map, for polygons: the straight line's is a geodesic circle around each origin; a
 * network's is the roads reached (`reachedRoads`) widened by the walk one can still make off them, up to a limit.
 */
export type ReachShape =
  | { readonly kind: 'circles'; readonly radiusMeters: number }
  | { readonly kind: 'network'; readonly walkMetersPerMinute: number; readonly maxOffRoadMeters: number };

/**
 * A way of travelling from villages to service points (Conveyal R5's "build the network once, answer many
 * questions from it"): it builds and patches accessibility fields, converts budgets, and describes itself.
 */
export interface TravelModel {
  readonly name: TravelModelName;
  /** The unit of its costs. */
  readonly unit: 'meters' | 'minutes';
  /** Fields are shared by the modes with the same key (the straight line's metres serve every mode). */
  fieldKey(mode: TravelModeName): string;
  /** The budget in the field's unit. */
  budgetCost(mode: TravelModeName, minutes: number): number;
  /** A field cost in minutes of `mode`. */
  minutes(mode: TravelModeName, cost: number): number;
  /**
   * `areaCode`: the area (official code, or a village's) the answer is about, when there is one: a model over
   * several road networks names only those of that area (the field key still names them all).
   */
  describe(mode: TravelModeName, minutes: number, areaCode?: string): TravelDescription;
  /** What the reach of a budget looks like on the map (polygons, tiles). */
  reachShape(mode: TravelModeName, minutes: number): ReachShape;
  /**
   * Network models: the roads from which one of `places` is reached within `minutes` (toward the places, as coverage
   * measures village → point), each with the minutes left at its ends; only roads with a vertex in `box` when given.
   */
  reachedRoads?(places: readonly (readonly [number, number])[], mode: TravelModeName, minutes: number, box?: readonly [number, number, number, number]): ReachedRoad[];
  /**
   * A field for `mode` (models whose costs do not depend on the mode, as the straight line's, ignore it).
   * `options.cutoffCost`: models whose fields are built up to a cutoff (ROAD) build at least this far.
   */
  createField(villages: VillagePlaces, points: PointPlaces, origins: readonly number[], mode: TravelModeName, options?: { readonly cutoffCost?: number }): AccessibilityField;
  /** `createField` with its search off the event loop (ROAD, on a large network): the same field, bit for bit. */
  createFieldAsync?(villages: VillagePlaces, points: PointPlaces, origins: readonly number[], mode: TravelModeName, options?: { readonly cutoffCost?: number }): Promise<AccessibilityField>;
}
