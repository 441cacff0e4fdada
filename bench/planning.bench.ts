import 'reflect-metadata';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { createApp, type App } from '../src/app/app';
import { Deadline } from '../src/common/deadline';
import { createSilentLogger } from '../src/common/logger';
import { Role } from '../src/common/role.enum';
import type { Viewer } from '../src/common/viewer';
import { loadConfig } from '../src/config/config';
import type { CoverageEngine } from '../src/coverage/coverage.engine';
import { ScenarioEngine } from '../src/coverage/scenario-engine';
import { openDatabase } from '../src/db/data-source';
import { prepareDatabase } from '../src/db/prepare-database';
import type { SuggestSitesArgs } from '../src/planning/site-suggestion.args';
import type { SiteSuggestions } from '../src/planning/site-suggestion.type';
import { ensureDatabase, Report } from './bench-report';

/**
 * `npm run bench` (after coverage.bench): site suggestions and scenarios. Kaiyang: every township-level item,
 * k = 1..5, exact; Sanming: one township item, every village a candidate, k = 10; greedy against the exact solver
 * (quality and time) in the same run. On the national set (database service_circle_national, when present): greedy
 * k = 3 in every county for one item, and a scenario of 10 changes on the national field against the live one.
 */

const report = new Report();
const say = (s: string) => report.say(s);
const ms = (t0: number) => performance.now() - t0;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const PLANNER: Viewer = { kind: 'api-key', keyId: null, name: 'bench', roles: [Role.PLANNER, Role.READER], areaCodes: [] };
const ITEM = 'CHRONIC_DISEASE_CERT';

function suggester(app: App) {
  return (args: Record<string, unknown>): Promise<SiteSuggestions> =>
    app.services.siteSuggestions.suggest({ mode: 'EBIKE', minutes: 15, ...args } as unknown as SuggestSitesArgs, app.createContext(PLANNER).loaders, new Deadline(120_000));
}

