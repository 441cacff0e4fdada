import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Role } from '../../../src/common/role.enum';
import type { Viewer } from '../../../src/common/viewer';
import { sitesCommand } from '../../helpers/sites-command';
import { createTestApp, type TestApp } from '../../helpers/test-app';

/**
 * suggestSites against real PostGIS, checked by computations of its own: the villages' distances to every village
 * and to the existing points from PostGIS (ST_Distance on geography), turned into minutes with the configured
 * speed and detour; then brute force over every pair of candidate villages, and `npm run sites` on the same cost
 * table exported as CSV. The engine measures distances with cheap-ruler (< 0.05 % from PostGIS's), so a village
 * within that of the budget may count on one side and not the other: the tolerances below say how much.
 */

const PLANNER: Viewer = { kind: 'api-key', keyId: null, name: 'test sites planner', roles: [Role.PLANNER, Role.READER], areaCodes: [] };
const COUNTY = '520121';
const ITEM = 'OFFSITE_TREATMENT_FILING';
const MODE = 'WALK';
const MINUTES = 15;

const SUGGEST = `query($objective: SiteObjective, $count: Int, $share: Float, $method: SiteMethod, $candidates: SiteCandidatesInput, $scenario: ScenarioInput, $itemCode: ID) {
  suggestSites(areaCode: "${COUNTY}", itemCode: $itemCode, mode: ${MODE}, minutes: ${MINUTES}, objective: $objective, count: $count,
               targetCoveredShare: $share, method: $method, candidates: $candidates, scenario: $scenario) {
    sites { rank key name kind area { code level } longitude latitude villageCode marginalCoveredPopulation cumulativeCoveredPopulation cumulativeMeanMinutes }
    coveredPopulationBefore coveredPopulationAfter coverablePopulation population meanMinutes status bound gapPercent method candidateCount asScenario
    provenance { dataVersion scenario { key } }
  }
}`;

interface Suggestion {
  sites: { rank: number; key: string; name: string; kind: string; area: { code: string; level: string }; longitude: number; latitude: number; villageCode: string; marginalCoveredPopulation: number; cumulativeCoveredPopulation: number; cumulativeMeanMinutes: number | null }[];
  coveredPopulationBefore: number;
  coveredPopulationAfter: number;
  coverablePopulation: number;
  population: number;
  meanMinutes: number | null;
  status: string;
  bound: number;
  gapPercent: number;
  method: string;
  candidateCount: number;
  asScenario: { add: unknown[] };
  provenance: { dataVersion: string; scenario: { key: string } | null };
}

