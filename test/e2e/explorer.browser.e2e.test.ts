import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { describeInChromium, openLocalBrowser } from '../helpers/browser';
import { createTestApp, type TestApp } from '../helpers/test-app';

/**
 * The offline GraphQL explorer (GET /graphql from a browser), the vendor files it and /map load, and the
 * routing between the explorer page and Apollo: plain HTTP first, then GraphiQL in a real headless Chromium
 * that may request nothing but this server.
 */

const ROOT = path.resolve(__dirname, '../..');
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';
const AREA_QUERY = '{ area(code: "520121") { name } }';

describe('offline GraphQL explorer and page routes (e2e)', () => {
  let t: TestApp;
  let baseUrl: string;

  beforeAll(async () => {
    t = await createTestApp();
    ({ url: baseUrl } = await t.app.listen(0, '127.0.0.1'));
  });
  afterAll(async () => {
    await t?.close();
  });

  const get = async (urlPath: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${baseUrl}${urlPath}`, { headers });
    return { status: res.status, headers: res.headers, contentType: res.headers.get('content-type') ?? '', body: Buffer.from(await res.arrayBuffer()) };
  };

  describe('over plain HTTP', () => {
    it('GET /graphql from a browser (Accept: text/html, no query) → the explorer page with the examples', async () => {
      const res = await get('/graphql', { accept: BROWSER_ACCEPT });
      expect(res.status).toBe(200);
      expect(res.contentType).toMatch(/^text\/html/);
      const html = res.body.toString('utf8');
      expect(html).toContain('/vendor/graphiql/graphiql.min.js');
      expect(html).toContain('/vendor/react/react.production.min.js');
      expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org)/); // no absolute URL anywhere: nothing from the internet
      const examples = JSON.parse(/<script id="sc-examples" type="application\/json">([\s\S]*?)<\/script>/.exec(html)![1]) as { name: string; query: string }[];
      expect(examples.map((e) => e.name)).toEqual(expect.arrayContaining(['KaiyangOverview', 'LargeVillagesOfShuangliu', 'KaiyangDirectoryFirstPage', 'VillageLevelItems']));
      expect(examples.find((e) => e.name === 'KaiyangOverview')!.query).toMatch(/^# Map dashboard: [\s\S]*query KaiyangOverview \{/);
      expect(res.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
      expect(res.headers.get('vary')).toMatch(/accept/i);
    });

    it('GET /graphql?query=… with Accept: application/json still reaches Apollo', async () => {
      const q = encodeURIComponent(AREA_QUERY);
      const served = await get(`/graphql?query=${q}`, { accept: 'application/json', 'apollo-require-preflight': 'true' });
      expect(served.status).toBe(200);
      expect(served.contentType).toMatch(/^application\/json/);
      expect(JSON.parse(served.body.toString('utf8'))).toEqual({ data: { area: { name: '开阳县' } } });

      // Apollo's CSRF prevention still answers a GET without the preflight header.
      const blocked = await get(`/graphql?query=${q}`, { accept: 'application/json' });
      expect(blocked.status).toBe(400);
      expect(blocked.body.toString('utf8')).toMatch(/CSRF|Cross-Site Request Forgery/);
    });

    it('a GET with a query goes to Apollo even when it accepts HTML; a JSON-only GET without one is not the page', async () => {
      const q = encodeURIComponent(AREA_QUERY);
      const res = await get(`/graphql?query=${q}`, { accept: BROWSER_ACCEPT, 'apollo-require-preflight': 'true' });
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body.toString('utf8'))).toEqual({ data: { area: { name: '开阳县' } } });

      const bare = await get('/graphql', { accept: 'application/json' });
      expect(bare.contentType).not.toMatch(/text\/html/);
      expect(bare.body.toString('utf8')).not.toMatch(/graphiql/i);
    });

    it('POST /graphql still works', async () => {
      const res = await fetch(`${baseUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: BROWSER_ACCEPT },
        body: JSON.stringify({ query: AREA_QUERY }),
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ data: { area: { name: '开阳县' } } });
    });

    it.each([
      ['/vendor/maplibre-gl/maplibre-gl.js', 'node_modules/maplibre-gl/dist/maplibre-gl.js', /javascript/],
      ['/vendor/maplibre-gl/maplibre-gl.css', 'node_modules/maplibre-gl/dist/maplibre-gl.css', /text\/css/],
      ['/vendor/graphiql/graphiql.min.js', 'node_modules/graphiql/graphiql.min.js', /javascript/],
      ['/vendor/graphiql/graphiql.min.css', 'node_modules/graphiql/graphiql.min.css', /text\/css/],
      ['/vendor/react/react.production.min.js', 'node_modules/react/umd/react.production.min.js', /javascript/],
      ['/vendor/react/react-dom.production.min.js', 'node_modules/react-dom/umd/react-dom.production.min.js', /javascript/],
    ])('GET %s → the exact file from node_modules, cacheable', async (urlPath, file, type) => {
      const res = await get(urlPath);
      expect(res.status).toBe(200);
      expect(res.contentType).toMatch(type);
      expect(res.headers.get('cache-control')).toMatch(/public, max-age=\d+/);
      expect(res.body.equals(fs.readFileSync(path.join(ROOT, file)))).toBe(true);
    });

    it.each([
      '/vendor/maplibre-gl/',
      '/vendor/maplibre-gl/package.json',
      '/vendor/maplibre-gl/maplibre-gl-dev.js',
      '/vendor/react/..%2Fpackage.json',
      '/vendor/react/..%2F..%2Fpackage.json',
      '/vendor/express/index.js',
      '/map/static/',
      '/map/static/explorer.html',
      '/map/static/..%2Fpages.routes.ts',
      '/map/static/%2E%2E%2F%2E%2E%2F..%2Fpackage.json',
    ])('GET %s → 404 (whitelisted files only, no listing)', async (urlPath) => {
      const res = await get(urlPath);
      expect(res.status).toBe(404);
      expect(res.body.toString('utf8')).toMatch(/Cannot GET/); // express's plain 404, not a file
    });

    it('GET /map and its static files are served, with a CSP that allows this server only', async () => {
      const page = await get('/map', { accept: BROWSER_ACCEPT });
      expect(page.status).toBe(200);
      expect(page.contentType).toMatch(/^text\/html/);
      expect(page.body.toString('utf8')).toContain('Village locations, township seats and populations in this data are synthetic.');
      expect(page.headers.get('content-security-policy')).toMatch(/default-src 'self'.*connect-src 'self'/);
      for (const [file, type] of [['map.js', /javascript/], ['map.css', /text\/css/], ['explorer.js', /javascript/]] as const) {
        const res = await get(`/map/static/${file}`);
        expect([file, res.status]).toEqual([file, 200]);
        expect(res.contentType).toMatch(type);
        expect(res.headers.get('cache-control')).toBe('no-cache');
      }
    });
  });

  describeInChromium('in Chromium', () => {
    let browser: Browser;
    let page: Page;
    let nonLocal: string[] = [];
    let pageErrors: string[] = [];

    beforeAll(async () => {
      ({ browser, page, nonLocal, pageErrors } = await openLocalBrowser());
    }, 120_000);

    afterAll(async () => {
      await browser?.close();
    });

    it('renders GraphiQL with the Kaiyang coverage query as the default tab and the examples as more tabs', async () => {
      const response = await page.goto(`${baseUrl}/graphql`);
      expect(response?.status()).toBe(200);
      await page.locator('.graphiql-container .graphiql-query-editor .CodeMirror').waitFor({ timeout: 30_000 });
      const query = await page.evaluate(() => {
        const cm = (globalThis as unknown as { document: { querySelector(s: string): any } }).document.querySelector('.graphiql-query-editor .CodeMirror');
        return cm.CodeMirror.getValue() as string;
      });
      expect(query).toMatch(/query KaiyangCoverage \{\s+coverage\(\s+areaCode: "520121"\s+itemCode: "CHRONIC_DISEASE_CERT"/);
      const tabs = await page.locator('.graphiql-tab').count();
      expect(tabs).toBeGreaterThanOrEqual(3 + 6); // 3 built-in + every example of schema/examples.graphql
      await expect(page.locator('.graphiql-logo').textContent()).resolves.toContain('Service Circle');
    });

    it('runs the default query with the execute button and shows the result', async () => {
      await page.locator('.graphiql-execute-button').click();
      const result = page.locator('.graphiql-response .result-window');
      await result.filter({ hasText: 'coveredVillageCount' }).waitFor({ timeout: 30_000 });
      const text = (await result.textContent()) ?? '';
      expect(text).toMatch(/"villageCount":\s*136/);
      expect(text).not.toMatch(/"errors"/);
      fs.mkdirSync(path.join(ROOT, 'test-results'), { recursive: true });
      await page.screenshot({ path: path.join(ROOT, 'test-results/explorer.png') });
    });

    it('runs a subscription over WebSocket and shows the new figures after a write', async () => {
      await page.evaluate(() => {
        const cm = (globalThis as unknown as { document: { querySelector(s: string): any } }).document.querySelector('.graphiql-query-editor .CodeMirror');
        cm.CodeMirror.setValue('subscription Live { coverageChanged(areaCode: "520121", itemCode: "CHRONIC_DISEASE_CERT") { population provenance { dataVersion } } }');
      });
      await page.waitForTimeout(500); // GraphiQL reads the new operation
      await page.locator('.graphiql-execute-button').click();
      await page.waitForTimeout(800); // subscribed
      await t.db.dataSource.query(`UPDATE village SET population = population + 11 WHERE code = '520121001001'`);
      try {
        const result = page.locator('.graphiql-response .result-window');
        await result.filter({ hasText: 'coverageChanged' }).waitFor({ timeout: 10_000 });
        const text = (await result.textContent()) ?? '';
        expect(text).toMatch(/"population":\s*\d+/);
        expect(text).not.toMatch(/"errors"/);
      } finally {
        await t.db.dataSource.query(`UPDATE village SET population = population - 11 WHERE code = '520121001001'`);
      }
    });

    it('requested nothing but this server, and raised no page error', () => {
      expect(nonLocal).toEqual([]);
      expect(pageErrors).toEqual([]);
    });
  });
});
