import fs from 'node:fs';
import path from 'node:path';
import type { EntityManager } from 'typeorm';
import { importRoadNetwork, type RoadNetworkCounts } from '../src/road/road-import.service';
import { readSeedFile, type SeedDataset } from './dataset';

/** The dataset's road file, seeds/data/roads/<dataset>.geojson (beside the dataset), or null when it has none. */
export function roadSeedFile(dataset: string, dataDir: string): { file: string; features: unknown; checksum: string } | null {
  const name = `roads/${dataset}.geojson`;
  if (!fs.existsSync(path.join(dataDir, name))) return null;
  const { data, checksum } = readSeedFile<unknown>(name, dataDir);
  return { file: name, features: data, checksum };
}

/**
 * The dataset's synthetic road network (scripts/build-roads.mjs: county roads between township seats, village roads
 * to every village, with hill detours), loaded as its root area's network through the importer's own writer, in
 * the seeding transaction. Labelled synthetic in the network row, so every ROAD answer says so.
 */
export async function seedRoads(manager: EntityManager, data: SeedDataset, roads: { file: string; features: unknown }): Promise<RoadNetworkCounts> {
  const root = data.areas.find((a) => a.code === data.rootCode);
  return importRoadNetwork(manager, {
    areaCode: data.rootCode,
    name: `${root?.name ?? data.rootCode} synthetic roads`,
    source: `seeds/data/${roads.file} (synthetic, scripts/build-roads.mjs)`,
    synthetic: true,
    features: roads.features,
  });
}
