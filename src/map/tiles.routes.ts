import { Router, type Request, type Response } from 'express';
import { AppError, clientError, HTTP_STATUS_OF_CODE } from '../common/errors';
import { asServiceUnavailable } from '../graphql/format-error';
import { assertRole } from '../common/viewer';
import { Role } from '../common/role.enum';
import type { MapDeps } from './map.deps';
import { rateLimitedError, rateLimitHeaders, rateLimitKey } from '../graphql/plugins/rate-limit.plugin';
import { CoverageVariantLimit, TILE_COST } from './tile-budget';
import { parseLayer, TILE_LAYERS, TileRequestError, TilesService, type TileLayerId } from './tiles.service';

const MVT_CONTENT_TYPE = 'application/vnd.mapbox-vector-tile';
const CACHE_CONTROL = 'public, max-age=60';

/** Layers carrying coverage figures (covered, travelMinutes, the circle) are planning data; the rest is the directory. */
const ROLE_OF_LAYER: Readonly<Record<TileLayerId, Role>> = { villages: Role.PLANNER, coverage: Role.PLANNER, 'service-points': Role.READER, areas: Role.READER, roads: Role.READER };

/** Whether If-None-Match (a list of entity tags, or *) matches `etag` (weak comparison, as for GET). */
function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const bare = etag.replace(/^W\//, '');
  return header.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || tag.replace(/^W\//, '') === bare;
  });
}

/**
 * scheme://host for the absolute tile URLs of TileJSON, which shared caches keep (Cache-Control: public): PUBLIC_URL
 * when set; else the request's Host only when its name is one of PUBLIC_HOSTS (default: this machine's names and
 * HOST), so a forged Host cannot put another origin into a cached answer; else the configured address.
 */
