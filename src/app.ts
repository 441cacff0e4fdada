import http from 'node:http';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import express from 'express';
import type { DataSource } from 'typeorm';
import type { Config } from './config/config';
import type { Logger } from './common/logger';
import { createContainer, createServices, type Services } from './graphql/container';
import { createMapRouter } from './map/map.routes';
import { createContext, type Context } from './graphql/context';
import { createFormatError } from './graphql/format-error';
import { createRepositories } from './graphql/repositories';
import { buildAppSchema } from './graphql/schema';

export interface App {
  readonly httpServer: http.Server;
  readonly apollo: ApolloServer<Context>;
  readonly services: Services;
  /** Context for in-process operations (integration tests use it with apollo.executeOperation). */
  createContext(): Context;
  listen(port: number, host: string): Promise<{ url: string }>;
  stop(): Promise<void>;
}

const HOME_PAGE = `<!doctype html><meta charset="utf-8"><title>Service Circle</title>
<h1>Service Circle</h1>
<p>GraphQL API of the 15-minute medical-insurance service circle. POST queries to <code>/graphql</code>, e.g.</p>
<pre>curl -s localhost:4000/graphql -H 'content-type: application/json' \\
  -d '{"query":"{ area(code: \\"520121\\") { name villageCount population } }"}'</pre>
<p>Schema: <code>schema/schema.graphql</code>; examples: <code>schema/examples.graphql</code>. Health: <a href="/healthz">/healthz</a>, <a href="/readyz">/readyz</a>.</p>
<p>Village locations, township seats and populations in the bundled seed data are synthetic; names and codes are real.</p>`;

export async function createApp(deps: { config: Config; logger: Logger; dataSource: DataSource }): Promise<App> {
  const { config, logger, dataSource } = deps;
  const repositories = createRepositories(dataSource);
  const services = createServices(repositories, config, logger);
  const schema = await buildAppSchema(createContainer(services));

  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);
  const apollo = new ApolloServer<Context>({
    schema,
    logger,
    formatError: createFormatError(logger),
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    introspection: true,
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer }), ApolloServerPluginLandingPageDisabled()],
    // main.ts owns shutdown (drain HTTP, then close the database); Apollo's own signal handler would race it.
    stopOnTerminationSignals: false,
  });
  await apollo.start();

  const contextDeps = { logger, repositories };
  app.get('/', (_req, res) => {
    res.type('html').send(HOME_PAGE);
  });
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    try {
      await dataSource.query('SELECT 1');
      res.json({ status: 'ready' });
    } catch {
      res.status(503).json({ status: 'unavailable', reason: 'database unreachable' });
    }
  });
  // Tiles, TileJSON, the /map page and the offline explorer (GET /graphql from a browser).
  app.use(createMapRouter({ config, logger, repositories, services, createContext: () => createContext(contextDeps) }));
  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, { context: async ({ req }) => createContext(contextDeps, req.headers['x-request-id']) }),
  );

  // Body-parser and other HTTP-level failures: a JSON answer with a code, never express's HTML page with a stack.
  app.use((err: { status?: number; statusCode?: number; type?: string }, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (res.headersSent) return next(err);
    const status = err.status ?? err.statusCode ?? 500;
    if (status >= 500) logger.error({ err }, 'unhandled HTTP error');
    const message =
      err.type === 'entity.parse.failed'
        ? 'The request body is not valid JSON.'
        : err.type === 'entity.too.large'
          ? 'The request body is too large (limit 1 MB).'
          : status >= 500
            ? 'Internal server error'
            : 'Bad request';
    res.status(status).json({ errors: [{ message, extensions: { code: status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST' } }] });
  });

  return {
    httpServer,
    apollo,
    services,
    createContext: () => createContext(contextDeps),
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
      await apollo.stop();
    },
  };
}
