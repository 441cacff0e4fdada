import { Router, type Request, type Response } from 'express';
import { AppError, clientError, DeadlineExceededError, LimitExceededError, NotFoundError, HTTP_STATUS_OF_CODE } from '../common/errors';
import { publicOrigin } from '../common/public-origin';
import { Role } from '../common/role.enum';
import { assertRole, type Viewer } from '../common/viewer';
import { asServiceUnavailable } from '../graphql/format-error';
import { rateLimitedError, rateLimitHeaders, rateLimitKey } from '../graphql/plugins/rate-limit.plugin';
import { findCollection, OGC_COLLECTIONS, type OgcCollectionSpec } from './ogc-collections';
import { collectionDocument, collectionsDocument, conformance, featureCollectionDocument, featureDocument, landingPage } from './ogc-documents';
import { buildOpenApi, MEDIA_TYPES } from './ogc-openapi';
import { parseCollectionQuery, parseDocumentQuery, parseItemsQuery, type PageSizes, type RawQuery } from './ogc-query.parse';
import type { OgcDeps } from './ogc.deps';
import { OgcService } from './ogc.service';

/** Roles that read at least one collection. */
const OGC_ROLES: readonly Role[] = [...new Set(OGC_COLLECTIONS.flatMap((c) => c.roles))];


/** The version of this API's description (not of the data: every data answer names that in Data-Version). */
const API_VERSION = '1.0.0';

/** What a route answers: the body (JSON), its media type and extra headers, written once the work is done. */
interface Answer {
  type: string;
  body: unknown;
  readonly headers: Map<string, string>;
}

/** SQLSTATE 57014: a statement cancelled at the request deadline (statement_timeout). */
function isCancelledStatement(err: unknown): boolean {
  const e = err as { code?: unknown; driverError?: { code?: unknown } } | null;
  return (e?.driverError?.code ?? e?.code) === '57014';
}

/**
 * OGC API - Features (Part 1: Core, GeoJSON, OpenAPI 3.0; CRS84) at /ogc, for GIS clients (QGIS's "OGC API -
 * Features" connection, GDAL's OAPIF driver):
 * - GET /ogc: landing page; /ogc/conformance; /ogc/api: the OpenAPI 3.0 description, made from the collection registry;
 * - GET /ogc/collections: the collections the caller may read; /ogc/collections/{id}: one, with its extent;
 * - GET /ogc/collections/{id}/items: a page of GeoJSON features (limit, bbox, datetime, cursor, the collection's
 *   own parameters), with numberMatched, numberReturned, timeStamp and a `next` link while more match;
 * - GET /ogc/collections/{id}/items/{featureId}: one feature.
 * The same keys, roles and rate-limit budget as GraphQL (a collection needs the role of the GraphQL fields it
 * mirrors); a query parameter an operation does not take is 400, as is a malformed one; an unknown collection or
 * feature is 404; errors are GraphQL-style JSON ({ errors: [{ message, extensions: { code } }] }). Every data answer
 * says which data version it was read at (the Data-Version header, and `dataVersion` in the body).
 */
