import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { ensureDatabase } from './bench-report';
import { createApp } from '../src/app/app';
import { createSilentLogger } from '../src/common/logger';
import { loadConfig } from '../src/config/config';
import { CoverageEngine } from '../src/coverage/coverage.engine';
import { CoverageRepository } from '../src/coverage/coverage.repository';
import { sums } from '../src/coverage/coverage-figures';
import { openDatabase } from '../src/db/data-source';
import { prepareDatabase } from '../src/db/prepare-database';
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

const BUDGETS = [5, 10, 15, 30];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

async function national(serverUrl: string): Promise<void> {
  const url = new URL(serverUrl);
  url.pathname = '/service_circle_national';
  const logger = createSilentLogger();
  const config = loadConfig({ DATABASE_URL: url.toString(), DATABASE_POOL_SIZE: '4', LOG_LEVEL: 'silent', CACHE_MB: '0', RATE_LIMIT_COST_PER_MINUTE: '0' });
  let db;
  try {
    db = await openDatabase(config, logger);
  } catch (err) {
    say(`National: skipped, no database service_circle_national (${(err as Error).message}).`);
    say('  Build it with: node scripts/build-national.mjs && npm run build && DATABASE_URL=... node scripts/load-national.mjs');
    return;
  }
  const writer = new Client({ connectionString: url.toString() });
  await writer.connect();
  let app;
  try {
    const repo = new CoverageRepository(db.dataSource);
    say(`National set: ${ITEM} (township level), straight line, detour 1.3`);

    // 1. The engine: snapshot, then one item's accessibility field (in a block of its own: dropped before the app's).
    await (async () => {
    let t0 = performance.now();
    const snapshot = await repo.loadSnapshot();
    const loadMs = ms(t0);
    t0 = performance.now();
    const engine = new CoverageEngine(snapshot.dataVersion, snapshot.villages, snapshot.points);
    const engineMs = ms(t0);
    say(`  snapshot: ${snapshot.villages.length.toLocaleString('en')} villages, ${snapshot.points.length.toLocaleString('en')} active points; read ${(loadMs / 1000).toFixed(1)} s, engine built ${engineMs.toFixed(0)} ms`);
    t0 = performance.now();
    engine.field(MODEL, 'EBIKE', ITEM);
    const fieldMs = ms(t0);
    t0 = performance.now();
    engine.field(MODEL, 'EBIKE', '*');
    const anyFieldMs = ms(t0);
    const stats = engine.fieldStats();
    say(`  accessibility field of ${ITEM}: built in ${(fieldMs / 1000).toFixed(2)} s; "any item" field ${(anyFieldMs / 1000).toFixed(2)} s; ${stats.fields} fields, ${mb(stats.bytes)}`);

    // 2. Coverage for several budgets once the field exists (a scan of it), against the PostGIS query.
    for (const minutes of BUDGETS) {
      const radius = MODEL.budgetCost('EBIKE', minutes);
      // What the API does for an area's figures: the field read into the area's arrays, then the sums.
      const runs: number[] = [];
      let e = engine.computeArea('', ITEM, MODEL, 'EBIKE', radius);
      for (let i = 0; i < 3; i++) sums(engine.computeArea('', ITEM, MODEL, 'EBIKE', radius)); // warm
      for (let i = 0; i < 9; i++) {
        t0 = performance.now();
        e = engine.computeArea('', ITEM, MODEL, 'EBIKE', radius);
        const figures = sums(e);
        runs.push(ms(t0));
        if (figures.coveredVillageCount < 0) throw new Error('unreachable');
      }
      const engineRun = median(runs);
      process.stdout.write(`  ${minutes} min: PostGIS reference (one ST_DWithin statement over every village)… `);
      t0 = performance.now();
      const { computation: p } = await repo.computeArea('', ITEM, radius, { nearestBeyond: false });
      const postgisMs = ms(t0);
      console.log('done');
      let disagree = 0;
      let borderline = 0;
      for (let k = 0; k < e.codes.length; k++) {
        if (e.covered[k] === p.covered[k]) continue;
        const d = Number.isFinite(e.distanceMeters[k]!) ? e.distanceMeters[k]! : p.distanceMeters[k]!;
        if (Math.abs(d - radius) <= 0.005 * radius) borderline++;
        else disagree++;
      }
      say(
        `  coverage, EBIKE ${minutes} min (radius ${radius.toFixed(0)} m): engine ${engineRun.toFixed(1)} ms (median of 9, figures included; target < 20 ms) → ` +
          `${e.covered.reduce((n, x) => n + x, 0).toLocaleString('en')} of ${e.codes.length.toLocaleString('en')} covered; PostGIS ${(postgisMs / 1000).toFixed(1)} s → ` +
          `${p.covered.reduce((n, x) => n + x, 0).toLocaleString('en')}; ratio ${(postgisMs / engineRun).toFixed(0)}x (target ≥ 1000x); ` +
          `${disagree} villages differ beyond 0.5 % of the threshold, ${borderline} within it`,
      );
    }

    })();
    (globalThis as { gc?: () => void }).gc?.();
    const serverPeakFrom = process.memoryUsage().rss;
    peakRss = serverPeakFrom; // from here on: what a server process holds (one engine, the change feed, an app)

    // 3. Writes through the change feed, in a server app (LISTEN, patch, the next answer).
    app = await createApp({ config, logger, dataSource: db.dataSource });
    const store = app.services.coverage.store;
    const coverageOf = (areaCode: string) => app!.services.coverage.coverageOf({ areaCode, itemCode: ITEM, mode: 'EBIKE' as never, minutes: 15 }, app!.createContext().loaders);
    await coverageOf('52'); // the app's engine loaded, the field built
    const { rows: stations } = await writer.query<{ id: string; county: string }>(
      `SELECT sp.id, left(sp.area_code, 6) AS county FROM service_point sp JOIN service_point_item i ON i.service_point_id = sp.id AND i.item_code = $1
       WHERE sp.status = 'ACTIVE' AND sp.kind = 'TOWNSHIP_STATION' ORDER BY md5(sp.id) LIMIT 1000`,
      [ITEM],
    );
    const versionNow = async () => BigInt((await writer.query<{ v: string }>('SELECT version::text AS v FROM data_version')).rows[0]!.v);
    const waitFor = async (version: bigint) => {
      while (BigInt(store.state.dataVersion ?? '0') < version) await new Promise((r) => setImmediate(r));
    };
    const endToEnd: number[] = [];
    const patches: number[] = [];
    for (const s of stations.slice(0, 40)) {
      for (const status of ['CLOSED', 'ACTIVE']) {
        await writer.query(`UPDATE service_point SET status = $1 WHERE id = $2`, [status, s.id]);
        const committed = performance.now();
        await waitFor(await versionNow());
        const view = await coverageOf(s.county);
        endToEnd.push(ms(committed));
        patches.push(store.stats.lastPatchMs);
        if (view.villageCount < 0) throw new Error('unreachable');
      }
    }
    endToEnd.sort((a, b) => a - b);
    patches.sort((a, b) => a - b);
    say(
      `  one write → the next coverage answer that reflects it, through the change feed (NOTIFY, LISTEN, change log, patch), ${endToEnd.length} writes: ` +
        `p50 ${percentile(endToEnd, 50).toFixed(1)} ms, p95 ${percentile(endToEnd, 95).toFixed(1)} ms (target < 100 ms); the engine's patch p50 ${percentile(patches, 50).toFixed(2)} ms, p95 ${percentile(patches, 95).toFixed(2)} ms (target < 10 ms)`,
    );

    // 4. 1,000 random writes in sequence (each its own transaction), followed by the engine.
    const loadsBefore = store.stats.loads;
    const t0 = performance.now();
    for (let i = 0; i < 1000; i++) {
      const s = stations[i % stations.length]!;
      await writer.query(`UPDATE service_point SET status = $1 WHERE id = $2`, [i < stations.length ? 'CLOSED' : 'ACTIVE', s.id]);
    }
    const written = ms(t0);
    await waitFor(await versionNow());
    const caughtUp = ms(t0);
    await writer.query(`UPDATE service_point SET status = 'ACTIVE' WHERE id = ANY($1::text[])`, [stations.map((s) => s.id)]);
    await waitFor(await versionNow());
    say(
      `  1,000 random writes in sequence (closing and reopening ${stations.length} township stations): written in ${(written / 1000).toFixed(1)} s; the engine at the last one ` +
        `${(caughtUp - written).toFixed(0)} ms after it (${(caughtUp / 1000).toFixed(1)} s in all), in ${store.stats.patches} patched steps and ${store.stats.loads - loadsBefore} reloads`,
    );
    say(`  peak resident memory while serving (the app with its engine and fields, writes through the change feed): ${mb(peakRss)} (target < 1 GB)`);
  } finally {
    await app?.stop();
    await writer.end();
    await db.close();
  }
}

