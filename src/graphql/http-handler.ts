import { parse as parseUrl } from 'node:url';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import type { Request, RequestHandler, Response } from 'express';
import { Deadline } from '../common/deadline';
import { clientError, DeadlineExceededError } from '../common/errors';
import type { Context } from './context';
import { limitExceeded } from './plugins/limit-errors';

export interface GraphQLHttpOptions<TContext extends Context = Context> {
  /** Builds the request's context (the API key is checked there); operations of a batch share it. */
  readonly context: (req: Request, deadline: Deadline) => Promise<TContext>;
  /** REQUEST_DEADLINE_MS: after it, the request answers DEADLINE_EXCEEDED (HTTP 503) whatever is still running. */
  readonly deadlineMs: number;
  /** MAX_RESPONSE_BYTES: a larger answer to queries is replaced by LIMIT_EXCEEDED (mutations' answers are not). */
  readonly maxResponseBytes: number;
}

/** One error answer for the request: an array of the same error for a batch, else one result. */
function errorBody(req: Request, error: { message: string; extensions: Record<string, unknown> }): string {
  const result = { errors: [error] };
  return JSON.stringify(Array.isArray(req.body) ? req.body.map(() => result) : result);
}

function sendJson(res: Response, status: number, body: string): void {
  res.status(status).type('application/json; charset=utf-8').send(body);
}

/**
 * POST/GET /graphql for Apollo Server: the few lines of @as-integrations/express5, plus the two guards that
 * must see the whole HTTP request, batches included. The deadline races the execution of queries (the SQL still
 * running is cancelled by statement_timeout on the server; the services check the deadline before each long step;
 * a mutation is waited for, so that its answer says whether it was written), and the size of the serialized answer
 * to queries is checked before it is sent.
 */
export function graphqlHttpHandler<TContext extends Context>(apollo: ApolloServer<TContext>, options: GraphQLHttpOptions<TContext>): RequestHandler {
  apollo.assertStarted('graphqlHttpHandler()');
  return async (req, res) => {
    const deadline = new Deadline(options.deadlineMs);
    let context: TContext | null = null;
    try {
      const headers = new HeaderMap();
      for (const [key, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
      }
      const execution = apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method.toUpperCase(), headers, search: parseUrl(req.url).search ?? '', body: req.body },
        context: async () => (context = await options.context(req, deadline)),
      });
      let response = await Promise.race([execution, deadline.whenExpired().then(() => null)]);
      // A write is not given up: its answer says whether it was written (its statements are bounded by
      // statement_timeout on a server, and its transaction commits or rolls back as a whole).
      if (response === null && (context as Context | null)?.operations.mutation) response = await execution;
      if (response === null) {
        execution.catch(() => undefined); // its outcome no longer matters; the work stops at its next check
        const error = new DeadlineExceededError(
          `The request was not answered within its deadline of ${options.deadlineMs.toLocaleString('en')} ms (REQUEST_DEADLINE_MS). Ask for less: a smaller area, fewer fields or polygons, or split the request.`,
          { deadlineMs: options.deadlineMs },
        );
        sendJson(res, 503, errorBody(req, clientError(error)));
        return;
      }
      for (const [key, value] of response.headers) res.setHeader(key, value);
      res.statusCode = response.status ?? 200;
      if (response.body.kind === 'complete') {
        const bytes = Buffer.byteLength(response.body.string);
        if (bytes > options.maxResponseBytes && !(context as Context | null)?.operations.mutation) {
          const error = limitExceeded('MAX_RESPONSE_BYTES', options.maxResponseBytes, bytes);
          sendJson(res, 400, errorBody(req, clientError(error)));
          return;
        }
        res.send(response.body.string);
        return;
      }
      for await (const chunk of response.body.asyncIterator) res.write(chunk);
      res.end();
    } finally {
      deadline.release();
    }
  };
}
