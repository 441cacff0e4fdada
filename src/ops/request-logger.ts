import crypto from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from '../common/logger';

/** A client's x-request-id is kept when it looks like an id (for the request log and the GraphQL context alike). */
const SANE_REQUEST_ID = /^[\w.:-]{1,64}$/;

/** The request's id: the client's x-request-id when sane, else a new UUID. */
export function requestIdFor(header: string | string[] | undefined): string {
  return typeof header === 'string' && SANE_REQUEST_ID.test(header) ? header : crypto.randomUUID();
}

/** Paths not logged when they succeed: Prometheus scrapes and liveness probes, every few seconds. */
const QUIET_PATHS = new Set(['/metrics', '/healthz']);

/**
 * pino-http: one JSON line per HTTP request when its response is done (method, URL, client address, status,
 * responseTime, `requestId`), at info, warn for 4xx, error for 5xx. The request id is decided here, first: it is
 * echoed in the `x-request-id` response header and written back to the request's `x-request-id` header, where the
 * GraphQL context (and so every log line of the request's resolvers) and the upload routes read it.
 * Request headers are not logged (they carry API keys).
 */
export function createRequestLogger(logger: Logger): RequestHandler {
  return pinoHttp({
    logger,
    genReqId(req: IncomingMessage, res: ServerResponse) {
      const id = requestIdFor(req.headers['x-request-id']);
      req.headers['x-request-id'] = id;
      res.setHeader('x-request-id', id);
      return id;
    },
    quietReqLogger: true,
    customAttributeKeys: { reqId: 'requestId' },
    serializers: {
      req: (req: { id: string; method: string; url: string; remoteAddress?: string }) => ({ method: req.method, url: req.url, remoteAddress: req.remoteAddress }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    autoLogging: { ignore: (req) => QUIET_PATHS.has((req.url ?? '').split('?')[0]!) },
  }) as unknown as RequestHandler;
}
