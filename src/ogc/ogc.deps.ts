import type { AreaService } from '../area/area.service';
import type { Logger } from '../common/logger';
import type { Config } from '../config/config';
import type { CoverageLoaders } from '../coverage/coverage.loaders';
import type { CoverageService } from '../coverage/coverage.service';
import type { RequestAuthenticator } from '../graphql/authenticator';
import type { Context } from '../graphql/context';
import type { RateLimiter } from '../graphql/plugins/rate-limit.plugin';
import type { ServicePointService } from '../service-point/service-point.service';
import type { VillageService } from '../village/village.service';
import type { OgcRepository } from './ogc.repository';
import type { PlanningAreaService } from '../planning-area/planning-area.service';

/** What the OGC API routes use: the services GraphQL uses too (app/container.ts), and a request context (loaders). */
export interface OgcDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly repository: OgcRepository;
  readonly villages: VillageService;
  readonly servicePoints: ServicePointService;
  readonly areas: AreaService;
  readonly coverage: CoverageService;
  readonly planningAreas: PlanningAreaService;
  readonly authenticator: RequestAuthenticator;
  readonly createContext: () => Context<CoverageLoaders>;
  /** The GraphQL rate limiter, whose per-key budget these routes spend from too (null: RATE_LIMIT_COST_PER_MINUTE=0). */
  readonly rateLimit: RateLimiter | null;
}
