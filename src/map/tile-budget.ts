import { LRUCache } from 'lru-cache';
import { RateLimitedError } from '../common/errors';
import type { TileLayerId } from './tiles.service';

/**
 * What a tile costs from its caller's rate-limit budget (the GraphQL one: RATE_LIMIT_COST_PER_MINUTE), before any
 * work: a point or boundary layer reads a box of rows; a coverage layer also reads (or computes) the coverage of
 * every village for its parameters, and the circles' union.
 */
export const TILE_COST: Readonly<Record<TileLayerId, number>> = { areas: 2, 'service-points': 2, villages: 5, coverage: 10, roads: 3 };

const WINDOW_MS = 60_000;
/** Clients whose coverage parameters are remembered (least recently seen forgotten first). */
const MAX_CLIENTS = 10_000;

/**
 * Distinct coverage parameter sets (item, mode, minutes) each client may ask tiles of per minute. Each new set is a
 * new computation over every village (and, past the response caches, new polygons); varying `minutes` by a
 * thousandth on every request would otherwise make each tile a cache miss. In memory, per process.
 */
export class CoverageVariantLimit {
  private readonly seen = new LRUCache<string, Map<string, number>>({ max: MAX_CLIENTS });

  constructor(readonly perMinute: number) {}

  /** Records `variant` for `client`; throws RATE_LIMITED when it is one set more than `perMinute` this minute. */
  admit(client: string, variant: string, now = Date.now()): void {
    let variants = this.seen.get(client);
    if (!variants) this.seen.set(client, (variants = new Map()));
    for (const [v, at] of variants) if (now - at >= WINDOW_MS) variants.delete(v);
    if (variants.has(variant) || variants.size < this.perMinute) {
      variants.set(variant, now);
      return;
    }
    const oldest = Math.min(...variants.values());
    const retryAfterSeconds = Math.max(1, Math.ceil((oldest + WINDOW_MS - now) / 1000));
    throw new RateLimitedError(
      `Coverage tiles: ${variants.size} different sets of item, mode and minutes asked this minute, the most one client may (TILE_COVERAGE_VARIANTS_PER_MINUTE ${this.perMinute}). Reuse the parameters of the tiles you have, or retry after ${retryAfterSeconds} s.`,
      { limit: this.perMinute, cost: 1, remaining: 0, retryAfterSeconds },
    );
  }
}
