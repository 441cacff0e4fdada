import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { describeInChromium, openLocalBrowser } from '../helpers/browser';
import { soleCoveringStation } from '../helpers/coverage-fixtures';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { CLI_ACTOR } from '../../src/write/actor';
import { Role } from '../../src/common/role.enum';

/**
 * The /map page in a real (headless) Chromium against the seeded test database, over real HTTP.
 * Every request the page makes is routed: 127.0.0.1/localhost goes through, anything else is aborted and
 * recorded, and the test fails if there was any.
 */

const SCREENSHOT = path.resolve(__dirname, '../../test-results/map.png');
const ITEM = 'CHRONIC_DISEASE_CERT';
const SYNTHETIC = 'Village locations, township seats and populations in this data are synthetic.';

interface Headline {
  areaCode: string;
  itemCode: string;
  mode: string;
  minutes: number;
  villageCount: number;
  coveredVillageCount: number;
  uncoveredVillageCount: number;
  population: number;
  coveredPopulation: number;
  coveredPopulationRatio: number;
}

interface CoverageFigures {
  villageCount: number;
  coveredVillageCount: number;
  population: number;
  coveredPopulation: number;
  coveredPopulationRatio: number;
}

describeInChromium('coverage map page in Chromium (e2e)', () => {
  let t: TestApp;
  let baseUrl: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** Requests to anywhere but this server: aborted, and must stay empty. */
  let nonLocal: string[] = [];
  let pageErrors: string[] = [];

  const coverage = async (areaCode: string, mode: string, travelModel = 'STRAIGHT_LINE'): Promise<CoverageFigures> => {
    const { data, errors } = await t.execute<{ coverage: CoverageFigures }>(
      `{ coverage(areaCode: "${areaCode}", itemCode: "${ITEM}", mode: ${mode}, minutes: 15, travelModel: ${travelModel}) { villageCount coveredVillageCount population coveredPopulation coveredPopulationRatio } }`,
    );
    expect(errors).toBeUndefined();
    return data!.coverage;
  };

  const headline = () => page.evaluate(() => (globalThis as unknown as { __serviceCircle: { headline: Headline } }).__serviceCircle.headline);

  /** Waits until the page has loaded and drawn the data for this mode (and area). */
  const waitForReady = async (mode: string, areaCode = '520121') => {
    await page.waitForFunction(
      ([m, a]) => {
        const sc = (globalThis as unknown as { __serviceCircle?: { ready: boolean; headline: Headline | null } }).__serviceCircle;
        return !!sc && sc.ready && !!sc.headline && sc.headline.mode === m && sc.headline.areaCode === a;
      },
      [mode, areaCode] as const,
      { timeout: 60_000 },
    );
    expect(await page.evaluate(() => (globalThis as unknown as { __serviceCircle: { error: string | null } }).__serviceCircle.error)).toBeNull();
  };

  const villagesInSource = () =>
    page.evaluate(async () => {
      const map = (globalThis as unknown as { __serviceCircle: { map: any } }).__serviceCircle.map;
      const data = await map.getSource('villages').getData();
      return data.features.length as number;
    });

  beforeAll(async () => {
    // The test drives the page faster than a person: a Sanming load is ~20,000 cost points, several a minute here
    // would meet the default budget (50,000 a minute per client) by timing alone.
    t = await createTestApp({ RATE_LIMIT_COST_PER_MINUTE: '1000000' });
    ({ url: baseUrl } = await t.app.listen(0, '127.0.0.1'));
    ({ browser, context, page, nonLocal, pageErrors } = await openLocalBrowser());
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('opens /map and draws Kaiyang: boundary, 136 villages, service points, the coverage polygon', async () => {
    const response = await page.goto(`${baseUrl}/map`);
    expect(response?.status()).toBe(200);
    await waitForReady('EBIKE');

    expect(await villagesInSource()).toBe(136);
    const drawn = await page.evaluate(() => {
      const map = (globalThis as unknown as { __serviceCircle: { map: any } }).__serviceCircle.map;
      const count = (layer: string) => map.queryRenderedFeatures(undefined, { layers: [layer] }).length as number;
      return {
        layers: ['area-fill', 'area-line', 'coverage-fill', 'villages', 'stations'].map((id) => !!map.getLayer(id)),
        villages: count('villages'),
        stations: count('stations'),
        area: count('area-fill'),
        coverage: count('coverage-fill'),
        glyphs: map.getStyle().glyphs ?? null,
        sprite: map.getStyle().sprite ?? null,
      };
    });
    expect(drawn.layers).toEqual([true, true, true, true, true]);
    expect(drawn.villages).toBeGreaterThan(100); // all in view; a few may overlap
    expect(drawn.stations).toBeGreaterThan(20); // hall, 18 township stations, hospital stations
    expect(drawn.area).toBeGreaterThan(0);
    expect(drawn.coverage).toBeGreaterThan(0);
    expect([drawn.glyphs, drawn.sprite]).toEqual([null, null]);

    await expect(page.getByTestId('control-area').inputValue()).resolves.toBe('520121');
    await expect(page.getByTestId('control-item').inputValue()).resolves.toBe(ITEM);
    await expect(page.getByTestId('control-mode').inputValue()).resolves.toBe('EBIKE');
    await expect(page.getByTestId('control-minutes').inputValue()).resolves.toBe('15');
    // Sanming's counties are offered too.
    const areaOptions = await page.getByTestId('control-area').locator('option').evaluateAll((os) => os.map((o) => (o as unknown as { value: string }).value));
    expect(areaOptions.slice(0, 2)).toEqual(['520121', '3504']);
    expect(areaOptions.filter((c) => c.startsWith('3504') && c.length === 6)).toHaveLength(11);
  });

  it('shows the headline figures of the API and updates them with the travel mode (walk ≤ e-bike ≤ car)', async () => {
    const expected = { EBIKE: await coverage('520121', 'EBIKE'), WALK: await coverage('520121', 'WALK'), CAR: await coverage('520121', 'CAR') };
    const check = async (mode: keyof typeof expected) => {
      await waitForReady(mode);
      const h = await headline();
      const e = expected[mode];
      expect(h).toMatchObject({ areaCode: '520121', itemCode: ITEM, mode, minutes: 15, ...e, uncoveredVillageCount: e.villageCount - e.coveredVillageCount });
      await expect(page.getByTestId('headline-covered-population').textContent()).resolves.toBe(`${(e.coveredPopulationRatio * 100).toFixed(1)} %`);
      await expect(page.getByTestId('headline-uncovered-villages').textContent()).resolves.toBe((e.villageCount - e.coveredVillageCount).toLocaleString('en-US'));
      await expect(page.getByTestId('headline-covered-villages').textContent()).resolves.toBe(`${e.coveredVillageCount.toLocaleString('en-US')} / ${e.villageCount.toLocaleString('en-US')}`);
      return h;
    };

    const ebike = await check('EBIKE');
    expect(ebike.villageCount).toBe(136);
    expect(ebike.coveredVillageCount).toBeLessThan(136); // a township item by e-bike leaves gaps in Kaiyang

    await page.getByTestId('control-mode').selectOption('WALK');
    const walk = await check('WALK');
    expect(walk.coveredPopulationRatio).toBeLessThan(ebike.coveredPopulationRatio);
    expect(walk.coveredVillageCount).toBeLessThanOrEqual(ebike.coveredVillageCount);

    await page.getByTestId('control-mode').selectOption('CAR');
    const car = await check('CAR');
    expect(car.coveredPopulationRatio).toBeGreaterThan(ebike.coveredPopulationRatio);
    expect(car.coveredVillageCount).toBeGreaterThanOrEqual(ebike.coveredVillageCount);

    await page.getByTestId('control-mode').selectOption('EBIKE');
    await check('EBIKE');
    expect(await villagesInSource()).toBe(136);
  });

  it('refreshes its figures and layers by itself after a write (GraphQL subscriptions over WebSocket), without polling', async () => {
    await waitForReady('EBIKE');
    const before = await headline();
    const requests: string[] = [];
    const onRequest = (r: { url(): string; method(): string }) => requests.push(`${r.method()} ${r.url()}`);
    page.on('request', onRequest);
    // A township station some village has as its only point offering the item within 15 min by e-bike.
    const sole = await soleCoveringStation(t.db.dataSource, '520121', ITEM, (20_000 / 60) * 15 / 1.3);
    expect(sole).toBeDefined();
    try {
      await page.waitForTimeout(1500);
      expect(requests.filter((r) => r.includes('/graphql'))).toEqual([]); // no polling while nothing changes
      await t.db.dataSource.query(`UPDATE service_point SET status = 'CLOSED' WHERE id = $1`, [sole!.id]);
      await page.waitForFunction(
        (covered) => {
          const sc = (globalThis as unknown as { __serviceCircle: { ready: boolean; liveEvents: number; headline: Headline } }).__serviceCircle;
          return sc.liveEvents > 0 && sc.ready && sc.headline.coveredVillageCount < covered;
        },
        before.coveredVillageCount,
        { timeout: 10_000 },
      );
      const after = await headline();
      expect(after).toMatchObject({ mode: 'EBIKE', ...(await coverage('520121', 'EBIKE')) });
      await expect(page.getByTestId('headline-uncovered-villages').textContent()).resolves.toBe((after.villageCount - after.coveredVillageCount).toLocaleString('en-US'));
    } finally {
      page.off('request', onRequest);
      await t.db.dataSource.query(`UPDATE service_point SET status = 'ACTIVE' WHERE id = $1`, [sole!.id]);
    }
    // And back, by itself.
    await page.waitForFunction(
      (covered) => {
        const sc = (globalThis as unknown as { __serviceCircle: { ready: boolean; headline: Headline } }).__serviceCircle;
        return sc.ready && sc.headline.coveredVillageCount === covered;
      },
      before.coveredVillageCount,
      { timeout: 10_000 },
    );
  });

  it('clicking a village shows whereToHandle for the item in the side panel', async () => {
    await waitForReady('EBIKE');
    await expect(page.getByTestId('where-panel').isHidden()).resolves.toBe(true);
    // The most populous village whose dot lies well inside the map (clear of the controls and the panel's place).
    const target = await page.evaluate(async () => {
      const map = (globalThis as unknown as { __serviceCircle: { map: any } }).__serviceCircle.map;
      const canvas = map.getCanvas().getBoundingClientRect();
      const data = await map.getSource('villages').getData();
      const candidates = data.features
        .map((f: any) => ({ props: f.properties, point: map.project(f.geometry.coordinates) }))
        .filter((c: any) => c.point.x > 80 && c.point.x < canvas.width - 400 && c.point.y > 80 && c.point.y < canvas.height - 60)
        .sort((a: any, b: any) => b.props.population - a.props.population);
      const c = candidates[0];
      const under = map.queryRenderedFeatures([c.point.x, c.point.y], { layers: ['villages'] }).map((f: any) => f.properties.name);
      return { code: c.props.code as string, name: c.props.name as string, x: canvas.left + c.point.x, y: canvas.top + c.point.y, under: under as string[] };
    });
    expect(target.under).toContain(target.name);

    await page.mouse.click(target.x, target.y);
    const panel = page.getByTestId('where-panel');
    await page.locator('[data-testid="where-panel"][data-state="ready"]').waitFor({ timeout: 30_000 });
    const text = (await panel.textContent()) ?? '';
    expect(text).toContain(ITEM);
    const title = await panel.locator('h2').textContent();
    expect(target.under).toContain(title);

    // The explanation is the API's, for the village shown.
    const code = /\b(\d{12})\b/.exec(text)?.[1];
    expect(code).toBeDefined();
    const { data } = await t.execute<{ whereToHandle: { ruleExplanation: string; options: unknown[] } }>(
      `{ whereToHandle(villageCode: "${code}", itemCode: "${ITEM}", mode: EBIKE, minutes: 15, first: 5) { ruleExplanation options { travelMinutes } } }`,
    );
    await expect(page.getByTestId('rule-explanation').textContent()).resolves.toBe(data!.whereToHandle.ruleExplanation);
    await expect(page.getByTestId('where-options').locator('tbody tr').count()).resolves.toBe(data!.whereToHandle.options.length);
  });

  it('ROAD: draws the road network from /tiles/roads, gives the API\'s ROAD figures, and a station\'s road isochrone with its villages and residents', async () => {
    if (await page.getByTestId('where-panel').isVisible()) await page.getByTestId('where-panel').locator('#panel-close').click();
    await waitForReady('EBIKE');
    const renderedRoads = () =>
      page.evaluate(() => {
        const map = (globalThis as unknown as { __serviceCircle: { map: any } }).__serviceCircle.map;
        return map.queryRenderedFeatures(undefined, { layers: ['roads'] }).length as number;
      });
    await page.waitForFunction(() => (globalThis as any).__serviceCircle.map.queryRenderedFeatures(undefined, { layers: ['roads'] }).length > 20, undefined, { timeout: 30_000 });

    // The box hides and shows them.
    await page.getByTestId('control-roads').uncheck();
    await page.waitForFunction(() => (globalThis as any).__serviceCircle.map.queryRenderedFeatures(undefined, { layers: ['roads'] }).length === 0, undefined, { timeout: 10_000 });
    await page.getByTestId('control-roads').check();
    await page.waitForFunction(() => (globalThis as any).__serviceCircle.map.queryRenderedFeatures(undefined, { layers: ['roads'] }).length > 20, undefined, { timeout: 10_000 });

    const straight = await coverage('520121', 'EBIKE', 'STRAIGHT_LINE');
    const road = await coverage('520121', 'EBIKE', 'ROAD');
    expect(road.coveredVillageCount).not.toBe(straight.coveredVillageCount); // Kaiyang's gorges: the models differ
    await page.getByTestId('control-model').selectOption('ROAD');
    await page.waitForFunction(() => {
      const sc = (globalThis as any).__serviceCircle;
      return sc.ready && sc.headline && sc.headline.travelModel === 'ROAD';
    }, undefined, { timeout: 60_000 });
    expect(await headline()).toMatchObject({ areaCode: '520121', mode: 'EBIKE', minutes: 15, travelModel: 'ROAD', ...road });
    await expect(page.getByTestId('headline-caption').textContent()).resolves.toMatch(/over the roads .*synthetic/);
    await expect(page.getByTestId('headline-covered-villages').textContent()).resolves.toBe(`${road.coveredVillageCount} / ${road.villageCount}`);
    expect(await renderedRoads()).toBeGreaterThan(20);

    // A township station clear of villages and of the panel's place: its reach over the roads.
    const target = await page.evaluate(() => {
      const map = (globalThis as any).__serviceCircle.map;
      const canvas = map.getCanvas().getBoundingClientRect();
      const stations = map.queryRenderedFeatures(undefined, { layers: ['stations'] }) as any[];
      const c = stations
        .filter((f) => f.properties.kind === 'TOWNSHIP_STATION' && f.properties.counted)
        .map((f) => ({ id: f.properties.id as string, p: map.project(f.geometry.coordinates) }))
        .filter((x) => x.p.x > 80 && x.p.x < canvas.width - 400 && x.p.y > 80 && x.p.y < canvas.height - 60)
        .find((x) => map.queryRenderedFeatures([x.p.x, x.p.y], { layers: ['villages'] }).length === 0);
      return c ? { id: c.id, x: canvas.left + c.p.x, y: canvas.top + c.p.y } : null;
    });
    expect(target).not.toBeNull();
    await page.mouse.click(target!.x, target!.y);
    await page.locator('[data-testid="where-panel"][data-state="ready"]').waitFor({ timeout: 30_000 });
    const shown = await page.evaluate(() => (globalThis as any).__serviceCircle.isochrone);
    const { data, errors } = await t.execute<{ isochrone: { villageCount: number; population: number; polygonAreaKm2: number; provenance: { travelModel: string } } }>(
      `{ isochrone(servicePointId: "${target!.id}", mode: EBIKE, minutes: 15, travelModel: ROAD) { villageCount population polygonAreaKm2 provenance { travelModel } } }`,
    );
    expect(errors).toBeUndefined();
    expect(shown).toMatchObject({ servicePointId: target!.id, travelModel: 'ROAD', villageCount: data!.isochrone.villageCount, population: data!.isochrone.population });
    expect(shown.polygonAreaKm2).toBeCloseTo(data!.isochrone.polygonAreaKm2, 6);
    expect(data!.isochrone.villageCount).toBeGreaterThan(0);
    await expect(page.getByTestId('isochrone-figures').textContent()).resolves.toContain(`${data!.isochrone.villageCount.toLocaleString('en-US')} villages`);
    await page.waitForFunction(() => (globalThis as any).__serviceCircle.map.queryRenderedFeatures(undefined, { layers: ['isochrone-fill'] }).length > 0, undefined, { timeout: 10_000 });
    await page.mouse.move(5, 5);
    await page.screenshot({ path: path.join(path.dirname(SCREENSHOT), 'map-road.png') });

    // Back to the straight line: its figures again.
    await page.getByTestId('where-panel').locator('#panel-close').click();
    await page.getByTestId('control-model').selectOption('STRAIGHT_LINE');
    await page.waitForFunction(() => {
      const sc = (globalThis as any).__serviceCircle;
      return sc.ready && sc.headline && sc.headline.travelModel === 'STRAIGHT_LINE';
    }, undefined, { timeout: 60_000 });
    expect(await headline()).toMatchObject(straight);
  });

  it('says on the page that the village data is synthetic, and a screenshot is saved', async () => {
    await expect(page.getByTestId('synthetic-note').textContent()).resolves.toContain(SYNTHETIC);
    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.mouse.move(5, 5); // no hover popup in the picture
    await page.screenshot({ path: SCREENSHOT });
    expect(fs.statSync(SCREENSHOT).size).toBeGreaterThan(20_000);
  });

  it('switches to Sanming city: 1,964 villages over several pages, figures as the API gives them', async () => {
    if (await page.getByTestId('where-panel').isVisible()) await page.getByTestId('where-panel').locator('#panel-close').click();
    await page.getByTestId('control-area').selectOption('3504');
    await waitForReady('EBIKE', '3504');
    const expected = await coverage('3504', 'EBIKE');
    expect(await headline()).toMatchObject(expected);
    expect(expected.villageCount).toBe(1964);
    expect(await villagesInSource()).toBe(1964);
    await expect(page.getByTestId('headline-covered-villages').textContent()).resolves.toBe(`${expected.coveredVillageCount.toLocaleString('en-US')} / 1,964`);
    await page.mouse.move(5, 5);
    await page.screenshot({ path: path.join(path.dirname(SCREENSHOT), 'map-sanming.png') });
  });

  it('on a server without anonymous access, asks for an API key and works with it', async () => {
    const closed = await createTestApp({ ANONYMOUS_ROLES: 'none' });
    const keyPage = await context.newPage();
    try {
      const { url } = await closed.app.listen(0, '127.0.0.1');
      const { secret } = await closed.app.services.apiKey.create({ name: 'test map key', roles: [Role.READER, Role.PLANNER], areaCodes: [] }, CLI_ACTOR);
      await keyPage.goto(`${url}/map`);
      await keyPage.getByTestId('key-form').waitFor({ state: 'visible', timeout: 30_000 });
      await keyPage.locator('#api-key').fill(secret);
      await keyPage.locator('#key-form button').click();
      await keyPage.waitForFunction(() => {
        const sc = (globalThis as unknown as { __serviceCircle?: { ready: boolean; headline: unknown } }).__serviceCircle;
        return !!sc && sc.ready && !!sc.headline;
      }, undefined, { timeout: 60_000 });
      expect(await keyPage.getByTestId('key-form').isHidden()).toBe(true);
      // The road tiles carry the key too (without it they are 401 here).
      await keyPage.waitForFunction(() => (globalThis as any).__serviceCircle.map.queryRenderedFeatures(undefined, { layers: ['roads'] }).length > 0, undefined, { timeout: 30_000 });
    } finally {
      await keyPage.close();
      await closed.db.dataSource.query(`DELETE FROM audit_log WHERE entity = 'api_key' AND entity_key IN (SELECT id::text FROM api_key WHERE name = 'test map key')`);
      await closed.db.dataSource.query(`DELETE FROM api_key WHERE name = 'test map key'`);
      await closed.close();
    }
  });

  it('requested nothing but this server, and raised no page error', () => {
    expect(nonLocal).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
