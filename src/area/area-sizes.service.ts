import { AreaSizes } from '../common/area-sizes';
import type { AreaRepository } from './area.repository';

/** How old the sizes may get while the data keeps changing before they are counted again. */
const REFRESH_MS = 30_000;

/**
 * The sizes the query cost model prices lists by, counted from the tables. Counted again when the data version
 * changed, at most every REFRESH_MS (they are estimates: half a minute behind a busy stream of writes is fine, a
 * recount per write at national scale is not); while a recount runs, the previous sizes answer.
 */
export class AreaSizeService {
  private current: { version: string; sizes: AreaSizes; countedAt: number } | null = null;
  private counting: Promise<AreaSizes> | null = null;

  constructor(private readonly areas: AreaRepository) {}

  /** Sizes for a request that read data version `version`. */
  async sizes(version: string): Promise<AreaSizes> {
    const current = this.current;
    if (current && (current.version === version || Date.now() - current.countedAt < REFRESH_MS)) return current.sizes;
    const counting = (this.counting ??= this.count(version).finally(() => (this.counting = null)));
    if (current) {
      counting.catch(() => undefined); // the previous sizes answer meanwhile; a failed count is tried again later
      return current.sizes;
    }
    return counting;
  }

  /** Counts for the request that read `version` (read just after it: at least as new, which an estimate may be). */
  private async count(version: string): Promise<AreaSizes> {
    const sizes = AreaSizes.fromCounts(await this.areas.sizeCounts());
    this.current = { version, sizes, countedAt: Date.now() };
    return sizes;
  }
}
