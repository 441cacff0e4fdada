import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * GDAL's command-line tools (Debian's gdal-bin) for the tests that use GDAL as a real OGC API - Features client.
 * As with the browser tests (helpers/browser.ts): without them the tests are skipped after one line saying how to
 * enable them, unless CI (`CI=true`) requires them, in which case they run and fail with the reason.
 */

const ENABLE_HINT = 'install them (apt-get install gdal-bin) or put a directory holding ogrinfo and ogr2ogr first on PATH';

type Env = Record<string, string | undefined>;

function isExecutableFile(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

export interface GdalTools {
  readonly ogrinfo: string;
  readonly ogr2ogr: string;
}

/** ogrinfo and ogr2ogr from the first directory of PATH holding both; null if none does. */
export function findGdal(env: Env = process.env, isExecutable: (file: string) => boolean = isExecutableFile): GdalTools | null {
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const ogrinfo = path.join(dir, 'ogrinfo');
    const ogr2ogr = path.join(dir, 'ogr2ogr');
    if (isExecutable(ogrinfo) && isExecutable(ogr2ogr)) return { ogrinfo, ogr2ogr };
  }
  return null;
}

export type GdalPlan = { tools: GdalTools; required: boolean; message?: undefined } | { tools: null; required: boolean; message: string };

export function gdalPlan(env: Env = process.env, isExecutable: (file: string) => boolean = isExecutableFile): GdalPlan {
  const required = ['true', '1'].includes((env.CI ?? '').trim().toLowerCase());
  const tools = findGdal(env, isExecutable);
  if (tools) return { tools, required };
  const message = required
    ? `The GDAL tests need ogrinfo and ogr2ogr and CI=true requires them, but none is on PATH: ${ENABLE_HINT}.`
    : `GDAL tests skipped: no ogrinfo and ogr2ogr on PATH; to run them, ${ENABLE_HINT}.`;
  return { tools: null, required, message };
}

/** Printed once per run (see helpers/browser.ts: jest runs the files in one process; the flag sits on `os`). */
const SKIP_LINE_PRINTED = Symbol.for('service-circle.gdal-tests-skipped');
function warnOncePerRun(message: string): void {
  const shared = os as unknown as Record<symbol, boolean | undefined>;
  if (shared[SKIP_LINE_PRINTED]) return;
  shared[SKIP_LINE_PRINTED] = true;
  process.stderr.write(`${message}\n`);
}

/** `describe` for tests that run GDAL: skipped without it (one line), except under CI, where `gdalTools()` fails. */
export function describeWithGdal(name: string, fn: () => void): void {
  const plan = gdalPlan();
  if (plan.tools === null && !plan.required) {
    warnOncePerRun(plan.message);
    describe.skip(name, fn);
  } else {
    describe(name, fn);
  }
}

/** The tools, or the reason they are missing (thrown: under CI the tests fail with it). */
export function gdalTools(): GdalTools {
  const plan = gdalPlan();
  if (plan.tools === null) throw new Error(plan.message);
  return plan.tools;
}
