import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { Presets, SingleBar } from 'cli-progress';
import { createLogger } from '../common/logger';
import { loadConfig } from '../config/config';
import { openDatabase } from '../db/data-source';
import { prepareDatabase } from '../db/prepare-database';
import { RoadImportError } from '../road/road-import.error';
import { RoadImportService, type RoadImportPhase, type RoadImportProgress, type RoadImportReport } from '../road/road-import.service';
import { RoadRepository, type RoadNetworkSummary } from '../road/road.repository';

const USAGE = `Usage:
  npm run roads -- import FILE [--area CODE] [--name NAME]
  npm run roads -- status

import reads an OpenStreetMap extract (.osm.pbf, streamed in two passes) or a GeoJSON FeatureCollection of
LineStrings whose properties are OSM tags (highway, oneway, maxspeed, route=ferry, duration, name). It keeps the
ways a travel mode can use (the highway classes of the road speed table, and ferries), splits them into edges at
junctions, and replaces the area's road network in one transaction; running servers reload roads with it.
  --area CODE  the area the network is for. Edges whose geometry intersects its boundary are kept (its own
               boundary; else those of the areas below it; else its nearest ancestor's). Without --area: the
               smallest area whose boundary contains the network's bounding box, or a refusal asking for --area.
  --name NAME  the network's name (default "<area name> roads").
status lists the loaded networks: area, name, source, synthetic, nodes, edges, km, imported at.
Exit code: 0 done, 2 the file is bad (nothing was changed), 64 bad arguments, 1 the import failed.
With the embedded database, stop the server first (one process at a time may open ./data/pglite).`;

const PHASES: Record<RoadImportPhase, { label: string; unit: 'MiB' | 'edges' | 'rows' }> = {
  ways: { label: 'pass 1/2: ways', unit: 'MiB' },
  nodes: { label: 'pass 2/2: node positions', unit: 'MiB' },
  clip: { label: 'clipping to the area', unit: 'edges' },
  write: { label: 'writing nodes and edges', unit: 'rows' },
};

const number = (n: number, digits = 0): string => n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const seconds = (ms: number): string => `${number(ms / 1000, 1)} s`;

/**
 * Progress on stderr: a bar per phase on a terminal; otherwise a plain line per phase start and at most one every
 * two seconds (logs and CI keep them readable).
 */
function progressReporter(): { update: (p: RoadImportProgress) => void; stop: () => void } {
  const tty = process.stderr.isTTY === true;
  let phase: RoadImportPhase | null = null;
  let bar: SingleBar | null = null;
  let lastLine = 0;
  let finished = false;
  const scaled = (p: RoadImportProgress, unit: string) => (unit === 'MiB' ? [p.done / 2 ** 20, p.total / 2 ** 20] : [p.done, p.total]) as [number, number];
  return {
    update(p) {
      const { label, unit } = PHASES[p.phase];
      const [done, total] = scaled(p, unit);
      if (tty) {
        if (p.phase !== phase) {
          bar?.stop();
          bar = new SingleBar({ format: `${label.padEnd(26)} |{bar}| {percentage}% | {value}/{total} ${unit} | {eta_formatted} left`, hideCursor: true, formatValue: (v) => number(v, unit === 'MiB' ? 1 : 0) }, Presets.shades_classic);
          bar.start(total, 0);
        }
        bar!.setTotal(total);
        bar!.update(done);
      } else {
        // A line when a phase starts, every two seconds, and when it is done.
        const now = Date.now();
        if (p.phase !== phase || now - lastLine >= 2000 || (done === total && !finished)) {
          process.stderr.write(`${label}: ${number(done, unit === 'MiB' ? 1 : 0)} of ${number(total, unit === 'MiB' ? 1 : 0)} ${unit} (${total ? Math.floor((100 * done) / total) : 100} %)\n`);
          lastLine = now;
        }
        finished = done === total;
      }
      phase = p.phase;
    },
    stop() {
      bar?.stop();
    },
  };
}

