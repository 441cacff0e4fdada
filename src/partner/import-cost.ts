/**
 * Query-cost points an import spends from the caller's rate-limit budget: 10, plus 1 per KiB of content (a 1 MB
 * inline import ≈ 1,034 points, a 20 MB upload ≈ 20,490 of the default 50,000 a minute). Its selection alone
 * would cost a few points for any size.
 */
export function importCost(bytes: number): number {
  return 10 + Math.ceil(bytes / 1024);
}
