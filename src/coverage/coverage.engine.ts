import { booleanPointInPolygon } from '@turf/turf';
import CheapRuler from 'cheap-ruler';
import type { MultiPolygon } from 'geojson';
import KDBush from 'kdbush';
import { LRUCache } from 'lru-cache';
import type { PointPlaces, VillagePlaces } from '../travel/places';
import type { AccessibilityField, TravelModel, TravelModeName } from '../travel/travel-model';
import type { TravelModels } from '../travel/travel-models';
import { ANY_ITEM, parsePointKey } from './handling-key';
import { HandlingRules, type HandlingRuleSpec, type ResolvedHandlingRule } from '../handling-rule/handling-rules';

export { ANY_ITEM };

/** A village as the engine sees it (sorted by code in the snapshot). */
export interface EngineVillage {
  code: string;
  townshipCode: string;
  longitude: number;
  latitude: number;
  population: number;
}

/** A service point with the items it offers; only ACTIVE points count. */
export interface EnginePoint {
  id: string;
  kind: string;
  areaCode: string;
  villageCode: string | null;
  longitude: number;
  latitude: number;
  /** Items it handles in person. */
  itemCodes: readonly string[];
  /** Items it accepts on a resident's behalf and forwards (帮办代办); absent: none. */
  assistedItemCodes?: readonly string[];
  /** Absent: active (the snapshot holds only active points). */
  active?: boolean;
}

/** A planner's own area as the engine holds it, of its data version: members (code prefixes) or a polygon. */
export interface EnginePlanningArea {
  readonly code: string;
  /** Townships (9 digits) and villages (12): every village whose code starts with one. */
  readonly memberCodes: readonly string[];
  /** WGS-84; the villages inside it, edge included. Null for a members area. */
  readonly boundary: MultiPolygon | null;
}

/** Whether `code` is an official area code (digits): its villages are those whose codes start with it. */
export function isOfficialAreaCode(code: string): boolean {
  return /^\d*$/.test(code);
}

/**
 * Coverage of a run of villages for one budget: for each, the nearest counted point and the cost to it (the
 * model's unit; metres for the straight line, then also `distanceMeters`), as parallel arrays copied from the field,
 * so the answer stays of the version it was read from whatever changes after.
 */
export interface AreaComputation {
  /** The villages' codes (the engine's own, immutable for its life: not copied when the area is the whole set). */
  readonly codes: readonly string[];
  readonly townshipCodes: readonly string[];
  readonly population: Float64Array;
  readonly covered: Uint8Array;
  /** Each village's nearest counted point, as an index into `pointIds`; −1 when none is within the model's reach. */
  readonly nearest: Int32Array;
  /** Point ids by index (the engine's table: a slot's id never changes). */
  readonly pointIds: readonly string[];
  /** Geodesic metres to that point (the straight line's cost); NaN when none, and under models whose unit is not metres. */
  readonly distanceMeters: Float64Array;
  /** The cost to that point in the model's unit (metres for the straight line, minutes for ROAD); NaN when none. */
  readonly cost: Float64Array;
  /** ROAD: 1 for villages off the network (costed by the straight line); null under models without a network. */
  readonly offNetwork: Uint8Array | null;
  /** How each village is covered (handling-coverage.ts HANDLED_BY: 0 not, 1 in person, 2 assisted, 3 online); absent: in person. */
  readonly handledBy?: Uint8Array;
}

/** The id of village k's nearest counted point, or null. */
export function nearestPointId(c: AreaComputation, k: number): string | null {
  const slot = c.nearest[k]!;
  return slot >= 0 ? c.pointIds[slot]! : null;
}

/** Changes kept to answer "which points counted at version N" after the engine moved on (polygons of a view). */
const POINT_HISTORY = 10_000;

/** What a point change did to a field's origins. */
type Effect = 'none' | 'add' | 'remove' | 'move';

interface FieldEntry {
  readonly model: TravelModel;
  readonly modelKey: string;
  readonly field: AccessibilityField;
  /** Items (ANY_ITEM included) whose counted points are this field's origins. */
  readonly items: Set<string>;
}

