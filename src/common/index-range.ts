/** The indices start, start + 1, …, end − 1 (an area's villages are a run of the engine's). */
export function indexRange(start: number, end: number): number[] {
  return Array.from({ length: end - start }, (_, i) => start + i);
}
