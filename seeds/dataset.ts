import type { HandlingRuleSpec } from '../src/handling-rule/handling-rules';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import type { MultiPolygon } from 'geojson';
import type { AreaLevel } from '../src/area/area-level.enum';
import type { DelegationLevel } from '../src/service-item/delegation-level.enum';
import type { ServicePointKind, ServicePointStatus } from '../src/service-point/service-point-kind.enum';

/** Shape of seeds/data/<name>.json, written by scripts/build-seeds.mjs. */
export interface SeedDataset {
  name: string;
  rootCode: string;
  provenance: Record<string, string>;
  areas: { code: string; name: string; level: AreaLevel; parentCode: string | null; boundary?: MultiPolygon | null; seat?: [number, number] | null }[];
  villages: { code: string; name: string; townshipCode: string; countyCode: string; location: [number, number]; population: number }[];
  servicePoints: {
    id: string;
    name: string;
    kind: ServicePointKind;
    status: ServicePointStatus;
    areaCode: string;
    villageCode: string | null;
    location: [number, number];
    address: string | null;
    phone: string | null;
    openingHours: string | null;
    itemCodes: string[] | null;
    /**
     * Items the point accepts on a resident's behalf and forwards to the level that decides (帮办代办: Taiyuan's
     * "assisting them in providing services on their behalf"); loaded into service_point_assisted_item.
     */
    assistedItemCodes?: string[] | null;
  }[];
  villagesWithoutPoint?: string[];
  /**
   * Planners' areas the dataset defines (a functional zone with no code of its own, e.g. Taibai Lake's TAIBAI_LAKE):
   * inserted, or updated to this definition, when the dataset is loaded (author 'seed'). Members (townships of 9
   * digits, villages of 12) or a polygon (WGS-84), as createPlanningArea takes them.
   */
  planningAreas?: { code: string; name: string; description: string | null; memberCodes: string[]; boundary: MultiPolygon | null }[];
  /**
   * Ways of handling its report describes (assisted turnaround, online channels), per area and item, as setHandlingRule
   * takes them: inserted, or set to this rule, when the dataset is loaded (author 'seed').
   */
  handlingRules?: HandlingRuleSpec[];
}

export interface SeedCatalogue {
  items: { code: string; name: string; nameZh: string; delegationLevel: DelegationLevel }[];
}

/** The project's root (found from the sources and from the compiled copy under dist/ alike). */
export function projectRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`seed data not found: no package.json above ${__dirname}`);
    dir = parent;
  }
  return dir;
}

/** seeds/data of the project. */
export function seedDataDir(): string {
  return path.join(projectRoot(), 'seeds', 'data');
}

/** Reads a seed file from `dataDir` (default: the project's seeds/data). */
export function readSeedFile<T>(fileName: string, dataDir: string = seedDataDir()): { data: T; checksum: string } {
  const text = fs.readFileSync(path.join(dataDir, fileName), 'utf8');
  return { data: JSON.parse(text) as T, checksum: crypto.createHash('sha256').update(text).digest('hex') };
}

/** Dataset names (file names without .json, the catalogue excepted) in `dataDir` (default: the project's seeds/data). */
export function availableDatasets(dataDir: string = seedDataDir()): string[] {
  return fs
    .readdirSync(dataDir)
    .filter((f) => f.endsWith('.json') && f !== 'service-items.json')
    .map((f) => f.replace(/\.json$/, ''))
    .sort();
}
