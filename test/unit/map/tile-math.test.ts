import {
  bufferedTileBounds,
  expandBBox,
  isValidTile,
  lonLatToTile,
  lonLatToTileFraction,
  MAX_MERCATOR_LATITUDE,
  tileBounds,
  tileUnitDegrees,
  tileXToLongitude,
  tileYToLatitude,
  zoomToFit,
} from '../../../src/map/tile-math';

const KAIYANG_SEAT: [number, number] = [106.9612, 27.0613];

describe('tile-math', () => {
  it('tile 0/0/0 is the whole Web Mercator world', () => {
    const [w, s, e, n] = tileBounds({ z: 0, x: 0, y: 0 });
    expect([w, e]).toEqual([-180, 180]);
    expect(s).toBeCloseTo(-MAX_MERCATOR_LATITUDE, 10);
    expect(n).toBeCloseTo(MAX_MERCATOR_LATITUDE, 10);
  });

  it('zoom 1 splits the world at the equator and the prime meridian', () => {
    expect(tileBounds({ z: 1, x: 0, y: 0 })).toEqual([-180, 0, 0, expect.closeTo(MAX_MERCATOR_LATITUDE, 10)]);
    expect(tileBounds({ z: 1, x: 1, y: 1 })).toEqual([0, expect.closeTo(-MAX_MERCATOR_LATITUDE, 10), 180, 0]);
  });

  it("finds the tiles over Kaiyang's county seat (checked against the OSM slippy-map formulas)", () => {
    expect(lonLatToTile(...KAIYANG_SEAT, 10)).toEqual({ z: 10, x: 816, y: 431 });
    expect(lonLatToTile(...KAIYANG_SEAT, 11)).toEqual({ z: 11, x: 1632, y: 863 });
    const [w, s, e, n] = tileBounds({ z: 11, x: 1632, y: 863 });
    expect(w).toBeLessThanOrEqual(KAIYANG_SEAT[0]);
    expect(e).toBeGreaterThan(KAIYANG_SEAT[0]);
    expect(s).toBeLessThan(KAIYANG_SEAT[1]);
    expect(n).toBeGreaterThanOrEqual(KAIYANG_SEAT[1]);
  });

  it('round-trips longitude/latitude through fractional tile coordinates', () => {
    for (const [lon, lat] of [KAIYANG_SEAT, [117.64, 26.26], [-73.98, 40.75], [0, 0], [179.9, -60]] as [number, number][]) {
      for (const z of [0, 5, 12, 22]) {
        const f = lonLatToTileFraction(lon, lat, z);
        expect(tileXToLongitude(f.x, z)).toBeCloseTo(lon, 9);
        expect(tileYToLatitude(f.y, z)).toBeCloseTo(lat, 9);
      }
    }
  });

  it('clamps points beyond the Mercator square and at the antimeridian into the grid', () => {
    expect(lonLatToTile(180, 89.9, 3)).toEqual({ z: 3, x: 7, y: 0 });
    expect(lonLatToTile(-180, -89.9, 3)).toEqual({ z: 3, x: 0, y: 7 });
  });

  it('validates tile addresses', () => {
    expect(isValidTile({ z: 0, x: 0, y: 0 })).toBe(true);
    expect(isValidTile({ z: 10, x: 1023, y: 1023 })).toBe(true);
    expect(isValidTile({ z: 22, x: 2 ** 22 - 1, y: 0 })).toBe(true);
    expect(isValidTile({ z: 10, x: 1024, y: 0 })).toBe(false);
    expect(isValidTile({ z: 10, x: 0, y: -1 })).toBe(false);
    expect(isValidTile({ z: 23, x: 0, y: 0 })).toBe(false);
    expect(isValidTile({ z: 1.5, x: 0, y: 0 })).toBe(false);
    expect(isValidTile({ z: 3, x: 0.5, y: 0 })).toBe(false);
  });

  it('buffers a tile by pixels in tile space, clamped to the world', () => {
    const t = { z: 11, x: 1632, y: 863 };
    const [w, s, e, n] = tileBounds(t);
    const [bw, bs, be, bn] = bufferedTileBounds(t, 8);
    const dx = (e - w) * (8 / 256);
    expect(bw).toBeCloseTo(w - dx, 12);
    expect(be).toBeCloseTo(e + dx, 12);
    expect(bs).toBeLessThan(s);
    expect(bn).toBeGreaterThan(n);
    // North and south grow by the same number of pixels: a little more in degrees on the poleward side.
    expect(bn - n).toBeGreaterThan(0);
    expect(Math.abs((bn - n) / (s - bs) - 1)).toBeLessThan(0.01);
    expect(bufferedTileBounds({ z: 0, x: 0, y: 0 }, 8)).toEqual([-180, expect.closeTo(-MAX_MERCATOR_LATITUDE, 10), 180, expect.closeTo(MAX_MERCATOR_LATITUDE, 10)]);
  });

  it('expands a box in degrees, clamped', () => {
    expect(expandBBox([106, 26, 107, 27], 0.5)).toEqual([105.5, 25.5, 107.5, 27.5]);
    expect(expandBBox([179.9, 85, 180, 85.05], 1)).toEqual([178.9, 84, 180, MAX_MERCATOR_LATITUDE]);
  });

  it('gives the size of a tile unit (the coordinate precision of a 4096-unit tile)', () => {
    const z0 = tileUnitDegrees({ z: 0, x: 0, y: 0 });
    expect(z0.longitude).toBeCloseTo(360 / 4096, 12);
    // At the equator a Mercator unit spans as many latitude degrees as longitude degrees.
    expect(z0.latitude).toBeCloseTo(360 / 4096, 4);
    const u = tileUnitDegrees({ z: 11, x: 1632, y: 863 });
    expect(u.longitude).toBeCloseTo(360 / 2 ** 11 / 4096, 12);
    // At 27°N, one unit is about cos(27°) as many latitude degrees.
    expect(u.latitude / u.longitude).toBeCloseTo(Math.cos((27.06 * Math.PI) / 180), 2);
  });

  it('finds the zoom at which a box fits one tile', () => {
    expect(zoomToFit([-180, -85, 180, 85])).toBe(0);
    expect(zoomToFit([106.73, 26.78, 107.28, 27.36])).toBe(9); // Kaiyang, ~0.55° wide: a zoom-9 tile spans 0.70°
    expect(zoomToFit([116.4, 25.5, 118.1, 27.1])).toBe(7); // Sanming, ~1.7° wide
  });
});
