import path from 'node:path';
import { envSchema } from './env.schema';

export type DatabaseConfig =
  | { kind: 'server'; url: string; poolSize: number; connectTimeoutMs?: number; replicas?: ReplicasConfig }
  | { kind: 'embedded'; dataDir: string | null; connectTimeoutMs?: number };

/** DATABASE_REPLICA_URLS: hot standbys that serve reads (db/read-replicas.ts); absent when none is set. */
export interface ReplicasConfig {
  readonly urls: readonly string[];
  /** DATABASE_REPLICA_CHECK_MS: how long a replica's data version is trusted once read. */
  readonly checkMs: number;
}

export interface Config {
  readonly env: 'development' | 'production' | 'test';
  readonly host: string;
  readonly port: number;
  /** WORKERS: server processes sharing the port (1: one process, no cluster); `worker` is this one's number, null outside a cluster worker. */
  readonly cluster: { readonly workers: number; readonly worker: number | null };
  readonly database: DatabaseConfig;
  readonly migrateOnStart: boolean;
  readonly seedOnStart: boolean;
  readonly seedDatasets: readonly string[];
  readonly logLevel: string;
  readonly pagination: { readonly defaultPageSize: number; readonly maxPageSize: number };
  readonly travel: TravelConfig;
  /** CACHE_MB in bytes: the one cache of answers (0: off). */
  readonly cacheBytes: number;
  /** RESPONSE_CACHE: whole query responses are kept in it. */
  readonly responseCache: boolean;
  /** FIELD_CACHE_MB in bytes: the accessibility fields the coverage engine keeps. */
  readonly fieldCacheBytes: number;
  readonly maxPolygonPoints: number;
  /** SCENARIO_MAX_CHANGES: entries a what-if may hold. */
  readonly scenarioMaxChanges: number;
  readonly polygonWorkers: { readonly threads: number; readonly maxQueue: number };
  readonly auth: { readonly anonymousRoles: readonly ('READER' | 'PLANNER')[]; readonly apiKeyCacheSeconds: number };
  readonly imports: { readonly maxBytes: number; readonly maxRows: number };
  readonly boundaryToleranceMeters: number;
  /** TILE_COVERAGE_VARIANTS_PER_MINUTE: distinct coverage parameter sets of tiles per client and minute. */
  readonly tileCoverageVariantsPerMinute: number;
  /** PUBLIC_URL (no trailing slash), or null. */
  readonly publicUrl: string | null;
  /** PUBLIC_HOSTS plus HOST, lower-case, without IPv6 brackets. */
  readonly publicHosts: readonly string[];
  /** Subscriptions over WebSocket (WS_*). */
  readonly webSocket: { readonly perConnection: number; readonly perKey: number; readonly connectionsPerClient: number; readonly heartbeatSeconds: number };
  /** REQUEST_DEADLINE_MS: every request answers by then (DEADLINE_EXCEEDED), and server statements are cancelled. */
  readonly requestDeadlineMs: number;
  readonly limits: LimitsConfig;
  readonly rateLimit: RateLimitConfig;
  readonly introspection: boolean;
  readonly metricsEnabled: boolean;
  /** Bearer token GET /metrics requires (METRICS_TOKEN); null: none. */
  readonly metricsToken: string | null;
  /** Express "trust proxy" (TRUST_PROXY); false: the socket's peer is the client. */
  readonly trustProxy: boolean | number | string;
}

/** Per-operation and per-request limits; crossing one is LIMIT_EXCEEDED (HTTP 400, 413 for the body). */
export interface LimitsConfig {
  readonly maxDepth: number;
  readonly maxCost: number;
  readonly maxAliases: number;
  readonly maxDirectives: number;
  readonly maxTokens: number;
  /** Operations per batched POST; 1: batching off. */
  readonly maxBatchSize: number;
  readonly maxBodyBytes: number;
  /** Largest serialized answer to a query or a batch of queries (MAX_RESPONSE_BYTES). */
  readonly maxResponseBytes: number;
  /** Deepest nesting of JSON and of brackets in documents (MAX_NESTING_DEPTH). */
  readonly maxNestingDepth: number;
}

