import KDBush from 'kdbush';
import CheapRuler from 'cheap-ruler';

/** A village as the engine sees it (sorted by code in the snapshot). */
export interface EngineVillage {
  code: string;
  townshipCode: string;
  longitude: number;
  latitude: number;
  population: number;
}

/** An ACTIVE service point with the items it offers. */
export interface EnginePoint {
  id: string;
  kind: string;
  areaCode: string;
  villageCode: string | null;
  longitude: number;
  latitude: number;
  itemCodes: readonly string[];
}

/**
 * Coverage of a run of villages: for each, the nearest counted point within the radius (or, for uncovered
 * villages, the nearest at any distance up to MAX_SEARCH_METERS), as parallel arrays.
 */
export interface AreaComputation {
  readonly codes: readonly string[];
  readonly townshipCodes: readonly string[];
  readonly population: Float64Array;
  readonly covered: Uint8Array;
  /** Nearest counted point's id, or null when there is none within MAX_SEARCH_METERS. */
  readonly nearestPointIds: (string | null)[];
  /** Geodesic metres to that point; NaN when none. */
  readonly distanceMeters: Float64Array;
}

/** Farthest a "nearest point" is looked for (an uncovered village with nothing nearer shows none). */
export const MAX_SEARCH_METERS = 300_000;
const ANY_ITEM = '*';

interface ItemIndex {
  readonly kd: KDBush;
  /** kd id → point index. */
  readonly points: Int32Array;
}

/**
 * The in-memory coverage engine: villages and active points from one data version, a KDBush index per item
 * (built on first use), and WGS-84 distances by cheap-ruler's local ellipsoidal approximation (well under
 * 0.01 % from the exact geodesic at these ranges; tests compare it with geographiclib and with PostGIS).
 */
export class CoverageEngine {
  private readonly villageCodes: string[];
  private readonly villageTownships: string[];
  private readonly villageLon: Float64Array;
  private readonly villageLat: Float64Array;
  private readonly villagePopulation: Float64Array;
  private readonly itemIndexes = new Map<string, ItemIndex>();
  private readonly pointIndexById = new Map<string, number>();

