import http from 'node:http';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import express from 'express';
import type { DataSource } from 'typeorm';
import type { Config } from '../config/config';
import type { Logger } from '../common/logger';
import { createContainer, createServices, type Services } from './container';
import { createChangeFeed } from '../coverage/change-feed';
import { detectDatabaseEngine, openReplicas } from '../db/data-source';
import { currentReadRoute, parseMinDataVersion, ReadRoute, withReadRoute } from '../db/read-replicas';
import { createExportRouter } from '../export/export.routes';
import { createMapRouter } from '../map/map.routes';
import { createOgcRouter } from '../ogc/ogc.routes';
import { createImportRouter } from '../partner/import.routes';
import { createContext, type AppContext } from './context';
import { asServiceUnavailable, createFormatError } from '../graphql/format-error';
import { createRepositories } from './repositories';
import { buildAppSchema } from './schema';
import { graphqlHttpHandler } from '../graphql/http-handler';
import { batchLimit } from '../graphql/http-limits';
import { nestingLimit } from '../graphql/nesting-limit';
import { bodyTooLarge, formatLimitErrors } from '../graphql/plugins/limit-errors';
import { armorProtection, createLimitsPlugin } from '../graphql/plugins/limits.plugin';
import { createMetricsPlugin } from '../graphql/plugins/metrics.plugin';
import { DEFAULT_LIST_SIZE, queryCost } from '../graphql/plugins/query-cost';
import { createLoaders } from './loaders';
import { attachWebSocketServer } from '../graphql/websocket';
import { createRateLimiter } from '../graphql/plugins/rate-limit.plugin';
import { createRequestLoggingPlugin } from '../graphql/plugins/request-logging.plugin';
import { createResponseCache } from '../graphql/plugins/response-cache.plugin';
import type { TravelMode } from '../coverage/travel-mode.enum';
import { everyWorkersMetrics } from '../ops/cluster';
import { Metrics, type PoolStats } from '../ops/metrics';
import { createRequestLogger } from '../ops/request-logger';
import type { Role } from '../common/role.enum';
import { anonymousViewer, type Viewer } from '../common/viewer';

export interface App {
  readonly httpServer: http.Server;
  readonly apollo: ApolloServer<AppContext>;
  readonly services: Services;
  /** Context for in-process operations (integration tests use it with apollo.executeOperation). */
  createContext(viewer?: Viewer): AppContext;
  listen(port: number, host: string): Promise<{ url: string }>;
  stop(): Promise<void>;
}

/** `work`, or a rejection after `ms` (for /readyz, which must answer even when the database hangs). */
async function within<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const HOME_PAGE = `<!doctype html><meta charset="utf-8"><title>Service Circle</title>
<h1>Service Circle</h1>
<p>GraphQL API of the 15-minute medical-insurance service circle. POST queries to <code>/graphql</code>, e.g.</p>
<pre>curl -s localhost:4000/graphql -H 'content-type: application/json' \\
  -d '{"query":"{ area(code: \\"520121\\") { name villageCount population } }"}'</pre>
<p>Schema: <code>schema/schema.graphql</code>; examples: <code>schema/examples.graphql</code>. Health: <a href="/healthz">/healthz</a>, <a href="/readyz">/readyz</a>.</p>
<p>GIS clients (QGIS, GDAL): OGC API - Features at <a href="/ogc">/ogc</a>.</p>
<p>Village locations, township seats and populations in the bundled seed data are synthetic; names and codes are real.</p>`;

/** Which process of a cluster (WORKERS > 1) this app serves in: its pid and worker number. */
export interface AppInstance {
  readonly pid: number;
  readonly worker: number;
}

