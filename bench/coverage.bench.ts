import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { createApp } from '../src/app';
import { createSilentLogger } from '../src/common/logger';
import { loadConfig } from '../src/config/config';
import { CoverageEngine } from '../src/coverage/coverage.engine';
import { CoverageRepository } from '../src/coverage/coverage.repository';
import { openDatabase } from '../src/db/data-source';
import { prepareDatabase } from '../src/db/prepare-database';
import { travelRadiusMeters } from '../src/geo';
import { StraightLineModel } from '../src/travel/straight-line.model';

/**
 * `npm run bench`: coverage at national scale and the GraphQL coverage query for Sanming.
 *
 * 1. National: the synthetic national set (scripts/build-national.mjs + scripts/load-national.mjs, in the
 *    database service_circle_national of DATABASE_URL's server). Full coverage of one township-level item by
 *    EBIKE in 15 minutes: the in-memory engine, then the straightforward PostGIS query on the same data in the
 *    same run; the ratio; and whether they agree.
 * 2. Sanming: the GraphQL `coverage` query in process on the seeded database, warm, p50/p95 with and
 *    without the result cache.
 * Figures are printed and written to bench/RESULTS.md.
 */
const ITEM = 'CHRONIC_DISEASE_CERT';
const MODEL = new StraightLineModel({ speedsKmh: { WALK: 5, BICYCLE: 12, EBIKE: 20, CAR: 30 }, detourFactor: 1.3 });
const lines: string[] = [];
const say = (s: string) => {
  console.log(s);
  lines.push(s);
};
let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const ms = (t0: number) => performance.now() - t0;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function national(serverUrl: string): Promise<void> {
  const url = new URL(serverUrl);
  url.pathname = '/service_circle_national';
  const logger = createSilentLogger();
  const config = loadConfig({ DATABASE_URL: url.toString(), DATABASE_POOL_SIZE: '2', LOG_LEVEL: 'silent' });
  let db;
  try {
    db = await openDatabase(config, logger);
  } catch (err) {
    say(`National: skipped, no database service_circle_national (${(err as Error).message}).`);
    say('  Build it with: node scripts/build-national.mjs && npm run build && DATABASE_URL=... node scripts/load-national.mjs');
    return;
  }
  try {
    const repo = new CoverageRepository(db.dataSource);
    const radius = travelRadiusMeters(20, 15, 1.3);
    say(`National set: ${ITEM} (township level), EBIKE 20 km/h, 15 min, detour 1.3 → radius ${radius.toFixed(1)} m`);

    process.stdout.write('  loading the engine snapshot… ');
    let t0 = performance.now();
    const snapshot = await repo.loadSnapshot();
    const loadMs = ms(t0);
    t0 = performance.now();
    const engine = new CoverageEngine(snapshot.dataVersion, snapshot.villages, snapshot.points);
    const buildMs = ms(t0);
    console.log('done');
    say(`  snapshot: ${snapshot.villages.length.toLocaleString('en')} villages, ${snapshot.points.length.toLocaleString('en')} active points; read ${(loadMs / 1000).toFixed(1)} s, engine built ${buildMs.toFixed(0)} ms`);

    // First call builds the item's KDBush index; report it and the steady state separately.
    t0 = performance.now();
    let e = engine.computeArea('', ITEM, MODEL, 'EBIKE', radius);
    const firstMs = ms(t0);
    const runs: number[] = [];
    for (let i = 0; i < 3; i++) {
      t0 = performance.now();
      e = engine.computeArea('', ITEM, MODEL, 'EBIKE', radius);
      runs.push(ms(t0));
    }
    runs.sort((a, b) => a - b);
    const engineMs = runs[1];
    const covered = e.covered.reduce((n, x) => n + x, 0);
    say(`  engine: ${(firstMs / 1000).toFixed(2)} s first call (incl. index build), ${(engineMs / 1000).toFixed(2)} s median of 3 → ${covered.toLocaleString('en')} of ${e.codes.length.toLocaleString('en')} villages covered`);

    process.stdout.write('  PostGIS reference query (one ST_DWithin statement over every village; this takes a while)… ');
    t0 = performance.now();
    const { computation: p } = await repo.computeArea('', ITEM, radius, { nearestBeyond: false });
    const postgisMs = ms(t0);
    console.log('done');
    const pCovered = p.covered.reduce((n, x) => n + x, 0);
    say(`  PostGIS: ${(postgisMs / 1000).toFixed(1)} s → ${pCovered.toLocaleString('en')} covered`);
    say(`  ratio: engine is ${(postgisMs / engineMs).toFixed(0)}x faster than the PostGIS query (target ≥ 20x; engine target < 2 s)`);

    let disagree = 0;
    let borderline = 0;
    let maxRelDiff = 0;
    for (let k = 0; k < e.codes.length; k++) {
      if (e.covered[k] !== p.covered[k]) {
        const d = Number.isFinite(e.distanceMeters[k]) ? e.distanceMeters[k] : p.distanceMeters[k];
        if (Math.abs(d - radius) <= 0.005 * radius) borderline++;
        else disagree++;
      } else if (e.covered[k] && p.covered[k]) {
        maxRelDiff = Math.max(maxRelDiff, Math.abs(e.distanceMeters[k] - p.distanceMeters[k]) / Math.max(p.distanceMeters[k], 1));
      }
    }
    say(`  agreement: ${disagree} villages differ beyond 0.5% of the threshold, ${borderline} within it; max distance difference ${(maxRelDiff * 100).toFixed(4)} %`);
  } finally {
    await db.close();
  }
}

