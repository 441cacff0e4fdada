import CheapRuler from 'cheap-ruler';
import KDBush from 'kdbush';
import { travelMinutes } from '../geo/travel-minutes';
import { travelRadiusMeters } from '../geo/travel-radius-meters';
import type { PointPlaces, VillagePlaces } from './places';
import { TravelModelName, type AccessibilityField, type ReachShape, type TravelDescription, type TravelModel, type TravelModeName } from './travel-model';

/** Farthest a nearest point is looked for: a village with nothing nearer has none (NaN). */
export const MAX_SEARCH_METERS = 300_000;
/** Where the search for a village's nearest point starts; it doubles until one is found. */
const FIRST_SEARCH_METERS = 2_000;
/** Index changes (origins added, removed or moved since the index was built) before it is rebuilt. */
const MIN_REBUILD_CHANGES = 256;

export interface StraightLineParameters {
  readonly speedsKmh: Readonly<Record<TravelModeName, number>>;
  /** Road distance ≈ geodesic distance × this (≥ 1). */
  readonly detourFactor: number;
}

/**
 * The straight-line travel model: geodesic distance (WGS-84, cheap-ruler's ellipsoidal local approximation,
 * well under 0.05 % from Karney's at these ranges) × detour factor ÷ the mode's speed. Its fields hold metres,
 * so one field serves every mode and budget; a budget is a radius.
 */
export class StraightLineModel implements TravelModel {
  readonly name = TravelModelName.STRAIGHT_LINE;
  readonly unit = 'meters' as const;

  constructor(
    readonly parameters: StraightLineParameters,
    /** Index changes before a field's index is rebuilt (at least; or a twentieth of its origins). */
    private readonly rebuildAfter = MIN_REBUILD_CHANGES,
  ) {}

  fieldKey(): string {
    return this.name;
  }

  budgetCost(mode: TravelModeName, minutes: number): number {
    return travelRadiusMeters(this.parameters.speedsKmh[mode], minutes, this.parameters.detourFactor);
  }

  minutes(mode: TravelModeName, meters: number): number {
    return travelMinutes(meters, this.parameters.speedsKmh[mode], this.parameters.detourFactor);
  }

  describe(mode: TravelModeName, minutes: number): TravelDescription {
    const speedKmh = this.parameters.speedsKmh[mode];
    const { detourFactor } = this.parameters;
    const radiusMeters = this.budgetCost(mode, minutes);
    return {
      model: this.name,
      mode,
      minutes,
      parameters: { speedKmh, detourFactor, radiusMeters },
      budgetCost: radiusMeters,
      sentence:
        `Covered = a counted point within ${Math.round(radiusMeters)} m geodesic (WGS-84), i.e. ${minutes} min by ${mode.toLowerCase()} ` +
        `at ${speedKmh} km/h with road distance ≈ ${detourFactor} × straight line`,
    };
  }

  reachShape(mode: TravelModeName, minutes: number): ReachShape {
    return { kind: 'circles', radiusMeters: this.budgetCost(mode, minutes) };
  }

  createField(villages: VillagePlaces, points: PointPlaces, origins: readonly number[]): AccessibilityField {
    return new StraightLineField(villages, points, origins, this.rebuildAfter);
  }
}

/**
 * Metres from each village to its nearest origin, by a KDBush index of the origins and cheap-ruler distances at
 * the village's latitude (ties: the smaller id). KDBush cannot change, so origins added or moved since it was built
 * are kept beside it and checked one by one, origins removed are skipped; past MIN_REBUILD_CHANGES (or a twentieth
 * of the origins) the index is built again.
 */
class StraightLineField implements AccessibilityField {
  readonly cost: Float64Array;
  readonly nearest: Int32Array;
  private readonly origins = new Set<number>();
  private kd!: KDBush;
  /** KDBush id → point index. */
  private kdPoints!: Int32Array;
  private readonly kdMembers = new Set<number>();
  /** Points indexed in `kd` that no longer count there (removed, or moved: then also in `extra`). */
  private readonly skipped = new Set<number>();
  /** Points counted but not in `kd` (added or moved since it was built). */
  private readonly extra = new Set<number>();

