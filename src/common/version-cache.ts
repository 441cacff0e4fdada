import { LRUCache } from 'lru-cache';

/** What the one cache holds. */
export type CacheKind = 'coverage' | 'response' | 'tile' | 'clip' | 'scenario';
const KINDS: readonly CacheKind[] = ['coverage', 'response', 'tile', 'clip', 'scenario'];

interface Entry {
  readonly kind: CacheKind;
  readonly value: unknown;
  readonly bytes: number;
}

export interface CacheStats {
  hits: number;
  misses: number;
  /** Offered but not kept (larger than a sixteenth of the cache). */
  skipped: number;
  entries: number;
  bytes: number;
}

/**
 * The one cache of answers: coverage results, whole GraphQL responses, vector tiles and clip boundaries, keyed by
 * the data version they were computed from (and the travel model and arguments), bounded by bytes (CACHE_MB),
 * least recently used dropped first (lru-cache). Entries of older versions are never asked for again (a request
 * asks for the version it read) and age out. An entry larger than a sixteenth of the cache is not kept.
 */
export class VersionCache {
  private readonly lru: LRUCache<string, Entry> | null;
  private readonly counts: Record<CacheKind, CacheStats>;
  readonly maxEntryBytes: number;

  constructor(readonly maxBytes: number) {
    this.maxEntryBytes = Math.floor(maxBytes / 16);
    this.counts = Object.fromEntries(KINDS.map((k) => [k, { hits: 0, misses: 0, skipped: 0, entries: 0, bytes: 0 }])) as Record<CacheKind, CacheStats>;
    this.lru =
      maxBytes > 0
        ? new LRUCache<string, Entry>({
            maxSize: maxBytes,
            sizeCalculation: (e) => Math.max(1, e.bytes),
            dispose: (e) => {
              this.counts[e.kind].entries--;
              this.counts[e.kind].bytes -= e.bytes;
            },
          })
        : null;
  }

  get enabled(): boolean {
    return this.lru !== null;
  }

  get<T>(kind: CacheKind, version: string, key: string): T | undefined {
    const entry = this.lru?.get(cacheKey(kind, version, key));
    if (entry) this.counts[kind].hits++;
    else this.counts[kind].misses++;
    return entry?.value as T | undefined;
  }

  /** Keeps `value` (about `bytes` large) under `version`; false when not kept (off, or too large). */
  set(kind: CacheKind, version: string, key: string, value: unknown, bytes: number): boolean {
    if (!this.lru || bytes > this.maxEntryBytes) {
      this.counts[kind].skipped++;
      return false;
    }
    this.lru.set(cacheKey(kind, version, key), { kind, value, bytes });
    this.counts[kind].entries++;
    this.counts[kind].bytes += bytes;
    return true;
  }

  /** An answer that was not offered to the cache (not of one version, say): counted as skipped. */
  skip(kind: CacheKind): void {
    this.counts[kind].skipped++;
  }

  /** Drops one entry (a failed computation that was kept as a promise). */
  delete(kind: CacheKind, version: string, key: string): void {
    this.lru?.delete(cacheKey(kind, version, key));
  }

  stats(kind: CacheKind): CacheStats {
    return { ...this.counts[kind] };
  }
}

function cacheKey(kind: CacheKind, version: string, key: string): string {
  return `${kind}\u0000${version}\u0000${key}`;
}
