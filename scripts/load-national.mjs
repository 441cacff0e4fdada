#!/usr/bin/env node
// Loads the national benchmark set (.cache/national/<provinceCode>.json, from scripts/build-national.mjs) into the
// database service_circle_national on the PostgreSQL + PostGIS server of DATABASE_URL, through the compiled
// project code (run `npm run build` first): migrations, then runSeeds per province (each province in one
// transaction, upserts by code; an unchanged province is skipped unless --force).
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node scripts/load-national.mjs [--fresh] [--force]
//     [--only 52,35] [--dir .cache/national] [--database service_circle_national]
//
// --fresh drops and recreates the database first. LOG_LEVEL (default error; warn shows slow statements) sets the
// project logger's level.

import { createRequire } from 'node:module';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(ROOT, 'package.json'));
const t0 = Date.now();
const secs = (t) => ((Date.now() - t) / 1000).toFixed(1);
const log = (msg) => console.log(`[load-national +${secs(t0)}s] ${msg}`);
const fail = (msg) => {
  console.error(`[load-national] FAILED: ${msg}`);
  process.exit(1);
};
let peakRss = 0;
const sample = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss));
const sampler = setInterval(sample, 100);
const mib = (b) => `${(b / 2 ** 20).toFixed(0)} MiB`;

function parseArgs(argv) {
  const opt = { fresh: false, force: false, only: null, dir: path.join(ROOT, '.cache', 'national'), database: 'service_circle_national' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => (i + 1 < argv.length ? argv[++i] : fail(`${a} needs a value`));
    if (a === '--fresh') opt.fresh = true;
    else if (a === '--force') opt.force = true;
    else if (a === '--only') opt.only = val().split(',').map((s) => s.trim()).filter(Boolean);
    else if (a === '--dir') opt.dir = path.resolve(val());
    else if (a === '--database') opt.database = val();
    else fail(`unknown argument ${a}`);
  }
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(opt.database)) fail(`--database ${opt.database}: use a plain lower-case identifier`);
  return opt;
}