function tileOrigin(req: Request, config: MapDeps['config']): string {
  if (config.publicUrl) return config.publicUrl;
  const host = req.get('host') ?? '';
  const match = /^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?$/.exec(host);
  if (match && config.publicHosts.includes(match[1]!.toLowerCase().replace(/^\[|\]$/g, ''))) return `${req.protocol}://${host}`;
  return `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
}

/**
 * GET /tiles/{layer}/{z}/{x}/{y}.mvt: Mapbox Vector Tiles of the layers villages, service-points, coverage, areas, roads
 * (layer name in the tile = layer id), with query parameters item, mode, minutes (villages, coverage), item
 * (service-points: only points offering it) and crs=WGS84|GCJ02|BD09 (all). 200 with the tile, or an empty body
 * for a tile with no features; ETag from the data version and the request, 304 on If-None-Match;
 * Cache-Control: public, max-age=60. Point and coverage layers are refused (400) below zoom 6.
 * GET /tiles/{layer}.json: TileJSON 3.0.0. Errors: 400 BAD_USER_INPUT, 404 NOT_FOUND, as GraphQL-style JSON.
 */
export function createTilesRouter(deps: MapDeps): Router {
  const router = Router();
  const tiles = new TilesService(deps.tilesRepository, deps.coverage, deps.config, deps.logger.child({ component: 'tiles' }), deps.cache);
  const variants = new CoverageVariantLimit(deps.config.tileCoverageVariantsPerMinute);

  const fail = (res: Response, caught: unknown) => {
    res.setHeader('Cache-Control', 'no-store');
    const err = asServiceUnavailable(caught); // the database is down: 503 SERVICE_UNAVAILABLE, not 500
    if (err instanceof AppError) {
      const status = HTTP_STATUS_OF_CODE[err.code] ?? 500;
      res.status(status).json({ errors: [clientError(err)] });
      return;
    }
    deps.logger.error({ err }, 'tile request failed');
    res.status(500).json({ errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
  };

  const allowCors = (res: Response) => {
    // Tiles and TileJSON are read-only data for map dashboards on other origins (a key, if needed, goes in a header).
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Allow-Headers', 'Authorization, X-API-Key, If-None-Match');
    res.setHeader('Access-Control-Expose-Headers', 'ETag');
    res.setHeader('Vary', 'Authorization, X-API-Key');
  };

  /**
   * Same keys and roles as GraphQL (the layer is checked first: an unknown one is 404, whatever its name); answers
   * readable without a key may be cached publicly, others only privately. Then `cost` points from the caller's
   * rate-limit budget, with RateLimit-* headers, 429 RATE_LIMITED when it cannot pay. Returns the budget's key.
   */
  const authorize = async (req: Request, res: Response, layerName: string, cost: (layer: TileLayerId) => number): Promise<{ layer: TileLayerId; client: string }> => {
    const layer = parseLayer(layerName);
    const viewer = await deps.authenticator.authenticateRequest(req.headers);
    assertRole(viewer, [ROLE_OF_LAYER[layer]], `The ${layer} tile layer`);
    res.locals.cacheControl = viewer.kind === 'anonymous' ? CACHE_CONTROL : CACHE_CONTROL.replace('public', 'private');
    const client = rateLimitKey(viewer, req.ip);
    const points = cost(layer);
    const decision = await deps.rateLimit?.consume(client, points);
    if (decision) {
      for (const [name, value] of rateLimitHeaders(decision.state)) res.setHeader(name, value);
      if (!decision.allowed) {
        const error = rateLimitedError(`this ${layer} tile`, points, decision.state);
        res.setHeader('Retry-After', String(error.extensions.retryAfterSeconds));
        throw error;
      }
    }
    return { layer, client };
  };

  router.get('/tiles/:layer/:z/:x/:file', async (req, res) => {
    allowCors(res);
    const { loaders, deadline } = deps.createContext(); // REQUEST_DEADLINE_MS from here
    try {
      const file = /^(.*)\.(mvt|pbf)$/.exec(req.params.file);
      if (!file) {
        throw new TileRequestError(`Tiles are at /tiles/{layer}/{z}/{x}/{y}.mvt; "${req.params.file.slice(0, 40)}" does not end in .mvt.`, 'NOT_FOUND');
      }
      const { layer, client } = await authorize(req, res, req.params.layer, (l) => TILE_COST[l]);
      const request = await tiles.request(layer, req.params.z, req.params.x, file[1], req.query as Record<string, unknown>, loaders);
      if (TILE_LAYERS[layer].params.includes('minutes')) variants.admit(client, `${request.item}|${request.mode}|${request.minutes}|${request.travelModel}`);
      const etag = await tiles.etag(request, loaders);
      if (matchesIfNoneMatch(req.get('if-none-match'), etag)) {
        res.setHeader('ETag', etag);
        res.setHeader('Cache-Control', res.locals.cacheControl as string);
        res.status(304).end();
        return;
      }
      const tile = await Promise.race([
        tiles.cachedRender(request, etag, loaders),
        deadline.whenExpired().then(() => deadline.check(`The ${layer} tile ${request.tile.z}/${request.tile.x}/${request.tile.y}`) as never),
      ]);
      if (tile.whole) {
        res.setHeader('ETag', etag);
        res.setHeader('Cache-Control', res.locals.cacheControl as string);
      } else {
        // A write landed while it was drawn: this tile is not of the version the ETag would name; nobody keeps it.
        res.setHeader('Cache-Control', 'no-store');
      }
      res.setHeader('Content-Type', MVT_CONTENT_TYPE);
      res.setHeader('Server-Timing', tile.cached ? 'cache;desc=hit' : `db;dur=${tile.ms.query}, encode;dur=${tile.ms.encode}`);
      res.setHeader('X-Tile-Features', String(tile.features));
      res.setHeader('Content-Length', String(tile.body.length));
      res.status(200).end(tile.body);
    } catch (err) {
      fail(res, err);
    } finally {
      deadline.release();
    }
  });

  router.get('/tiles/:file', async (req, res) => {
    allowCors(res);
    try {
      const file = /^(.*)\.json$/.exec(req.params.file);
      if (!file) throw new TileRequestError(`TileJSON is at /tiles/{layer}.json, tiles at /tiles/{layer}/{z}/{x}/{y}.mvt.`, 'NOT_FOUND');
      const { layer } = await authorize(req, res, file[1]!, () => 1);
      const context = deps.createContext();
      context.deadline.release(); // one small read (the layer's extent), no deadline to keep
      const body = await tiles.tileJson(layer, req.query as Record<string, unknown>, tileOrigin(req, deps.config), context.loaders);
      res.setHeader('Cache-Control', res.locals.cacheControl as string);
      res.status(200).json(body);
    } catch (err) {
      fail(res, err);
    }
  });

  // Anything else under /tiles: a JSON 404 saying where things are, not express's HTML page.
  router.use('/tiles', (_req, res) => {
    allowCors(res);
    fail(res, new TileRequestError('Not found. Tiles are at /tiles/{layer}/{z}/{x}/{y}.mvt, TileJSON at /tiles/{layer}.json; layers: villages, service-points, coverage, areas.', 'NOT_FOUND'));
  });

  return router;
}