/** What the fields hold, for /readyz and the metrics. */
export interface FieldStats {
  fields: number;
  bytes: number;
  maxBytes: number;
  builds: number;
  buildMs: number;
  patches: number;
  evictions: number;
}

/** The village columns, with a KDBush index that knows which villages moved since it was built. */
class VillageTable implements VillagePlaces {
  readonly codes: string[];
  readonly townshipCodes: string[];
  readonly longitude: Float64Array;
  readonly latitude: Float64Array;
  readonly population: Float64Array;
  private kd!: KDBush;
  private readonly moved = new Set<number>();

  constructor(villages: readonly EngineVillage[]) {
    const n = villages.length;
    this.codes = new Array<string>(n);
    this.townshipCodes = new Array<string>(n);
    this.longitude = new Float64Array(n);
    this.latitude = new Float64Array(n);
    this.population = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = villages[i]!;
      if (i > 0 && !(villages[i - 1]!.code < v.code)) throw new Error('CoverageEngine: villages must be sorted by code, without duplicates');
      this.codes[i] = v.code;
      this.townshipCodes[i] = v.townshipCode;
      this.longitude[i] = v.longitude;
      this.latitude[i] = v.latitude;
      this.population[i] = v.population;
    }
    this.buildIndex();
  }

  get size(): number {
    return this.codes.length;
  }

  inBox(minX: number, minY: number, maxX: number, maxY: number): number[] {
    const inside = (v: number) => this.longitude[v]! >= minX && this.longitude[v]! <= maxX && this.latitude[v]! >= minY && this.latitude[v]! <= maxY;
    const found = this.moved.size ? this.kd.range(minX, minY, maxX, maxY).filter((v) => !this.moved.has(v)) : this.kd.range(minX, minY, maxX, maxY);
    for (const v of this.moved) if (inside(v)) found.push(v);
    return found;
  }

  move(v: number, longitude: number, latitude: number): void {
    this.longitude[v] = longitude;
    this.latitude[v] = latitude;
    this.moved.add(v);
    if (this.moved.size > Math.max(256, this.size / 20)) this.buildIndex();
  }

  private buildIndex(): void {
    this.kd = new KDBush(Math.max(this.size, 1));
    for (let i = 0; i < this.size; i++) this.kd.add(this.longitude[i]!, this.latitude[i]!);
    if (this.size === 0) this.kd.add(0, 0);
    this.kd.finish();
    this.moved.clear();
  }
}

/**
 * The points by slot (slots are never reused: a point that goes stays as inactive). A slot's state is replaced,
 * never changed, when the point changes, so a state handed out stays as it was.
 */
class PointTable implements PointPlaces {
  readonly ids: string[] = [];
  readonly lon: number[] = [];
  readonly lat: number[] = [];
  readonly slots = new Map<string, number>();
  private readonly states: EnginePoint[] = [];
  /** item → slots of the points counted for it: built on an item's first use, kept up to date by `put`. */
  private readonly counted = new Map<string, Set<number>>();

  put(p: EnginePoint): number {
    let i = this.slots.get(p.id);
    if (i === undefined) {
      i = this.ids.length;
      this.slots.set(p.id, i);
      this.ids.push(p.id);
    }
    const state: EnginePoint = { ...p, itemCodes: [...p.itemCodes].sort(), assistedItemCodes: [...(p.assistedItemCodes ?? [])].sort(), active: p.active !== false };
    this.states[i] = state;
    this.lon[i] = p.longitude;
    this.lat[i] = p.latitude;
    for (const [item, slots] of this.counted) {
      if (countsFor(state, item)) slots.add(i);
      else slots.delete(i);
    }
    return i;
  }

  /** Whether point i counts for `item` (ANY_ITEM: whether it is active). */
  counts(i: number, item: string): boolean {
    return countsFor(this.states[i]!, item);
  }

  /** The slots of the points counted for `item` now. */
  countedFor(item: string): ReadonlySet<number> {
    let slots = this.counted.get(item);
    if (!slots) {
      slots = new Set();
      for (let i = 0; i < this.states.length; i++) if (this.counts(i, item)) slots.add(i);
      this.counted.set(item, slots);
    }
    return slots;
  }

