/**
 * Straight-line (geodesic) radius whose road-distance estimate equals a travel budget:
 * `speedKmh · 1000 / 60 · minutes / detourFactor` metres. The detour factor (≥ 1, domain default 1.3)
 * turns a geodesic distance into an estimate of road distance until a road network is loaded.
 *
 * @throws Error when speed or minutes are not positive finite numbers, or detourFactor is not finite and ≥ 1
 */
export function travelRadiusMeters(speedKmh: number, minutes: number, detourFactor: number): number {
  if (!Number.isFinite(speedKmh) || speedKmh <= 0) throw new Error(`speedKmh must be a positive finite number, got ${speedKmh}`);
  if (!Number.isFinite(minutes) || minutes <= 0) throw new Error(`minutes must be a positive finite number, got ${minutes}`);
  if (!Number.isFinite(detourFactor) || detourFactor < 1) throw new Error(`detourFactor must be a finite number >= 1, got ${detourFactor}`);
  return ((speedKmh * 1000) / 60) * minutes / detourFactor;
}
