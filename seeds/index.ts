import crypto from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Logger } from '../src/common/logger';
import { AreaRepository } from '../src/area/area.repository';
import { ServiceItemRepository } from '../src/service-item/service-item.repository';
import { ServicePointRepository } from '../src/service-point/service-point.repository';
import { VillageRepository } from '../src/village/village.repository';
import { SeedStateRepository } from './seed-state.repository';
import { SeedDataRepository } from './seed-data.repository';
import { availableDatasets, readSeedFile, seedDataDir, type SeedCatalogue, type SeedDataset } from './dataset';
import { seedServiceItems } from './001-service-items';
import { seedAreas } from './002-areas';
import { seedVillages } from './003-villages';
import { seedServicePoints } from './004-service-points';
import { roadSeedFile, seedRoads } from './005-roads';
import { seedPlanningAreas } from './006-planning-areas';
import { seedHandlingRules } from './007-handling-rules';

export interface SeedCounts {
  /** Rows of the dataset (areas, villages, points) and road edges loaded. */
  areas: number;
  villages: number;
  servicePoints: number;
  roadEdges: number;
  /** Planning areas the dataset defines (inserted or updated to its definition). */
  planningAreas: number;
  handlingRules: number;
  /** Villages and points of the dataset left as they were: an import had made them real (locationSynthetic false). */
  keptImported: { villages: number; servicePoints: number };
  /** Synthetic points in the dataset's counties that it does not have, deleted (an earlier generation, another set). */
  staleSyntheticPointsRemoved: number;
}

export interface SeedResult {
  dataset: string;
  skipped: boolean;
  counts?: SeedCounts;
}

/**
 * Loads the catalogue and the named datasets, each in one transaction (all of it or none), through the
 * same repositories the API uses. A dataset whose file is unchanged since it was last applied is skipped
 * unless `force`; running it again is harmless (upserts by code). Datasets are read from `dataDir`
 * (default: seeds/data; e.g. .cache/national for the national benchmark set, .cache/areas for
 * `npm run seed -- --area`); the service-item catalogue always comes from seeds/data.
 *
 * A dataset holds the synthetic rows of its counties: loading it replaces the synthetic points there that it does
 * not have. Rows an import has made real (locationSynthetic false) are never overwritten or deleted by a seed.
 */
export async function runSeeds(
  dataSource: DataSource,
  options: { datasets: readonly string[]; logger: Logger; force?: boolean; dataDir?: string },
): Promise<SeedResult[]> {
  const { logger, dataDir } = options;
  const known = availableDatasets(dataDir);
  const unknown = options.datasets.filter((d) => !known.includes(d));
  if (unknown.length) throw new Error(`Unknown seed dataset(s): ${unknown.join(', ')}. Available: ${known.join(', ')}`);

  const repos = {
    area: new AreaRepository(dataSource),
    village: new VillageRepository(dataSource),
    item: new ServiceItemRepository(dataSource),
    point: new ServicePointRepository(dataSource),
    state: new SeedStateRepository(dataSource),
    data: new SeedDataRepository(dataSource),
  };
  const catalogue = readSeedFile<SeedCatalogue>('service-items.json');
  const results: SeedResult[] = [];

  for (const name of options.datasets) {
    const file = readSeedFile<SeedDataset>(`${name}.json`, dataDir);
    const roads = roadSeedFile(name, dataDir ?? seedDataDir());
    const checksum = crypto.createHash('sha256').update(catalogue.checksum).update(file.checksum).update(roads?.checksum ?? '').digest('hex');
    if (!options.force && (await repos.state.checksumOf(name)) === checksum) {
      logger.info({ dataset: name }, 'seed dataset unchanged, skipped');
      results.push({ dataset: name, skipped: true });
      continue;
    }
    const started = Date.now();
    logger.info({ dataset: name, villages: file.data.villages.length, servicePoints: file.data.servicePoints.length }, 'seeding');
    const data = file.data;
    const counts = await dataSource.transaction(async (manager): Promise<SeedCounts> => {
      await seedServiceItems(manager, repos.item, catalogue.data);
      const areas = await seedAreas(manager, repos.area, data);
      const pointIds = data.servicePoints.map((p) => p.id);
      const counties = data.areas.filter((a) => a.level === 'COUNTY').map((a) => a.code);
      const stale = await repos.data.deleteStaleSyntheticPoints(manager, counties, pointIds);
      const keepVillages = await repos.data.importedVillages(manager, data.villages.map((v) => v.code));
      const keepPoints = await repos.data.importedPoints(manager, pointIds);
      await seedVillages(manager, repos.village, data, keepVillages);
      await seedServicePoints(manager, repos.point, data, catalogue.data, keepPoints);
      const roadEdges = roads ? (await seedRoads(manager, data, roads)).edges : 0;
      const planningAreas = await seedPlanningAreas(manager, data);
      const handlingRules = await seedHandlingRules(manager, data);
      await repos.state.record(manager, name, checksum);
      return {
        areas,
        villages: data.villages.length,
        servicePoints: data.servicePoints.length,
        roadEdges,
        planningAreas,
        handlingRules,
        keptImported: { villages: keepVillages.size, servicePoints: keepPoints.size },
        staleSyntheticPointsRemoved: stale.length,
      };
    });
    logger.info({ dataset: name, ...counts, ms: Date.now() - started }, 'seeded');
    results.push({ dataset: name, skipped: false, counts });
  }
  if (results.some((r) => !r.skipped)) await repos.state.analyze();
  return results;
}