  view(i: number): EnginePoint {
    return this.states[i]!;
  }

  longitude(i: number): number {
    return this.lon[i]!;
  }

  latitude(i: number): number {
    return this.lat[i]!;
  }

  id(i: number): string {
    return this.ids[i]!;
  }
}

/** A point counted for a reach, with where it is: what polygons are drawn around. */
export interface PlacedPoint {
  readonly id: string;
  readonly longitude: number;
  readonly latitude: number;
}

/**
 * What the coverage questions read of an engine: the live engine itself, or the engine seen through a what-if
 * scenario (scenario-engine.ts), which answers the same questions without changing it.
 */
export interface CoverageReader {
  readonly dataVersion: string;
  readonly villageCount: number;
  villageRange(areaCode: string): [number, number];
  /** The villages of an area (official or planning), ascending indices; empty for an unknown planning area. */
  villageIndices(areaCode: string): Int32Array;
  /** Whether a point lies in an area: under its code (official), among its members or in its polygon (planning). */
  pointInArea(point: EnginePoint, areaCode: string): boolean;
  villageIndex(code: string): number;
  villageBox(areaCode: string): [number, number, number, number] | null;
  /** [longitude, latitude] of village v. */
  villagePlace(v: number): [number, number];
  pointIdAt(slot: number): string;
  point(id: string): EnginePoint | undefined;
  computeArea(areaCode: string, item: string, model: TravelModel, mode: TravelModeName, budgetCost: number): AreaComputation;
  /** For some villages (indices): the cost to the nearest point counted for `item`, and that point's slot (−1: none). */
  villageCosts(villages: readonly number[], item: string, model: TravelModel, mode: TravelModeName): { cost: Float64Array; nearest: Int32Array };
  nearestPoints(longitude: number, latitude: number, item: string, limit: number, model: TravelModel, mode: TravelModeName): { point: EnginePoint; cost: number }[];
  pointsOffering(item: string): EnginePoint[];
  /** The villages within `maxCost` (the model's unit) of a place where no point is, with their costs: a candidate site's reach. */
  reachFrom(longitude: number, latitude: number, item: string, model: TravelModel, mode: TravelModeName, maxCost: number): { villages: number[]; costs: number[] };
  pointsReachingAt(version: string, item: string, model: TravelModel, mode: TravelModeName, box: [number, number, number, number], cost: number): PlacedPoint[] | null;
  /** The handling rule (assisted turnaround, online channels) a village or an area follows for an item, at this version. */
  handlingRule(code: string, item: string): ResolvedHandlingRule;
}

/**
 * The coverage engine: villages and service points of one data version, and accessibility fields built from
 * them (travel/). A field holds, for one set of counted points and one travel model, the cost from every village to
 * its nearest counted point; coverage for any budget is a scan of it. Items offered by the same points share one
 * field. Fields are built on first use, kept within `maxFieldBytes` (least recently used dropped), and patched in
 * place as points and villages change (`applyPoint`, `applyVillage`): the engine moves from version to version
 * without a reload.
 */
export class CoverageEngine implements CoverageReader {
  private readonly villages: VillageTable;
  private readonly points = new PointTable();
  private readonly entries: LRUCache<string, FieldEntry>;
  /** `${modelKey}|${item}` → the entry holding its field. */
  private readonly fieldOf = new Map<string, FieldEntry>();
  /** Point changes after versions, newest last: the points' states before them. */
  private readonly history: { version: bigint; point: number; before: EnginePoint }[] = [];
  /** The points' states at versions before this one are not known (the snapshot's, or changes dropped from `history`). */
  private historyFloor: bigint;
  private version: string;
  readonly stats: FieldStats;
  /** The travel models of this engine's data (its road networks); null: the caller's (tests build engines bare). */
  readonly models: TravelModels | null;
  /** The largest budget (the field's unit) asked of each model key: new fields of that key are labelled at least that far. */
  private readonly largestBudget = new Map<string, number>();
  /** Planning areas of this version, by code, and their villages once asked (dropped when areas or villages change). */
  private planning = new Map<string, EnginePlanningArea>();
  private readonly planningVillages = new Map<string, Int32Array>();
  /** Handling rules of this version (from the snapshot, then the change feed). */
  private rules = new HandlingRules([]);