export interface RateLimitConfig {
  /** Cost points per key (or client address) per minute; 0: off. */
  readonly costPerMinute: number;
  /** Shared budget across processes through Redis; null: in memory, per process. */
  readonly redisUrl: string | null;
  readonly keyPrefix: string;
}

export type TravelModeName = 'WALK' | 'BICYCLE' | 'EBIKE' | 'CAR';

export interface TravelConfig {
  readonly speedsKmh: Readonly<Record<TravelModeName, number>>;
  readonly detourFactor: number;
  readonly defaultBudgetMinutes: number;
  readonly defaultMode: TravelModeName;
  /** ROAD_MAX_OFF_ROAD_METERS. */
  readonly roadMaxOffRoadMeters: number;
  /** ROAD_FIELD_CUTOFF_MINUTES. */
  readonly roadFieldCutoffMinutes: number;
  /** ROAD_SPEEDS_FILE's path (read and checked when the server starts), or null: the default table. */
  readonly roadSpeedsFile: string | null;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/**
 * Reads and validates the environment once; the only place that looks at `process.env`.
 * Throws a ConfigError that lists every bad variable at once, so start-up fails with one clear message.
 * `DATA_DIR=memory` keeps the embedded database in memory (tests).
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (e.DEFAULT_PAGE_SIZE > e.MAX_PAGE_SIZE) problems.push('DEFAULT_PAGE_SIZE: must not exceed MAX_PAGE_SIZE');
  if (e.RATE_LIMIT_COST_PER_MINUTE > 0 && e.RATE_LIMIT_COST_PER_MINUTE < e.MAX_QUERY_COST) {
    problems.push('RATE_LIMIT_COST_PER_MINUTE: must be 0 (off) or at least MAX_QUERY_COST, or the costliest allowed query could never run');
  }
  const embedded = e.DATABASE_URL === undefined;
  if (e.WORKERS > 1 && embedded) {
    problems.push(
      `WORKERS: ${e.WORKERS} worker processes need a PostgreSQL server: set DATABASE_URL (postgres://…). The embedded database lives inside one process, and its change notifications reach only the connection that wrote, so other processes would never hear of a write. Unset WORKERS (or 1) to run on the embedded database.`,
    );
  }
  const replicaUrls = e.DATABASE_REPLICA_URLS ?? [];
  if (replicaUrls.length > 0 && embedded) {
    problems.push(
      'DATABASE_REPLICA_URLS: read replicas need a PostgreSQL server as the primary: set DATABASE_URL (postgres://…). The embedded database cannot be replicated (it has no WAL sender and runs inside this process); unset DATABASE_REPLICA_URLS to run on it.',
    );
  }
  if (problems.length) throw new ConfigError(problems);

  const database: DatabaseConfig = embedded
    ? { kind: 'embedded', dataDir: e.DATA_DIR === 'memory' ? null : path.resolve(e.DATA_DIR, 'pglite'), connectTimeoutMs: e.DATABASE_CONNECT_TIMEOUT_MS }
    : {
        kind: 'server',
        url: e.DATABASE_URL!,
        poolSize: e.DATABASE_POOL_SIZE,
        connectTimeoutMs: e.DATABASE_CONNECT_TIMEOUT_MS,
        ...(replicaUrls.length ? { replicas: Object.freeze({ urls: Object.freeze([...replicaUrls]), checkMs: e.DATABASE_REPLICA_CHECK_MS }) } : {}),
      };

  return Object.freeze({
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    cluster: Object.freeze({ workers: e.WORKERS, worker: e.SERVICE_CIRCLE_WORKER ?? null }),
    database: Object.freeze(database),
    migrateOnStart: e.MIGRATE_ON_START ?? embedded,
    seedOnStart: e.SEED_ON_START ?? embedded,
    seedDatasets: Object.freeze(
      e.SEED_DATASETS.split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
    logLevel: e.LOG_LEVEL,
    pagination: Object.freeze({ defaultPageSize: e.DEFAULT_PAGE_SIZE, maxPageSize: e.MAX_PAGE_SIZE }),
    travel: Object.freeze({
      speedsKmh: Object.freeze({
        WALK: e.TRAVEL_SPEED_WALK_KMH,
        BICYCLE: e.TRAVEL_SPEED_BICYCLE_KMH,
        EBIKE: e.TRAVEL_SPEED_EBIKE_KMH,
        CAR: e.TRAVEL_SPEED_CAR_KMH,
      }),
      detourFactor: e.DETOUR_FACTOR,
      defaultBudgetMinutes: e.DEFAULT_BUDGET_MINUTES,
      defaultMode: e.DEFAULT_TRAVEL_MODE,
      roadMaxOffRoadMeters: e.ROAD_MAX_OFF_ROAD_METERS,
      roadFieldCutoffMinutes: e.ROAD_FIELD_CUTOFF_MINUTES,
      roadSpeedsFile: e.ROAD_SPEEDS_FILE ?? null,
    }),
    cacheBytes: e.CACHE_MB * 1024 * 1024,
    responseCache: e.RESPONSE_CACHE,
    fieldCacheBytes: e.FIELD_CACHE_MB * 1024 * 1024,
    maxPolygonPoints: e.MAX_POLYGON_POINTS,
    scenarioMaxChanges: e.SCENARIO_MAX_CHANGES,
    polygonWorkers: Object.freeze({ threads: e.POLYGON_THREADS, maxQueue: e.POLYGON_QUEUE }),
    auth: Object.freeze({ anonymousRoles: Object.freeze([...e.ANONYMOUS_ROLES]), apiKeyCacheSeconds: e.API_KEY_CACHE_SECONDS }),
    imports: Object.freeze({ maxBytes: e.IMPORT_MAX_BYTES, maxRows: e.IMPORT_MAX_ROWS }),
    boundaryToleranceMeters: e.BOUNDARY_TOLERANCE_METERS,
    requestDeadlineMs: e.REQUEST_DEADLINE_MS,
    webSocket: Object.freeze({
      perConnection: e.WS_MAX_SUBSCRIPTIONS_PER_CONNECTION,
      perKey: e.WS_MAX_SUBSCRIPTIONS_PER_KEY,
      connectionsPerClient: e.WS_MAX_CONNECTIONS_PER_CLIENT,
      heartbeatSeconds: e.WS_HEARTBEAT_SECONDS,
    }),
    tileCoverageVariantsPerMinute: e.TILE_COVERAGE_VARIANTS_PER_MINUTE,
    publicUrl: e.PUBLIC_URL ?? null,
    publicHosts: Object.freeze(
      [...new Set([...e.PUBLIC_HOSTS.split(','), e.HOST].map((h) => h.trim().toLowerCase().replace(/^\[|\]$/g, '')).filter(Boolean))],
    ),
    limits: Object.freeze({
      maxDepth: e.MAX_QUERY_DEPTH,
      maxCost: e.MAX_QUERY_COST,
      maxAliases: e.MAX_ALIASES,
      maxDirectives: e.MAX_DIRECTIVES,
      maxTokens: e.MAX_QUERY_TOKENS,
      maxBatchSize: e.MAX_BATCH_SIZE,
      maxBodyBytes: e.MAX_BODY_BYTES,
      maxResponseBytes: e.MAX_RESPONSE_BYTES,
      maxNestingDepth: e.MAX_NESTING_DEPTH,
    }),
    rateLimit: Object.freeze({
      costPerMinute: e.RATE_LIMIT_COST_PER_MINUTE,
      redisUrl: e.RATE_LIMIT_REDIS_URL ?? null,
      keyPrefix: e.RATE_LIMIT_KEY_PREFIX,
    }),
    introspection: e.INTROSPECTION ?? e.NODE_ENV !== 'production',
    metricsEnabled: e.METRICS_ENABLED,
    metricsToken: e.METRICS_TOKEN ?? null,
    trustProxy: e.TRUST_PROXY ?? false,
  });
}
