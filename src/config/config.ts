import path from 'node:path';
import { envSchema } from './env.schema';

export type DatabaseConfig =
  | { kind: 'server'; url: string; poolSize: number }
  | { kind: 'embedded'; dataDir: string | null };

export interface Config {
  readonly env: 'development' | 'production' | 'test';
  readonly host: string;
  readonly port: number;
  readonly database: DatabaseConfig;
  readonly migrateOnStart: boolean;
  readonly seedOnStart: boolean;
  readonly seedDatasets: readonly string[];
  readonly logLevel: string;
  readonly pagination: { readonly defaultPageSize: number; readonly maxPageSize: number };
  readonly travel: TravelConfig;
  readonly coverageCacheEntries: number;
  readonly maxPolygonPoints: number;
}

export type TravelModeName = 'WALK' | 'BICYCLE' | 'EBIKE' | 'CAR';

export interface TravelConfig {
  readonly speedsKmh: Readonly<Record<TravelModeName, number>>;
  readonly detourFactor: number;
  readonly defaultBudgetMinutes: number;
  readonly defaultMode: TravelModeName;
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
  if (problems.length) throw new ConfigError(problems);

  const embedded = e.DATABASE_URL === undefined;
  const database: DatabaseConfig = embedded
    ? { kind: 'embedded', dataDir: e.DATA_DIR === 'memory' ? null : path.resolve(e.DATA_DIR, 'pglite') }
    : { kind: 'server', url: e.DATABASE_URL!, poolSize: e.DATABASE_POOL_SIZE };

  return Object.freeze({
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
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
    }),
    coverageCacheEntries: e.COVERAGE_CACHE_ENTRIES,
    maxPolygonPoints: e.MAX_POLYGON_POINTS,
  });
}
