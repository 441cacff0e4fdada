import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource } from 'typeorm';
import type { Logger } from '../common/logger';
import type { ReplicasConfig } from '../config/config';
import { isConnectionError } from '../graphql/format-error';
import { DATA_VERSION, REPLICA_STATE } from './data-version.sql';

/**
 * Read replicas (DATABASE_REPLICA_URLS): hot standbys that serve the reads of requests, while writes, transactions and
 * the change feed stay on the primary.
 *
 * A request is routed once, at its first read, and keeps its database to the end (its data version then never goes
 * back within it): to a replica that is up and whose data version is at least the request's minimum (the client's
 * `X-Min-Data-Version`), else to the primary. A replica's version is read from its `data_version` row (the change log's
 * trigger bumps it in every writing transaction, and the standby replays it with the rows) and trusted for
 * DATABASE_REPLICA_CHECK_MS. A request that writes (a mutation, an upload) reads from the primary only, so it sees its
 * own writes. A replica that fails with a connection error is marked down (logged, counted), the statement is run
 * again on the primary, and a probe brings the replica back when it answers again.
 *
 * Only plain statements (`DataSource.query`) are routed; transactions (`DataSource.transaction`, every write) go to
 * the primary as before. Without replicas none of this exists and every statement goes to the one database.
 */

export const PRIMARY = 'primary';

/** How long a replica stays marked down before the first probe, and the longest pause between probes. */
const FIRST_PROBE_MS = 500;
const MAX_PROBE_MS = 5_000;

interface Replica {
  readonly name: string;
  readonly url: string;
  dataSource: DataSource | null;
  up: boolean;
  /** Its data version as last read, and when (ms, performance.now()). */
  version: bigint | null;
  checkedAt: number;
  checking: Promise<bigint | null> | null;
  probeMs: number;
  probe: NodeJS.Timeout | null;
  /** Statements sent to it (routed requests' reads). */
  reads: number;
  /** Its being down was logged (once per outage, not at every probe). */
  reportedDown: boolean;
}

/** Which database a request reads from, decided at its first read. */
export interface ReadTarget {
  readonly name: string;
  readonly dataSource: DataSource;
}

/** Counters for /metrics and /readyz. */
export interface ReplicaStats {
  /** Requests routed, by database (`primary`, `replica-1`, …). */
  readonly routed: Record<string, number>;
  /** Requests that wanted a replica and got the primary, by reason: `lag` (every replica behind their minimum), `down`, `error` (a replica failed mid-request). */
  readonly fallbacks: Record<'lag' | 'down' | 'error', number>;
  readonly replicas: readonly { name: string; up: boolean; dataVersion: string | null; checkedMsAgo: number | null }[];
}

/**
 * One request's routing: its minimum data version, whether it writes (then the primary only), and the database it
 * reads from once chosen. `onServed` hears each database the request reads from (the X-Served-From header).
 */
export class ReadRoute {
  target: Promise<ReadTarget> | null = null;
  readonly served: string[] = [];
  private writesWhen: () => boolean = () => false;

  constructor(
    readonly minVersion: bigint | null,
    private readonly primaryOnly: boolean,
    private readonly onServed: (served: readonly string[]) => void = () => undefined,
  ) {}

  /** Whether this request writes (set once the operation is known: a mutation reads from the primary only). */
  watchWrites(writes: () => boolean): void {
    this.writesWhen = writes;
  }

  get writes(): boolean {
    return this.primaryOnly || this.writesWhen();
  }

  servedBy(name: string): void {
    if (this.served.at(-1) === name) return;
    this.served.push(name);
    this.onServed(this.served);
  }
}

const routes = new AsyncLocalStorage<ReadRoute>();

/** Runs `work` with `route` as the routing of every statement it sends (through `ReadReplicas.routed`). */
export function withReadRoute<T>(route: ReadRoute, work: () => T): T {
  return routes.run(route, work);
}

/**
 * Runs `work` outside any request's routing: for work one request starts and others share (the coverage engine's
 * steps, and what they tell subscribers), which must not read on the first request's database.
 */
export function outsideReadRoute<T>(work: () => T): T {
  return routes.exit(work);
}

/** The routing of the request this code runs for, if any. */
export function currentReadRoute(): ReadRoute | undefined {
  return routes.getStore();
}