/** A database of our own on the server, so the bench never seeds the one DATABASE_URL names. */
async function ensureDatabase(serverUrl: string, name: string): Promise<string> {
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function sanmingGraphql(serverUrl: string | undefined): Promise<void> {
  const logger = createSilentLogger();
  const env: Record<string, string> = serverUrl
    ? { DATABASE_URL: await ensureDatabase(serverUrl, 'service_circle_bench'), LOG_LEVEL: 'silent' }
    : { DATA_DIR: 'memory', LOG_LEVEL: 'silent' };
  for (const cacheEntries of ['1000', '0']) {
    const config = loadConfig({ ...env, COVERAGE_CACHE_ENTRIES: cacheEntries });
    const db = await openDatabase(config, logger);
    try {
      await prepareDatabase(db, { migrate: true, seed: true, datasets: ['kaiyang', 'sanming'], logger });
      const app = await createApp({ config, logger, dataSource: db.dataSource });
      const query = `{ coverage(areaCode: "3504", itemCode: "${ITEM}", mode: EBIKE) { villageCount coveredVillageCount coveredPopulationRatio byTownship { township { name } coveredPopulationRatio } provenance { dataVersion } } }`;
      const run = async () => {
        const t0 = performance.now();
        const r = await app.apollo.executeOperation({ query }, { contextValue: app.createContext() });
        if (r.body.kind !== 'single' || r.body.singleResult.errors) throw new Error(JSON.stringify(r.body));
        return ms(t0);
      };
      for (let i = 0; i < 5; i++) await run(); // warm: engine loaded, JIT warm
      const times: number[] = [];
      for (let i = 0; i < 200; i++) times.push(await run());
      times.sort((a, b) => a - b);
      say(
        `Sanming GraphQL coverage (${serverUrl ? 'server' : 'embedded'} database, result cache ${cacheEntries === '0' ? 'off: every request recomputes' : 'on'}): ` +
          `p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms, max ${times[times.length - 1].toFixed(1)} ms over 200 requests (target p95 < 100 ms)`,
      );
      await app.stop();
    } finally {
      await db.close();
    }
  }
}

async function main(): Promise<void> {
  const serverUrl = process.env.DATABASE_URL;
  say(`# Coverage benchmark, ${new Date().toISOString()}`);
  say(`Machine: ${require('node:os').cpus().length} cores, Node ${process.version}`);
  say('');
  if (serverUrl) await national(serverUrl);
  else say('National: skipped (set DATABASE_URL to a PostgreSQL + PostGIS server that holds service_circle_national).');
  say('');
  await sanmingGraphql(serverUrl);
  clearInterval(sampler);
  say(`Peak resident memory of this process: ${mb(peakRss)} (target < 1.5 GB)`);
  const file = path.resolve(__dirname, '../../bench/RESULTS.md');
  const previous = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const marker = '<!-- coverage.bench -->';
  const rest = previous.includes(marker) ? previous.slice(previous.indexOf(marker, previous.indexOf(marker) + 1) + marker.length) : previous;
  fs.writeFileSync(file, `${marker}\n${lines.join('\n')}\n${marker}\n${rest}`);
  console.log(`\nwritten to ${path.relative(process.cwd(), file)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
