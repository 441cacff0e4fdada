import CheapRuler from 'cheap-ruler';
import type { AccessibilityField, TravelModel, TravelModeName } from '../travel/travel-model';
import { countsFor, isOfficialAreaCode, type AreaComputation, type CoverageEngine, type CoverageReader, type EnginePoint, type PlacedPoint } from './coverage.engine';

/**
 * A what-if, resolved against the engine: the points it changes (their whole state as the scenario leaves them:
 * closed ones inactive, moved ones at their new place, others with their new items) and the points it adds.
 */
export interface ScenarioPoints {
  /** Existing points by id, as the scenario leaves them. */
  readonly changed: ReadonlyMap<string, EnginePoint>;
  /** Hypothetical points (ids are the scenario's keys, distinct from every existing id). */
  readonly added: readonly EnginePoint[];
}

/** How a scenario changes the origins of one item's field: slots that stop counting (or move), and places that start. */
interface Overlay {
  readonly removed: ReadonlySet<number>;
  readonly added: readonly { readonly slot: number; readonly point: EnginePoint }[];
}

/**
 * The engine seen through a scenario (R5's "a scenario is a point set plus a small change, evaluated as an
 * overlay"): every question reads the live fields and corrects, for the scenario's points only, what they change.
 * A point that stops counting matters only to the villages it was nearest to, which look for their next nearest
 * (the field's own search, skipping the scenario's removals); a point that starts counting (added, moved, given
 * the item) can only improve the villages in its reach (the travel model's `reachFrom`). Nothing of the engine is
 * changed or copied beyond the answer's own arrays, so the work grows with the change and the area asked about.
 *
 * Like the engine it wraps, it is read at once, before any await: its answers are of the engine's version then.
 * Added points take slots after the engine's (pointCount + their index).
 */
export class ScenarioEngine implements CoverageReader {
  private readonly overlays = new Map<string, Overlay>();
  private readonly addedById: ReadonlyMap<string, EnginePoint>;
  private readonly baseSlots: number;

  constructor(
    private readonly base: CoverageEngine,
    private readonly points: ScenarioPoints,
  ) {
    this.baseSlots = base.pointIds.length;
    this.addedById = new Map(points.added.map((p) => [p.id, p]));
  }

  get dataVersion(): string {
    return this.base.dataVersion;
  }

  get villageCount(): number {
    return this.base.villageCount;
  }

  villageRange(areaCode: string): [number, number] {
    return this.base.villageRange(areaCode);
  }

  villageIndices(areaCode: string): Int32Array {
    return this.base.villageIndices(areaCode);
  }

  pointInArea(point: EnginePoint, areaCode: string): boolean {
    return this.base.pointInArea(point, areaCode);
  }

  villageIndex(code: string): number {
    return this.base.villageIndex(code);
  }

  villageBox(areaCode: string): [number, number, number, number] | null {
    return this.base.villageBox(areaCode);
  }

  villagePlace(v: number): [number, number] {
    return this.base.villagePlace(v);
  }

  handlingRule(code: string, item: string) {
    return this.base.handlingRule(code, item);
  }

  pointIdAt(slot: number): string {
    return slot < this.baseSlots ? this.base.pointIdAt(slot) : this.points.added[slot - this.baseSlots]!.id;
  }

  point(id: string): EnginePoint | undefined {
    return this.points.changed.get(id) ?? this.addedById.get(id) ?? this.base.point(id);
  }

  computeArea(areaCode: string, item: string, model: TravelModel, mode: TravelModeName, budgetCost: number): AreaComputation {
    const c = this.base.computeArea(areaCode, item, model, mode, budgetCost);
    const overlay = this.overlay(item);
    if (overlay.removed.size === 0 && overlay.added.length === 0) return c;
    // The computation's arrays are its own copies (distanceMeters is the cost array itself when the model counts metres).
    const cost = c.cost as Float64Array;
    const nearest = c.nearest as Int32Array;
    if (isOfficialAreaCode(areaCode)) {
      const [start, end] = this.base.villageRange(areaCode);
      this.correct(this.base.field(model, mode, item), overlay, cost, nearest, (k) => start + k, (v) => (v >= start && v < end ? v - start : -1));
    } else {
      const villages = this.base.villageIndices(areaCode);
      const position = new Map(Array.from(villages, (v, k) => [v, k]));
      this.correct(this.base.field(model, mode, item), overlay, cost, nearest, (k) => villages[k]!, (v) => position.get(v) ?? -1);
    }
    const covered = c.covered as Uint8Array;
    for (let k = 0; k < covered.length; k++) covered[k] = nearest[k]! >= 0 && cost[k]! <= budgetCost ? 1 : 0;
    return { ...c, pointIds: this.points.added.length ? [...this.base.pointIds, ...this.points.added.map((p) => p.id)] : c.pointIds };
  }

  villageCosts(villages: readonly number[], item: string, model: TravelModel, mode: TravelModeName): { cost: Float64Array; nearest: Int32Array } {
    const found = this.base.villageCosts(villages, item, model, mode);
    const overlay = this.overlay(item);
    if (overlay.removed.size === 0 && overlay.added.length === 0) return found;
    const position = new Map(villages.map((v, k) => [v, k]));
    this.correct(this.base.field(model, mode, item), overlay, found.cost, found.nearest, (k) => villages[k]!, (v) => position.get(v) ?? -1);
    return found;
  }

