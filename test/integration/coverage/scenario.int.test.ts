import { Role } from '../../../src/common/role.enum';
import { CLI_ACTOR } from '../../../src/write/actor';
import type { Viewer } from '../../../src/common/viewer';
import { createTestApp, type TestApp } from '../../helpers/test-app';

/**
 * What-if scenarios against real PostGIS: a scenario's answer equals the answer after making the same change for
 * real (closing, adding, moving a point through the write mutations, then undoing it), the live answers are left
 * as they were, and bad scenarios are refused naming the entry. Points made here are removed in afterAll.
 */

const EDITOR: Viewer = { kind: 'api-key', keyId: null, name: 'test scenario editor', roles: [Role.EDITOR], areaCodes: ['520121'] };
const PLANNER: Viewer = { kind: 'api-key', keyId: null, name: 'test scenario planner', roles: [Role.PLANNER, Role.READER], areaCodes: [] };
const PREFIX = 'TEST-SC-';
const COUNTY = '520121';
/** Township level: village points do not offer it, so walking coverage has gaps to close. */
const ITEM = 'OFFSITE_TREATMENT_FILING';
const TRAVEL = { mode: 'WALK', minutes: 15 };

const COVERAGE = `query($areaCode: ID!, $itemCode: ID, $mode: TravelMode, $minutes: Float, $scenario: ScenarioInput) {
  coverage(areaCode: $areaCode, itemCode: $itemCode, mode: $mode, minutes: $minutes, scenario: $scenario) {
    villageCount coveredVillageCount population coveredPopulation
    villages(first: 500) { edges { node { village { code } covered distanceMeters nearestServicePoint { id name } } } }
    provenance { dataVersion description scenario { key changes added closed moved itemsChanged savedId } }
  }
}`;

interface CoverageAnswer {
  villageCount: number;
  coveredVillageCount: number;
  population: number;
  coveredPopulation: number;
  villages: { edges: { node: { village: { code: string }; covered: boolean; distanceMeters: number | null; nearestServicePoint: { id: string; name: string } | null } }[] };
  provenance: { dataVersion: string; description: string; scenario: { key: string; changes: number; added: number; closed: number; moved: number; itemsChanged: number; savedId: string | null } | null };
}