async function seeded(serverUrl: string | undefined): Promise<void> {
  const logger = createSilentLogger();
  const env: Record<string, string> = serverUrl ? { DATABASE_URL: await ensureDatabase(serverUrl, 'service_circle_bench'), LOG_LEVEL: 'silent' } : { DATA_DIR: 'memory', LOG_LEVEL: 'silent' };
  const config = loadConfig({ ...env, RESPONSE_CACHE: 'false', RATE_LIMIT_COST_PER_MINUTE: '0' });
  const db = await openDatabase(config, logger);
  try {
    await prepareDatabase(db, { migrate: true, seed: true, datasets: ['kaiyang', 'sanming'], logger });
    const app = await createApp({ config, logger, dataSource: db.dataSource });
    try {
      const suggest = suggester(app);
      await suggest({ areaCode: '520121', itemCode: ITEM, count: 1, method: 'EXACT' }); // warm: engine, field, HiGHS loaded once
      const items = (await app.services.serviceItem.list(undefined)).filter((i) => i.delegationLevel === 'TOWNSHIP');

      // Kaiyang: every township item, k = 1..5, exact and greedy.
      const exactMs: number[] = [];
      const greedyMs: number[] = [];
      const shortfalls: number[] = [];
      let optimal = 0;
      let runs = 0;
      for (const item of items) {
        for (let count = 1; count <= 5; count++) {
          let t0 = performance.now();
          const exact = await suggest({ areaCode: '520121', itemCode: item.code, count, method: 'EXACT', timeLimitMs: 10_000 });
          exactMs.push(ms(t0));
          t0 = performance.now();
          const greedy = await suggest({ areaCode: '520121', itemCode: item.code, count, method: 'GREEDY' });
          greedyMs.push(ms(t0));
          runs++;
          if (exact.status === 'OPTIMAL') optimal++;
          if (greedy.coveredPopulationAfter > exact.coveredPopulationAfter) throw new Error(`greedy beat the exact solver on ${item.code}, k = ${count}`);
          const gained = exact.coveredPopulationAfter - exact.coveredPopulationBefore;
          shortfalls.push(gained > 0 ? (exact.coveredPopulationAfter - greedy.coveredPopulationAfter) / gained : 0);
        }
      }
      say(
        `Kaiyang (136 villages, all candidates), ${items.length} township-level items × k = 1..5 (${runs} runs), EBIKE 15 min, MAX_COVERED_POPULATION: ` +
          `exact ${optimal}/${runs} OPTIMAL, median ${median(exactMs).toFixed(0)} ms, slowest ${Math.max(...exactMs).toFixed(0)} ms (target < 1 s in all); ` +
          `greedy median ${median(greedyMs).toFixed(1)} ms, slowest ${Math.max(...greedyMs).toFixed(0)} ms; greedy's shortfall of the gain: mean ${(100 * shortfalls.reduce((a, b) => a + b, 0) / shortfalls.length).toFixed(2)} %, worst ${(100 * Math.max(...shortfalls)).toFixed(2)} %`,
      );

      // Objectives the greedy's bounds rarely prove: the exact solver's work shows.
      for (const [area, name] of [['520121', 'Kaiyang'], ['3504', 'Sanming']] as const) {
        for (const q of [
          { objective: 'FEWEST_SITES_FOR_FULL_COVERAGE', targetCoveredShare: 0.95 },
          { objective: 'MIN_MEAN_TRAVEL_MINUTES', count: 5 },
        ] as const) {
          const figures: string[] = [];
          for (const method of ['GREEDY', 'EXACT'] as const) {
            const t0 = performance.now();
            const s = await suggest({ areaCode: area, itemCode: ITEM, method, timeLimitMs: 10_000, ...q });
            const value = q.objective === 'MIN_MEAN_TRAVEL_MINUTES' ? `mean ${s.meanMinutes!.toFixed(3)} min` : `${s.sites.length} sites`;
            figures.push(`${method} ${value}, ${s.method} ${s.status}, gap ${s.gapPercent.toFixed(2)} %, ${ms(t0).toFixed(0)} ms`);
          }
          say(`${name}, ${ITEM}, ${q.objective}${'targetCoveredShare' in q ? ` (share ${q.targetCoveredShare})` : ` (k = ${q.count})`}: ${figures.join('; ')}`);
        }
      }

      // Sanming: one township item, every village a candidate, k = 10.
      for (const method of ['AUTO', 'EXACT', 'GREEDY'] as const) {
        const t0 = performance.now();
        const s = await suggest({ areaCode: '3504', itemCode: ITEM, count: 10, method, timeLimitMs: 10_000 });
        say(
          `Sanming (${s.candidateCount} villages, all candidates), ${ITEM}, k = 10, method ${method}: ${(ms(t0) / 1000).toFixed(2)} s, ${s.method}, ${s.status}, ` +
            `covered ${s.coveredPopulationBefore.toLocaleString('en')} → ${s.coveredPopulationAfter.toLocaleString('en')}, bound ${Math.round(s.bound).toLocaleString('en')}, gap ${s.gapPercent.toFixed(3)} % (target: exact or gap < 1 % in < 10 s)`,
        );
      }
    } finally {
      await app.stop();
    }
  } finally {
    await db.close();
  }
}