  nearestPoints(longitude: number, latitude: number, item: string, limit: number, model: TravelModel, mode: TravelModeName): { point: EnginePoint; cost: number }[] {
    const overlay = this.overlay(item);
    const field = this.base.field(model, mode, item);
    // At most `removed` of the nearest are gone: ask for that many more.
    const kept = field
      .nearestOrigins(longitude, latitude, limit + overlay.removed.size)
      .filter(({ point }) => !overlay.removed.has(point))
      .map(({ point, cost }) => ({ point: this.base.pointAt(point), cost }));
    const costs = field.costsBetween(
      longitude,
      latitude,
      overlay.added.map((a) => [a.point.longitude, a.point.latitude]),
    );
    const added = overlay.added.map((a, i) => ({ point: a.point, cost: costs[i]! })).filter((a) => Number.isFinite(a.cost));
    return [...kept, ...added].sort((a, b) => a.cost - b.cost || (a.point.id < b.point.id ? -1 : 1)).slice(0, limit);
  }

  reachFrom(longitude: number, latitude: number, item: string, model: TravelModel, mode: TravelModeName, maxCost: number): { villages: number[]; costs: number[] } {
    return this.base.reachFrom(longitude, latitude, item, model, mode, maxCost);
  }

  pointsOffering(item: string): EnginePoint[] {
    const { changed, added } = this.points;
    const kept = this.base.pointsOffering(item).filter((p) => !changed.has(p.id));
    const now = [...changed.values(), ...added].filter((p) => countsFor(p, item));
    return [...kept, ...now];
  }

  pointsReachingAt(version: string, item: string, model: TravelModel, mode: TravelModeName, box: [number, number, number, number], cost: number): PlacedPoint[] | null {
    const found = this.base.pointsReachingAt(version, item, model, mode, box, cost);
    if (found === null) return null;
    const { changed, added } = this.points;
    const [minX, minY, maxX, maxY] = box;
    // The box grown by the reach, as the field's own search (originsReaching) grows it.
    const [x0, y0, x1, y1] = new CheapRuler((minY + maxY) / 2, 'meters').bufferBBox([minX, minY, maxX, maxY], cost * 1.01);
    const now = [...changed.values(), ...added].filter((p) => countsFor(p, item) && p.longitude >= x0 && p.longitude <= x1 && p.latitude >= y0 && p.latitude <= y1);
    return [...found.filter((p) => !changed.has(p.id)), ...now.map((p) => ({ id: p.id, longitude: p.longitude, latitude: p.latitude }))];
  }

  /** How the scenario changes the points counted for `item`. */
  private overlay(item: string): Overlay {
    let overlay = this.overlays.get(item);
    if (overlay) return overlay;
    const removed = new Set<number>();
    const added: { slot: number; point: EnginePoint }[] = [];
    for (const [id, after] of this.points.changed) {
      const slot = this.base.slotOf(id);
      if (slot === undefined) continue; // never counted by the engine, and a scenario reopens nothing
      const before = this.base.pointAt(slot);
      const was = countsFor(before, item);
      const is = countsFor(after, item);
      const moved = before.longitude !== after.longitude || before.latitude !== after.latitude;
      if (was && (!is || moved)) removed.add(slot);
      if (is && (!was || moved)) added.push({ slot, point: after });
    }
    this.points.added.forEach((point, i) => {
      if (countsFor(point, item)) added.push({ slot: this.baseSlots + i, point });
    });
    overlay = { removed, added };
    this.overlays.set(item, overlay);
    return overlay;
  }

  /**
   * Corrects the costs and nearest slots of some villages (position k is village `villageAt(k)`; `positionOf`
   * maps back, −1 for villages not asked about) for the overlay: first the villages whose nearest stopped
   * counting find their next nearest among the field's origins still counting, then every place that starts
   * counting improves the villages it is nearer to (ties to the smaller id, as everywhere).
   */
  private correct(
    field: AccessibilityField,
    overlay: Overlay,
    cost: Float64Array,
    nearest: Int32Array,
    villageAt: (k: number) => number,
    positionOf: (v: number) => number,
  ): void {
    if (overlay.removed.size > 0) {
      for (let k = 0; k < nearest.length; k++) {
        if (!overlay.removed.has(nearest[k]!)) continue;
        const [longitude, latitude] = this.base.villagePlace(villageAt(k));
        const next = field.nearestOrigins(longitude, latitude, overlay.removed.size + 1).find(({ point }) => !overlay.removed.has(point));
        nearest[k] = next ? next.point : -1;
        cost[k] = next ? next.cost : Number.NaN;
      }
    }
    if (overlay.added.length === 0) return;
    // A new place can only matter to villages nearer to it than their nearest now: within the largest cost held.
    let reach = 0;
    for (let k = 0; k < nearest.length && reach < Infinity; k++) reach = nearest[k]! < 0 ? Infinity : Math.max(reach, cost[k]!);
    for (const { slot, point } of overlay.added) {
      const { villages, costs } = field.reachFrom(point.longitude, point.latitude, reach);
      for (let i = 0; i < villages.length; i++) {
        const k = positionOf(villages[i]!);
        if (k < 0) continue;
        const d = costs[i]!;
        const current = nearest[k]!;
        if (current < 0 || d < cost[k]! || (d === cost[k]! && point.id < this.pointIdAt(current))) {
          nearest[k] = slot;
          cost[k] = d;
        }
      }
    }
  }
}