/** A data version as a client sends it (`X-Min-Data-Version`): digits, at most 19; undefined when malformed. */
export function parseMinDataVersion(header: string | string[] | undefined): bigint | null | undefined {
  if (header === undefined) return null;
  const value = (Array.isArray(header) ? header.at(-1)! : header).trim();
  if (value === '') return null;
  return /^\d{1,19}$/.test(value) ? BigInt(value) : undefined;
}

export class ReadReplicas {
  private readonly replicas: Replica[];
  private next = 0;
  private closed = false;
  private readonly routedCounts: Record<string, number> = { [PRIMARY]: 0 };
  private readonly fallbackCounts = { lag: 0, down: 0, error: 0 };

  constructor(
    private readonly primary: DataSource,
    urls: readonly string[],
    private readonly open: (url: string) => DataSource,
    private readonly options: { checkMs: number; logger: Logger },
  ) {
    this.replicas = urls.map((url, i) => ({
      name: `replica-${i + 1}`,
      url,
      dataSource: null,
      up: false,
      version: null,
      checkedAt: 0,
      checking: null,
      probeMs: FIRST_PROBE_MS,
      probe: null,
      reads: 0,
      reportedDown: false,
    }));
    for (const r of this.replicas) this.routedCounts[r.name] = 0;
  }

