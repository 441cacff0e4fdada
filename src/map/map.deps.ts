import type { Logger } from '../common/logger';
import type { VersionCache } from '../common/version-cache';
import type { Config } from '../config/config';
import type { CoverageLoaders } from '../coverage/coverage.loaders';
import type { CoverageService } from '../coverage/coverage.service';
import type { RequestAuthenticator } from '../graphql/authenticator';
import type { Context } from '../graphql/context';
import type { RateLimiter } from '../graphql/plugins/rate-limit.plugin';
import type { TilesRepository } from './tiles.repository';

/** What the map routes use: the services GraphQL uses too (app/container.ts), and a request context (loaders). */
export interface MapDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly tilesRepository: TilesRepository;
  readonly coverage: CoverageService;
  readonly cache: VersionCache;
  readonly authenticator: RequestAuthenticator;
  readonly createContext: () => Context<CoverageLoaders>;
  /** The GraphQL rate limiter, whose per-key budget tiles spend from too (null: RATE_LIMIT_COST_PER_MINUTE=0). */
  readonly rateLimit: RateLimiter | null;
}
