/** Whether a URL a test page requested stays on this machine (the browser tests abort everything else). */
export function isLocal(url: string): boolean {
  if (url.startsWith('data:') || url.startsWith('blob:') || url === 'about:blank') return true;
  try {
    const u = new URL(url);
    return (u.protocol === 'http:' || u.protocol === 'https:') && ['127.0.0.1', 'localhost'].includes(u.hostname);
  } catch {
    return false;
  }
}

const CHROMIUM = '/usr/bin/chromium';
/** Debian's Chromium, kept off the closed network (machines/node-svc.md): no background, component or sync traffic. */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

export interface LocalBrowser {
  browser: import('playwright-core').Browser;
  context: import('playwright-core').BrowserContext;
  page: import('playwright-core').Page;
  /** URLs the pages asked for that are not on this machine (aborted). */
  nonLocal: string[];
  /** Page errors and console errors of `page`. */
  pageErrors: string[];
}

/** A headless Chromium whose context aborts (and records) every request leaving this machine, with one watched page. */
export async function openLocalBrowser(viewport = { width: 1400, height: 900 }): Promise<LocalBrowser> {
  const { chromium } = await import('playwright-core');
  const nonLocal: string[] = [];
  const pageErrors: string[] = [];
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (isLocal(url)) return route.continue();
    nonLocal.push(url);
    return route.abort('blockedbyclient');
  });
  // Also whatever would not pass through routing (workers, websockets).
  context.on('request', (req) => {
    if (!isLocal(req.url()) && !nonLocal.includes(req.url())) nonLocal.push(req.url());
  });
  const page = await context.newPage();
  page.on('websocket', (ws) => nonLocal.push(ws.url()));
  page.on('pageerror', (err) => pageErrors.push(String(err)));
  page.on('console', (msg) => {
    if (msg.type() === 'error') pageErrors.push(msg.text());
  });
  return { browser, context, page, nonLocal, pageErrors };
}
