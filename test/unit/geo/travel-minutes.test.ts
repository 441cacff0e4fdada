import { travelMinutes } from '../../../src/geo/travel-minutes';
import { travelRadiusMeters } from '../../../src/geo/travel-radius-meters';

describe('travelMinutes', () => {
  describe.each([
    ['walking', 1000, 5, 1.3, 15.6],
    ['e-bike', 5000, 20, 1.3, 19.5],
    ['car, no detour', 15000, 30, 1, 30],
    ['at the point itself', 0, 5, 1.3, 0],
  ])('%s: %d m at %d km/h with detour %d', (_mode, meters, speed, detour, expected) => {
    it(`is ${expected} min`, () => {
      expect(travelMinutes(meters, speed, detour)).toBeCloseTo(expected, 9);
    });
  });

  it('is the inverse of travelRadiusMeters', () => {
    for (const [speed, minutes, detour] of [[5, 15, 1.3], [12, 10, 1.5], [30, 30, 1]]) {
      expect(travelMinutes(travelRadiusMeters(speed, minutes, detour), speed, detour)).toBeCloseTo(minutes, 9);
    }
  });

  it.each([
    [-1, 5, 1.3, /distanceMeters/],
    [NaN, 5, 1.3, /distanceMeters/],
    [Infinity, 5, 1.3, /distanceMeters/],
    [1000, 0, 1.3, /speedKmh/],
    [1000, -5, 1.3, /speedKmh/],
    [1000, 5, 0.5, /detourFactor/],
    [1000, 5, NaN, /detourFactor/],
  ])('rejects distance %d, speed %d, detour %d', (meters, speed, detour, message) => {
    expect(() => travelMinutes(meters, speed, detour)).toThrow(message);
  });
});
