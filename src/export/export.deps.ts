import type { AreaSizes } from '../common/area-sizes';
import type { Logger } from '../common/logger';
import type { Config } from '../config/config';
import type { CoverageLoaders } from '../coverage/coverage.loaders';
import type { CoverageService } from '../coverage/coverage.service';
import type { RequestAuthenticator } from '../graphql/authenticator';
import type { Context } from '../graphql/context';
import type { RateLimiter } from '../graphql/plugins/rate-limit.plugin';
import type { SiteSuggestionService } from '../planning/site-suggestion.service';

/** What the export routes use: the services GraphQL uses too (app/container.ts), and a request context (loaders). */
export interface ExportDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly coverage: CoverageService;
  readonly siteSuggestions: SiteSuggestionService;
  /** The sizes GraphQL prices lists by (an area's villages), for an export's cost. */
  readonly areaSizes: { sizes(version: string): Promise<AreaSizes> };
  readonly authenticator: RequestAuthenticator;
  readonly createContext: () => Context<CoverageLoaders>;
  /** The GraphQL rate limiter, whose per-key budget exports spend from too (null: RATE_LIMIT_COST_PER_MINUTE=0). */
  readonly rateLimit: RateLimiter | null;
}