export function createOgcRouter(deps: OgcDeps): Router {
  const router = Router();
  const service = new OgcService(deps.repository, { villages: deps.villages, servicePoints: deps.servicePoints, areas: deps.areas, coverage: deps.coverage, planningAreas: deps.planningAreas });
  const { pagination } = deps.config;
  const pageSizes = (c: OgcCollectionSpec): PageSizes => ({
    defaultLimit: pagination.defaultPageSize,
    maxLimit: Math.min(pagination.maxPageSize, c.maxLimit ?? pagination.maxPageSize),
  });
  const baseOf = (req: Request) => `${publicOrigin({ protocol: req.protocol, host: req.get('host') }, deps.config)}/ogc`;

  const fail = (res: Response, caught: unknown) => {
    res.setHeader('Cache-Control', 'no-store');
    let err = asServiceUnavailable(caught); // the database is down: 503 SERVICE_UNAVAILABLE, not 500
    if (isCancelledStatement(err)) {
      err = new DeadlineExceededError(`The request was not finished within the request deadline of ${deps.config.requestDeadlineMs} ms (REQUEST_DEADLINE_MS); ask for less (a smaller limit, a bbox, a filter).`, {
        deadlineMs: deps.config.requestDeadlineMs,
      });
    }
    if (err instanceof AppError) {
      const status = HTTP_STATUS_OF_CODE[err.code] ?? 500;
      if (status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="service-circle", charset="UTF-8"');
      res.status(status).json({ errors: [clientError(err)] });
      return;
    }
    deps.logger.error({ err }, 'OGC API request failed');
    res.status(500).json({ errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
  };

  /** The caller (a bad key: 401 before anything else). */
  const viewerOf = (req: Request): Promise<Viewer> => deps.authenticator.authenticateRequest(req.headers);

  /** Spends `points` from the caller's rate-limit budget (RateLimit-* headers; 429 RATE_LIMITED when it cannot pay). */
  const spend = async (req: Request, answer: Answer, viewer: Viewer, points: number, what: string) => {
    const decision = await deps.rateLimit?.consume(rateLimitKey(viewer, req.ip), points);
    if (!decision) return;
    for (const [name, value] of rateLimitHeaders(decision.state)) answer.headers.set(name, value);
    if (!decision.allowed) {
      const error = rateLimitedError(what, points, decision.state);
      answer.headers.set('Retry-After', String(error.extensions.retryAfterSeconds));
      throw error;
    }
  };

  const reply = (answer: Answer, type: string, body: unknown) => {
    answer.type = type;
    answer.body = body;
  };

  /** The JSON answer, as its type says; LIMIT_EXCEEDED above MAX_RESPONSE_BYTES (as GraphQL answers are bounded). */
  const send = (res: Response, answer: Answer) => {
    const text = JSON.stringify(answer.body);
    const bytes = Buffer.byteLength(text);
    const max = deps.config.limits.maxResponseBytes;
    if (bytes > max) {
      throw new LimitExceededError(`The answer would be ${bytes.toLocaleString('en')} bytes, over MAX_RESPONSE_BYTES (${max.toLocaleString('en')}); ask for fewer features (limit) or a smaller area (bbox, a filter).`, {
        setting: 'MAX_RESPONSE_BYTES',
        limit: max,
        actual: bytes,
      });
    }
    res.setHeader('Cache-Control', 'private, no-cache');
    res.status(200).type(answer.type).send(text);
  };

  /**
   * Runs `work` with a request context, within the request deadline (DEADLINE_EXCEEDED, 503, when it runs out), then
   * writes what it made: the work never touches the response itself, so work that outlives the deadline writes nothing.
   */
  const handle =
    (what: string, work: (req: Request, answer: Answer, context: ReturnType<OgcDeps['createContext']>) => Promise<void>) =>
    async (req: Request, res: Response) => {
      const context = deps.createContext(); // REQUEST_DEADLINE_MS from here
      const answer: Answer = { type: MEDIA_TYPES.json, body: null, headers: new Map() };
      const task = work(req, answer, context);
      task.catch(() => undefined); // settled after the deadline: nobody waits for it any more
      try {
        await Promise.race([task, context.deadline.whenExpired().then(() => context.deadline.check(what) as never)]);
        for (const [name, value] of answer.headers) res.setHeader(name, value);
        send(res, answer);
      } catch (err) {
        for (const [name, value] of answer.headers) res.setHeader(name, value);
        fail(res, err);
      } finally {
        context.deadline.release();
      }
    };

  const collectionOf = (id: string): OgcCollectionSpec => {
    const collection = findCollection(id);
    if (!collection) {
      throw new NotFoundError(`Collection (the collections: ${OGC_COLLECTIONS.map((c) => c.id).join(', ')})`, id.slice(0, 80));
    }
    return collection;
  };

  /** A collection's description, with its extent (read once per data version). */
  const describe = async (c: OgcCollectionSpec, base: string, params: readonly (readonly [string, string])[], context: ReturnType<OgcDeps['createContext']>) =>
    collectionDocument(c, base, params, await service.extent(c, context.loaders));

  /** GeoJSON, or plain JSON when the client asks for that rather than GeoJSON. */
  const featureType = (req: Request) => (req.accepts([MEDIA_TYPES.geojson, MEDIA_TYPES.json]) === MEDIA_TYPES.json ? MEDIA_TYPES.json : MEDIA_TYPES.geojson);

  // CORS: read-only data for web maps on other origins (a key, if needed, goes in a header); preflights answered here.
  router.use((req, res, next) => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Allow-Headers', 'Authorization, X-API-Key, Accept');
    res.setHeader('Access-Control-Expose-Headers', 'Data-Version, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, RateLimit-Policy, Retry-After');
    res.setHeader('Vary', 'Authorization, X-API-Key, Accept');
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', 'GET, HEAD, OPTIONS');
      res.setHeader('Access-Control-Max-Age', '600');
      res.status(204).end();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD, OPTIONS');
      res.status(405).json({ errors: [{ message: `The OGC API is read-only: GET, not ${req.method.slice(0, 10)}.`, extensions: { code: 'BAD_REQUEST' } }] });
      return;
    }
    next();
  });

  router.get(
    '/',
    handle('The landing page', async (req, answer) => {
      const viewer = await viewerOf(req);
      parseDocumentQuery(req.query as RawQuery, 'the landing page (/ogc)');
      await spend(req, answer, viewer, 1, 'the landing page');
      reply(answer, MEDIA_TYPES.json, landingPage(baseOf(req)));
    }),
  );

  router.get(
    '/conformance',
    handle('The conformance declaration', async (req, answer) => {
      const viewer = await viewerOf(req);
      parseDocumentQuery(req.query as RawQuery, '/ogc/conformance');
      await spend(req, answer, viewer, 1, 'the conformance declaration');
      reply(answer, MEDIA_TYPES.json, conformance());
    }),
  );

  router.get(
    '/api',
    handle('The API description', async (req, answer) => {
      const viewer = await viewerOf(req);
      parseDocumentQuery(req.query as RawQuery, '/ogc/api');
      await spend(req, answer, viewer, 1, 'the API description');
      const body = buildOpenApi({
        base: baseOf(req),
        collections: OGC_COLLECTIONS,
        pageSizes,
        defaultPageSizes: { defaultLimit: pagination.defaultPageSize, maxLimit: pagination.maxPageSize },
        version: API_VERSION,
      });
      reply(answer, req.accepts([MEDIA_TYPES.openapi, MEDIA_TYPES.json]) === MEDIA_TYPES.json ? MEDIA_TYPES.json : MEDIA_TYPES.openapi, body);
    }),
  );

  router.get(
    '/collections',
    handle('The list of collections', async (req, answer, context) => {
      const viewer = await viewerOf(req);
      // Those the caller may read; none at all (no key, ANONYMOUS_ROLES=none): as GraphQL, UNAUTHENTICATED.
      const readable = OGC_COLLECTIONS.filter((c) => c.roles.some((role) => viewer.roles.includes(role)));
      if (readable.length === 0) assertRole(viewer, OGC_ROLES, 'The OGC API collections');
      parseDocumentQuery(req.query as RawQuery, '/ogc/collections');
      await spend(req, answer, viewer, 1, 'the list of collections');
      const base = baseOf(req);
      const collections = [];
      for (const c of readable) collections.push(await describe(c, base, [], context));
      const dataVersion = await context.loaders.dataVersion();
      answer.headers.set('Data-Version', dataVersion);
      reply(answer, MEDIA_TYPES.json, collectionsDocument(base, collections, dataVersion));
    }),
  );

  /** The collection of the path, the caller, and the caller's right to read it (404, then 401/403). */
  const authorize = async (req: Request): Promise<{ collection: OgcCollectionSpec; viewer: Viewer }> => {
    const collection = collectionOf(String(req.params.collectionId));
    const viewer = await viewerOf(req);
    assertRole(viewer, collection.roles, `The ${collection.id} collection`);
    return { collection, viewer };
  };

  router.get(
    '/collections/:collectionId',
    handle('The collection', async (req, answer, context) => {
      const { collection, viewer } = await authorize(req);
      const { params, canonical } = parseCollectionQuery(collection, req.query as RawQuery, `/collections/${collection.id}`);
      await service.checkParams(params, context.loaders);
      await spend(req, answer, viewer, 1, `the ${collection.id} collection`);
      const document = await describe(collection, baseOf(req), canonical, context);
      const dataVersion = await context.loaders.dataVersion();
      answer.headers.set('Data-Version', dataVersion);
      reply(answer, MEDIA_TYPES.json, { ...document, dataVersion });
    }),
  );

  router.get(
    '/collections/:collectionId/items',
    handle('The features', async (req, answer, context) => {
      const { collection, viewer } = await authorize(req);
      const query = parseItemsQuery(collection, req.query as RawQuery, pageSizes(collection));
      await spend(req, answer, viewer, collection.baseCost + query.limit, `this page of ${query.limit} ${collection.id}`);
      const dataVersion = await context.loaders.dataVersion();
      const page = await service.items(collection, query, context.loaders, context.deadline);
      answer.headers.set('Data-Version', dataVersion);
      reply(answer, featureType(req), featureCollectionDocument(collection, baseOf(req), query, page, dataVersion));
    }),
  );

  router.get(
    '/collections/:collectionId/items/:featureId',
    handle('The feature', async (req, answer, context) => {
      const { collection, viewer } = await authorize(req);
      const featureId = String(req.params.featureId);
      const { params, canonical } = parseCollectionQuery(collection, req.query as RawQuery, `/collections/${collection.id}/items/{featureId}`);
      await spend(req, answer, viewer, collection.baseCost + 1, `this ${collection.id} feature`);
      const dataVersion = await context.loaders.dataVersion();
      const item = await service.item(collection, featureId, params, context.loaders, context.deadline);
      answer.headers.set('Data-Version', dataVersion);
      reply(answer, featureType(req), featureDocument(collection, baseOf(req), featureId, canonical, item, dataVersion));
    }),
  );

  // Anything else under /ogc: a JSON 404 saying where things are, not express's HTML page.
  router.use((req, res) => {
    fail(
      res,
      new NotFoundError(
        'Resource (the OGC API is /ogc, /ogc/conformance, /ogc/api, /ogc/collections, /ogc/collections/{id}, /ogc/collections/{id}/items, /ogc/collections/{id}/items/{featureId})',
        req.path.slice(0, 80),
      ),
    );
  });

  return router;
}