  constructor(
    private readonly villages: VillagePlaces,
    private readonly points: PointPlaces,
    origins: readonly number[],
    private readonly rebuildAfter: number,
  ) {
    for (const p of origins) this.origins.add(p);
    this.cost = new Float64Array(villages.size).fill(Number.NaN);
    this.nearest = new Int32Array(villages.size).fill(-1);
    this.buildIndex();
    for (let v = 0; v < villages.size; v++) this.recompute(v);
  }

  get size(): number {
    return this.origins.size;
  }

  get bytes(): number {
    return this.cost.byteLength + this.nearest.byteLength + this.kdPoints.byteLength * 4 + this.origins.size * 16;
  }

  hasOrigin(point: number): boolean {
    return this.origins.has(point);
  }

  addOrigin(point: number): void {
    if (this.origins.has(point)) return;
    this.origins.add(point);
    this.extra.add(point);
    this.improveAround(point);
    this.maybeRebuild();
  }

  removeOrigin(point: number): void {
    if (!this.origins.delete(point)) return;
    if (this.kdMembers.has(point)) this.skipped.add(point);
    this.extra.delete(point);
    this.recomputeNearestTo(point);
    this.maybeRebuild();
  }

  moveOrigin(point: number): void {
    if (!this.origins.has(point)) return;
    if (this.kdMembers.has(point)) this.skipped.add(point);
    this.extra.add(point);
    this.recomputeNearestTo(point); // villages it was nearest to may now have another nearest
    this.improveAround(point); // and villages near its new place may now have it
    this.maybeRebuild();
  }

  villagesMoved(villages: readonly number[]): void {
    for (const v of villages) this.recompute(v);
  }

  nearestOrigins(longitude: number, latitude: number, limit: number, maxCost = MAX_SEARCH_METERS): { point: number; cost: number }[] {
    const ruler = new CheapRuler(latitude, 'meters');
    const here: [number, number] = [longitude, latitude];
    let radius = Math.min(5_000, maxCost);
    for (;;) {
      const found = this.candidates(ruler.bufferPoint(here, radius))
        .map((point) => ({ point, cost: ruler.distance(here, [this.points.longitude(point), this.points.latitude(point)]) }))
        .filter((r) => r.cost <= radius)
        .sort((a, b) => a.cost - b.cost || (this.points.id(a.point) < this.points.id(b.point) ? -1 : 1));
      if (found.length >= limit || radius >= maxCost || found.length === this.origins.size) return found.slice(0, limit);
      radius = Math.min(radius * 3, maxCost);
    }
  }

  originsReaching(box: readonly [number, number, number, number], cost: number): number[] {
    const [minX, minY, maxX, maxY] = box;
    const ruler = new CheapRuler((minY + maxY) / 2, 'meters');
    return this.candidates(ruler.bufferBBox([minX, minY, maxX, maxY], cost * 1.01));
  }

  reachFrom(longitude: number, latitude: number, maxCost: number): { villages: number[]; costs: number[] } {
    const limit = Math.min(maxCost, MAX_SEARCH_METERS);
    // 2 % more: the ruler's scale changes across the box (as in improveAround).
    const [minX, minY, maxX, maxY] = new CheapRuler(latitude, 'meters').bufferPoint([longitude, latitude], limit * 1.02);
    const inBox = this.villages.inBox(minX, minY, maxX, maxY);
    const villages: number[] = [];
    const costs: number[] = [];
    for (let i = 0; i < inBox.length; i++) {
      const v = inBox[i]!;
      const vlat = this.villages.latitude[v]!;
      // At the village's latitude, as the field's own costs are measured.
      const d = new CheapRuler(vlat, 'meters').distance([this.villages.longitude[v]!, vlat], [longitude, latitude]);
      if (d <= limit) {
        villages.push(v);
        costs.push(d);
      }
    }
    return { villages, costs };
  }

  costsBetween(longitude: number, latitude: number, places: readonly (readonly [number, number])[]): number[] {
    const ruler = new CheapRuler(latitude, 'meters');
    return places.map(([x, y]) => {
      const d = ruler.distance([longitude, latitude], [x, y]);
      return d <= MAX_SEARCH_METERS ? d : Number.POSITIVE_INFINITY;
    });
  }