describe('suggestSites (integration)', () => {
  let t: TestApp;
  let dir: string;
  /** PostGIS's minutes from each village to each village and to each existing point offering the item. */
  let villages: { code: string; population: number }[];
  let toVillage: Map<string, Map<string, number>>;
  let existing: Map<string, number>;
  let csv: string;
  let existingIds: string[];

  const suggest = async (variables: Record<string, unknown>) => {
    const r = await t.execute<{ suggestSites: Suggestion }>(SUGGEST, { itemCode: ITEM, ...variables }, PLANNER);
    expect(r.errors).toBeUndefined();
    return r.data!.suggestSites;
  };

  beforeAll(async () => {
    t = await createTestApp();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sites-'));
    const { speedsKmh, detourFactor } = t.config.travel;
    const minutes = (meters: number) => (meters * detourFactor) / ((speedsKmh[MODE] * 1000) / 60);
    villages = ((await t.db.dataSource.query(`SELECT code, population FROM village WHERE code LIKE '${COUNTY}%' ORDER BY code`)) as { code: string; population: number }[]).map((v) => ({
      code: v.code,
      population: Number(v.population),
    }));
    const pairs = (await t.db.dataSource.query(
      `SELECT d.code AS demand, c.code AS candidate, ST_Distance(d.location, c.location) AS meters
         FROM village d CROSS JOIN village c WHERE d.code LIKE '${COUNTY}%' AND c.code LIKE '${COUNTY}%'`,
    )) as { demand: string; candidate: string; meters: number }[];
    toVillage = new Map();
    for (const p of pairs) {
      const row = toVillage.get(p.demand) ?? new Map<string, number>();
      row.set(p.candidate, minutes(Number(p.meters)));
      toVillage.set(p.demand, row);
    }
    const points = (await t.db.dataSource.query(
      `SELECT d.code AS demand, sp.id, ST_Distance(d.location, sp.location) AS meters
         FROM village d CROSS JOIN service_point sp JOIN service_point_item i ON i.service_point_id = sp.id AND i.item_code = $1
        WHERE d.code LIKE '${COUNTY}%' AND sp.status = 'ACTIVE'`,
      [ITEM],
    )) as { demand: string; id: string; meters: number }[];
    existing = new Map();
    for (const p of points) existing.set(p.demand, Math.min(existing.get(p.demand) ?? Infinity, minutes(Number(p.meters))));
    existingIds = [...new Set(points.map((p) => `P:${p.id}`))];
    const population = new Map(villages.map((v) => [v.code, v.population]));
    const lines = ['demand,candidate,cost,weight'];
    for (const p of pairs) lines.push(`${p.demand},${p.candidate},${minutes(Number(p.meters))},${population.get(p.demand)}`);
    for (const p of points) lines.push(`${p.demand},P:${p.id},${minutes(Number(p.meters))},${population.get(p.demand)}`);
    csv = path.join(dir, 'kaiyang.csv');
    fs.writeFileSync(csv, `${lines.join('\n')}\n`);
  });
  afterAll(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    await t.close();
  });

  /** People within the budget with `open` candidate villages added to the existing points, by PostGIS's minutes. */
  const coveredWith = (open: readonly string[], budget: number) =>
    villages.reduce((n, v) => {
      const best = Math.min(existing.get(v.code) ?? Infinity, ...open.map((c) => toVillage.get(v.code)!.get(c)!));
      return n + (best <= budget ? v.population : 0);
    }, 0);

  it.each([1, 2])('MAX_COVERED_POPULATION, %i site(s), exact: the optimum of a brute force over every set of candidate villages', async (count) => {
    const s = await suggest({ objective: 'MAX_COVERED_POPULATION', count, method: 'EXACT' });
    expect(s.status).toBe('OPTIMAL');
    expect(s.sites).toHaveLength(count);
    expect(s.candidateCount).toBe(villages.length);
    // Brute force with the budget a hair shorter and longer: the engine's answer lies between the two optima.
    const codes = villages.map((v) => v.code);
    const best = (budget: number) => {
      let top = 0;
      if (count === 1) for (const a of codes) top = Math.max(top, coveredWith([a], budget));
      else for (let i = 0; i < codes.length; i++) for (let j = i + 1; j < codes.length; j++) top = Math.max(top, coveredWith([codes[i]!, codes[j]!], budget));
      return top;
    };
    expect(s.coveredPopulationAfter).toBeGreaterThanOrEqual(best(MINUTES * (1 - 1e-3)));
    expect(s.coveredPopulationAfter).toBeLessThanOrEqual(best(MINUTES * (1 + 1e-3)));
    // What the chosen sites cover, measured by PostGIS, is what the answer says (within the same hair).
    const chosen = s.sites.map((x) => x.villageCode);
    expect(s.coveredPopulationAfter).toBeGreaterThanOrEqual(coveredWith(chosen, MINUTES * (1 - 1e-3)));
    expect(s.coveredPopulationAfter).toBeLessThanOrEqual(coveredWith(chosen, MINUTES * (1 + 1e-3)));
    expect(s.coveredPopulationBefore).toBe(coveredWith([], MINUTES * (1 + 1e-3)));
  });

  it('names each site as the kind the item needs, in its township, and its scenario gives the same figures as compareCoverage', async () => {
    const s = await suggest({ objective: 'MAX_COVERED_POPULATION', count: 3 });
    for (const site of s.sites) {
      expect(site.kind).toBe('TOWNSHIP_STATION'); // a township item: never a village point
      expect(site.area).toEqual({ code: site.villageCode.slice(0, 9), level: 'TOWNSHIP' });
      expect(site.name).toMatch(/^拟设乡镇医保服务站（.+）$/);
    }
    // Opening order: gains never grow; the cumulative figures add up.
    s.sites.forEach((site, i) => {
      if (i > 0) expect(site.marginalCoveredPopulation).toBeLessThanOrEqual(s.sites[i - 1]!.marginalCoveredPopulation);
      expect(site.cumulativeCoveredPopulation).toBe(s.coveredPopulationBefore + s.sites.slice(0, i + 1).reduce((n, x) => n + x.marginalCoveredPopulation, 0));
    });
    const compared = await t.execute<{ compareCoverage: { before: { coveredPopulation: number }; after: { coveredPopulation: number } } }>(
      `query($scenario: ScenarioInput!) { compareCoverage(areaCode: "${COUNTY}", itemCode: "${ITEM}", mode: ${MODE}, minutes: ${MINUTES}, scenario: $scenario) { before { coveredPopulation } after { coveredPopulation } } }`,
      { scenario: s.asScenario },
      PLANNER,
    );
    expect(compared.errors).toBeUndefined();
    expect(compared.data!.compareCoverage.before.coveredPopulation).toBe(s.coveredPopulationBefore);
    expect(compared.data!.compareCoverage.after.coveredPopulation).toBe(s.coveredPopulationAfter);
    const village = await suggest({ objective: 'MAX_COVERED_POPULATION', count: 1, itemCode: 'RESIDENT_ENROLMENT' });
    expect(village.sites[0]!.kind).toBe('VILLAGE_POINT');
    const county = await suggest({ objective: 'MAX_COVERED_POPULATION', count: 1, itemCode: 'APPEAL' });
    expect(county.sites[0]!.kind).toBe('COUNTY_HALL');
    expect(county.sites[0]!.area.level).toBe('COUNTY');
  });

  it.each([
    ['max-coverage', { objective: 'MAX_COVERED_POPULATION', count: 4 }, ['--count', '4']],
    ['fewest-sites', { objective: 'FEWEST_SITES_FOR_FULL_COVERAGE' }, []],
    ['fewest-sites', { objective: 'FEWEST_SITES_FOR_FULL_COVERAGE', share: 0.9 }, ['--target-share', '0.9']],
    ['min-mean-cost', { objective: 'MIN_MEAN_TRAVEL_MINUTES', count: 3 }, ['--count', '3']],
  ] as const)('agrees with `npm run sites --objective %s` on the same data exported from PostGIS', async (objective, variables, extra) => {
    const s = await suggest({ ...variables, method: 'EXACT' });
    const run = await sitesCommand(['--costs', csv, '--budget', String(MINUTES), '--objective', objective, '--method', 'exact', '--format', 'json', '--existing', existingIds.join(','), ...extra]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const cli = JSON.parse(run.stdout) as { sites: { id: string }[]; coveredWeight: number; meanCost: number | null; status: string };
    expect(s.status).toBe('OPTIMAL');
    expect(cli.status).toBe('OPTIMAL');
    if (objective === 'fewest-sites') expect(Math.abs(s.sites.length - cli.sites.length)).toBeLessThanOrEqual(1); // a boundary village may need one more or fewer
    else expect(s.sites).toHaveLength(cli.sites.length);
    if (objective === 'min-mean-cost') {
      // The mean counts every village; cheap-ruler and PostGIS minutes differ by < 0.05 %.
      expect(Math.abs(s.meanMinutes! - cli.meanCost!) / cli.meanCost!).toBeLessThan(1e-3);
    } else {
      expect(Math.abs(s.coveredPopulationAfter - cli.coveredWeight) / s.population).toBeLessThan(0.01);
    }
  });

  it('keeps the scenario: suggestions after closing points start from the scenario coverage', async () => {
    const [station] = (await t.db.dataSource.query(
      `SELECT sp.id FROM service_point sp JOIN service_point_item i ON i.service_point_id = sp.id AND i.item_code = $1 WHERE sp.area_code LIKE '${COUNTY}%' AND sp.status = 'ACTIVE' ORDER BY sp.id LIMIT 1`,
      [ITEM],
    )) as { id: string }[];
    const scenario = { close: [station!.id] };
    const s = await suggest({ objective: 'MAX_COVERED_POPULATION', count: 1, scenario });
    const c = await t.execute<{ coverage: { coveredPopulation: number } }>(
      `query($scenario: ScenarioInput) { coverage(areaCode: "${COUNTY}", itemCode: "${ITEM}", mode: ${MODE}, minutes: ${MINUTES}, scenario: $scenario) { coveredPopulation } }`,
      { scenario },
      PLANNER,
    );
    expect(s.coveredPopulationBefore).toBe(c.data!.coverage.coveredPopulation);
    expect(s.provenance.scenario).not.toBeNull();
  });

  it('takes township seats, a grid and given locations as candidates; refuses bad requests with coded errors', async () => {
    const seats = await suggest({ objective: 'MAX_COVERED_POPULATION', count: 2, candidates: { set: 'TOWNSHIP_SEATS' } });
    expect(seats.candidateCount).toBeGreaterThan(5);
    const grid = await suggest({ objective: 'MAX_COVERED_POPULATION', count: 2, candidates: { set: 'GRID', gridSpacingMeters: 3000 } });
    expect(grid.candidateCount).toBeGreaterThan(50);
    expect(grid.sites[0]!.name).toMatch(/附近）$/);
    const given = await suggest({ objective: 'MAX_COVERED_POPULATION', count: 1, candidates: { set: 'LOCATIONS', locations: [{ longitude: 106.9, latitude: 27.0 }, { longitude: 107.0, latitude: 27.1 }] } });
    expect(given.candidateCount).toBe(2);
    const ask = (variables: Record<string, unknown>) => t.execute(SUGGEST, { itemCode: ITEM, ...variables }, PLANNER);
    const codes = async (variables: Record<string, unknown>) => (await ask(variables)).errors?.map((e) => e.extensions?.code);
    expect(await codes({ itemCode: null })).toEqual(['BAD_USER_INPUT']);
    expect(await codes({ objective: 'FEWEST_SITES_FOR_FULL_COVERAGE', count: 2 })).toEqual(['BAD_USER_INPUT']);
    expect(await codes({ objective: 'MAX_COVERED_POPULATION', share: 0.5 })).toEqual(['BAD_USER_INPUT']);
    expect(await codes({ candidates: { set: 'LOCATIONS', locations: [{ longitude: 2.35, latitude: 48.85 }] } })).toEqual(['BAD_USER_INPUT']);
    expect(await codes({ candidates: { set: 'LOCATIONS' } })).toEqual(['BAD_USER_INPUT']);
    expect(await codes({ count: 0 })).toEqual(['BAD_USER_INPUT']);
    const few = await ask({ count: 3, candidates: { set: 'LOCATIONS', locations: [{ longitude: 106.9, latitude: 27.0 }] } });
    expect(few.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'count', candidates: 1 });
    expect(few.errors?.[0]?.message).toMatch(/has 1 candidate place\(s\); ask for at most 1 new site/);
    const anonymous = await t.execute(SUGGEST, { itemCode: ITEM }, { kind: 'anonymous', keyId: null, name: 'anonymous', roles: [Role.READER], areaCodes: [] });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
