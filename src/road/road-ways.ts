import type { RoadWayTags } from './road-way-tags';

/**
 * The road ways read from a file, in typed arrays: each way's attributes and its vertices (indices into one vertex
 * table, so that ways sharing an OSM node, or a GeoJSON position, share the vertex). Both readers (PBF, GeoJSON)
 * produce it and splitRoadWays turns it into edges; one small object per way, none per vertex.
 */
export interface RoadWays {
  readonly wayCount: number;
  readonly wayTags: readonly RoadWayTags[];
  /** The OSM way id, NaN when there is none (GeoJSON without ids). */
  readonly wayOsmId: Float64Array;
  /** Way w's vertices are refs[wayStart[w]] … refs[wayStart[w + 1] − 1]. */
  readonly wayStart: Uint32Array;
  readonly refs: Uint32Array;
  readonly vertexCount: number;
  /** NaN for a vertex the file names but does not hold (an extract cut through a way). */
  readonly vertexLon: Float64Array;
  readonly vertexLat: Float64Array;
  /** The OSM node id, NaN when there is none. */
  readonly vertexOsmId: Float64Array;
  /** How often the kept ways pass through each vertex (saturating at 255): two or more makes it a junction. */
  readonly vertexUses: Uint8Array;
}

type TypedArray = Float64Array | Uint32Array | Uint8Array;
type TypedArrayConstructor<T extends TypedArray> = { new (length: number): T };

/** An append-only typed array that doubles when full (no JS number[] for millions of entries). */
export class GrowableArray<T extends TypedArray> {
  private data: T;
  length = 0;

  constructor(
    private readonly Type: TypedArrayConstructor<T>,
    capacity = 1024,
  ) {
    this.data = new Type(capacity);
  }

  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = new this.Type(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }

  set(index: number, value: number): void {
    this.data[index] = value;
  }

  at(index: number): number {
    return this.data[index]!;
  }

  /** The values pushed, trimmed to their length (a copy: the builder may be dropped). */
  toArray(): T {
    return this.data.slice(0, this.length) as T;
  }
}