/** A database of our own on the server, so the bench never seeds the one DATABASE_URL names. */
async function sanmingGraphql(serverUrl: string | undefined): Promise<void> {
  const logger = createSilentLogger();
  const env: Record<string, string> = serverUrl
    ? { DATABASE_URL: await ensureDatabase(serverUrl, 'service_circle_bench'), LOG_LEVEL: 'silent' }
    : { DATA_DIR: 'memory', LOG_LEVEL: 'silent' };
  for (const cacheEntries of ['128', '0']) {
    const config = loadConfig({ ...env, CACHE_MB: cacheEntries, RESPONSE_CACHE: 'false' });
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
        `Sanming GraphQL coverage (${serverUrl ? 'server' : 'embedded'} database, result cache ${cacheEntries === '0' ? 'off: every request reads the field again' : 'on'}): ` +
          `p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms, max ${times[times.length - 1]!.toFixed(1)} ms over 200 requests (target p95 < 10 ms)`,
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
  say(`Machine: ${os.cpus().length} cores, Node ${process.version}`);
  say('');
  if (serverUrl) await national(serverUrl);
  else say('National: skipped (set DATABASE_URL to a PostgreSQL + PostGIS server that holds service_circle_national).');
  say('');
  await sanmingGraphql(serverUrl);
  clearInterval(sampler);
  say(`Peak resident memory of this process after the national part (Sanming apps): ${mb(peakRss)}`);
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
