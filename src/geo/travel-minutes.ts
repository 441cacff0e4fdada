/**
 * Travel time in minutes for a straight-line (geodesic) distance: the distance is stretched by the detour
 * factor into an estimate of road distance, then divided by the speed. Inverse of `travelRadiusMeters`.
 *
 * @throws Error when distanceMeters is not finite and ≥ 0, speed is not positive finite, or detourFactor is not finite and ≥ 1
 */
export function travelMinutes(distanceMeters: number, speedKmh: number, detourFactor: number): number {
  if (!Number.isFinite(distanceMeters) || distanceMeters < 0) throw new Error(`distanceMeters must be a finite number >= 0, got ${distanceMeters}`);
  if (!Number.isFinite(speedKmh) || speedKmh <= 0) throw new Error(`speedKmh must be a positive finite number, got ${speedKmh}`);
  if (!Number.isFinite(detourFactor) || detourFactor < 1) throw new Error(`detourFactor must be a finite number >= 1, got ${detourFactor}`);
  return (distanceMeters * detourFactor) / ((speedKmh * 1000) / 60);
}