describe('scenarios (integration)', () => {
  let t: TestApp;
  let station: { id: string; longitude: number; latitude: number; areaCode: string };
  const run = <T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, viewer: Viewer = PLANNER) => t.execute<T>(query, variables, viewer);
  const coverage = async (scenario?: unknown): Promise<CoverageAnswer> => {
    const r = await run<{ coverage: CoverageAnswer }>(COVERAGE, { areaCode: COUNTY, itemCode: ITEM, ...TRAVEL, scenario });
    expect(r.errors).toBeUndefined();
    return r.data!.coverage;
  };
  /** What must agree between a scenario and the same change made for real. */
  const figures = (c: CoverageAnswer) => ({
    villageCount: c.villageCount,
    coveredVillageCount: c.coveredVillageCount,
    population: c.population,
    coveredPopulation: c.coveredPopulation,
    villages: c.villages.edges.map(({ node }) => [node.village.code, node.covered, node.distanceMeters === null ? null : Math.round(node.distanceMeters * 1000) / 1000, node.nearestServicePoint?.id ?? null]),
  });
  const write = async (query: string, variables: Record<string, unknown>) => {
    const r = await run(query, variables, EDITOR);
    expect(r.errors).toBeUndefined();
  };
  const setStatus = (id: string, status: 'ACTIVE' | 'CLOSED') =>
    write(`mutation($id: ID!, $input: UpdateServicePointInput!) { updateServicePoint(id: $id, input: $input) { id } }`, { id, input: { status } });
  const problems = (errors: readonly { extensions?: Record<string, unknown> }[] | undefined) => (errors?.[0]?.extensions?.problems ?? []) as { entry: string; reason: string }[];

  beforeAll(async () => {
    t = await createTestApp({ SCENARIO_MAX_CHANGES: '5' });
    const rows = (await t.db.dataSource.query(
      `SELECT sp.id, sp.area_code AS "areaCode", ST_X(sp.location::geometry) AS longitude, ST_Y(sp.location::geometry) AS latitude
         FROM service_point sp JOIN service_point_item i ON i.service_point_id = sp.id AND i.item_code = $1
        WHERE sp.area_code LIKE '520121%' AND sp.kind = 'TOWNSHIP_STATION' AND sp.status = 'ACTIVE' ORDER BY sp.id`,
      [ITEM],
    )) as (typeof station)[];
    // A station that is the only one in reach of some people (next to the county seat, others would cover for it).
    const live = (await coverage()).coveredPopulation;
    for (const row of rows) {
      if ((await coverage({ close: [row.id] })).coveredPopulation < live) {
        station = row;
        break;
      }
    }
    expect(station).toBeDefined();
  });
  afterAll(async () => {
    await t.db.dataSource.query(`DELETE FROM scenario WHERE name LIKE '${PREFIX}%'`);
    await t.db.dataSource.query(`DELETE FROM audit_log WHERE entity = 'scenario' OR actor_key_id IN (SELECT id FROM api_key WHERE name LIKE '${PREFIX}%')`);
    await t.db.dataSource.query(`DELETE FROM api_key WHERE name LIKE '${PREFIX}%'`);
    await t.db.dataSource.query(`DELETE FROM service_point WHERE id LIKE '${PREFIX}%'`);
    await t.db.dataSource.query(`DELETE FROM audit_log WHERE entity_key LIKE '${PREFIX}%' OR actor_name = '${EDITOR.name}'`);
    await t.close();
  });

  it('closing a point in a scenario answers as closing it for real, and leaves the live answer as it was', async () => {
    const live = await coverage();
    const scenario = await coverage({ close: [station.id] });
    expect(scenario.provenance.scenario).toMatchObject({ changes: 1, closed: 1, added: 0 });
    expect(scenario.provenance.description).toMatch(/nothing was written/);
    expect(scenario.coveredPopulation).toBeLessThan(live.coveredPopulation);
    expect(figures(await coverage())).toEqual(figures(live)); // not the scenario's, cached or not
    await setStatus(station.id, 'CLOSED');
    try {
      expect(figures(await coverage())).toEqual(figures(scenario));
    } finally {
      await setStatus(station.id, 'ACTIVE');
    }
    expect(figures(await coverage())).toEqual(figures(live));
  });

  it('adding a point answers as creating it for real; the answers name it as the scenario shows it', async () => {
    const live = await coverage();
    // An uncovered village of the county, far from any point offering the item.
    const gap = live.villages.edges.find(({ node }) => !node.covered)!.node.village.code;
    const [village] = (await t.db.dataSource.query(`SELECT township_code AS "townshipCode", ST_X(location::geometry) AS longitude, ST_Y(location::geometry) AS latitude FROM village WHERE code = $1`, [gap])) as {
      townshipCode: string;
      longitude: number;
      latitude: number;
    }[];
    const point = { key: `${PREFIX}NEW-1`, name: '设想的服务站', kind: 'TOWNSHIP_STATION', areaCode: village!.townshipCode, location: { longitude: village!.longitude, latitude: village!.latitude }, itemCodes: [ITEM] };
    const scenario = await coverage({ add: [point] });
    expect(scenario.coveredVillageCount).toBeGreaterThan(live.coveredVillageCount);
    const at = scenario.villages.edges.find(({ node }) => node.village.code === gap)!.node;
    expect(at).toMatchObject({ covered: true, nearestServicePoint: { id: point.key, name: point.name } });
    expect(at.distanceMeters).toBeLessThan(1);
    await write(`mutation($input: CreateServicePointInput!) { createServicePoint(input: $input) { id } }`, {
      input: { id: point.key, name: point.name, kind: point.kind, areaCode: point.areaCode, location: point.location, itemCodes: point.itemCodes },
    });
    try {
      expect(figures(await coverage())).toEqual(figures(scenario));
    } finally {
      await setStatus(point.key, 'CLOSED');
    }
    expect(figures(await coverage())).toEqual(figures(live));
  });

  it('moving a point answers as moving it for real', async () => {
    const moved = { longitude: station.longitude + 0.03, latitude: station.latitude - 0.02 };
    const move = (location: { longitude: number; latitude: number }) =>
      write(`mutation($id: ID!, $input: UpdateServicePointInput!) { updateServicePoint(id: $id, input: $input) { id } }`, { id: station.id, input: { location } });
    const scenario = await coverage({ move: [{ id: station.id, location: moved }] });
    expect(scenario.provenance.scenario).toMatchObject({ moved: 1 });
    await move(moved);
    try {
      expect(figures(await coverage())).toEqual(figures(scenario));
    } finally {
      await move({ longitude: station.longitude, latitude: station.latitude });
    }
  });

  it('compareCoverage: before and after from one version, the villages and people gained and lost per township', async () => {
    const scenario = { close: [station.id], add: [{ key: `${PREFIX}NEW-2`, name: '设想', kind: 'TOWNSHIP_STATION', areaCode: station.areaCode, location: { longitude: station.longitude + 0.05, latitude: station.latitude }, itemCodes: [ITEM] }] };
    const r = await run<{
      compareCoverage: {
        before: { coveredPopulation: number; coveredVillageCount: number };
        after: { coveredPopulation: number; coveredVillageCount: number };
        populationGained: number;
        villagesGainedCount: number;
        villagesLostCount: number;
        villagesGained: { village: { code: string }; covered: boolean }[];
        villagesLost: { village: { code: string }; covered: boolean }[];
        byTownship: { township: { code: string }; populationGained: number; villagesGained: number; villagesLost: number }[];
        provenance: { scenario: { key: string } | null; dataVersion: string };
      };
    }>(
      `query($scenario: ScenarioInput!) { compareCoverage(areaCode: "${COUNTY}", itemCode: "${ITEM}", mode: WALK, minutes: 15, scenario: $scenario, first: 200) {
        before { coveredPopulation coveredVillageCount } after { coveredPopulation coveredVillageCount }
        populationGained villagesGainedCount villagesLostCount
        villagesGained { village { code } covered } villagesLost { village { code } covered }
        byTownship { township { code } populationGained villagesGained villagesLost }
        provenance { scenario { key } dataVersion }
      } }`,
      { scenario },
    );
    expect(r.errors).toBeUndefined();
    const c = r.data!.compareCoverage;
    const live = await coverage();
    const after = await coverage(scenario);
    expect(c.before.coveredPopulation).toBe(live.coveredPopulation);
    expect(c.after.coveredPopulation).toBe(after.coveredPopulation);
    expect(c.populationGained).toBe(after.coveredPopulation - live.coveredPopulation);
    expect(c.provenance.scenario!.key).toBe(after.provenance.scenario!.key);
    // The villages gained and lost are exactly those whose `covered` differs between the two answers.
    const was = new Map(live.villages.edges.map(({ node }) => [node.village.code, node.covered]));
    const is = new Map(after.villages.edges.map(({ node }) => [node.village.code, node.covered]));
    const gained = [...is].filter(([code, covered]) => covered && !was.get(code)).map(([code]) => code);
    const lost = [...is].filter(([code, covered]) => !covered && was.get(code)).map(([code]) => code);
    expect(c.villagesGained.map((v) => v.village.code).sort()).toEqual(gained.sort());
    expect(c.villagesLost.map((v) => v.village.code).sort()).toEqual(lost.sort());
    expect(c.villagesGainedCount - c.villagesLostCount).toBe(c.after.coveredVillageCount - c.before.coveredVillageCount);
    expect(c.byTownship.reduce((n, t) => n + t.populationGained, 0)).toBe(c.populationGained);
    expect(c.byTownship.reduce((n, t) => n + t.villagesGained, 0)).toBe(c.villagesGainedCount);
  });

  it('whereToHandle and isochrone see the scenario: a hypothetical point is an option, named as given', async () => {
    const [village] = (await t.db.dataSource.query(`SELECT code, township_code AS "townshipCode", ST_X(location::geometry) AS lon, ST_Y(location::geometry) AS lat FROM village WHERE code LIKE '520121%' ORDER BY code LIMIT 1`)) as {
      code: string;
      townshipCode: string;
      lon: number;
      lat: number;
    }[];
    const scenario = { add: [{ key: `${PREFIX}NEW-3`, name: '村口设想站', kind: 'TOWNSHIP_STATION', areaCode: village!.townshipCode, location: { longitude: village!.lon, latitude: village!.lat }, itemCodes: [ITEM] }] };
    const r = await run<{ whereToHandle: { options: { servicePoint: { id: string; name: string; status: string }; distanceMeters: number; withinBudget: boolean }[]; provenance: { scenario: { added: number } } } }>(
      `query($scenario: ScenarioInput) { whereToHandle(villageCode: "${village!.code}", itemCode: "${ITEM}", mode: WALK, minutes: 15, scenario: $scenario) {
        options { servicePoint { id name status } distanceMeters withinBudget } provenance { scenario { added } } } }`,
      { scenario },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.whereToHandle.options[0]).toMatchObject({ servicePoint: { id: `${PREFIX}NEW-3`, name: '村口设想站', status: 'ACTIVE' }, withinBudget: true });
    expect(r.data!.whereToHandle.options[0]!.distanceMeters).toBeLessThan(1);
    expect(r.data!.whereToHandle.provenance.scenario.added).toBe(1);
    const iso = await run<{ isochrone: { servicePoint: { id: string }; polygon: { coordinates: [number, number][][] } } }>(
      `query($scenario: ScenarioInput) { isochrone(servicePointId: "${PREFIX}NEW-3", mode: WALK, minutes: 15, scenario: $scenario) { servicePoint { id } polygon } }`,
      { scenario },
    );
    expect(iso.errors).toBeUndefined();
    const ring = iso.data!.isochrone.polygon.coordinates[0]!;
    const [cx, cy] = [ring.reduce((s, p) => s + p[0], 0) / ring.length, ring.reduce((s, p) => s + p[1], 0) / ring.length];
    expect(Math.abs(cx - village!.lon)).toBeLessThan(0.001);
    expect(Math.abs(cy - village!.lat)).toBeLessThan(0.001);
  });

  it('refuses bad scenarios with a coded error naming each entry', async () => {
    const ask = (scenario: unknown, extra = '') => run(`query($scenario: ScenarioInput) { coverage(areaCode: "${COUNTY}", itemCode: "${ITEM}"${extra}, scenario: $scenario) { coveredPopulation } }`, { scenario });
    const bad = await ask({
      close: ['TS-DOES-NOT-EXIST'],
      add: [
        { key: station.id, name: 'x', kind: 'TOWNSHIP_STATION', areaCode: station.areaCode, location: { longitude: station.longitude, latitude: station.latitude } },
        { key: `${PREFIX}FAR`, name: 'x', kind: 'TOWNSHIP_STATION', areaCode: station.areaCode, location: { longitude: 2.35, latitude: 48.85 } },
        { key: `${PREFIX}OUT`, name: 'x', kind: 'TOWNSHIP_STATION', areaCode: station.areaCode, location: { longitude: 117.6, latitude: 26.2 } },
        { key: `${PREFIX}VP`, name: 'x', kind: 'VILLAGE_POINT', areaCode: station.areaCode, location: { longitude: station.longitude, latitude: station.latitude }, itemCodes: ['APPEAL'] },
      ],
    });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const entries = problems(bad.errors).map((p) => p.entry);
    expect(entries).toEqual(expect.arrayContaining(['scenario.close[0]', 'scenario.add[0].key', 'scenario.add[1].location', 'scenario.add[2].location', 'scenario.add[3].itemCodes']));
    expect(problems(bad.errors).find((p) => p.entry === 'scenario.add[2].location')!.reason).toMatch(/outside county 520121/);
    expect(problems(bad.errors).find((p) => p.entry === 'scenario.add[1].location')!.reason).toMatch(/not in mainland China/);

    const many = await ask({ close: [station.id, station.id, station.id, station.id, station.id, station.id] });
    expect(many.errors?.[0]?.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 5, changes: 6 });

    const reference = await ask({ close: [station.id] }, ', method: POSTGIS');
    expect(reference.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(reference.errors?.[0]?.message).toMatch(/method INDEX/);

    const malformed = await ask({ add: [{ key: 'lower case', name: '', kind: 'TOWNSHIP_STATION', areaCode: 'x', location: { longitude: 500, latitude: 0 } }] });
    expect(malformed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  describe('saved scenarios', () => {
    const SAVE = `mutation($name: String!, $areaCode: ID!, $scenario: ScenarioInput!) {
      saveScenario(name: $name, areaCode: $areaCode, scenario: $scenario) { id name area { code } authorName dataVersion summary { key changes closed savedId } staleness { entry reason } scenario }
    }`;
    const keyed = async (name: string): Promise<Viewer> => {
      const { apiKey } = await t.app.services.apiKey.create({ name: `${PREFIX}${name}`, roles: [Role.PLANNER, Role.READER], areaCodes: [] }, CLI_ACTOR);
      return { kind: 'api-key', keyId: apiKey.id, name: apiKey.name, roles: [Role.PLANNER, Role.READER], areaCodes: [] };
    };

    it('saves a checked scenario, lists it, answers by its id as when sent in full, tells what changed since, and deletes it (audited)', async () => {
      const author = await keyed('author');
      const other = await keyed('other');
      const scenario = { close: [station.id] };
      const saved = await run<{ saveScenario: { id: string; summary: { key: string; savedId: string }; staleness: unknown[]; authorName: string; scenario: { close: string[] } } }>(
        SAVE,
        { name: `${PREFIX}close one`, areaCode: COUNTY, scenario },
        author,
      );
      expect(saved.errors).toBeUndefined();
      const s = saved.data!.saveScenario;
      expect(s).toMatchObject({ authorName: author.name, staleness: [], scenario: { close: [station.id] }, summary: { savedId: s.id } });

      const listed = await run<{ scenarios: { id: string }[] }>(`{ scenarios(areaCode: "52") { id } }`);
      expect(listed.data!.scenarios.map((x) => x.id)).toContain(s.id);
      expect((await run<{ scenarios: { id: string }[] }>(`{ scenarios(areaCode: "35") { id } }`)).data!.scenarios.map((x) => x.id)).not.toContain(s.id);

      // The live data moves on: the point it closes is moved for real.
      const move = (location: { longitude: number; latitude: number }) =>
        write(`mutation($id: ID!, $input: UpdateServicePointInput!) { updateServicePoint(id: $id, input: $input) { id } }`, { id: station.id, input: { location } });
      await move({ longitude: station.longitude + 0.01, latitude: station.latitude });
      try {
        const later = await run<{ scenario: { staleness: { entry: string; reason: string }[] } }>(`query($id: ID!) { scenario(id: $id) { staleness { entry reason } } }`, { id: s.id });
        expect(later.data!.scenario.staleness).toEqual([{ entry: 'scenario.close[0]', reason: expect.stringMatching(/has moved \d+ m since the scenario was saved/) }]);
      } finally {
        await move({ longitude: station.longitude, latitude: station.latitude });
      }

      // Asked by its id after the writes above (no write from here on, so the answer may be kept for this version).
      const inline = await coverage(scenario);
      const byId = {
        query: COVERAGE.replace('$scenario: ScenarioInput)', '$scenario: ScenarioInput, $scenarioId: ID)').replace('scenario: $scenario)', 'scenario: $scenario, scenarioId: $scenarioId)'),
        variables: { areaCode: COUNTY, itemCode: ITEM, ...TRAVEL, scenarioId: s.id },
      };
      const r = await run<{ coverage: CoverageAnswer }>(byId.query, byId.variables);
      expect(r.errors).toBeUndefined();
      expect(figures(r.data!.coverage)).toEqual(figures(inline));
      expect(r.data!.coverage.provenance.scenario).toMatchObject({ key: inline.provenance.scenario!.key, savedId: s.id });

      const foreign = await run(`mutation($id: ID!) { deleteScenario(id: $id) }`, { id: s.id }, other);
      expect(foreign.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const deleted = await run<{ deleteScenario: boolean }>(`mutation($id: ID!) { deleteScenario(id: $id) }`, { id: s.id }, author);
      expect(deleted.data!.deleteScenario).toBe(true);
      expect((await run<{ scenario: unknown }>(`query($id: ID!) { scenario(id: $id) { id } }`, { id: s.id })).data!.scenario).toBeNull();
      // Asked again by its id (the same query was answered before): not found now, not the answer kept.
      const again = await run(byId.query, byId.variables);
      expect(again.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      const audit = (await t.db.dataSource.query(`SELECT action, actor_name FROM audit_log WHERE entity = 'scenario' AND entity_key = $1 ORDER BY id`, [s.id])) as { action: string; actor_name: string }[];
      expect(audit).toEqual([
        { action: 'scenario.create', actor_name: author.name },
        { action: 'scenario.delete', actor_name: author.name },
      ]);
    });

    it('refuses to save a scenario that cannot be evaluated, writing nothing; unknown ids and both arguments are coded errors', async () => {
      const author = await keyed('refused');
      const count = async () => ((await t.db.dataSource.query(`SELECT count(*)::int AS n FROM scenario`)) as { n: number }[])[0]!.n;
      const before = await count();
      const bad = await run(SAVE, { name: `${PREFIX}bad`, areaCode: COUNTY, scenario: { close: ['TS-NOPE'] } }, author);
      expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(problems(bad.errors).map((p) => p.entry)).toEqual(['scenario.close[0]']);
      expect(await count()).toBe(before);
      const unknown = await run(`{ coverage(areaCode: "${COUNTY}", scenarioId: "00000000-0000-4000-8000-000000000000") { coveredPopulation } }`);
      expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      const both = await run(`{ coverage(areaCode: "${COUNTY}", scenario: { close: ["${station.id}"] }, scenarioId: "00000000-0000-4000-8000-000000000000") { coveredPopulation } }`);
      expect(both.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      const anonymous = await t.execute(`{ scenarios(areaCode: "52") { id } }`, {}, { kind: 'anonymous', keyId: null, name: 'anonymous', roles: [Role.READER], areaCodes: [] });
      expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    });
  });
});