async function ensureDatabase(serverUrl, name, fresh) {
  const { Client } = require('pg');
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    if (fresh) {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      log(`dropped database ${name} (--fresh)`);
    }
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) {
      await admin.query(`CREATE DATABASE ${name}`);
      log(`created database ${name}`);
    } else log(`database ${name} exists`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function main() {
  const opt = parseArgs(process.argv.slice(2));
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) fail('set DATABASE_URL to a PostgreSQL + PostGIS server, e.g. postgres://postgres@127.0.0.1:5432/postgres');
  const dist = (p) => path.join(ROOT, 'dist', p);
  if (!existsSync(dist('seeds/index.js'))) fail('dist/ is missing: run `npm run build` first');
  if (!existsSync(opt.dir)) fail(`${opt.dir} is missing: run \`node scripts/build-national.mjs\` first`);
  const files = readdirSync(opt.dir).filter((f) => /^\d{2}\.json$/.test(f)).sort();
  const datasets = files.map((f) => f.replace(/\.json$/, '')).filter((d) => !opt.only || opt.only.includes(d));
  if (!datasets.length) fail(`no province files in ${opt.dir}${opt.only ? ` matching --only ${opt.only.join(',')}` : ''}`);
  const totalBytes = datasets.reduce((s, d) => s + statSync(path.join(opt.dir, `${d}.json`)).size, 0);
  log(`${datasets.length} province file(s) in ${path.relative(ROOT, opt.dir) || opt.dir}/ (${mib(totalBytes)})`);

  require('reflect-metadata');
  const { runSeeds } = require(dist('seeds/index.js'));
  const { openDatabase } = require(dist('src/db/data-source.js'));
  const { loadConfig } = require(dist('src/config/config.js'));
  const { prepareDatabase } = require(dist('src/db/prepare-database.js'));
  const { createLogger } = require(dist('src/common/logger.js'));

  const url = await ensureDatabase(serverUrl, opt.database, opt.fresh);
  const config = loadConfig({ DATABASE_URL: url, DATABASE_POOL_SIZE: '2', LOG_LEVEL: process.env.LOG_LEVEL ?? 'error' });
  const logger = createLogger({ level: config.logLevel, name: 'load-national' });
  const db = await openDatabase(config, logger);
  try {
    let t = Date.now();
    await prepareDatabase(db, { migrate: true, seed: false, datasets: [], logger });
    log(`migrations applied in ${secs(t)} s`);

    // One runSeeds call for every province (each still in its own transaction; ANALYZE once at the end). Its
    // 'seeding' / 'seeded' log records drive the progress lines.
    const loadStart = Date.now();
    const sum = { areas: 0, villages: 0, servicePoints: 0, skipped: 0, done: 0 };
    let started = Date.now();
    const progress = {
      info(obj, msg) {
        sample();
        const head = () => `[${String(sum.done).padStart(2)}/${datasets.length}] ${obj.dataset}`;
        if (msg === 'seeding') started = Date.now();
        else if (msg === 'seeded') {
          sum.done++;
          sum.areas += obj.areas;
          sum.villages += obj.villages;
          sum.servicePoints += obj.servicePoints;
          log(`${head()}: ${obj.areas.toLocaleString('en')} areas, ${obj.villages.toLocaleString('en')} villages, ` +
            `${obj.servicePoints.toLocaleString('en')} points in ${secs(started)} s (loading ${secs(loadStart)} s, rss ${mib(process.memoryUsage().rss)})`);
        } else if (msg === 'seed dataset unchanged, skipped') {
          sum.done++;
          sum.skipped++;
          log(`${head()}: unchanged since last load, skipped (--force reloads)`);
        } else logger.info(obj, msg);
      },
      warn: (...a) => logger.warn(...a),
      error: (...a) => logger.error(...a),
      debug: (...a) => logger.debug(...a),
      child: () => progress,
      isLevelEnabled: (l) => logger.isLevelEnabled(l),
    };
    await runSeeds(db.dataSource, { datasets, logger: progress, force: opt.force, dataDir: opt.dir });
    const loadSecs = secs(loadStart);

    const q = (sql) => db.dataSource.query(sql);
    const [areasBy, [villages], pointsBy, [items], [size]] = await Promise.all([
      q(`SELECT level, count(*)::int AS n, count(boundary)::int AS with_boundary FROM area GROUP BY level ORDER BY min(length(code))`),
      q(`SELECT count(*)::int AS n, coalesce(sum(population), 0)::bigint AS population FROM village`),
      q(`SELECT kind, count(*)::int AS n FROM service_point GROUP BY kind ORDER BY kind`),
      q(`SELECT count(*)::int AS n FROM service_point_item`),
      q(`SELECT pg_size_pretty(pg_database_size(current_database())) AS size`),
    ]);
    const points = pointsBy.reduce((s, r) => s + r.n, 0);
    clearInterval(sampler);
    sample();
    console.log('\n===== totals in the database =====');
    console.log(`areas: ${areasBy.map((r) => `${r.level} ${r.n.toLocaleString('en')}${r.with_boundary ? ` (${r.with_boundary} with boundary)` : ''}`).join(', ')}`);
    console.log(`villages: ${villages.n.toLocaleString('en')} (synthetic population ${Number(villages.population).toLocaleString('en')})`);
    console.log(`service points: ${points.toLocaleString('en')} (${pointsBy.map((r) => `${r.kind} ${r.n.toLocaleString('en')}`).join(', ')}); ${items.n.toLocaleString('en')} point-item rows`);
    console.log(`this run: ${datasets.length - sum.skipped} province(s) loaded, ${sum.skipped} skipped; ${sum.villages.toLocaleString('en')} villages and ` +
      `${sum.servicePoints.toLocaleString('en')} points written in ${loadSecs} s`);
    console.log(`database ${opt.database}: ${size.size}; total time ${secs(t0)} s; peak RSS of this process ${mib(peakRss)}`);
  } finally {
    await db.close();
  }
}

main().catch((err) => {
  console.error(`[load-national] FAILED: ${err?.stack ?? err}`);
  process.exit(1);
});
