import type { DataSource } from 'typeorm';
import { AreaRepository } from '../area/area.repository';
import { CoverageRepository } from '../coverage/coverage.repository';
import { TilesRepository } from '../map/tiles.repository';
import { OgcRepository } from '../ogc/ogc.repository';
import { ServiceItemRepository } from '../service-item/service-item.repository';
import { ServicePointRepository } from '../service-point/service-point.repository';
import { VillageRepository } from '../village/village.repository';
import { ApiKeyRepository } from '../partner/api-key.repository';
import { AuditLogRepository } from '../write/audit-log.repository';
import { SavedScenarioRepository } from '../planning/saved-scenario.repository';
import { PlanningAreaRepository } from '../planning-area/planning-area.repository';
import { HandlingRuleRepository } from '../handling-rule/handling-rule.repository';

export type Repositories = ReturnType<typeof createRepositories>;

/**
 * `db` serves the reads (with read replicas, the primary with its plain statements routed per request); `primary` is
 * the primary itself, for what must be read where it is written: API keys (a revocation applies at once), the audit
 * log, and saved scenarios (which do not bump the data version, so a replica's lag could not be checked for them).
 */
export function createRepositories(db: DataSource, primary: DataSource = db) {
  return {
    area: new AreaRepository(db),
    village: new VillageRepository(db),
    serviceItem: new ServiceItemRepository(db),
    servicePoint: new ServicePointRepository(db),
    coverage: new CoverageRepository(db),
    tiles: new TilesRepository(db),
    ogc: new OgcRepository(db),
    apiKey: new ApiKeyRepository(primary),
    auditLog: new AuditLogRepository(primary),
    savedScenario: new SavedScenarioRepository(primary),
    planningArea: new PlanningAreaRepository(db),
    handlingRule: new HandlingRuleRepository(db),
  };
}