async function national(serverUrl: string): Promise<void> {
  const url = new URL(serverUrl);
  url.pathname = '/service_circle_national';
  const logger = createSilentLogger();
  const config = loadConfig({ DATABASE_URL: url.toString(), DATABASE_POOL_SIZE: '4', LOG_LEVEL: 'silent', RESPONSE_CACHE: 'false', RATE_LIMIT_COST_PER_MINUTE: '0', REQUEST_DEADLINE_MS: '600000' });
  let db;
  try {
    db = await openDatabase(config, logger);
  } catch (err) {
    say(`National: skipped, no database service_circle_national (${(err as Error).message}); see bench/README.md.`);
    return;
  }
  try {
    const app = await createApp({ config, logger, dataSource: db.dataSource });
    try {
      const engine: CoverageEngine = await app.services.coverage.currentEngine();
      const travel = app.services.coverage.travel({ mode: 'EBIKE' as never, minutes: 15 });
      engine.field(travel.model, travel.mode, ITEM);

      // A scenario of 10 changes on the national field: 5 closed, 3 added, 2 moved township stations.
      const stations = engine.pointsOffering(ITEM).filter((p) => p.kind === 'TOWNSHIP_STATION');
      const pick = (i: number) => stations[Math.floor((i * stations.length) / 11)]!;
      const changed = new Map<string, (typeof stations)[number]>();
      for (let i = 0; i < 5; i++) changed.set(pick(i).id, { ...pick(i), active: false });
      for (let i = 5; i < 7; i++) changed.set(pick(i).id, { ...pick(i), longitude: pick(i).longitude + 0.05 });
      const added = [7, 8, 9].map((i) => ({ ...pick(i), id: `BENCH-NEW-${i}`, longitude: pick(i).longitude - 0.04, latitude: pick(i).latitude + 0.03 }));
      const live: number[] = [];
      const overlay: number[] = [];
      for (let run = 0; run < 9; run++) {
        let t0 = performance.now();
        engine.computeArea('', ITEM, travel.model, travel.mode, travel.budgetCost);
        live.push(ms(t0));
        t0 = performance.now();
        new ScenarioEngine(engine, { changed, added }).computeArea('', ITEM, travel.model, travel.mode, travel.budgetCost);
        overlay.push(ms(t0));
      }
      say(
        `National scenario of 10 changes (5 closed, 2 moved, 3 added), ${engine.villageCount.toLocaleString('en')} villages, EBIKE 15 min: ` +
          `${median(overlay).toFixed(1)} ms (median of 9; target < 50 ms) against ${median(live).toFixed(1)} ms for the live coverage`,
      );

      // Greedy k = 3 in every county.
      const counties = ((await db.dataSource.query(`SELECT code FROM area WHERE level = 'COUNTY' ORDER BY code`)) as { code: string }[]).map((r) => r.code);
      const suggest = suggester(app);
      const t0 = performance.now();
      let gained = 0;
      let empty = 0;
      for (let i = 0; i < counties.length; i++) {
        const [start, end] = engine.villageRange(counties[i]!);
        if (start === end) {
          empty++;
          continue;
        }
        // A county of fewer than 3 villages gets as many sites as it has villages.
        const s = await suggest({ areaCode: counties[i], itemCode: ITEM, count: Math.min(3, end - start), method: 'GREEDY' });
        gained += s.coveredPopulationAfter - s.coveredPopulationBefore;
        if ((i + 1) % 500 === 0) console.log(`  … ${i + 1} of ${counties.length} counties, ${(ms(t0) / 1000).toFixed(1)} s`);
      }
      say(
        `National greedy, k = 3 in each of ${counties.length.toLocaleString('en')} counties (${empty} without villages), ${ITEM}, EBIKE 15 min, every village a candidate: ` +
          `${(ms(t0) / 1000).toFixed(1)} s in all (target < 60 s), +${gained.toLocaleString('en')} people within the circle`,
      );
    } finally {
      await app.stop();
    }
  } finally {
    await db.close();
  }
}

async function main(): Promise<void> {
  const serverUrl = process.env.DATABASE_URL;
  say(`# Planning benchmark, ${new Date().toISOString()}`);
  say(`Machine: ${os.cpus().length} cores, Node ${process.version}; ${serverUrl ? 'server' : 'embedded'} database`);
  say('');
  await seeded(serverUrl);
  if (serverUrl) await national(serverUrl);
  else say('National: skipped (set DATABASE_URL to a PostgreSQL + PostGIS server that holds service_circle_national).');
  console.log(`\nwritten to ${report.write('planning.bench')}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
