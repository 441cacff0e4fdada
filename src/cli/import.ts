import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { SingleBar, Presets } from 'cli-progress';
import { CRS_NAMES } from '../geo/convert-geometry';
import { CLI_ACTOR } from '../write/actor';
import { Role } from '../common/role.enum';
import type { Viewer } from '../common/viewer';
import { ImportFormat, WriteMode } from '../write/write-report.type';
import { withServices } from './with-services';

const USAGE = `Usage:
  npm run import -- <service-points|villages> <file.csv|file.geojson> [--mode ALL_OR_NOTHING|VALID_ROWS] [--crs WGS84|GCJ02|BD09] [--dry-run]

Rows are matched by id (service points) or code (villages): importing the same file twice changes nothing.
ALL_OR_NOTHING (default) writes nothing if any row is bad; VALID_ROWS writes the good rows. Every bad row is
listed with its line and reason. Exit code: 0 all rows accepted, 2 some rows rejected, 1 the import failed.
With the embedded database, stop the server first (one process at a time may open ./data/pglite).`;

/** The command line is trusted like an admin with every area. */
const CLI_VIEWER: Viewer = { kind: 'api-key', keyId: null, name: 'cli', roles: [Role.EDITOR], areaCodes: [''] };

async function run(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { mode: { type: 'string' }, crs: { type: 'string' }, format: { type: 'string' }, 'dry-run': { type: 'boolean' }, help: { type: 'boolean' } },
  });
  const [entity, file] = positionals;
  if (values.help || !file || (entity !== 'service-points' && entity !== 'villages')) {
    console.log(USAGE);
    return values.help ? 0 : 64;
  }
  const mode = (values.mode ?? 'ALL_OR_NOTHING').toUpperCase();
  const crs = (values.crs ?? 'WGS84').toUpperCase();
  if (!(Object.values(WriteMode) as string[]).includes(mode) || !(CRS_NAMES as readonly string[]).includes(crs)) {
    console.error(`--mode must be ALL_OR_NOTHING or VALID_ROWS and --crs WGS84, GCJ02 or BD09.\n${USAGE}`);
    return 64;
  }
  const ext = path.extname(file).toLowerCase();
  const format = (values.format?.toUpperCase() ?? (ext === '.csv' ? 'CSV' : 'GEOJSON')) as ImportFormat;
  const content = fs.readFileSync(file, 'utf8');

  return withServices(async (services) => {
    const bar = new SingleBar({ format: `${entity} |{bar}| {value}/{total} rows written | {eta_formatted} left`, hideCursor: true, noTTYOutput: true, notTTYSchedule: 2000 }, Presets.shades_classic);
    let started = false;
    const onProgress = (done: number, total: number) => {
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.update(done);
    };
    console.error(`Reading ${file} (${(content.length / 1024).toFixed(0)} KiB, ${format}) and checking every row…`);
    const request = { format, content, mode: mode as WriteMode, crs: crs as 'WGS84', dryRun: values['dry-run'] ?? false };
    const caller = { viewer: CLI_VIEWER, actor: CLI_ACTOR };
    const report =
      entity === 'service-points' ? await services.import.importServicePoints(request, caller, onProgress) : await services.import.importVillages(request, caller, onProgress);
    if (started) bar.stop();
    for (const p of report.problems) console.log(`line ${p.line}${p.key ? ` (${p.key})` : ''}${p.field ? ` ${p.field}` : ''}: ${p.reason}`);
    const verb = request.dryRun ? 'would create' : 'created';
    console.log(
      `${report.rowsRead} rows read: ${verb} ${report.created}, updated ${report.updated}, unchanged ${report.unchanged}, rejected ${report.rejected}` +
        (report.mode === 'ALL_OR_NOTHING' && report.problems.length ? ' (ALL_OR_NOTHING: nothing was written)' : '') +
        (request.dryRun ? ' (dry run: nothing was written)' : '') + '.',
    );
    return report.problems.length ? 2 : 0;
  });
}

run()
  .then((code) => process.exit(code))
  .catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
