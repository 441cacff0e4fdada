import { z } from 'zod';

const booleanString = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const postgresUrl = z
  .string()
  .url()
  .refine((v) => /^postgres(ql)?:\/\//.test(v), 'must start with postgres:// or postgresql://');

/** Every environment variable the server reads, with its default. `loadConfig` is the only reader. */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  /** Unset: the embedded PGlite + PostGIS database under DATA_DIR. */
  DATABASE_URL: postgresUrl.optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  DATA_DIR: z.string().min(1).default('./data'),
  /** Apply pending migrations and load the seed datasets at start. Default: on for the embedded database only. */
  MIGRATE_ON_START: booleanString.optional(),
  SEED_ON_START: booleanString.optional(),
  /** Comma-separated dataset names from seeds/data (kaiyang, sanming). */
  SEED_DATASETS: z.string().default('kaiyang,sanming'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Travel model (domain.md): speeds in km/h, a detour factor turning geodesic into road distance, the budget. */
  TRAVEL_SPEED_WALK_KMH: z.coerce.number().positive().max(50).default(5),
  TRAVEL_SPEED_BICYCLE_KMH: z.coerce.number().positive().max(80).default(12),
  TRAVEL_SPEED_EBIKE_KMH: z.coerce.number().positive().max(120).default(20),
  TRAVEL_SPEED_CAR_KMH: z.coerce.number().positive().max(200).default(30),
  DETOUR_FACTOR: z.coerce.number().min(1).max(5).default(1.3),
  DEFAULT_BUDGET_MINUTES: z.coerce.number().min(1).max(120).default(15),
  DEFAULT_TRAVEL_MODE: z.enum(['WALK', 'BICYCLE', 'EBIKE', 'CAR']).default('EBIKE'),
  /** Coverage results kept per (area, item, mode, minutes) until the data changes. */
  COVERAGE_CACHE_ENTRIES: z.coerce.number().int().min(0).max(100000).default(1000),
  /** Largest number of circles one coverage polygon may union (a province would be hundreds of thousands). */
  MAX_POLYGON_POINTS: z.coerce.number().int().min(1).max(1_000_000).default(20000),
  DEFAULT_PAGE_SIZE: z.coerce.number().int().min(1).max(1000).default(20),
  MAX_PAGE_SIZE: z.coerce.number().int().min(1).max(5000).default(500),
});

export type Env = z.infer<typeof envSchema>;