  constructor(
    readonly dataVersion: string,
    villages: readonly EngineVillage[],
    readonly points: readonly EnginePoint[],
    readonly loadedAt = new Date(),
  ) {
    const n = villages.length;
    this.villageCodes = new Array<string>(n);
    this.villageTownships = new Array<string>(n);
    this.villageLon = new Float64Array(n);
    this.villageLat = new Float64Array(n);
    this.villagePopulation = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = villages[i];
      if (i > 0 && !(villages[i - 1].code < v.code)) throw new Error('CoverageEngine: villages must be sorted by code, without duplicates');
      this.villageCodes[i] = v.code;
      this.villageTownships[i] = v.townshipCode;
      this.villageLon[i] = v.longitude;
      this.villageLat[i] = v.latitude;
      this.villagePopulation[i] = v.population;
    }
    points.forEach((p, i) => this.pointIndexById.set(p.id, i));
  }

  get villageCount(): number {
    return this.villageCodes.length;
  }

  /** Bounding box [minX, minY, maxX, maxY] of the villages in the area, or null when it has none. */
  villageBox(areaCode: string): [number, number, number, number] | null {
    const [start, end] = this.villageRange(areaCode);
    if (start === end) return null;
    let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
    for (let i = start; i < end; i++) {
      minX = Math.min(minX, this.villageLon[i]);
      maxX = Math.max(maxX, this.villageLon[i]);
      minY = Math.min(minY, this.villageLat[i]);
      maxY = Math.max(maxY, this.villageLat[i]);
    }
    return [minX, minY, maxX, maxY];
  }

  point(id: string): EnginePoint | undefined {
    const i = this.pointIndexById.get(id);
    return i === undefined ? undefined : this.points[i];
  }

  /** [start, end) of the villages whose code starts with `areaCode` (codes are hierarchical and sorted). */
  villageRange(areaCode: string): [number, number] {
    return [this.lowerBound(areaCode), this.lowerBound(`${areaCode}:`)];
  }

  /** Coverage of every village in `areaCode` by the active points offering `itemCode` (any item when null). */
  computeArea(areaCode: string, itemCode: string | null, radiusMeters: number): AreaComputation {
    const [start, end] = this.villageRange(areaCode);
    const count = end - start;
    const index = this.itemIndex(itemCode);
    const covered = new Uint8Array(count);
    const nearestPointIds = new Array<string | null>(count).fill(null);
    const distanceMeters = new Float64Array(count).fill(Number.NaN);
    for (let k = 0; k < count; k++) {
      const i = start + k;
      const found = this.nearestInIndex(index, this.villageLon[i], this.villageLat[i], radiusMeters, true);
      if (found.point >= 0) {
        covered[k] = 1;
        nearestPointIds[k] = this.points[found.point].id;
        distanceMeters[k] = found.distance;
      }
    }
    // Only uncovered villages need the (slower) unbounded search, and they are the few.
    for (let k = 0; k < count; k++) {
      if (covered[k]) continue;
      const i = start + k;
      const found = this.nearestInIndex(index, this.villageLon[i], this.villageLat[i], radiusMeters, false);
      if (found.point >= 0) {
        nearestPointIds[k] = this.points[found.point].id;
        distanceMeters[k] = found.distance;
      }
    }
    return {
      codes: this.villageCodes.slice(start, end),
      townshipCodes: this.villageTownships.slice(start, end),
      population: this.villagePopulation.slice(start, end),
      covered,
      nearestPointIds,
      distanceMeters,
    };
  }

  /**
   * For each village of the area (codes in order): how many active points of any item lie in the box of the
   * radius around it. That is the candidate set the PostGIS reference measures distances to (its GiST index
   * returns them before the item and the exact distance are checked), so it prices that work.
   */
  candidatePairs(areaCode: string, radiusMeters: number): { codes: readonly string[]; pairs: Int32Array } {
    const [start, end] = this.villageRange(areaCode);
    const index = this.itemIndex(null);
    const pairs = new Int32Array(end - start);
    for (let i = start; i < end; i++) {
      const [minX, minY, maxX, maxY] = new CheapRuler(this.villageLat[i], 'meters').bufferPoint([this.villageLon[i], this.villageLat[i]], radiusMeters);
      pairs[i - start] = index.points.length === 0 ? 0 : index.kd.range(minX, minY, maxX, maxY).length;
    }
    return { codes: this.villageCodes.slice(start, end), pairs };
  }

  /** The `limit` nearest active points offering the item, within `maxMeters`, nearest first. */
  nearestPoints(longitude: number, latitude: number, itemCode: string | null, limit: number, maxMeters = MAX_SEARCH_METERS): { point: EnginePoint; distanceMeters: number }[] {
    const index = this.itemIndex(itemCode);
    const ruler = new CheapRuler(latitude, 'meters');
    let radius = Math.min(5_000, maxMeters);
    for (;;) {
      const [minX, minY, maxX, maxY] = ruler.bufferPoint([longitude, latitude], radius);
      const found = index.kd
        .range(minX, minY, maxX, maxY)
        .map((id) => {
          const p = this.points[index.points[id]];
          return { point: p, distanceMeters: ruler.distance([longitude, latitude], [p.longitude, p.latitude]) };
        })
        .filter((r) => r.distanceMeters <= radius)
        .sort((a, b) => a.distanceMeters - b.distanceMeters || (a.point.id < b.point.id ? -1 : 1));
      if (found.length >= limit || radius >= maxMeters || found.length === index.points.length) return found.slice(0, limit);
      radius = Math.min(radius * 3, maxMeters);
    }
  }

  /** Active points offering the item whose location is inside the bounding box (for polygons). */
  pointsInBox(itemCode: string | null, minX: number, minY: number, maxX: number, maxY: number): EnginePoint[] {
    const index = this.itemIndex(itemCode);
    return index.kd.range(minX, minY, maxX, maxY).map((id) => this.points[index.points[id]]);
  }

  /** Active points offering the item (any when null). */
  pointsOffering(itemCode: string | null): EnginePoint[] {
    return Array.from(this.itemIndex(itemCode).points, (i) => this.points[i]);
  }

  private itemIndex(itemCode: string | null): ItemIndex {
    const key = itemCode ?? ANY_ITEM;
    let index = this.itemIndexes.get(key);
    if (!index) {
      const members: number[] = [];
      this.points.forEach((p, i) => {
        if (itemCode === null || p.itemCodes.includes(itemCode)) members.push(i);
      });
      const kd = new KDBush(Math.max(members.length, 1));
      for (const i of members) kd.add(this.points[i].longitude, this.points[i].latitude);
      if (members.length === 0) kd.add(0, 0); // KDBush needs one item; the filler maps to no point (see below)
      kd.finish();
      index = { kd, points: Int32Array.from(members) };
      this.itemIndexes.set(key, index);
    }
    return index;
  }

  /**
   * Nearest point of the index to (lon, lat): within `radius` when `bounded`, otherwise searching outwards
   * from `radius` up to MAX_SEARCH_METERS. Ties go to the smaller id, as in the PostGIS query.
   */
  private nearestInIndex(index: ItemIndex, lon: number, lat: number, radius: number, bounded: boolean): { point: number; distance: number } {
    if (index.points.length === 0) return { point: -1, distance: Number.NaN };
    const ruler = new CheapRuler(lat, 'meters');
    let r = radius;
    for (;;) {
      const [minX, minY, maxX, maxY] = ruler.bufferPoint([lon, lat], r);
      let best = -1;
      let bestDistance = Number.POSITIVE_INFINITY;
      for (const id of index.kd.range(minX, minY, maxX, maxY)) {
        const pi = index.points[id];
        if (pi === undefined) continue;
        const p = this.points[pi];
        const d = ruler.distance([lon, lat], [p.longitude, p.latitude]);
        if (d <= r && (d < bestDistance || (d === bestDistance && p.id < this.points[best].id))) {
          best = pi;
          bestDistance = d;
        }
      }
      if (best >= 0 || bounded || r >= MAX_SEARCH_METERS) return { point: best, distance: best >= 0 ? bestDistance : Number.NaN };
      r = Math.min(r * 4, MAX_SEARCH_METERS);
    }
  }

  private lowerBound(code: string): number {
    let lo = 0;
    let hi = this.villageCodes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.villageCodes[mid] < code) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
