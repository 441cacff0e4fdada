/** The sum of the `k` largest values (all of them when there are fewer). */
export function sumOfLargest(values: readonly number[] | Float64Array, k: number): number {
  if (k <= 0) return 0;
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (let i = sorted.length - 1; i >= 0 && i >= sorted.length - k; i--) sum += sorted[i]!;
  return sum;
}

/**
 * The fewest values, taken largest first, whose sum reaches `need` (within `tolerance`); Infinity when all of
 * them do not. With values that bound what each site can add, no fewer sites can reach `need`.
 */
export function fewestToReach(values: readonly number[] | Float64Array, need: number, tolerance = 0): number {
  if (need <= tolerance) return 0;
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (let i = sorted.length - 1; i >= 0; i--) {
    sum += sorted[i]!;
    if (sum >= need - tolerance) return sorted.length - i;
  }
  return Number.POSITIVE_INFINITY;
}
