/**
 * The places a travel model works on, as the coverage engine keeps them (columns, indexed by slot). The model
 * reads them; only the engine changes them, and tells the fields what moved.
 */
export interface VillagePlaces {
  readonly size: number;
  readonly longitude: Float64Array;
  readonly latitude: Float64Array;
  /** Indices of the villages whose place lies in the box [minX, minY, maxX, maxY]. */
  inBox(minX: number, minY: number, maxX: number, maxY: number): ArrayLike<number>;
}

export interface PointPlaces {
  longitude(point: number): number;
  latitude(point: number): number;
  /** The point's id: ties between equally near points go to the smaller id, as in the PostGIS reference. */
  id(point: number): string;
}
