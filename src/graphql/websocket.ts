import type http from 'node:http';
import { GraphQLError, Kind, parse, specifiedRules, validate, type DocumentNode, type ExecutionArgs, type GraphQLSchema, type OperationDefinitionNode, type ValidationRule } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { clientError, UnauthenticatedError } from '../common/errors';
import type { Logger } from '../common/logger';
import type { Viewer } from '../common/viewer';
import type { Context } from './context';

export interface WebSocketLimits {
  /** Subscriptions one connection may hold at once. */
  readonly perConnection: number;
  /** Subscriptions one API key (or, without one, one client address) may hold at once, over all its connections. */
  readonly perKey: number;
  /** WebSocket connections one client address may hold at once. */
  readonly connectionsPerClient: number;
  /** Ping every this many seconds; a connection that did not answer the last ping is closed. */
  readonly heartbeatSeconds: number;
}

export interface WebSocketDeps {
  readonly schema: GraphQLSchema;
  readonly logger: Logger;
  readonly limits: WebSocketLimits;
  /** The query limits' validation rules (depth, aliases, directives), as on HTTP. */
  readonly validationRules: readonly ValidationRule[];
  /** The cost of a document (as on HTTP); above `maxCost` a subscription is refused. */
  readonly cost: (document: DocumentNode, variables: Record<string, unknown>) => Promise<number>;
  readonly maxCost: number;
  /** The API key's viewer from `connectionParams` (`Authorization: Bearer sc_…` or `X-API-Key`), as for HTTP. */
  readonly authenticate: (headers: Record<string, string>) => Promise<Viewer>;
  /** A context for one subscription of `viewer` (its loaders follow the data version). */
  readonly context: (viewer: Viewer, clientAddress: string | null) => Context;
  /** Extra headers of the upgrade's 101 answer (a cluster worker's `X-Served-By`, as on HTTP). */
  readonly upgradeHeaders?: Readonly<Record<string, string>>;
}

/** What a connection holds: who it is (from connectionParams), its client address, its subscriptions by id. */
interface Connection {
  viewer: Viewer | null;
  client: string;
  subscriptions: Set<string>;
}

/** The headers a client may pass in connectionParams, whatever their case (also under `headers`). */
function headersOf(params: Record<string, unknown> | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(params ?? {})) if (typeof v === 'string') headers[k.toLowerCase()] = v;
  if (params?.headers && typeof params.headers === 'object') Object.assign(headers, headersOf(params.headers as Record<string, unknown>));
  return headers;
}

/**
 * GraphQL subscriptions over WebSocket on /graphql, in the graphql-ws protocol (what Apollo Client, urql, Relay and
 * GraphiQL speak). The API key comes in `connectionParams` and is checked as on HTTP (a bad one closes the
 * connection with 4403; roles are checked per field, as on HTTP). Only subscriptions run here (queries and
 * mutations go over HTTP, with its limits); each one passes the same depth, alias, directive and cost limits.
 * Limits: subscriptions per connection and per key, connections per client address, and a ping every
 * `heartbeatSeconds` (a connection that does not answer is closed). A bad document gets the protocol's Error
 * message; nothing a client sends can crash the server.
 */
