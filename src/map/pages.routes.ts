import fs from 'node:fs';
import path from 'node:path';
import { Router, type Request, type Response } from 'express';
import { findProjectRoot, readExampleOperations, type ExampleOperation } from '../common/example-operations';
import type { MapDeps } from './map.deps';

/**
 * Browser pages, all served from this machine (nothing loads from the internet):
 * - GET /map: the coverage map (MapLibre GL JS, no basemap), its files under GET /map/static/*;
 * - GET /graphql from a browser (Accept: text/html, no `query` parameter): the offline GraphiQL explorer,
 *   with the operations of schema/examples.graphql as tabs; any other /graphql request goes on to Apollo;
 * - GET /vendor/{maplibre-gl,graphiql,react}/*: a whitelist of files from node_modules (React and ReactDOM under react/).
 */

const PROJECT_ROOT = findProjectRoot();
const STATIC_DIR = path.join(PROJECT_ROOT, 'src', 'map', 'static');
const EXAMPLES_PATH = path.join(PROJECT_ROOT, 'schema', 'examples.graphql');

/** Page files under /map/static/ (explorer.html is only served as GET /graphql). */
const STATIC_FILES = new Set(['map.html', 'map.js', 'map.css', 'explorer.js']);

/** URL folder → the files a browser may fetch from it (URL name → package and path inside the package). */
const VENDOR: Record<string, Record<string, { pkg: string; file: string }>> = {
  'maplibre-gl': {
    'maplibre-gl.js': { pkg: 'maplibre-gl', file: 'dist/maplibre-gl.js' },
    'maplibre-gl.js.map': { pkg: 'maplibre-gl', file: 'dist/maplibre-gl.js.map' },
    'maplibre-gl.css': { pkg: 'maplibre-gl', file: 'dist/maplibre-gl.css' },
  },
  graphiql: {
    'graphiql.min.js': { pkg: 'graphiql', file: 'graphiql.min.js' },
    // graphiql.min.js names its source map index.umd.js.map.
    'index.umd.js.map': { pkg: 'graphiql', file: 'graphiql.min.js.map' },
    'graphiql.min.css': { pkg: 'graphiql', file: 'graphiql.min.css' },
  },
  'graphql-ws': {
    'graphql-ws.min.js': { pkg: 'graphql-ws', file: 'umd/graphql-ws.min.js' },
  },
  react: {
    'react.production.min.js': { pkg: 'react', file: 'umd/react.production.min.js' },
    'react-dom.production.min.js': { pkg: 'react-dom', file: 'umd/react-dom.production.min.js' },
  },
};

/**
 * Pages may load scripts, styles and data from this server only. MapLibre starts its worker from a blob: URL
 * and draws images from blob:/data:; GraphiQL's CSS embeds its fonts as data: URLs and React sets inline styles.
 */
const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  'font-src data:',
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "child-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'self'",
  "form-action 'self'",
].join('; ');

/** Vendor files change only with an npm install; the server restarts then. */
const VENDOR_CACHE = 'public, max-age=86400';
/** Our own page files: revalidate each time (ETag / Last-Modified make that a 304). */
const PAGE_CACHE = 'no-cache';


/** JSON that is safe inside <script type="application/json">. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** Browser navigation to /graphql: wants HTML and asks no query (a GET query goes to Apollo, whatever it accepts). */
function wantsExplorer(req: Request): boolean {
  if (req.query.query !== undefined) return false;
  const accept = req.get('accept') ?? '';
  return /(^|,)\s*text\/html\s*(;|,|$)/i.test(accept);
}

function resolvePackageDir(pkg: string): string | null {
  try {
    return path.dirname(require.resolve(`${pkg}/package.json`));
  } catch {
    return null;
  }
}

export function createPagesRouter(deps: MapDeps): Router {
  const { logger } = deps;
  const router = Router();

  const sendPage = (res: Response, file: string, body?: string) => {
    res.set('Cache-Control', PAGE_CACHE);
    res.set('Content-Security-Policy', PAGE_CSP);
    res.set('X-Content-Type-Options', 'nosniff');
    if (body !== undefined) {
      res.type('html').send(body);
      return;
    }
    res.sendFile(file, { root: STATIC_DIR, dotfiles: 'deny' }, (err) => {
      if (err && !res.headersSent) {
        logger.error({ err, file }, 'page file missing');
        res.status(404).type('text').send('Not found');
      }
    });
  };

  router.get('/map', (_req, res) => sendPage(res, 'map.html'));

  router.get('/map/static/:file', (req, res, next) => {
    const file = req.params.file;
    if (!STATIC_FILES.has(file)) return next();
    res.set('Cache-Control', PAGE_CACHE);
    res.set('X-Content-Type-Options', 'nosniff');
    res.sendFile(file, { root: STATIC_DIR, dotfiles: 'deny' }, (err) => {
      if (err && !res.headersSent) next();
    });
  });

  const packageDirs = new Map<string, string | null>();
  router.get('/vendor/:folder/:file', (req, res, next) => {
    const folder = Object.hasOwn(VENDOR, req.params.folder) ? VENDOR[req.params.folder] : undefined;
    const entry = folder && Object.hasOwn(folder, req.params.file) ? folder[req.params.file] : undefined;
    if (!entry) return next();
    if (!packageDirs.has(entry.pkg)) {
      const dir = resolvePackageDir(entry.pkg);
      if (!dir) logger.warn({ pkg: entry.pkg }, 'vendor package not installed; its files answer 404');
      packageDirs.set(entry.pkg, dir);
    }
    const dir = packageDirs.get(entry.pkg);
    if (!dir) return next();
    res.set('Cache-Control', VENDOR_CACHE);
    res.set('X-Content-Type-Options', 'nosniff');
    res.sendFile(entry.file, { root: dir }, (err) => {
      if (err && !res.headersSent) {
        logger.warn({ pkg: entry.pkg, file: entry.file }, 'vendor file missing');
        next();
      }
    });
  });

  router.get('/graphql', (req, res, next) => {
    if (!wantsExplorer(req)) return next();
    let examples: ExampleOperation[] = [];
    try {
      examples = readExampleOperations(fs.readFileSync(EXAMPLES_PATH, 'utf8'));
    } catch (err) {
      logger.warn({ err }, 'schema/examples.graphql unreadable; the explorer opens without its examples');
    }
    let html: string;
    try {
      html = fs.readFileSync(path.join(STATIC_DIR, 'explorer.html'), 'utf8');
    } catch (err) {
      logger.error({ err }, 'explorer.html missing');
      return next();
    }
    res.vary('Accept');
    sendPage(res, 'explorer.html', html.replace('<!--EXAMPLES-->', () => scriptJson(examples)));
  });

  return router;
}
