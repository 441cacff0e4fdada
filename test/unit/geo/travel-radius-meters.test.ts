import { travelRadiusMeters } from '../../../src/geo/travel-radius-meters';

// Domain defaults (seeds/DOMAIN.md, Travel): walking 5, bicycle 12, e-bike/motorbike 20, car on rural roads
// 30 km/h; detour factor 1.3.
describe('travelRadiusMeters', () => {
  describe.each([
    ['walking', 5, 15, 1.3, 961.538462],
    ['bicycle', 12, 15, 1.3, 2307.692308],
    ['e-bike', 20, 15, 1.3, 3846.153846],
    ['car', 30, 15, 1.3, 5769.230769],
    ['car, 30 min, no detour', 30, 30, 1, 15000],
  ])('%s: %d km/h for %d min with detour %d', (_mode, speed, minutes, detour, expected) => {
    it(`is ${expected} m`, () => {
      expect(travelRadiusMeters(speed, minutes, detour)).toBeCloseTo(expected, 5);
    });
  });

  it.each([
    [0, 15, 1.3, /speedKmh/],
    [-5, 15, 1.3, /speedKmh/],
    [NaN, 15, 1.3, /speedKmh/],
    [Infinity, 15, 1.3, /speedKmh/],
    [5, 0, 1.3, /minutes/],
    [5, -1, 1.3, /minutes/],
    [5, NaN, 1.3, /minutes/],
    [5, 15, 0.9, /detourFactor/],
    [5, 15, NaN, /detourFactor/],
    [5, 15, Infinity, /detourFactor/],
  ])('rejects speed %d, minutes %d, detour %d', (speed, minutes, detour, message) => {
    expect(() => travelRadiusMeters(speed, minutes, detour)).toThrow(message);
  });
});