export async function createApp(deps: { config: Config; logger: Logger; dataSource: DataSource; instance?: AppInstance }): Promise<App> {
  const { config, logger, dataSource, instance } = deps;
  // A cluster worker says who it is: X-Served-By (HTTP answers and WebSocket upgrades), /healthz, /readyz, a pid label on every metric.
  const servedBy = instance ? { 'x-served-by': String(instance.pid) } : null;
  const whoAmI = instance ? { pid: instance.pid, worker: instance.worker } : {};
  const databaseEngine = await detectDatabaseEngine(dataSource);
  // DATABASE_REPLICA_URLS: reads of requests go to a replica that is at their minimum data version (db/read-replicas.ts).
  const replicas = databaseEngine === 'server' ? await openReplicas(config, dataSource, logger, { statementTimeoutMs: config.requestDeadlineMs }) : null;
  if (databaseEngine === 'embedded' && config.database.kind === 'server' && config.database.replicas) {
    logger.warn('DATABASE_REPLICA_URLS is ignored: DATABASE_URL reaches an embedded PGlite database, which has no replicas; every read goes to it');
  }
  const repositories = replicas ? createRepositories(replicas.routed(), dataSource) : createRepositories(dataSource);
  const services = createServices(repositories, config, logger, databaseEngine);
  const schema = await buildAppSchema(createContainer(services));

  const app = express();
  app.disable('x-powered-by');
  if (servedBy) {
    app.use((_req, res, next) => {
      res.set(servedBy);
      next();
    });
  }
  if (config.trustProxy !== false) app.set('trust proxy', config.trustProxy);
  // First of all: the request id (x-request-id) and one log line per request; then HTTP metrics and GET /metrics.
  app.use(createRequestLogger(logger));
  if (replicas) app.use(readRouting());
  const responseCache = config.responseCache && services.cache.enabled ? createResponseCache(services.cache) : null;
  let webSocketStats: { connections: number; subscriptions: number } | null = null;
  const metrics = config.metricsEnabled
    ? new Metrics({
        pool: () => (dataSource.driver as unknown as { master?: PoolStats }).master ?? null,
        coverageCache: () => services.cache.stats('coverage'),
        coverageEngine: () => {
          const { stats, state } = services.coverage.store;
          const fields = state.fields;
          return {
            loads: stats.loads,
            patches: stats.patches,
            lastStepMs: stats.lastStepMs,
            fields: fields?.fields ?? 0,
            fieldBytes: fields?.bytes ?? 0,
            fieldBuilds: fields?.builds ?? 0,
            fieldEvictions: fields?.evictions ?? 0,
          };
        },
        polygons: () => services.coverage.polygons.stats,
        webSocket: () => ({ ...(webSocketStats ?? { connections: 0, subscriptions: 0 }), sent: services.live.stats.sent }),
        ...(responseCache ? { responseCache: () => services.cache.stats('response') } : {}),
        ...(instance ? { labels: { pid: String(instance.pid) } } : {}),
        ...(replicas ? { replicas: () => replicas.stats } : {}),
      })
    : null;
  if (metrics) {
    app.use(metrics.httpMiddleware());
    app.get('/metrics', metrics.handler(config.metricsToken, instance ? everyWorkersMetrics(metrics.registry) : null));
  }

  const httpServer = http.createServer(app);
  const { limits } = config;
  const armor = armorProtection(limits, { hideSuggestions: !config.introspection });
  const rateLimit = createRateLimiter(config.rateLimit, logger);
  const apollo = new ApolloServer<AppContext>({
    schema,
    logger,
    formatError: formatLimitErrors(createFormatError(logger, { hideSuggestions: !config.introspection })),
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    introspection: config.introspection,
    // Batches of up to MAX_BATCH_SIZE operations (batchLimit below); each is limited and charged on its own.
    allowBatchedHttpRequests: limits.maxBatchSize > 1,
    parseOptions: { maxTokens: limits.maxTokens },
    validationRules: armor.validationRules,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      // Apollo's default cache-control plugin wraps every field resolver (willResolveField); we set no cache hints.
      ApolloServerPluginCacheControlDisabled(),
      ...armor.plugins,
      // Cost before the rate limit: the limiter charges the cost computed here.
      createLimitsPlugin(
        limits,
        { ...config.pagination, listSize: DEFAULT_LIST_SIZE },
        {
          sizes: (version) => services.areaSizes.sizes(version),
          radiusMeters: (mode, minutes) =>
            services.coverage.referenceRadiusMeters({ mode: typeof mode === 'string' ? (mode as TravelMode) : undefined, minutes: typeof minutes === 'number' ? minutes : undefined }),
        },
      ),
      ...(rateLimit ? [rateLimit.plugin] : []),
      // After the cost check and the rate limiter: a cached answer is charged like a computed one.
      ...(responseCache ? [responseCache.plugin] : []),
      ...(metrics ? [createMetricsPlugin(metrics)] : []),
      ...(replicas ? [dataVersionHeader(() => repositories.coverage.dataVersion())] : []),
      createRequestLoggingPlugin(logger),
    ],
    // main.ts owns shutdown (drain HTTP, then close the database); Apollo's own signal handler would race it.
    stopOnTerminationSignals: false,
  });
  await apollo.start();
  // New data versions reach the engine as they are written (not only at the next request).
  const changeFeed = createChangeFeed({
    engine: databaseEngine,
    url: (dataSource.options as { url?: string }).url ?? '',
    dataSource,
    store: services.coverage.store,
    logger,
  });
  await changeFeed.start();

  const contextDeps = { logger, repositories, deadlineMs: config.requestDeadlineMs };
  // GraphQL subscriptions over WebSocket on /graphql (graphql-ws), fed by the engine's steps.
  const webSocket: ReturnType<typeof attachWebSocketServer> = attachWebSocketServer(httpServer, {
    schema,
    logger: logger.child({ component: 'websocket' }),
    limits: config.webSocket,
    validationRules: armor.validationRules,
    maxCost: limits.maxCost,
    cost: async (document, variables) =>
      queryCost(schema, document, {
        model: { ...config.pagination, listSize: DEFAULT_LIST_SIZE },
        inputs: { sizes: await services.areaSizes.sizes(await repositories.coverage.dataVersion()), radiusMeters: () => 0 },
        variables,
        cap: limits.maxCost + 1,
      }),
    authenticate: (headers) => services.apiKey.authenticateRequest(headers),
    ...(servedBy ? { upgradeHeaders: servedBy } : {}),
    context: (viewer, clientAddress) => {
      const context = createContext(contextDeps, undefined, viewer, clientAddress);
      context.deadline.release(); // a subscription lives on; its readings are INDEX ones
      // Loaders of the data version each event is read at (a subscription's context outlives many versions).
      let version: string | null = null;
      let loaders = context.loaders;
      return Object.defineProperties(context, {
        live: { value: services.live },
        loaders: {
          get() {
            const now = services.coverage.engineState.dataVersion;
            if (now !== version) {
              version = now;
              loaders = createLoaders(repositories);
            }
            return loaders;
          },
        },
      });
    },
  });
  webSocketStats = webSocket.stats;

  app.get('/', (_req, res) => {
    res.type('html').send(HOME_PAGE);
  });
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', ...whoAmI });
  });
  // Ready = the database answers within 3 s and the coverage engine is loaded. The first probe starts the engine
  // load and waits up to 3 s for it; a reload after a data change does not make the server unready.
  app.get('/readyz', async (_req, res) => {
    const detail = () => ({ ...whoAmI, coverageEngine: services.coverage.engineState, changeFeed: changeFeed.state, ...(replicas ? { replicas: replicas.stats.replicas } : {}) });
    try {
      await within(dataSource.query('SELECT 1'), 3000);
    } catch {
      res.status(503).json({ status: 'unavailable', reason: 'database unreachable', database: 'unreachable', ...detail() });
      return;
    }
    if (!services.coverage.engineState.loaded) await within(services.coverage.currentEngine(), 3000).catch(() => undefined);
    const engine = services.coverage.engineState;
    if (!engine.loaded) {
      const reason = engine.loading ? 'coverage engine loading' : 'coverage engine not loaded';
      res.status(503).json({ status: 'unavailable', reason, database: 'ok', ...detail() });
      return;
    }
    res.json({ status: 'ready', database: 'ok', ...detail() });
  });
  // Tiles, TileJSON, the /map page and the offline explorer (GET /graphql from a browser).
  // Bulk imports as file uploads (EDITOR keys); the same write path as the import mutations.
  app.use(createImportRouter({ imports: services.import, authenticator: services.apiKey, maxBytes: config.imports.maxBytes, logger, rateLimit }));
  app.use(createMapRouter({
      config,
      logger,
      tilesRepository: repositories.tiles,
      coverage: services.coverage,
      cache: services.cache,
      authenticator: services.apiKey,
      rateLimit,
      createContext: () => createContext(contextDeps),
    }),
  );
  // Downloads (CSV for spreadsheets, GeoJSON for GIS): coverage gaps, scenario comparisons, site suggestions.
  app.use(
    createExportRouter({
      config,
      logger,
      coverage: services.coverage,
      siteSuggestions: services.siteSuggestions,
      areaSizes: services.areaSizes,
      authenticator: services.apiKey,
      rateLimit,
      createContext: () => createContext(contextDeps),
    }),
  );
  // OGC API - Features (GIS clients: QGIS, GDAL): the directory, areas and coverage gaps as GeoJSON collections.
  app.use(
    '/ogc',
    createOgcRouter({
      config,
      logger,
      repository: repositories.ogc,
      villages: services.village,
      servicePoints: services.servicePoint,
      areas: services.area,
      coverage: services.coverage,
      planningAreas: services.planningAreas,
      authenticator: services.apiKey,
      rateLimit,
      createContext: () => createContext(contextDeps),
    }),
  );
  app.use(
    '/graphql',
    express.json({ limit: limits.maxBodyBytes }),
    batchLimit(limits.maxBatchSize),
    nestingLimit(limits.maxNestingDepth),
    // The request's read routing again: body parsing resumes in the socket's async context, not the request's.
    (_req: express.Request, res: express.Response, next: express.NextFunction) => {
      const route = (res.locals as { readRoute?: ReadRoute }).readRoute;
      if (route) withReadRoute(route, next);
      else next();
    },
    graphqlHttpHandler(apollo, {
      deadlineMs: config.requestDeadlineMs,
      maxResponseBytes: limits.maxResponseBytes,
      // The API key (if any) is checked before anything runs: a bad key fails the whole request with 401.
      // A key lookup while the database is down: 503 SERVICE_UNAVAILABLE, not a 500 "context creation failed".
      context: async (req, deadline) => {
        const context = createContext(
          contextDeps,
          req.headers['x-request-id'],
          await services.apiKey.authenticateRequest(req.headers).catch((err: unknown) => {
            throw asServiceUnavailable(err);
          }),
          req.ip ?? req.socket.remoteAddress ?? null,
          deadline,
        );
        // A request with a mutation reads from the primary only (limits.plugin.ts marks it before anything is read).
        currentReadRoute()?.watchWrites(() => context.operations.mutation);
        return context;
      },
    }),
  );

  // Body-parser and other HTTP-level failures: a JSON answer with a code, never express's HTML page with a stack.
  app.use((err: { status?: number; statusCode?: number; type?: string; limit?: number; length?: number; expected?: number }, req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (res.headersSent) return next(err);
    const unavailable = asServiceUnavailable(err);
    if (unavailable !== err) {
      // A route that lost the database (e.g. an import): 503 SERVICE_UNAVAILABLE, as GraphQL says it.
      logger.warn({ err }, 'database unavailable');
      res.status(503).json({ errors: [{ message: (unavailable as Error).message, extensions: { code: 'SERVICE_UNAVAILABLE' } }] });
      return;
    }
    const status = err.status ?? err.statusCode ?? 500;
    if (status >= 500) logger.error({ err }, 'unhandled HTTP error');
    if (err.type === 'entity.too.large') {
      // 413 LIMIT_EXCEEDED: which limit, its value, and how large the body was (when its length was declared).
      // (Uploads over IMPORT_MAX_BYTES are answered by the import router itself.)
      const error = bodyTooLarge('MAX_BODY_BYTES', err.limit ?? limits.maxBodyBytes, err.length ?? err.expected);
      res.status(413).json({ errors: [{ message: error.message, extensions: error.extensions }] });
      return;
    }
    const message =
      err.type === 'entity.parse.failed'
        ? 'The request body is not valid JSON.'
        : status >= 500
          ? 'Internal server error'
          : 'Bad request';
    res.status(status).json({ errors: [{ message, extensions: { code: status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST' } }] });
  });

  return {
    httpServer,
    apollo,
    services,
    createContext: (viewer?: Viewer) => createContext(contextDeps, undefined, viewer ?? anonymousViewer(config.auth.anonymousRoles as readonly Role[])),
    listen(port, host) {
      return new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          const address = httpServer.address();
          const actualPort = typeof address === 'object' && address ? address.port : port;
          resolve({ url: `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}` });
        });
      });
    },
    async stop() {
      await webSocket.close();
      await changeFeed.stop();
      await apollo.stop();
      await services.coverage.close();
      await services.siteSuggestions.close();
      await replicas?.close();
    },
  };
}