  constructor(
    dataVersion: string,
    villages: readonly EngineVillage[],
    points: readonly EnginePoint[],
    options: { maxFieldBytes?: number; models?: TravelModels; planningAreas?: readonly EnginePlanningArea[]; handlingRules?: readonly HandlingRuleSpec[] } = {},
  ) {
    this.models = options.models ?? null;
    this.setPlanningAreas(options.planningAreas ?? []);
    this.setHandlingRules(options.handlingRules ?? []);
    this.version = dataVersion;
    this.historyFloor = BigInt(dataVersion);
    this.villages = new VillageTable(villages);
    for (const p of points) this.points.put(p);
    const maxBytes = options.maxFieldBytes ?? 512 * 1024 * 1024;
    this.stats = { fields: 0, bytes: 0, maxBytes, builds: 0, buildMs: 0, patches: 0, evictions: 0 };
    this.entries = new LRUCache<string, FieldEntry>({
      maxSize: maxBytes,
      sizeCalculation: (e) => Math.max(1, e.field.bytes),
      dispose: (entry, _key, reason) => {
        if (reason === 'evict' || reason === 'delete') {
          if (reason === 'evict') this.stats.evictions++;
          for (const item of entry.items) if (this.fieldOf.get(`${entry.modelKey}|${item}`) === entry) this.fieldOf.delete(`${entry.modelKey}|${item}`);
        }
      },
    });
  }

  /** The data version the engine's state is of. */
  get dataVersion(): string {
    return this.version;
  }

  get villageCount(): number {
    return this.villages.size;
  }

  /** The fields held now. */
  fieldStats(): FieldStats {
    return { ...this.stats, fields: this.entries.size, bytes: this.entries.calculatedSize };
  }

  /** [start, end) of the villages whose code starts with `areaCode` (codes are hierarchical and sorted). */
  villageRange(areaCode: string): [number, number] {
    return [this.lowerBound(areaCode), this.lowerBound(`${areaCode}:`)];
  }

  /** The planning areas of this version (from the snapshot, then the change feed); their villages are found again. */
  setPlanningAreas(areas: readonly EnginePlanningArea[]): void {
    this.planning = new Map(areas.map((a) => [a.code, a]));
    this.planningVillages.clear();
  }

  /** The handling rules of this version (from the snapshot, then the change feed). */
  setHandlingRules(rules: readonly HandlingRuleSpec[]): void {
    this.rules = new HandlingRules(rules);
  }

  handlingRule(code: string, item: string): ResolvedHandlingRule {
    return this.rules.resolve(code, item);
  }

  /** Whether `code` names a planning area of this version. */
  hasPlanningArea(code: string): boolean {
    return this.planning.has(code);
  }

  /**
   * The villages of an area, ascending: the run of codes under an official code; for a planning area, the runs of
   * its members, or the villages inside its polygon (edge included, as PostGIS ST_Intersects), kept until the areas
   * or the villages change.
   */
  villageIndices(areaCode: string): Int32Array {
    if (isOfficialAreaCode(areaCode)) {
      const [start, end] = this.villageRange(areaCode);
      return Int32Array.from({ length: end - start }, (_, k) => start + k);
    }
    const cached = this.planningVillages.get(areaCode);
    if (cached) return cached;
    const area = this.planning.get(areaCode);
    const found: number[] = [];
    if (area?.boundary) {
      const { longitude, latitude } = this.villages;
      let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
      for (const [x, y] of area.boundary.coordinates.flat(2)) {
        minX = Math.min(minX, x!);
        maxX = Math.max(maxX, x!);
        minY = Math.min(minY, y!);
        maxY = Math.max(maxY, y!);
      }
      for (let v = 0; v < this.villages.size; v++) {
        const x = longitude[v]!;
        const y = latitude[v]!;
        if (x >= minX && x <= maxX && y >= minY && y <= maxY && booleanPointInPolygon([x, y], area.boundary)) found.push(v);
      }
    } else if (area) {
      for (const member of area.memberCodes) {
        const [start, end] = this.villageRange(member);
        for (let v = start; v < end; v++) found.push(v);
      }
      found.sort((a, b) => a - b);
    }
    const indices = Int32Array.from(new Set(found));
    this.planningVillages.set(areaCode, indices);
    return indices;
  }

