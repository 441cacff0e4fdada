import fs from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import type { Browser, Download, Page } from 'playwright-core';
import { Role } from '../../src/common/role.enum';
import { CLI_ACTOR } from '../../src/write/actor';
import { postGraphQL } from '../helpers/graphql-http';
import { describeInChromium, openLocalBrowser } from '../helpers/browser';
import { createTestApp, type TestApp } from '../helpers/test-app';

/**
 * The map page's download links in a real (headless) Chromium, over real HTTP: the gaps from the headline, a saved
 * plan's comparison and the suggested sites from the planning panel, each saved as a file (Playwright's download
 * event) named and filled as the server exports them, with the page's parameters; with an API key in the tab the
 * download sends it. Nothing but this server is requested.
 */

const ITEM = 'CHRONIC_DISEASE_CERT';
const SCENARIO_NAME = 'Map scenario export test';

interface Hooks {
  ready: boolean;
  headline: { uncoveredVillageCount: number; dataVersion: string } | null;
  planning?: { suggestions: { name: string }[]; savedId: string | null; after: number | null };
}

describeInChromium('download links of the map page in Chromium (e2e)', () => {
  let t: TestApp;
  let baseUrl: string;
  let browser: Browser;
  let page: Page;
  let nonLocal: string[] = [];
  let pageErrors: string[] = [];
  let key: string;

  const hooks = (p: Page = page) => p.evaluate(() => (globalThis as unknown as { __serviceCircle: Hooks }).__serviceCircle);
  const waitReady = (p: Page, want: { suggestions?: number; compared?: boolean } = {}) =>
    p.waitForFunction(
      (w) => {
        const sc = (globalThis as unknown as { __serviceCircle?: Hooks }).__serviceCircle;
        if (!sc || !sc.ready || !sc.headline || !sc.planning) return false;
        return (w.suggestions === undefined || sc.planning.suggestions.length === w.suggestions) && (!w.compared || sc.planning.after !== null);
      },
      want,
      { timeout: 60_000 },
    );
  /** Clicks a download link and reads the file the browser saved. */
  const downloadOf = async (testId: string): Promise<{ download: Download; bytes: Buffer }> => {
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), page.getByTestId(testId).click()]);
    const path = await download.path();
    return { download, bytes: await fs.readFile(path) };
  };
  const csvRows = (bytes: Buffer) => {
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [header, ...rows] = parse(bytes.subarray(3).toString('utf8'), { record_delimiter: '\r\n' }) as string[][];
    return rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]!])));
  };

  beforeAll(async () => {
    t = await createTestApp({ RATE_LIMIT_COST_PER_MINUTE: '0' });
    ({ url: baseUrl } = await t.app.listen(0, '127.0.0.1'));
    key = (await t.app.services.apiKey.create({ name: 'export browser', roles: [Role.READER, Role.PLANNER], areaCodes: [] }, CLI_ACTOR)).secret;
    ({ browser, page, nonLocal, pageErrors } = await openLocalBrowser());
  }, 120_000);
  afterAll(async () => {
    await t?.db.dataSource.query(`DELETE FROM scenario WHERE name = '${SCENARIO_NAME}'`);
    await browser?.close();
    await t?.close();
  });

  it('"Download gaps" saves the CSV of the gaps drawn: the page\'s parameters, the server\'s file name, BOM and Chinese names', async () => {
    await page.goto(`${baseUrl}/map`);
    await waitReady(page);
    const headline = (await hooks()).headline!;
    const href = await page.getByTestId('download-gaps-csv').getAttribute('href');
    expect(href).toBe(`/export/gaps.csv?area=520121&item=${ITEM}&mode=EBIKE&minutes=15&travelModel=STRAIGHT_LINE`);
    const { download, bytes } = await downloadOf('download-gaps-csv');
    expect(download.suggestedFilename()).toBe(`gaps-520121-${ITEM}-EBIKE-15min-STRAIGHT_LINE-v${headline.dataVersion}.csv`);
    const rows = csvRows(bytes);
    expect(rows).toHaveLength(headline.uncoveredVillageCount);
    expect(rows[0]!.name).toMatch(/^[\u4e00-\u9fff]+$/);
    expect(rows[0]!.dataVersion).toBe(headline.dataVersion);
  });

  it('after "Suggest": "Download suggestions" saves the sites drawn, as GeoJSON', async () => {
    await page.getByTestId('planning-suggest').click();
    await waitReady(page, { suggestions: 3 });
    const drawn = (await hooks()).planning!.suggestions.map((s) => s.name);
    await page.getByTestId('download-suggestions').waitFor({ state: 'visible' });
    const { download, bytes } = await downloadOf('download-suggestions-geojson');
    expect(download.suggestedFilename()).toMatch(/^suggestions-520121-CHRONIC_DISEASE_CERT-EBIKE-15min-STRAIGHT_LINE-v\d+\.geojson$/);
    const fc = JSON.parse(bytes.toString('utf8')) as { features: { properties: { name: string } }[]; provenance: { dataVersion: string } };
    expect(fc.features.map((f) => f.properties.name)).toEqual(drawn);
  });

  it('with an API key in the tab and a saved plan: "Download comparison" sends the key and saves the comparison of the plan', async () => {
    const saved = await postGraphQL<{ saveScenario: { id: string } }>(
      baseUrl,
      `mutation($s: ScenarioInput!) { saveScenario(name: "${SCENARIO_NAME}", areaCode: "520121", scenario: $s) { id } }`,
      {
        key,
        variables: { s: { close: ['TS-520121101'], add: [{ key: 'NEW-1', name: '东官村服务站', kind: 'TOWNSHIP_STATION', areaCode: '520121200', location: { longitude: 107.102032, latitude: 27.016308 } }] } },
      },
    );
    const id = saved.body.data!.saveScenario.id;
    await page.goto(`${baseUrl}/map?scenario=${id}#key=${encodeURIComponent(key)}`);
    await waitReady(page, { compared: true });
    await page.getByTestId('download-comparison').waitFor({ state: 'visible' });
    expect(await page.getByTestId('download-comparison-csv').getAttribute('href')).toBe(
      `/export/comparison.csv?area=520121&item=${ITEM}&mode=EBIKE&minutes=15&travelModel=STRAIGHT_LINE&scenario=${id}`,
    );
    // The gaps link follows the saved plan too.
    expect(await page.getByTestId('download-gaps-csv').getAttribute('href')).toContain(`&scenario=${id}`);
    const request = page.waitForRequest((r) => r.url().includes('/export/comparison.csv'));
    const { download, bytes } = await downloadOf('download-comparison-csv');
    expect((await request).headers().authorization).toBe(`Bearer ${key}`);
    const compare = await postGraphQL<{ compareCoverage: { villagesGainedCount: number; villagesLostCount: number } }>(
      baseUrl,
      `{ compareCoverage(areaCode: "520121", itemCode: "${ITEM}", scenarioId: "${id}") { villagesGainedCount villagesLostCount } }`,
      { key },
    );
    const c = compare.body.data!.compareCoverage;
    const rows = csvRows(bytes);
    expect(rows.filter((r) => r.change === 'GAINED')).toHaveLength(c.villagesGainedCount);
    expect(rows.filter((r) => r.change === 'LOST')).toHaveLength(c.villagesLostCount);
    expect(rows.map((r) => r.nearestServicePointNameAfter)).toContain('东官村服务站');
    expect(download.suggestedFilename()).toMatch(/^comparison-520121-.*-scenario-[0-9a-f]{16}\.csv$/);
    expect(nonLocal).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