  /** Connects to every replica; one that does not answer is logged and probed later (the server starts anyway). */
  async start(): Promise<void> {
    await Promise.all(this.replicas.map((r) => this.connect(r)));
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const r of this.replicas) {
      if (r.probe) clearTimeout(r.probe);
      r.probe = null;
      r.up = false;
      const ds = r.dataSource;
      r.dataSource = null;
      if (ds?.isInitialized) await ds.destroy().catch(() => undefined);
    }
  }

  get stats(): ReplicaStats {
    const now = performance.now();
    return {
      routed: { ...this.routedCounts },
      fallbacks: { ...this.fallbackCounts },
      replicas: this.replicas.map((r) => ({
        name: r.name,
        up: r.up,
        dataVersion: r.version === null ? null : String(r.version),
        checkedMsAgo: r.checkedAt ? Math.round(now - r.checkedAt) : null,
      })),
    };
  }

  /**
   * The primary DataSource as the repositories see it, with `query` routed by the request's ReadRoute (none, or one
   * that writes: the primary). Everything else (transactions, query runners, the manager) is the primary's.
   */
  routed(): DataSource {
    const query = (sql: string, parameters?: unknown[], queryRunner?: unknown): Promise<unknown> => {
      const route = routes.getStore();
      if (queryRunner || !route || route.writes) {
        if (route && !queryRunner) route.servedBy(PRIMARY);
        return this.primary.query(sql, parameters, queryRunner as never);
      }
      return this.readOn(route, sql, parameters);
    };
    return new Proxy(this.primary, {
      get: (target, prop, receiver) => (prop === 'query' ? query : Reflect.get(target, prop, receiver)),
    });
  }

  private async readOn(route: ReadRoute, sql: string, parameters: unknown[] | undefined): Promise<unknown> {
    const target = await (route.target ??= this.choose(route.minVersion));
    if (target.name === PRIMARY) {
      route.servedBy(PRIMARY);
      return this.primary.query(sql, parameters);
    }
    const replica = this.replicas.find((r) => r.name === target.name)!;
    try {
      replica.reads++;
      const rows: unknown = await target.dataSource.query(sql, parameters);
      route.servedBy(target.name);
      return rows;
    } catch (err) {
      // A standby cancels a read that conflicts with replay (40001, "conflict with recovery"); either way the primary answers.
      if (!isConnectionError(err) && !isRecoveryConflict(err)) throw err;
      if (isConnectionError(err)) this.markDown(replica, err);
      else this.options.logger.warn({ err, replica: replica.name }, 'read on a replica cancelled by replay; reading from the primary');
      this.fallbackCounts.error++;
      route.target = Promise.resolve({ name: PRIMARY, dataSource: this.primary });
      route.servedBy(PRIMARY);
      return this.primary.query(sql, parameters);
    }
  }

  /** A replica that is up and at `minVersion` or newer (round-robin among them), else the primary. */
  private async choose(minVersion: bigint | null): Promise<ReadTarget> {
    let lagging = false;
    let down = false;
    for (let i = 0; i < this.replicas.length; i++) {
      const r = this.replicas[(this.next + i) % this.replicas.length]!;
      if (!r.up || !r.dataSource) {
        down = true;
        continue;
      }
      const version = await this.versionOf(r);
      if (version === null || !r.up) {
        down = true;
        continue;
      }
      if (minVersion !== null && version < minVersion) {
        lagging = true;
        continue;
      }
      this.next = (this.next + i + 1) % this.replicas.length;
      this.routedCounts[r.name] = (this.routedCounts[r.name] ?? 0) + 1;
      return { name: r.name, dataSource: r.dataSource };
    }
    if (lagging) this.fallbackCounts.lag++;
    else if (down) this.fallbackCounts.down++;
    this.routedCounts[PRIMARY]!++;
    return { name: PRIMARY, dataSource: this.primary };
  }

  /** The replica's data version: the one read within checkMs, else read now (one statement, shared by the requests waiting). */
  private versionOf(r: Replica): Promise<bigint | null> {
    if (r.version !== null && performance.now() - r.checkedAt <= this.options.checkMs) return Promise.resolve(r.version);
    return (r.checking ??= this.readVersion(r).finally(() => (r.checking = null)));
  }

  private async readVersion(r: Replica): Promise<bigint | null> {
    const ds = r.dataSource;
    if (!ds) return null;
    try {
      const rows = (await ds.query(DATA_VERSION)) as { version: string }[];
      const version = BigInt(rows[0]?.version ?? '0');
      r.version = version;
      r.checkedAt = performance.now();
      return version;
    } catch (err) {
      if (isConnectionError(err)) this.markDown(r, err);
      else this.options.logger.warn({ err, replica: r.name }, 'could not read the data version of a replica; reading from the primary');
      return null;
    }
  }

  private async connect(r: Replica): Promise<void> {
    if (this.closed) return;
    const ds = r.dataSource ?? this.open(r.url);
    try {
      if (!ds.isInitialized) await ds.initialize();
      r.dataSource = ds;
      const rows = (await ds.query(REPLICA_STATE)) as { version: string; standby: boolean }[];
      if (this.closed) return;
      r.version = BigInt(rows[0]?.version ?? '0');
      r.checkedAt = performance.now();
      r.up = true;
      r.probeMs = FIRST_PROBE_MS;
      r.reportedDown = false;
      this.options.logger.info({ replica: r.name, dataVersion: String(r.version), standby: rows[0]?.standby ?? null }, 'read replica up: serving reads');
      if (rows[0]?.standby === false) this.options.logger.warn({ replica: r.name }, 'a read replica is not in recovery (not a standby): it is used as one, but writes to it would not reach the primary');
    } catch (err) {
      if (!ds.isInitialized) r.dataSource = null;
      else r.dataSource = ds;
      this.markDown(r, err);
    }
  }

  private markDown(r: Replica, err: unknown): void {
    r.up = false;
    r.version = null;
    if (!r.reportedDown) {
      r.reportedDown = true;
      this.options.logger.warn({ err, replica: r.name, retryMs: r.probeMs }, 'read replica unreachable: its reads go to the primary until it answers again');
    }
    if (this.closed || r.probe) return;
    r.probe = setTimeout(() => {
      r.probe = null;
      void this.connect(r);
    }, r.probeMs);
    r.probe.unref();
    r.probeMs = Math.min(r.probeMs * 2, MAX_PROBE_MS);
  }
}

/** SQLSTATE 40001 raised by a standby ("canceling statement due to conflict with recovery"). */
function isRecoveryConflict(err: unknown): boolean {
  const e = err as { code?: unknown; driverError?: { code?: unknown }; message?: unknown } | null;
  const code = e?.driverError?.code ?? e?.code;
  return code === '40001' && typeof e?.message === 'string' && /conflict with recovery/i.test(e.message);
}

/** Opens the replicas of `config` beside `primary`: null when there are none. */
export async function openReadReplicas(
  primary: DataSource,
  config: ReplicasConfig | undefined,
  open: (url: string) => DataSource,
  logger: Logger,
): Promise<ReadReplicas | null> {
  if (!config || config.urls.length === 0) return null;
  const replicas = new ReadReplicas(primary, config.urls, open, { checkMs: config.checkMs, logger: logger.child({ component: 'read-replicas' }) });
  await replicas.start();
  return replicas;
}
