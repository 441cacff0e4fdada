/* Pure XYZ (Web Mercator, "slippy map") tile arithmetic: tile ↔ longitude/latitude. No I/O. */

/** [minLon, minLat, maxLon, maxLat] in degrees. */
export type BBox = [number, number, number, number];

export interface TileAddress {
  readonly z: number;
  readonly x: number;
  readonly y: number;
}

/** Highest zoom served (MapLibre and Mapbox stop at 22 or 24; beyond 22 a tile is under 10 cm wide). */
export const MAX_TILE_ZOOM = 22;
/** Latitude where Web Mercator's square world ends: atan(sinh(π)). */
export const MAX_MERCATOR_LATITUDE = 85.0511287798066;

/** Whether z, x, y are integers addressing an existing tile: 0 ≤ z ≤ MAX_TILE_ZOOM, 0 ≤ x, y < 2^z. */
export function isValidTile({ z, x, y }: TileAddress): boolean {
  if (![z, x, y].every(Number.isInteger) || z < 0 || z > MAX_TILE_ZOOM) return false;
  const n = 2 ** z;
  return x >= 0 && x < n && y >= 0 && y < n;
}

/** Longitude of a (fractional) tile column's west edge. */
export function tileXToLongitude(x: number, z: number): number {
  return (x / 2 ** z) * 360 - 180;
}

/** Latitude of a (fractional) tile row's north edge. */
export function tileYToLatitude(y: number, z: number): number {
  const n = Math.PI * (1 - (2 * y) / 2 ** z);
  return (Math.atan(Math.sinh(n)) * 180) / Math.PI;
}

/** Fractional tile coordinates of a longitude/latitude at zoom z (latitude clamped to the Mercator square). */
export function lonLatToTileFraction(longitude: number, latitude: number, z: number): { x: number; y: number } {
  const lat = Math.max(-MAX_MERCATOR_LATITUDE, Math.min(MAX_MERCATOR_LATITUDE, latitude));
  const n = 2 ** z;
  const sin = Math.sin((lat * Math.PI) / 180);
  return { x: ((longitude + 180) / 360) * n, y: (0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI)) * n };
}

/** The tile holding a longitude/latitude at zoom z (edges belong to the tile east/south of them). */
export function lonLatToTile(longitude: number, latitude: number, z: number): TileAddress {
  const f = lonLatToTileFraction(longitude, latitude, z);
  const max = 2 ** z - 1;
  return { z, x: Math.min(max, Math.max(0, Math.floor(f.x))), y: Math.min(max, Math.max(0, Math.floor(f.y))) };
}

/** The tile's bounds in degrees. */
export function tileBounds({ z, x, y }: TileAddress): BBox {
  return [tileXToLongitude(x, z), tileYToLatitude(y + 1, z), tileXToLongitude(x + 1, z), tileYToLatitude(y, z)];
}

/**
 * The tile's bounds grown by `pixels` on each side, for a tile of `tileSize` pixels (256: a buffer of 8 px is
 * 1/32 of the tile), clamped to the Mercator world. Grown in tile space, so the buffer is the same number of
 * pixels north and south.
 */
export function bufferedTileBounds({ z, x, y }: TileAddress, pixels: number, tileSize = 256): BBox {
  const d = pixels / tileSize;
  const n = 2 ** z;
  return [
    Math.max(-180, tileXToLongitude(x - d, z)),
    tileYToLatitude(Math.min(n, y + 1 + d), z),
    Math.min(180, tileXToLongitude(x + 1 + d, z)),
    tileYToLatitude(Math.max(0, y - d), z),
  ];
}

/** `box` grown by `degrees` on each side (clamped to ±180°, ±MAX_MERCATOR_LATITUDE). */
export function expandBBox([minX, minY, maxX, maxY]: BBox, degrees: number): BBox {
  return [
    Math.max(-180, minX - degrees),
    Math.max(-MAX_MERCATOR_LATITUDE, minY - degrees),
    Math.min(180, maxX + degrees),
    Math.min(MAX_MERCATOR_LATITUDE, maxY + degrees),
  ];
}

/**
 * Size in degrees of one unit of a tile with `extent` units across (4096 in vector tiles): the precision of
 * coordinates in the tile. Latitude units shrink towards the poles; this is the largest one in the tile.
 */
export function tileUnitDegrees({ z, y }: TileAddress, extent = 4096): { longitude: number; latitude: number } {
  const u = 1 / extent;
  const unitAt = (row: number) => Math.abs(tileYToLatitude(row + u, z) - tileYToLatitude(row, z));
  // Web Mercator stretches latitude least near the equator, so a unit spans most degrees there: at one of the
  // tile's edges, or at the equator when the tile straddles it (zoom 0).
  const half = 2 ** z / 2;
  const rows = [y, y + 1 - u, ...(y < half && half < y + 1 ? [half] : [])];
  return { longitude: 360 / 2 ** z / extent, latitude: Math.max(...rows.map(unitAt)) };
}

/** The zoom at which `box` fits in one 256-px tile (≥ 0), for a TileJSON centre. */
export function zoomToFit([minX, minY, maxX, maxY]: BBox): number {
  const spanLon = Math.max(maxX - minX, 1e-9);
  const a = lonLatToTileFraction(minX, maxY, 0);
  const b = lonLatToTileFraction(maxX, minY, 0);
  const spanY = Math.max(Math.abs(b.y - a.y), 1e-9);
  return Math.max(0, Math.floor(Math.min(Math.log2(360 / spanLon), Math.log2(1 / spanY))));
}