  /** Counted origins whose place lies in the box. */
  private candidates([minX, minY, maxX, maxY]: readonly [number, number, number, number]): number[] {
    const found: number[] = [];
    for (const id of this.kd.range(minX, minY, maxX, maxY)) {
      const p = this.kdPoints[id]!;
      if (p >= 0 && !this.skipped.has(p)) found.push(p);
    }
    for (const p of this.extra) {
      const x = this.points.longitude(p);
      const y = this.points.latitude(p);
      if (x >= minX && x <= maxX && y >= minY && y <= maxY) found.push(p);
    }
    return found;
  }

  /** Village v's nearest origin within MAX_SEARCH_METERS: the box grows until it holds one as near as its half-width. */
  private recompute(v: number): void {
    const lon = this.villages.longitude[v]!;
    const lat = this.villages.latitude[v]!;
    const ruler = new CheapRuler(lat, 'meters');
    let best = -1;
    let bestDistance = Number.POSITIVE_INFINITY;
    if (this.origins.size > 0) {
      for (let r = FIRST_SEARCH_METERS; ; r = Math.min(r * 2, MAX_SEARCH_METERS)) {
        for (const p of this.candidates(ruler.bufferPoint([lon, lat], r))) {
          const d = ruler.distance([lon, lat], [this.points.longitude(p), this.points.latitude(p)]);
          if (d <= r && this.better(d, p, bestDistance, best)) {
            best = p;
            bestDistance = d;
          }
        }
        if (best >= 0 || r >= MAX_SEARCH_METERS) break;
      }
    }
    this.nearest[v] = best;
    this.cost[v] = best >= 0 ? bestDistance : Number.NaN;
  }

  private better(d: number, p: number, bestDistance: number, best: number): boolean {
    return d < bestDistance || (d === bestDistance && best >= 0 && this.points.id(p) < this.points.id(best));
  }

  /** Villages whose nearest origin was `point` look again (it went, or moved away). */
  private recomputeNearestTo(point: number): void {
    const { nearest } = this;
    for (let v = 0; v < nearest.length; v++) if (nearest[v] === point) this.recompute(v);
  }

  /** A new (or moved) origin can only improve the villages it is nearer to than their nearest: those in its reach. */
  private improveAround(point: number): void {
    const lon = this.points.longitude(point);
    const lat = this.points.latitude(point);
    let reach = 0;
    for (let v = 0; v < this.cost.length; v++) {
      const c = this.cost[v]!;
      if (Number.isNaN(c)) {
        reach = MAX_SEARCH_METERS;
        break;
      }
      if (c > reach) reach = c;
    }
    // A box around the point holding every village within `reach` of it (latitudes differ little at this scale;
    // 2 % more covers the change of the ruler's scale across the box).
    const [minX, minY, maxX, maxY] = new CheapRuler(lat, 'meters').bufferPoint([lon, lat], Math.min(reach, MAX_SEARCH_METERS) * 1.02);
    const villages = this.villages.inBox(minX, minY, maxX, maxY);
    for (let i = 0; i < villages.length; i++) {
      const v = villages[i]!;
      const vlat = this.villages.latitude[v]!;
      const d = new CheapRuler(vlat, 'meters').distance([this.villages.longitude[v]!, vlat], [lon, lat]);
      if (d > MAX_SEARCH_METERS) continue;
      const current = this.nearest[v]!;
      if (current === point || current < 0 || this.better(d, point, this.cost[v]!, current)) {
        this.nearest[v] = point;
        this.cost[v] = d;
      }
    }
  }

  private maybeRebuild(): void {
    if (this.skipped.size + this.extra.size > Math.max(this.rebuildAfter, this.origins.size / 20)) this.buildIndex();
  }

  private buildIndex(): void {
    const members = [...this.origins];
    this.kd = new KDBush(Math.max(members.length, 1));
    for (const p of members) this.kd.add(this.points.longitude(p), this.points.latitude(p));
    if (members.length === 0) this.kd.add(0, 0); // KDBush needs one item; it maps to no point
    this.kd.finish();
    this.kdPoints = members.length === 0 ? Int32Array.of(-1) : Int32Array.from(members);
    this.kdMembers.clear();
    for (const p of members) this.kdMembers.add(p);
    this.skipped.clear();
    this.extra.clear();
  }
}
