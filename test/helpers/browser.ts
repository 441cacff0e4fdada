import fs from 'node:fs';
import os from 'node:os';

/** Whether a URL a test page requested stays on this machine (the browser tests abort everything else). */
export function isLocal(url: string): boolean {
  if (url.startsWith('data:') || url.startsWith('blob:') || url === 'about:blank') return true;
  try {
    const u = new URL(url);
    return ['http:', 'https:', 'ws:', 'wss:'].includes(u.protocol) && ['127.0.0.1', 'localhost'].includes(u.hostname);
  } catch {
    return false;
  }
}

/** Where a Chromium is looked for when `CHROMIUM_PATH` is unset (Debian/Ubuntu packages, Google Chrome, snap). */
export const CHROMIUM_CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
];
const ENABLE_HINT = 'install one (apt-get install chromium fonts-noto-cjk) or set CHROMIUM_PATH to a Chromium or Chrome executable';

type Env = Record<string, string | undefined>;

function isExecutableFile(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** `CHROMIUM_PATH` if set (and then only there), else the first executable of CHROMIUM_CANDIDATES; null if none. */
export function findChromium(env: Env = process.env, isExecutable: (file: string) => boolean = isExecutableFile): string | null {
  const configured = env.CHROMIUM_PATH?.trim();
  if (configured) return isExecutable(configured) ? configured : null;
  return CHROMIUM_CANDIDATES.find((file) => isExecutable(file)) ?? null;
}

/**
 * What the browser tests do here: with a Chromium they run; without one they are skipped, unless CI (`CI=true`)
 * requires them (`required`), in which case they run and fail with `message`.
 */
export type ChromiumPlan =
  | { executablePath: string; required: boolean; message?: undefined }
  | { executablePath: null; required: boolean; message: string };

export function chromiumPlan(env: Env = process.env, isExecutable: (file: string) => boolean = isExecutableFile): ChromiumPlan {
  const required = ['true', '1'].includes((env.CI ?? '').trim().toLowerCase());
  const executablePath = findChromium(env, isExecutable);
  if (executablePath) return { executablePath, required };
  const configured = env.CHROMIUM_PATH?.trim();
  const where = configured ? `CHROMIUM_PATH=${configured} is not an executable file` : `none of ${CHROMIUM_CANDIDATES.join(', ')} exists`;
  const message = required
    ? `The browser tests need a Chromium and CI=true requires them, but ${where}: ${ENABLE_HINT}.`
    : `Browser tests skipped: no Chromium found (${where}); to run them, ${ENABLE_HINT}.`;
  return { executablePath: null, required, message };
}

/**
 * Prints the skip line once per run, not once per browser test file. Each test file gets fresh globals, but
 * they share Node's core modules (jest runs them in one process, maxWorkers 1), so the flag sits on `os`.
 * Written to stderr, not console.warn: jest does not show the console output of a file whose tests were all
 * skipped when it runs several files.
 */
const SKIP_LINE_PRINTED = Symbol.for('service-circle.browser-tests-skipped');
function warnOncePerRun(message: string): void {
  const shared = os as unknown as Record<symbol, boolean | undefined>;
  if (shared[SKIP_LINE_PRINTED]) return;
  shared[SKIP_LINE_PRINTED] = true;
  process.stderr.write(`${message}\n`);
}

/**
 * `describe` for tests that drive Chromium. Without one they are skipped (`describe.skip`) after one line saying
 * how to enable them, except under CI, where they run and fail in openLocalBrowser with the reason.
 */
export function describeInChromium(name: string, fn: () => void): void {
  const plan = chromiumPlan();
  if (plan.executablePath === null && !plan.required) {
    warnOncePerRun(plan.message);
    describe.skip(name, fn);
  } else {
    describe(name, fn);
  }
}

/** Kept off the network: no background, component or sync traffic. */
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
  const plan = chromiumPlan();
  if (plan.executablePath === null) throw new Error(plan.message);
  const browser = await chromium.launch({ executablePath: plan.executablePath, args: CHROMIUM_ARGS, headless: true });
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
  page.on('websocket', (ws) => {
    if (!isLocal(ws.url())) nonLocal.push(ws.url());
  });
  page.on('pageerror', (err) => pageErrors.push(String(err)));
  page.on('console', (msg) => {
    if (msg.type() === 'error') pageErrors.push(msg.text());
  });
  return { browser, context, page, nonLocal, pageErrors };
}
