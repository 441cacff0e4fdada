import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { geodesicAreaKm2 } from '../../../src/geo/geodesic-area-km2';
import { geodesicCircle } from '../../../src/geo/geodesic-circle';
import { expectedOutput, loadGeoFixtures } from '../../helpers/geo-fixtures';

type AreaInput = Feature<Polygon | MultiPolygon>;

const KAIYANG: [number, number] = [106.9612, 27.0613];

describe('geodesicAreaKm2', () => {
  describe.each(loadGeoFixtures<AreaInput>('geodesic-area-km2'))('fixture %s', (_name, fixture) => {
    it('matches out/ (to 1 m²)', () => {
      const areaKm2 = geodesicAreaKm2(fixture.input.geometry);
      const actual: AreaInput = { ...fixture.input, properties: { ...fixture.input.properties, areaKm2: Number(areaKm2.toFixed(6)) } };
      const expected = expectedOutput(fixture, actual);
      expect(areaKm2).toBeCloseTo((expected.properties as { areaKm2: number }).areaKm2, 6);
    });
  });

  it('gives a 1°×1° cell at the equator (geodesic edges) GeographicLib’s 12,308.778 km²', () => {
    // GeographicLib Planimeter, WGS-84, polygon (0,0) (0,1) (1,1) (1,0): 12,308,778,361.469 m². A cell bounded by
    // the 1° parallel instead of a geodesic is 12,308.46 km²: the top geodesic bulges ~4 m poleward.
    const cell: Polygon = { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]] };
    expect(geodesicAreaKm2(cell)).toBeCloseTo(12_308.778361, 5);
  });

  it('gives a 5 km geodesic circle (256 steps) π r² within 0.1 %', () => {
    // Expected deviation: the inscribed polygon's factor sin(2π/n)/(2π/n) − 1 = −1.0e-4 for n = 256, plus the
    // Gaussian-curvature term −K r²/12 ≈ −5e-8 at r = 5 km: 0.1 % leaves a 10× margin for both.
    const r = 5;
    const area = geodesicAreaKm2(geodesicCircle(KAIYANG, r * 1000, 256));
    expect(Math.abs(area / (Math.PI * r * r) - 1)).toBeLessThan(1e-3);
    expect(area / (Math.PI * r * r) - 1).toBeCloseTo(Math.sin((2 * Math.PI) / 256) / ((2 * Math.PI) / 256) - 1, 6);
  });

  it('subtracts holes and ignores ring winding', () => {
    const outer = [[106.9, 27.0], [107.0, 27.0], [107.0, 27.1], [106.9, 27.1], [106.9, 27.0]];
    const hole = [[106.94, 27.04], [106.94, 27.06], [106.96, 27.06], [106.96, 27.04], [106.94, 27.04]];
    const whole = geodesicAreaKm2({ type: 'Polygon', coordinates: [outer] });
    const holeArea = geodesicAreaKm2({ type: 'Polygon', coordinates: [hole] });
    expect(geodesicAreaKm2({ type: 'Polygon', coordinates: [outer, hole] })).toBeCloseTo(whole - holeArea, 9);
    expect(geodesicAreaKm2({ type: 'Polygon', coordinates: [[...outer].reverse(), [...hole].reverse()] })).toBeCloseTo(whole - holeArea, 9);
    expect(geodesicAreaKm2({ type: 'MultiPolygon', coordinates: [[outer], [hole]] })).toBeCloseTo(whole + holeArea, 9);
    expect(geodesicAreaKm2({ type: 'MultiPolygon', coordinates: [] })).toBe(0);
  });

  it('rejects other geometry types', () => {
    expect(() => geodesicAreaKm2({ type: 'Point', coordinates: [107, 27] } as unknown as Polygon)).toThrow(/Polygon or MultiPolygon/);
  });

  it('does not mutate its input', () => {
    const g: Polygon = { type: 'Polygon', coordinates: [[[106.9, 27.0], [107.0, 27.0], [107.0, 27.1], [106.9, 27.0]]] };
    const copy = structuredClone(g);
    geodesicAreaKm2(g);
    expect(g).toEqual(copy);
  });
});