function importReport(r: RoadImportReport, file: string): string {
  const seconds_ = r.totalMs / 1000;
  const lines = [
    `Imported ${number(r.nodes)} nodes and ${number(r.edges)} edges (${number(r.lengthKm, 1)} km) as the road network of ${r.areaName} (${r.areaCode}) from ${file} (${r.format}).`,
    `${number(r.waysRead)} ${r.format === 'PBF' ? 'ways' : 'features'} read, ${number(r.roadWays)} of them roads` +
      (r.areaFrom === 'found' ? `; area ${r.areaCode} is the smallest whose boundary contains the network` : '') +
      (r.clippedTo.length ? `; clipped to the boundary of ${r.clippedTo.join(', ')}: ${number(r.droppedOutsideArea)} edges outside dropped` : r.areaFrom === 'given' ? '; not clipped: neither the area nor its ancestors or descendants have a boundary' : '') +
      (r.droppedOutsideChina ? `; ${number(r.droppedOutsideChina)} edges outside mainland China dropped` : '') +
      '.',
    `Rate: ${number(r.nodes / seconds_)} nodes/s, ${number(r.edges / seconds_)} edges/s (read ${seconds(r.readMs)}, build ${seconds(r.buildMs)}, write ${seconds(r.writeMs)}, total ${seconds(r.totalMs)}).`,
  ];
  return lines.join('\n');
}

function statusReport(networks: readonly RoadNetworkSummary[]): string {
  if (networks.length === 0) return 'No road network is loaded (import one with `npm run roads -- import FILE --area CODE`).';
  const header = ['area', 'name', 'source', 'synthetic', 'nodes', 'edges', 'km', 'imported at'];
  const rows = networks.map((n) => [
    `${n.areaCode} ${n.areaName}`,
    n.name,
    n.source,
    n.synthetic ? 'yes' : 'no',
    number(n.nodeCount),
    number(n.edgeCount),
    number(n.lengthKm, 1),
    n.importedAt.toISOString().replace(/\.\d+Z$/, 'Z'),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const right = new Set([4, 5, 6]);
  const line = (cells: string[]) => cells.map((c, i) => (right.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

async function withRoads<T>(work: (service: RoadImportService) => Promise<T>): Promise<T> {
  const config = loadConfig(process.env);
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'warn' });
  const db = await openDatabase(config, logger);
  try {
    await prepareDatabase(db, { migrate: config.migrateOnStart, seed: false, datasets: [], logger });
    return await work(new RoadImportService(new RoadRepository(db.dataSource)));
  } finally {
    await db.close();
  }
}

async function run(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ allowPositionals: true, options: { area: { type: 'string' }, name: { type: 'string' }, help: { type: 'boolean' } } });
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 64;
  }
  const { positionals, values } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const [command, file, ...extra] = positionals;
  if (command === 'status' && !file) {
    return withRoads(async (service) => {
      console.log(statusReport(await service.networks()));
      return 0;
    });
  }
  if (command !== 'import' || !file || extra.length) {
    console.error(`${command === 'import' ? (file ? `import takes one FILE (got ${positionals.length - 1}).` : 'import needs a FILE.') : `Unknown command${command ? ` "${command}"` : ''}.`}\n${USAGE}`);
    return 64;
  }
  if (values.name !== undefined && !/^.{1,200}$/su.test(values.name.trim())) {
    console.error(`--name must be 1 to 200 characters.\n${USAGE}`);
    return 64;
  }
  const progress = progressReporter();
  try {
    return await withRoads(async (service) => {
      const report = await service.importFile({ file, areaCode: values.area, name: values.name?.trim(), onProgress: progress.update });
      progress.stop();
      console.log(importReport(report, file));
      return 0;
    });
  } catch (err) {
    progress.stop();
    if (!(err instanceof RoadImportError)) throw err;
    console.error(`${err.message}. Nothing was changed.${err.kind === 'ARGUMENT' ? `\n${USAGE}` : ''}`);
    return err.kind === 'ARGUMENT' ? 64 : 2;
  }
}

run()
  .then((code) => process.exit(code))
  .catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