  /** The township code of village v. */
  villageTownship(v: number): string {
    return this.villages.townshipCodes[v]!;
  }

  pointInArea(point: EnginePoint, areaCode: string): boolean {
    const home = point.villageCode ?? point.areaCode;
    if (isOfficialAreaCode(areaCode)) return home.startsWith(areaCode);
    const area = this.planning.get(areaCode);
    if (!area) return false;
    if (area.boundary) return booleanPointInPolygon([point.longitude, point.latitude], area.boundary);
    return area.memberCodes.some((m) => home.startsWith(m));
  }

  /** The people of the villages at these indices. */
  populationOf(villages: readonly number[]): number {
    let people = 0;
    for (const v of villages) people += this.villages.population[v]!;
    return people;
  }

  /** Index of the village `code`, or −1. */
  villageIndex(code: string): number {
    const i = this.lowerBound(code);
    return this.villages.codes[i] === code ? i : -1;
  }

  /** Bounding box [minX, minY, maxX, maxY] of the villages in the area, or null when it has none. */
  villageBox(areaCode: string): [number, number, number, number] | null {
    const villages = this.villageIndices(areaCode);
    if (villages.length === 0) return null;
    let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const i of villages) {
      minX = Math.min(minX, this.villages.longitude[i]!);
      maxX = Math.max(maxX, this.villages.longitude[i]!);
      minY = Math.min(minY, this.villages.latitude[i]!);
      maxY = Math.max(maxY, this.villages.latitude[i]!);
    }
    return [minX, minY, maxX, maxY];
  }

  /** The id of the point in a field's `nearest` slot. */
  pointIdAt(slot: number): string {
    return this.points.ids[slot]!;
  }

  /** Every point's id by slot (the engine's own array: read it, never change it). */
  get pointIds(): readonly string[] {
    return this.points.ids;
  }

  /** The slot of point `id`, or undefined when the engine never counted it. */
  slotOf(id: string): number | undefined {
    return this.points.slots.get(id);
  }

  /** The state of the point in `slot`. */
  pointAt(slot: number): EnginePoint {
    return this.points.view(slot);
  }

  /** [longitude, latitude] of village v. */
  villagePlace(v: number): [number, number] {
    return [this.villages.longitude[v]!, this.villages.latitude[v]!];
  }

  /** The village places, as travel models read them. */
  get villagePlaces(): VillagePlaces {
    return this.villages;
  }

  reachFrom(longitude: number, latitude: number, item: string, model: TravelModel, mode: TravelModeName, maxCost: number): { villages: number[]; costs: number[] } {
    // A place's reach does not depend on the field's origins; the item's field is the one the question reads anyway.
    return this.field(model, mode, item).reachFrom(longitude, latitude, maxCost);
  }

  villageCosts(villages: readonly number[], item: string, model: TravelModel, mode: TravelModeName): { cost: Float64Array; nearest: Int32Array } {
    const field = this.field(model, mode, item);
    // Costs beyond any budget are read (a tile's minutes): as an uncut field has them.
    field.complete?.(villages);
    return { cost: Float64Array.from(villages, (v) => field.cost[v]!), nearest: Int32Array.from(villages, (v) => field.nearest[v]!) };
  }

  point(id: string): EnginePoint | undefined {
    const i = this.points.slots.get(id);
    return i === undefined ? undefined : this.points.view(i);
  }

  /** The field of the points counted for `item` (ANY_ITEM: any active point) under `model` and `mode`; built when missing. */
  field(model: TravelModel, mode: TravelModeName, item: string): AccessibilityField {
    const modelKey = model.fieldKey(mode);
    const key = `${modelKey}|${item}`;
    const known = this.fieldOf.get(key);
    if (known && this.entries.get(entryKey(known)) === known) return known.field;
    const members = [...this.points.countedFor(item)].sort((a, b) => a - b);
    // Items offered by the same points share a field.
    for (const entry of this.entries.values()) {
      if (entry.modelKey === modelKey && entry.field.size === members.length && members.every((p) => entry.field.hasOrigin(p))) {
        entry.items.add(item);
        this.fieldOf.set(key, entry);
        return entry.field;
      }
    }
    const started = performance.now();
    const field = model.createField(this.villages, this.points, members, mode, { cutoffCost: this.largestBudget.get(modelKey) });
    this.stats.builds++;
    this.stats.buildMs += performance.now() - started;
    const entry: FieldEntry = { model, modelKey, field, items: new Set([item]) };
    this.entries.set(entryKey(entry), entry);
    this.fieldOf.set(key, entry);
    return field;
  }

  /**
   * A field built up to a cutoff (ROAD) made ready for an area's computation: costs up to the budget, and the area's
   * villages beyond it (their nearest point and minutes are reported, in gaps and village lists) as an uncut field
   * has them.
   */
  private settle(field: AccessibilityField, areaCode: string, budgetCost: number): void {
    field.ensureCutoff?.(budgetCost);
    if (isOfficialAreaCode(areaCode)) {
      const [start, end] = this.villageRange(areaCode);
      field.completeRange?.(start, end);
    } else field.complete?.(this.villageIndices(areaCode));
  }

  /** Coverage of every village in `areaCode` by the points counted for `item`, within `budgetCost` of the model. */
  computeArea(areaCode: string, item: string, model: TravelModel, mode: TravelModeName, budgetCost: number): AreaComputation {
    const modelKey = model.fieldKey(mode);
    // Remembered first, so that a field built for this question is labelled to its budget in one search.
    if (!(budgetCost <= (this.largestBudget.get(modelKey) ?? Number.NEGATIVE_INFINITY))) this.largestBudget.set(modelKey, budgetCost);
    const field = this.field(model, mode, item);
    this.settle(field, areaCode, budgetCost);
    if (!isOfficialAreaCode(areaCode)) return this.computeVillages(this.villageIndices(areaCode), field, model, budgetCost);
    const [start, end] = this.villageRange(areaCode);
    const count = end - start;
    const covered = new Uint8Array(count);
    // Typed-array copies (the field changes as the engine follows the data); the codes are the engine's own.
    const cost = field.cost.slice(start, end);
    const nearest = field.nearest.slice(start, end);
    for (let k = 0; k < count; k++) covered[k] = nearest[k]! >= 0 && cost[k]! <= budgetCost ? 1 : 0;
    const whole = start === 0 && end === this.villages.size;
    return {
      codes: whole ? this.villages.codes : this.villages.codes.slice(start, end),
      townshipCodes: whole ? this.villages.townshipCodes : this.villages.townshipCodes.slice(start, end),
      population: this.villages.population.slice(start, end),
      covered,
      nearest,
      pointIds: this.points.ids,
      distanceMeters: model.unit === 'meters' ? cost : new Float64Array(count).fill(Number.NaN),
      cost,
      offNetwork: field.offNetwork ? field.offNetwork.slice(start, end) : null,
    };
  }

  /** `computeArea` for villages picked by index (a planning area's): the same arrays, gathered. */
  private computeVillages(villages: Int32Array, field: AccessibilityField, model: TravelModel, budgetCost: number): AreaComputation {
    const count = villages.length;
    const cost = new Float64Array(count);
    const nearest = new Int32Array(count);
    const population = new Float64Array(count);
    const covered = new Uint8Array(count);
    const offNetwork = field.offNetwork ? new Uint8Array(count) : null;
    const codes: string[] = new Array<string>(count);
    const townshipCodes: string[] = new Array<string>(count);
    for (let k = 0; k < count; k++) {
      const v = villages[k]!;
      cost[k] = field.cost[v]!;
      nearest[k] = field.nearest[v]!;
      population[k] = this.villages.population[v]!;
      codes[k] = this.villages.codes[v]!;
      townshipCodes[k] = this.villages.townshipCodes[v]!;
      covered[k] = nearest[k]! >= 0 && cost[k]! <= budgetCost ? 1 : 0;
      if (offNetwork) offNetwork[k] = field.offNetwork![v]!;
    }
    return {
      codes,
      townshipCodes,
      population,
      covered,
      nearest,
      pointIds: this.points.ids,
      distanceMeters: model.unit === 'meters' ? cost : new Float64Array(count).fill(Number.NaN),
      cost,
      offNetwork,
    };
  }

  /** The `limit` nearest points counted for `item` from a place, with their costs, nearest first. */
  nearestPoints(longitude: number, latitude: number, item: string, limit: number, model: TravelModel, mode: TravelModeName): { point: EnginePoint; cost: number }[] {
    return this.field(model, mode, item)
      .nearestOrigins(longitude, latitude, limit)
      .map(({ point, cost }) => ({ point: this.points.view(point), cost }));
  }

  /** Points counted for `item` now. */
  pointsOffering(item: string): EnginePoint[] {
    return Array.from(this.points.countedFor(item), (i) => this.points.view(i));
  }

  /**
   * The points (id and place) counted for `item` at data version `version` whose reach of `cost` (the
   * field's unit) touches the box: today's points, with the changes made after `version` undone. Null when
   * `version` is older than the changes kept (POINT_HISTORY): the caller asks again at the current version.
   */
  pointsReachingAt(version: string, item: string, model: TravelModel, mode: TravelModeName, box: [number, number, number, number], cost: number): PlacedPoint[] | null {
    const at = BigInt(version);
    if (at < this.historyFloor) return null;
    const placed = (p: number): PlacedPoint => ({ id: this.points.ids[p]!, longitude: this.points.lon[p]!, latitude: this.points.lat[p]! });
    const reaching = this.field(model, mode, item).originsReaching(box, cost);
    if (at >= BigInt(this.version)) return reaching.map(placed);
    // The oldest change after `version` of each point holds its state at `version`.
    const then = new Map<number, EnginePoint>();
    for (const h of this.history) if (h.version > at && !then.has(h.point)) then.set(h.point, h.before);
    const points: PlacedPoint[] = reaching.filter((p) => !then.has(p)).map(placed);
    const [minX, minY, maxX, maxY] = box;
    const [bx0, by0, bx1, by1] = new CheapRuler((minY + maxY) / 2, 'meters').bufferBBox([minX, minY, maxX, maxY], cost * 1.01);
    for (const state of then.values()) {
      if (countsFor(state, item) && state.longitude >= bx0 && state.longitude <= bx1 && state.latitude >= by0 && state.latitude <= by1) {
        points.push({ id: state.id, longitude: state.longitude, latitude: state.latitude });
      }
    }
    return points;
  }

  /**
   * For each village of the area (codes in order): how many active points of any item lie in the box of the
   * radius around it. That is the candidate set the PostGIS reference measures distances to (its GiST index
   * returns them before the item and the exact distance are checked), so it prices that work.
   */
  candidatePairs(areaCode: string, radiusMeters: number): { codes: readonly string[]; pairs: Int32Array } {
    const villages = this.villageIndices(areaCode);
    const active = [...this.points.countedFor(ANY_ITEM)];
    const kd = new KDBush(Math.max(active.length, 1));
    for (const p of active) kd.add(this.points.lon[p]!, this.points.lat[p]!);
    if (active.length === 0) kd.add(0, 0);
    kd.finish();
    const pairs = new Int32Array(villages.length);
    villages.forEach((i, k) => {
      const lat = this.villages.latitude[i]!;
      const [minX, minY, maxX, maxY] = new CheapRuler(lat, 'meters').bufferPoint([this.villages.longitude[i]!, lat], radiusMeters);
      pairs[k] = active.length === 0 ? 0 : kd.range(minX, minY, maxX, maxY).length;
    });
    return { codes: Array.from(villages, (i) => this.villages.codes[i]!), pairs };
  }

  /**
   * A point's new state at data version `version` (null: it went, or is no longer active), patched into every
   * field held: a point that starts counting can only improve the villages within its reach; one that stops
   * counting only matters to the villages it was nearest to, which look again. Items whose fields were shared
   * and are now offered by different points get fields of their own.
   */
  applyPoint(version: string, id: string, state: EnginePoint | null): void {
    const slot = this.points.slots.get(id);
    if (slot === undefined && state === null) return this.advance(version); // a point the engine never counted
    const before = slot === undefined ? null : this.points.view(slot);
    const point = this.points.put(state ?? { ...before!, active: false });
    const moved = before !== null && state !== null && (before.longitude !== state.longitude || before.latitude !== state.latitude);
    this.history.push({ version: BigInt(version), point, before: before ?? { ...state!, active: false } });
    if (this.history.length > POINT_HISTORY) {
      const dropped = this.history.splice(0, this.history.length - POINT_HISTORY);
      this.historyFloor = dropped[dropped.length - 1]!.version;
    }
    for (const entry of [...this.entries.values()]) {
      const groups = new Map<Effect, string[]>();
      for (const item of entry.items) {
        const was = before !== null && countsFor(before, item);
        const is = this.points.counts(point, item);
        const effect: Effect = was && is ? (moved ? 'move' : 'none') : was ? 'remove' : is ? 'add' : 'none';
        const same = groups.get(effect);
        if (same) same.push(item);
        else groups.set(effect, [item]);
      }
      // The largest group of items keeps the field, patched; the others (items that now part ways with it) leave
      // it, and their fields are built again from the points on first use.
      const effects = [...groups.keys()];
      const keep = effects.reduce((a, b) => (groups.get(a)!.length >= groups.get(b)!.length ? a : b));
      for (const effect of effects) {
        if (effect === keep) continue;
        for (const item of groups.get(effect)!) {
          entry.items.delete(item);
          this.fieldOf.delete(`${entry.modelKey}|${item}`);
        }
      }
      this.patch(entry, point, keep);
    }
    this.advance(version);
  }

  /** A village's new place and population (the engine holds no village that is not in its snapshot). */
  applyVillage(version: string, village: EngineVillage): boolean {
    const v = this.villageIndex(village.code);
    if (v < 0 || this.villages.townshipCodes[v] !== village.townshipCode) return false; // a new village or a re-parented one: reload
    this.villages.population[v] = village.population;
    if (this.villages.longitude[v] !== village.longitude || this.villages.latitude[v] !== village.latitude) {
      this.villages.move(v, village.longitude, village.latitude);
      this.planningVillages.clear(); // a polygon area may have gained or lost it
      for (const entry of this.entries.values()) {
        entry.field.villagesMoved([v]);
        this.stats.patches++;
      }
    }
    this.advance(version);
    return true;
  }

  /** The engine is at `version` (a change that touched nothing it holds, e.g. a boundary). */
  advance(version: string): void {
    if (BigInt(version) > BigInt(this.version)) this.version = version;
  }

  private patch(entry: FieldEntry, point: number, effect: Effect): void {
    if (effect === 'none') return;
    if (effect === 'add') entry.field.addOrigin(point);
    else if (effect === 'remove') entry.field.removeOrigin(point);
    else entry.field.moveOrigin(point);
    this.stats.patches++;
    this.entries.set(entryKey(entry), entry); // its size may have changed
  }

  private lowerBound(code: string): number {
    const codes = this.villages.codes;
    let lo = 0;
    let hi = codes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (codes[mid]! < code) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/**
 * Whether point state `p` counts for `key` (ANY_ITEM: whether it is active; an item code: whether it handles it in
 * person; a point key of ways of handling, handling-key.ts: in person or by assisted handling, as the key says).
 */
export function countsFor(p: EnginePoint, key: string): boolean {
  if (p.active === false) return false;
  if (key === ANY_ITEM) return true;
  const { item, inPerson, assisted } = parsePointKey(key);
  return (inPerson && p.itemCodes.includes(item)) || (assisted && (p.assistedItemCodes?.includes(item) ?? false));
}

const entryIds = new WeakMap<FieldEntry, string>();
let nextEntry = 0;
function entryKey(entry: FieldEntry): string {
  let id = entryIds.get(entry);
  if (!id) entryIds.set(entry, (id = `${entry.modelKey}#${nextEntry++}`));
  return id;
}
