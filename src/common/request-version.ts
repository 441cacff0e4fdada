/**
 * The data version one request reads, and the versions its answers were computed from.
 *
 * Every write bumps the data version (triggers, in the writing transaction), and versions only grow. A request
 * reads the version once; the parts of its answer that come from a computed snapshot (the coverage engine, a
 * PostGIS reference run) say which version they were computed from (`used`). The answer may be cached, ETagged
 * or labelled under the version read only when it is whole: every part was computed from that version, and the
 * version read again at the end is still the same, so no write landed while the answer's SQL reads ran.
 */
export class RequestVersion {
  private read: Promise<string> | null = null;
  private readonly computedFrom = new Set<string>();

  constructor(private readonly readVersion: () => Promise<string>) {}

  /** The version this request read (once; a failed read is not kept, so the next caller tries again). */
  current(): Promise<string> {
    this.read ??= this.readVersion().catch((err: unknown) => {
      this.read = null;
      throw err;
    });
    return this.read;
  }

  /** The version this request has read (or is reading), without starting a read; null when it has not. */
  get readSoFar(): Promise<string> | null {
    return this.read;
  }

  /** Part of the answer was computed from `version` (an engine snapshot, a PostGIS run in one transaction). */
  used(version: string): void {
    this.computedFrom.add(version);
  }

  /** Whether the whole answer is of the version read (see above). Reads the version again: one statement. */
  async isWhole(): Promise<boolean> {
    if (!this.read) return false;
    const read = await this.read;
    for (const v of this.computedFrom) if (v !== read) return false;
    return (await this.readVersion()) === read;
  }
}
