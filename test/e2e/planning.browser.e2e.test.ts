import type { Browser, Page } from 'playwright-core';
import { describeInChromium, openLocalBrowser } from '../helpers/browser';
import { createTestApp, type TestApp } from '../helpers/test-app';

/**
 * The /map page's planning panel in a real (headless) Chromium, over real HTTP, end to end: a click adds a
 * hypothetical point and the figures, villages and circle change as compareCoverage says for that scenario; k
 * suggestions are drawn with their gains and a chart, as suggestSites gives them; the plan is saved, its id is
 * in the URL, and opening that URL restores it. Nothing but this server is requested.
 */

const ITEM = 'CHRONIC_DISEASE_CERT';

interface Planning {
  changes: number;
  before: number | null;
  after: number | null;
  gained: number | null;
  suggestions: { rank: number; name: string; marginal: number; cumulative: number }[];
  savedId: string | null;
  scenarioKey: string | null;
  scenario: Record<string, unknown> | null;
}

describeInChromium('planning panel of the map page in Chromium (e2e)', () => {
  let t: TestApp;
  let baseUrl: string;
  let browser: Browser;
  let page: Page;
  let nonLocal: string[] = [];
  let pageErrors: string[] = [];

  const planning = (p: Page = page) => p.evaluate(() => (globalThis as unknown as { __serviceCircle: { planning: Planning } }).__serviceCircle.planning);
  const headline = (p: Page = page) => p.evaluate(() => (globalThis as unknown as { __serviceCircle: { headline: { coveredPopulation: number } } }).__serviceCircle.headline);
  /** Waits until the page is ready and its planning state is as asked (no eval in the page: its CSP forbids it). */
  const waitFor = (p: Page, want: { changes?: number; after?: boolean; suggestions?: number; saved?: boolean }) =>
    p.waitForFunction(
      (w) => {
        const sc = (globalThis as unknown as { __serviceCircle?: { ready: boolean; headline: unknown; planning?: Planning } }).__serviceCircle;
        const pl = sc?.planning;
        if (!sc || !sc.ready || !sc.headline || !pl) return false;
        return (
          (w.changes === undefined || pl.changes === w.changes) &&
          (!w.after || pl.after !== null) &&
          (w.suggestions === undefined || pl.suggestions.length === w.suggestions) &&
          (!w.saved || pl.savedId !== null)
        );
      },
      want,
      { timeout: 60_000 },
    );

  beforeAll(async () => {
    t = await createTestApp();
    ({ url: baseUrl } = await t.app.listen(0, '127.0.0.1'));
    ({ browser, page, nonLocal, pageErrors } = await openLocalBrowser());
  }, 120_000);
  afterAll(async () => {
    await t?.db.dataSource.query(`DELETE FROM scenario WHERE name LIKE 'Map scenario %'`);
    await t?.db.dataSource.query(`DELETE FROM audit_log WHERE entity = 'scenario'`);
    await browser?.close();
    await t?.close();
  });

  it('adds a hypothetical point where the map is clicked; figures and layers follow compareCoverage', async () => {
    await page.goto(`${baseUrl}/map`);
    await waitFor(page, { changes: 0 });
    const live = (await headline()).coveredPopulation;
    await page.getByTestId('planning-toggle').check();
    // The most populous uncovered village well inside the map: a point there must gain people.
    const target = await page.evaluate(async () => {
      const map = (globalThis as unknown as { __serviceCircle: { map: any } }).__serviceCircle.map;
      const canvas = map.getCanvas().getBoundingClientRect();
      const data = await map.getSource('villages').getData();
      const c = data.features
        .filter((f: any) => !f.properties.covered)
        .map((f: any) => ({ props: f.properties, point: map.project(f.geometry.coordinates) }))
        .filter((x: any) => x.point.x > 80 && x.point.x < canvas.width - 400 && x.point.y > 80 && x.point.y < canvas.height - 60)
        .sort((a: any, b: any) => b.props.population - a.props.population)[0];
      return { x: canvas.left + c.point.x + 3, y: canvas.top + c.point.y + 3 };
    });
    await page.mouse.click(target.x, target.y);
    await waitFor(page, { changes: 1, after: true });
    const p = await planning();
    expect(p.before).toBe(live);
    expect(p.after!).toBeGreaterThan(p.before!);
    expect(p.gained).toBe(p.after! - p.before!);
    // The layers are drawn under the scenario: the headline is the scenario's coverage.
    expect((await headline()).coveredPopulation).toBe(p.after);
    const { data, errors } = await t.execute<{ compareCoverage: { before: { coveredPopulation: number }; after: { coveredPopulation: number }; provenance: { scenario: { key: string } } } }>(
      `query($scenario: ScenarioInput!) { compareCoverage(areaCode: "520121", itemCode: "${ITEM}", mode: EBIKE, minutes: 15, scenario: $scenario) { before { coveredPopulation } after { coveredPopulation } provenance { scenario { key } } } }`,
      { scenario: p.scenario },
    );
    expect(errors).toBeUndefined();
    expect([data!.compareCoverage.before.coveredPopulation, data!.compareCoverage.after.coveredPopulation]).toEqual([p.before, p.after]);
    expect(data!.compareCoverage.provenance.scenario.key).toBe(p.scenarioKey);
    await expect(page.getByTestId('planning-changes').textContent()).resolves.toMatch(/设想的服务点 1/);
    const drawn = await page.evaluate(() => {
      const map = (globalThis as unknown as { __serviceCircle: { map: any } }).__serviceCircle.map;
      return map.queryRenderedFeatures(undefined, { layers: ['scenario-points'] }).length as number;
    });
    expect(drawn).toBe(1);
  });

  it('draws k suggested sites with their gains and a chart, as suggestSites gives them for the plan', async () => {
    await page.getByTestId('planning-count').fill('3');
    await page.getByTestId('planning-suggest').click();
    await waitFor(page, { suggestions: 3 });
    const p = await planning();
    const { data } = await t.execute<{ suggestSites: { sites: { name: string; marginalCoveredPopulation: number }[] } }>(
      `query($scenario: ScenarioInput) { suggestSites(areaCode: "520121", itemCode: "${ITEM}", mode: EBIKE, minutes: 15, count: 3, scenario: $scenario) { sites { name marginalCoveredPopulation } } }`,
      { scenario: p.scenario },
    );
    expect(p.suggestions.map((s) => [s.name, s.marginal])).toEqual(data!.suggestSites.sites.map((s) => [s.name, s.marginalCoveredPopulation]));
    await expect(page.getByTestId('planning-suggestions').locator('li').count()).resolves.toBe(4); // 3 sites and the proof line
    await expect(page.getByTestId('planning-chart').locator('svg polyline').count()).resolves.toBe(1);
    await expect(page.getByTestId('planning-chart').locator('svg circle').count()).resolves.toBe(4); // 0 to 3 new sites
  });

  it('saves the plan, puts its id in the URL, and opening that URL restores it', async () => {
    const before = await planning();
    await page.getByTestId('planning-save').click();
    await waitFor(page, { saved: true });
    const { savedId } = await planning();
    expect(page.url()).toContain(`?scenario=${savedId}`);
    const second = await browser.newPage();
    second.on('pageerror', (err) => pageErrors.push(String(err)));
    await second.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.hostname === '127.0.0.1' || url.hostname === 'localhost') return route.continue();
      nonLocal.push(url.toString());
      return route.abort();
    });
    await second.goto(`${baseUrl}/map?scenario=${savedId}`);
    await waitFor(second, { changes: 1, after: true });
    const restored = await planning(second);
    expect([restored.before, restored.after, restored.scenarioKey, restored.savedId]).toEqual([before.before, before.after, before.scenarioKey, savedId]);
    await second.close();
  });

  it('requested nothing but this server, and raised no page error', () => {
    expect(nonLocal).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