export function attachWebSocketServer(httpServer: http.Server, deps: WebSocketDeps): { close(): Promise<void>; readonly stats: { connections: number; subscriptions: number } } {
  const { limits, logger } = deps;
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const upgradeHeaders = Object.entries(deps.upgradeHeaders ?? {}).map(([name, value]) => `${name}: ${value}`);
  if (upgradeHeaders.length) wss.on('headers', (headers) => headers.push(...upgradeHeaders));
  const connectionsByClient = new Map<string, number>();
  const subscriptionsByKey = new Map<string, number>();
  const alive = new WeakSet<WebSocket>();
  const stats = { connections: 0, subscriptions: 0 };

  const onUpgrade = (req: http.IncomingMessage, socket: import('node:stream').Duplex, head: Buffer) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/graphql') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const client = req.socket.remoteAddress ?? 'unknown';
    if ((connectionsByClient.get(client) ?? 0) >= limits.connectionsPerClient) {
      const body = JSON.stringify({ errors: [{ message: `At most ${limits.connectionsPerClient} WebSocket connections per client (WS_MAX_CONNECTIONS_PER_CLIENT); close one first.`, extensions: { code: 'RATE_LIMITED' } }] });
      socket.end(`HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      connectionsByClient.set(client, (connectionsByClient.get(client) ?? 0) + 1);
      stats.connections++;
      alive.add(ws);
      ws.on('pong', () => alive.add(ws));
      ws.once('close', () => {
        stats.connections--;
        const n = (connectionsByClient.get(client) ?? 1) - 1;
        if (n > 0) connectionsByClient.set(client, n);
        else connectionsByClient.delete(client);
      });
      wss.emit('connection', ws, req);
    });
  };
  httpServer.on('upgrade', onUpgrade);

  const heartbeat = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.has(ws)) {
        ws.terminate();
        continue;
      }
      alive.delete(ws);
      ws.ping();
    }
  }, limits.heartbeatSeconds * 1000);
  heartbeat.unref();

  const connections = new WeakMap<object, Connection>();
  const connectionOf = (extra: { socket: WebSocket; request: http.IncomingMessage }): Connection => {
    let c = connections.get(extra.socket);
    if (!c) connections.set(extra.socket, (c = { viewer: null, client: extra.request.socket.remoteAddress ?? 'unknown', subscriptions: new Set() }));
    return c;
  };
  const keyOf = (c: Connection) => (c.viewer?.keyId ? `key:${c.viewer.keyId}` : `ip:${c.client}`);
  const release = (c: Connection, id: string) => {
    if (!c.subscriptions.delete(id)) return;
    stats.subscriptions--;
    const key = keyOf(c);
    const n = (subscriptionsByKey.get(key) ?? 1) - 1;
    if (n > 0) subscriptionsByKey.set(key, n);
    else subscriptionsByKey.delete(key);
  };

  const server = useServer<Record<string, unknown>>(
    {
      schema: deps.schema,
      onConnect: async (ctx) => {
        try {
          connectionOf(ctx.extra).viewer = await deps.authenticate(headersOf(ctx.connectionParams));
          return true;
        } catch (err) {
          logger.info({ err: err instanceof UnauthenticatedError ? err.message : err }, 'WebSocket connection refused');
          return false; // closes with 4403 Forbidden
        }
      },
      onSubscribe: async (ctx, id, payload) => {
        const errors = (message: string, code: string, extensions: Record<string, unknown> = {}) => [new GraphQLError(message, { extensions: { code, ...extensions } })];
        // The slot first, before any await: subscriptions sent at once on one connection must not all pass the count.
        const extra = connectionOf(ctx.extra);
        if (extra.subscriptions.size >= limits.perConnection) {
          return errors(`At most ${limits.perConnection} subscriptions per connection (WS_MAX_SUBSCRIPTIONS_PER_CONNECTION); complete one first.`, 'LIMIT_EXCEEDED', { setting: 'WS_MAX_SUBSCRIPTIONS_PER_CONNECTION', limit: limits.perConnection });
        }
        const key = keyOf(extra);
        if ((subscriptionsByKey.get(key) ?? 0) >= limits.perKey) {
          return errors(`At most ${limits.perKey} subscriptions per API key or client (WS_MAX_SUBSCRIPTIONS_PER_KEY); complete one first.`, 'LIMIT_EXCEEDED', { setting: 'WS_MAX_SUBSCRIPTIONS_PER_KEY', limit: limits.perKey });
        }
        extra.subscriptions.add(id);
        subscriptionsByKey.set(key, (subscriptionsByKey.get(key) ?? 0) + 1);
        stats.subscriptions++;
        const refused = (result: GraphQLError[]) => {
          release(extra, id);
          return result;
        };
        let document;
        try {
          document = parse(payload.query, { maxTokens: 5000 });
        } catch (err) {
          return refused([err instanceof GraphQLError ? new GraphQLError(err.message, { extensions: { code: 'GRAPHQL_PARSE_FAILED' } }) : new GraphQLError('The document could not be parsed.')]);
        }
        const invalid = validate(deps.schema, document, [...specifiedRules, ...deps.validationRules]);
        if (invalid.length) {
          return refused(invalid.map((e) => new GraphQLError(e.message, { nodes: e.nodes, extensions: { code: (e.originalError as GraphQLError | undefined)?.extensions?.code ?? 'GRAPHQL_VALIDATION_FAILED', ...(e.originalError as GraphQLError | undefined)?.extensions } })));
        }
        const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
        const operation = payload.operationName ? operations.find((o) => o.name?.value === payload.operationName) : operations.length === 1 ? operations[0] : undefined;
        if (!operation) return refused(errors('Name the operation to run (operationName): the document holds several, or none of that name.', 'BAD_USER_INPUT'));
        if (operation.operation !== 'subscription') return refused(errors('Only subscriptions run over WebSocket; send queries and mutations as HTTP POST to /graphql.', 'BAD_USER_INPUT'));
        const variables = (payload.variables ?? {}) as Record<string, unknown>;
        const cost = await deps.cost(document, variables).catch(() => 1);
        if (cost > deps.maxCost) return refused(errors(`The subscription costs ${cost} points; the limit is ${deps.maxCost} (MAX_QUERY_COST).`, 'LIMIT_EXCEEDED', { setting: 'MAX_QUERY_COST', limit: deps.maxCost, actual: cost }));
        const args: ExecutionArgs = {
          schema: deps.schema,
          document,
          operationName: payload.operationName,
          variableValues: variables,
          contextValue: deps.context(extra.viewer!, extra.client),
        };
        return args;
      },
      onComplete: (ctx, id) => release(connectionOf(ctx.extra), id),
      onError: (ctx, id) => {
        release(connectionOf(ctx.extra), id);
      },
      onClose: (ctx) => {
        const c = connectionOf(ctx.extra);
        for (const id of [...c.subscriptions]) release(c, id);
      },
      // Errors of the execution are formatted as on HTTP: coded ones pass, the rest are masked.
      onNext: (_ctx, _id, _payload, _args, result) => {
        if (!('errors' in result) || !result.errors?.length) return result;
        return { ...result, errors: result.errors.map((e) => (e.extensions?.code ? clientError(e) : { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } })) as never };
      },
    },
    wss,
  );

  return {
    stats,
    async close() {
      clearInterval(heartbeat);
      httpServer.off('upgrade', onUpgrade);
      for (const ws of wss.clients) ws.close(1001, 'server shutting down');
      await server.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
