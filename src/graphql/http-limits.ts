import type { RequestHandler } from 'express';
import { limitExceeded } from './plugins/limit-errors';

/**
 * Batched POSTs (a JSON array of operations) of more than `max` operations are refused before Apollo sees them:
 * LIMIT_EXCEEDED, HTTP 400. With `max` 1 batching is off and Apollo itself answers "Operation batching disabled.".
 * Each operation of an accepted batch is checked and charged on its own.
 */
export function batchLimit(max: number): RequestHandler {
  return (req, res, next) => {
    if (max > 1 && Array.isArray(req.body) && req.body.length > max) {
      const error = limitExceeded('MAX_BATCH_SIZE', max, req.body.length);
      res.status(400).json({ errors: [{ message: error.message, extensions: error.extensions }] });
      return;
    }
    next();
  };
}
