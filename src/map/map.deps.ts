import type { Logger } from '../common/logger';
import type { Config } from '../config/config';
import type { Services } from '../graphql/container';
import type { Context } from '../graphql/context';
import type { RateLimiter } from '../graphql/plugins/rate-limit.plugin';
import type { Repositories } from '../graphql/repositories';

/** What the map routes may use: the same services and repositories as GraphQL, and a request context (loaders). */
export interface MapDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly repositories: Repositories;
  readonly services: Services;
  readonly createContext: () => Context;
  /** The GraphQL rate limiter, whose per-key budget tiles spend from too (null: RATE_LIMIT_COST_PER_MINUTE=0). */
  readonly rateLimit: RateLimiter | null;
}
