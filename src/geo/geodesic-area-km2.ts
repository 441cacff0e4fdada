import type { MultiPolygon, Polygon, Position } from 'geojson';
import { Geodesic } from 'geographiclib-geodesic';

function ringAreaM2(ring: readonly Position[]): number {
  const poly = Geodesic.WGS84.Polygon(false);
  const n = ring.length;
  const closed = n > 1 && ring[0][0] === ring[n - 1][0] && ring[0][1] === ring[n - 1][1];
  const count = closed ? n - 1 : n;
  for (let i = 0; i < count; i++) poly.AddPoint(ring[i][1], ring[i][0]);
  // sign = true: signed area (counter-clockwise positive); its magnitude is the ring's area whichever
  // way the ring is wound, as long as it encloses less than half the ellipsoid.
  return Math.abs(poly.Compute(false, true).area ?? 0);
}

function polygonAreaM2(rings: readonly (readonly Position[])[]): number {
  if (rings.length === 0) return 0;
  let area = ringAreaM2(rings[0]);
  for (let h = 1; h < rings.length; h++) area -= ringAreaM2(rings[h]);
  return area;
}

/**
 * Area of a Polygon or MultiPolygon on the WGS-84 ellipsoid in km², exact to round-off
 * (GeographicLib's PolygonArea, Karney 2013): edges are geodesics between the vertices, the first ring of
 * each polygon is its exterior and the others are holes, which are subtracted. Ring winding is ignored.
 */
export function geodesicAreaKm2(geometry: Polygon | MultiPolygon): number {
  if (geometry.type === 'Polygon') return polygonAreaM2(geometry.coordinates) / 1e6;
  if (geometry.type === 'MultiPolygon') {
    let sum = 0;
    for (const rings of geometry.coordinates) sum += polygonAreaM2(rings);
    return sum / 1e6;
  }
  throw new Error(`geodesicAreaKm2 expects a Polygon or MultiPolygon, got ${(geometry as { type?: unknown }).type}`);
}
