import gcoord from 'gcoord';
import type { GeoJSON } from 'geojson';

/** Coordinate systems of Chinese web maps: WGS-84 (storage, GPS), GCJ-02 (AMap, Tencent), BD-09 (Baidu). */
export type Crs = 'WGS84' | 'GCJ02' | 'BD09';

const GCOORD = { WGS84: gcoord.WGS84, GCJ02: gcoord.GCJ02, BD09: gcoord.BD09 } as const;

/**
 * `value` (a position, geometry, Feature or FeatureCollection) with its coordinates converted from one system
 * to another, by gcoord. Returns a new object (gcoord converts in place, so the input is cloned first). Points
 * outside mainland China are left as they are, as the GCJ-02 rules say.
 */
export function convertGeometry<T extends GeoJSON | [number, number]>(value: T, from: Crs, to: Crs): T {
  if (from === to) return value;
  const copy = structuredClone(value);
  return gcoord.transform(copy as never, GCOORD[from], GCOORD[to]) as unknown as T;
}
