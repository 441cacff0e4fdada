import { z } from 'zod';

const booleanString = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const postgresUrl = z
  .string()
  .url()
  .refine((v) => /^postgres(ql)?:\/\//.test(v), 'must start with postgres:// or postgresql://');

/** Most server processes WORKERS may ask for. */
export const MAX_WORKERS = 64;

/** Every environment variable the server reads, with its default. `loadConfig` is the only reader. */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  /**
   * Server processes sharing PORT (Node's cluster module): a primary that forks this many workers and restarts any
   * that dies; 1 is the one process of old, with no primary. More than 1 needs DATABASE_URL (loadConfig says so).
   */
  WORKERS: z
    .string()
    .trim()
    .regex(/^\d+$/, `must be a whole number of server processes, from 1 to ${MAX_WORKERS} (1: one process, no cluster)`)
    .transform(Number)
    .pipe(z.number().int().min(1, 'must be at least 1 (1: one process, no cluster)').max(MAX_WORKERS, `must be at most ${MAX_WORKERS}`))
    .default(1),
  /** Set by the primary in each worker it forks: the worker's number, 1 to WORKERS (kept by its replacement). Not for users. */
  SERVICE_CIRCLE_WORKER: z.coerce.number().int().min(1).max(MAX_WORKERS).optional(),
  /** Unset: the embedded PGlite + PostGIS database under DATA_DIR. */
  DATABASE_URL: postgresUrl.optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  /**
   * Hot-standby replicas that serve reads (comma-separated postgres:// URLs, named replica-1, replica-2, … in this
   * order); writes, transactions and the change feed stay on DATABASE_URL. Needs DATABASE_URL (loadConfig says so).
   */
  DATABASE_REPLICA_URLS: z
    .string()
    .transform((v) => v.split(',').map((u) => u.trim()).filter(Boolean))
    .pipe(z.array(postgresUrl).max(16, 'at most 16 replicas'))
    .optional(),
  /** How long a replica's data version, once read, is trusted before it is read again (replica lag check). */
  DATABASE_REPLICA_CHECK_MS: z.coerce.number().int().min(0).max(60_000).default(250),
  /**
   * How long a new database connection may take before the request fails with SERVICE_UNAVAILABLE.
   * Default: 10 s for a server, 120 s for the embedded database (its one connection queues behind other statements).
   */
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  /** Apply pending migrations and load the seed datasets at start. Default: on for the embedded database only. */
  MIGRATE_ON_START: booleanString.optional(),
  SEED_ON_START: booleanString.optional(),
  /** Comma-separated dataset names from seeds/data (kaiyang, sanming, taibai-lake, taiyuan); empty for none. */
  SEED_DATASETS: z.string().default('kaiyang,sanming,taibai-lake,taiyuan'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Travel model (seeds/DOMAIN.md): speeds in km/h, a detour factor turning geodesic into road distance, the budget. */
  TRAVEL_SPEED_WALK_KMH: z.coerce.number().positive().max(50).default(5),
  TRAVEL_SPEED_BICYCLE_KMH: z.coerce.number().positive().max(80).default(12),
  TRAVEL_SPEED_EBIKE_KMH: z.coerce.number().positive().max(120).default(20),
  TRAVEL_SPEED_CAR_KMH: z.coerce.number().positive().max(200).default(30),
  DETOUR_FACTOR: z.coerce.number().min(1).max(5).default(1.3),
  DEFAULT_BUDGET_MINUTES: z.coerce.number().min(1).max(120).default(15),
  DEFAULT_TRAVEL_MODE: z.enum(['WALK', 'BICYCLE', 'EBIKE', 'CAR']).default('EBIKE'),
  /** ROAD model: a village farther than this from every road its mode may use is costed by the straight line (and flagged). */
  ROAD_MAX_OFF_ROAD_METERS: z.coerce.number().min(0).max(20_000).default(1000),
  /**
   * ROAD model: accessibility fields are first labelled up to this many minutes (or the largest budget asked so far,
   * if larger), and extended only as far as an answer needs (a village's nearest point beyond it); answers are those
   * of an uncut field. 240 (maxMinutes) labels everything at once.
   */
  ROAD_FIELD_CUTOFF_MINUTES: z.coerce.number().min(1).max(240).default(60),
  /** ROAD model: a JSON file of changes to the speed table ({"name", "offRoadWalkKmh", "kmh": {MODE: {class: km/h or null}}}), checked at start. */
  ROAD_SPEEDS_FILE: z.string().min(1).optional(),
  /**
   * The one cache of answers (MB): coverage results, whole query responses, vector tiles and clip boundaries,
   * keyed by data version; 0 turns all of it off.
   */
  CACHE_MB: z.coerce.number().int().min(0).max(65536).default(128),
  /** Whole query responses in that cache (false: only coverage results, tiles and boundaries). */
  RESPONSE_CACHE: booleanString.default(true),
  /** Memory for the coverage engine's accessibility fields (MB; a national field is about 8 MB); least used dropped first. */
  FIELD_CACHE_MB: z.coerce.number().int().min(8).max(65536).default(512),
  /** Largest number of circles one coverage polygon may union (a province would be hundreds of thousands). */
  MAX_POLYGON_POINTS: z.coerce.number().int().min(1).max(1_000_000).default(20000),
  /** Entries a what-if scenario may hold in all (points added, closed, moved, given other items). */
  SCENARIO_MAX_CHANGES: z.coerce.number().int().min(1).max(100_000).default(200),
  /** Worker threads computing coverage polygons off the request thread; 0 computes them on it. */
  POLYGON_THREADS: z.coerce.number().int().min(0).max(16).default(1),
  /** Polygons that may wait for a worker thread; more are refused with SERVICE_UNAVAILABLE. */
  POLYGON_QUEUE: z.coerce.number().int().min(1).max(10000).default(256),
  /** Roles a request without an API key gets: "none", or READER and/or PLANNER (anonymous access is read-only). */
  ANONYMOUS_ROLES: z
    .string()
    .default('READER,PLANNER')
    .transform((v) => (v.trim().toLowerCase() === 'none' ? [] : v.split(',').map((r) => r.trim().toUpperCase()).filter(Boolean)))
    .pipe(z.array(z.enum(['READER', 'PLANNER'], { message: 'anonymous access is read-only: use "none" or READER and/or PLANNER' }))),
  /** How long a verified API key is trusted before it is looked up again (a revocation elsewhere takes this long). */
  API_KEY_CACHE_SECONDS: z.coerce.number().int().min(0).max(3600).default(10),
  /** Bulk imports: largest upload (bytes) and row count; writes may lie this far outside the stated area's boundary. */
  IMPORT_MAX_BYTES: z.coerce.number().int().min(1024).max(200 * 1024 * 1024).default(20 * 1024 * 1024),
  IMPORT_MAX_ROWS: z.coerce.number().int().min(1).max(1_000_000).default(100_000),
  BOUNDARY_TOLERANCE_METERS: z.coerce.number().min(0).max(10_000).default(100),
  DEFAULT_PAGE_SIZE: z.coerce.number().int().min(1).max(1000).default(20),
  MAX_PAGE_SIZE: z.coerce.number().int().min(1).max(5000).default(500),
  /** Query limits (LIMIT_EXCEEDED): field nesting, cost points per operation, aliases, directives, parser tokens. */
  MAX_QUERY_DEPTH: z.coerce.number().int().min(2).max(100).default(12),
  MAX_QUERY_COST: z.coerce.number().int().min(10).max(10_000_000).default(5000),
  MAX_ALIASES: z.coerce.number().int().min(0).max(10_000).default(30),
  MAX_DIRECTIVES: z.coerce.number().int().min(0).max(10_000).default(50),
  MAX_QUERY_TOKENS: z.coerce.number().int().min(100).max(1_000_000).default(5000),
  /** Operations in one batched POST (a JSON array); 1 turns batching off. */
  MAX_BATCH_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  /**
   * Deepest nesting of JSON (request bodies with their variables, GET variables, GeoJSON imports) and of brackets in
   * GraphQL documents; the cap of 500 keeps recursive code downstream (JSON.stringify, graphql-js's parser) within its stack.
   */
  MAX_NESTING_DEPTH: z.coerce.number().int().min(8).max(500).default(64),
  /**
   * Every request's deadline: after it the request answers DEADLINE_EXCEEDED (HTTP 503), its SQL is cancelled
   * (statement_timeout on a server) and work priced beyond the time left is not started.
   */
  REQUEST_DEADLINE_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  /** Largest serialized answer to a query (a batch counts as one); LIMIT_EXCEEDED above. */
  MAX_RESPONSE_BYTES: z.coerce.number().int().min(1024).max(1024 * 1024 * 1024).default(10 * 1024 * 1024),
  /** Distinct (item, mode, minutes) sets of coverage tiles one client may ask per minute (RATE_LIMITED above). */
  TILE_COVERAGE_VARIANTS_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(20),
  /**
   * The public origin (scheme://host[:port]) of the server, for the absolute tile URLs of TileJSON. Unset: the
   * request's Host when its name is one of PUBLIC_HOSTS, else http://HOST:PORT.
   */
  PUBLIC_URL: z
    .string()
    .url()
    .refine((v) => /^https?:\/\/[^/?#]+$/.test(v.replace(/\/$/, '')), 'must be an origin such as https://maps.example.org (no path)')
    .transform((v) => v.replace(/\/$/, ''))
    .optional(),
  /** Host names whose Host header TileJSON may build its URLs from (comma-separated); HOST is always one. */
  PUBLIC_HOSTS: z.string().default('localhost,127.0.0.1,::1'),
  /** GraphQL subscriptions over WebSocket: per connection, per API key (or client address), connections per client, ping interval. */
  WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: z.coerce.number().int().min(1).max(10_000).default(20),
  WS_MAX_SUBSCRIPTIONS_PER_KEY: z.coerce.number().int().min(1).max(100_000).default(100),
  WS_MAX_CONNECTIONS_PER_CLIENT: z.coerce.number().int().min(1).max(10_000).default(10),
  WS_HEARTBEAT_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  /** Largest JSON body on /graphql (413 above). */
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(100 * 1024 * 1024).default(1024 * 1024),
  /** Cost points a key (or, without one, a client address) may spend per minute; 0 = no rate limit. */
  RATE_LIMIT_COST_PER_MINUTE: z.coerce.number().int().min(0).max(100_000_000).default(50_000),
  /** redis://… shares the rate-limit budget across processes; unset = per process (in memory). */
  RATE_LIMIT_REDIS_URL: z
    .string()
    .url()
    .refine((v) => /^rediss?:\/\//.test(v), 'must start with redis:// or rediss://')
    .optional(),
  RATE_LIMIT_KEY_PREFIX: z.string().regex(/^[\w.:-]{1,100}$/).default('service-circle:rate'),
  /**
   * Express "trust proxy": whose X-Forwarded-For to believe for the client address (rate limits without an API key,
   * logs). Unset/false: the socket's peer. true, a hop count, or addresses/subnets ("loopback, 10.0.0.0/8").
   */
  TRUST_PROXY: z
    .string()
    .regex(/^[\w.:/, -]{1,500}$/)
    .transform((v): boolean | number | string => (v === 'true' ? true : v === 'false' ? false : /^\d+$/.test(v) ? Number(v) : v))
    .optional(),
  /** Schema introspection (GraphiQL needs it). Default: on, except with NODE_ENV=production. */
  INTROSPECTION: booleanString.optional(),
  /** Prometheus text format at GET /metrics. */
  METRICS_ENABLED: booleanString.default(true),
  /** When set, GET /metrics asks for `Authorization: Bearer <METRICS_TOKEN>` (Prometheus: `authorization.credentials`). */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
});

export type Env = z.infer<typeof envSchema>;
