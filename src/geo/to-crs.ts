import gcoord from 'gcoord';
import type { Geometry, Position } from 'geojson';

/** Coordinate systems of Chinese web maps: WGS-84 (storage, GPS, OSM), GCJ-02 (AMap, Tencent), BD-09 (Baidu). */
export type CrsName = 'WGS84' | 'GCJ02' | 'BD09';

export const CRS_NAMES: readonly CrsName[] = ['WGS84', 'GCJ02', 'BD09'];

const GCOORD = { WGS84: gcoord.WGS84, GCJ02: gcoord.GCJ02, BD09: gcoord.BD09 } as const;

/**
 * One position converted from `from` (default WGS-84) to `crs` by gcoord; extra ordinates (altitude) are kept.
 * gcoord leaves positions outside its rough China box (72.004–137.8347°E, 0.8293–55.8271°N) unshifted for
 * GCJ-02: Tokyo is not shifted, but Seoul, Taiwan or the South China Sea are (the box is not the border).
 */
export function positionToCrs(position: Position, crs: CrsName, from: CrsName = 'WGS84'): Position {
  if (from === crs) return position.slice();
  const [x, y] = gcoord.transform([position[0], position[1]] as [number, number], GCOORD[from], GCOORD[crs]);
  return position.length > 2 ? [x, y, ...position.slice(2)] : [x, y];
}

/**
 * `geometry` with every position converted from `from` (default WGS-84, the storage system) to `crs`, as a new
 * geometry: the input is never mutated (gcoord converts GeoJSON in place, so positions are converted one by one
 * into fresh arrays). WGS84 → WGS84 returns a deep copy. A `bbox` member is dropped (it would be stale).
 */
export function toCrs<G extends Geometry>(geometry: G, crs: CrsName, from: CrsName = 'WGS84'): G {
  const p = (pos: Position) => positionToCrs(pos, crs, from);
  const g = geometry as Geometry;
  switch (g.type) {
    case 'Point':
      return { type: g.type, coordinates: p(g.coordinates) } as G;
    case 'MultiPoint':
    case 'LineString':
      return { type: g.type, coordinates: g.coordinates.map(p) } as G;
    case 'MultiLineString':
    case 'Polygon':
      return { type: g.type, coordinates: g.coordinates.map((ring) => ring.map(p)) } as G;
    case 'MultiPolygon':
      return { type: g.type, coordinates: g.coordinates.map((poly) => poly.map((ring) => ring.map(p))) } as G;
    case 'GeometryCollection':
      return { type: g.type, geometries: g.geometries.map((child) => toCrs(child, crs, from)) } as G;
    default:
      throw new Error(`toCrs: unsupported geometry type ${(g as { type?: unknown }).type}`);
  }
}