/**
 * With read replicas: each request's routing (ReadRoute), from `X-Min-Data-Version` (the least data version it may be
 * answered at: a version an earlier answer's X-Data-Version gave) and whether it may write (GET, HEAD and POST
 * /graphql read, a mutation then moving it to the primary; other methods, uploads, read from the primary only).
 * Answers say which database served their reads: `X-Served-From: replica-1` (or `primary`, or both in the order used
 * when a replica failed mid-request).
 */
function readRouting(): express.RequestHandler {
  return (req, res, next) => {
    const minVersion = parseMinDataVersion(req.headers['x-min-data-version']);
    if (minVersion === undefined) {
      res.status(400).json({
        errors: [{ message: 'X-Min-Data-Version must be a data version (digits), as an earlier answer\'s X-Data-Version header gave it.', extensions: { code: 'BAD_REQUEST' } }],
      });
      return;
    }
    const reads = req.method === 'GET' || req.method === 'HEAD' || (req.method === 'POST' && req.path === '/graphql');
    const route = new ReadRoute(minVersion, !reads, (served) => {
      if (!res.headersSent) res.setHeader('X-Served-From', served.join(', '));
    });
    (res.locals as { readRoute?: ReadRoute }).readRoute = route;
    withReadRoute(route, next);
  };
}

/**
 * With read replicas: GraphQL answers carry `X-Data-Version`, the data version they were read at; after a mutation, the
 * primary's version once it is written. A client sends it back as `X-Min-Data-Version` to read its own writes.
 */
function dataVersionHeader(primaryVersion: () => Promise<string>): ApolloServerPlugin<AppContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          // Never a second wait for a database that is away: the answer says so itself, and carries no version.
          const unavailable = response.body.kind === 'single' && response.body.singleResult.errors?.some((e) => e.extensions?.code === 'SERVICE_UNAVAILABLE');
          try {
            // In a request with a mutation every statement goes to the primary (ReadRoute.writes), this one too.
            const version = contextValue.operations.mutation ? (unavailable ? null : await primaryVersion()) : await contextValue.loaders.version.readSoFar;
            if (version) response.http.headers.set('x-data-version', version);
          } catch {
            // The version could not be read: no header.
          }
        },
      };
    },
  };
}
