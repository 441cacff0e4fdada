import type { Request, RequestHandler } from 'express';
import type { LimitExceededError } from '../common/errors';
import { nestingExceeded, textDepth, valueDepth } from '../common/nesting';

const JSON_ADVICE = 'Send flatter variables and extensions.';
const DOCUMENT_ADVICE = 'Ask for deeply nested objects in separate queries, and pass deep input values as flatter variables.';

function documentProblem(query: unknown, max: number): LimitExceededError | null {
  if (typeof query !== 'string') return null;
  const { depth } = textDepth(query, 'graphql');
  return depth > max ? nestingExceeded('The query document', max, depth, DOCUMENT_ADVICE) : null;
}

/** What is wrong with a request's nesting, or null: its JSON (POST body, or GET variables and extensions), then its documents. */
function nestingProblem(req: Request, max: number): LimitExceededError | null {
  if (req.method === 'GET' || req.method === 'HEAD') {
    // As Apollo reads them: from the raw query string.
    const at = req.originalUrl.indexOf('?');
    if (at < 0) return null;
    const params = new URLSearchParams(req.originalUrl.slice(at + 1));
    for (const name of ['variables', 'extensions']) {
      const value = params.get(name);
      const depth = value === null ? 0 : textDepth(value, 'json').depth;
      if (depth > max) return nestingExceeded(`The request's JSON (${name})`, max, depth, JSON_ADVICE);
    }
    return documentProblem(params.get('query'), max);
  }
  const body: unknown = req.body;
  if (body === null || typeof body !== 'object') return null;
  const depth = valueDepth(body);
  if (depth > max) return nestingExceeded("The request's JSON (body, variables or extensions)", max, depth, JSON_ADVICE);
  for (const operation of Array.isArray(body) ? body : [body]) {
    const problem = documentProblem((operation as { query?: unknown } | null)?.query, max);
    if (problem) return problem;
  }
  return null;
}

/**
 * Requests nested deeper than `max` (MAX_NESTING_DEPTH) are refused before Apollo sees them: LIMIT_EXCEEDED,
 * HTTP 400. That covers the JSON (a POST body with its variables and extensions, parsed by express.json; GET's
 * `variables` and `extensions`) and the brackets of each GraphQL document. Measured without recursion, so the
 * check itself cannot run out of stack.
 */
export function nestingLimit(max: number): RequestHandler {
  return (req, res, next) => {
    const error = nestingProblem(req, max);
    if (error) {
      res.status(400).json({ errors: [{ message: error.message, extensions: error.extensions }] });
      return;
    }
    next();
  };
}
