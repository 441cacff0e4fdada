import express, { type Request, type Response, type NextFunction } from 'express';
import { GraphQLError } from 'graphql';
import { z } from 'zod';
import { AppError, BadInputError, clientError } from '../common/errors';
import type { Logger } from '../common/logger';
import type { ImportService } from './import.service';
import type { RequestAuthenticator } from '../graphql/authenticator';
import { rateLimitedError, rateLimitHeaders, rateLimitKey, type RateLimiter } from '../graphql/plugins/rate-limit.plugin';
import { actorOf } from '../write/actor';
import { assertRole } from '../common/viewer';
import { CRS_NAMES, type Crs } from '../geo/convert-geometry';
import { importCost } from './import-cost';
import { Role } from '../common/role.enum';
import type { Viewer } from '../common/viewer';
import { ImportFormat, WriteMode } from '../write/write-report.type';

const query = z.object({
  format: z.enum(['csv', 'geojson', 'CSV', 'GEOJSON']).optional(),
  mode: z.nativeEnum(WriteMode).default(WriteMode.ALL_OR_NOTHING),
  crs: z.enum(CRS_NAMES as [Crs, ...Crs[]]).default('WGS84'),
  dryRun: z.enum(['true', 'false']).default('false'),
});

/** Content types a browser cannot send cross-site without a preflight, so the upload needs no CSRF token. */
const FORMAT_BY_TYPE: Record<string, ImportFormat> = {
  'text/csv': ImportFormat.CSV,
  'application/geo+json': ImportFormat.GEOJSON,
  'application/json': ImportFormat.GEOJSON,
};

/**
 * `POST /imports/service-points` and `POST /imports/villages`: the file as the request body (text/csv or
 * application/geo+json, up to IMPORT_MAX_BYTES), options in the query string; the answer is the WriteReport as
 * JSON. Same key, roles, cost (importCost, from the same rate-limit budget) and write path as the
 * importServicePoints / importVillages mutations.
 */
export function createImportRouter(deps: { imports: ImportService; authenticator: RequestAuthenticator; maxBytes: number; logger: Logger; rateLimit: RateLimiter | null }): express.Router {
  const router = express.Router();
  const body = express.text({ type: Object.keys(FORMAT_BY_TYPE), limit: deps.maxBytes });
  // The key and the EDITOR role are checked before the body is read: a caller without them cannot make the
  // server take in IMPORT_MAX_BYTES first (the error handler below then closes the connection unread).
  const authorize = (entity: 'service-points' | 'villages') => async (req: Request, res: Response, next: NextFunction) => {
    try {
      const viewer = await deps.authenticator.authenticateRequest(req.headers);
      assertRole(viewer, [Role.EDITOR], `POST /imports/${entity}`);
      res.locals.viewer = viewer;
      next();
    } catch (err) {
      next(err);
    }
  };
  const handle = (entity: 'service-points' | 'villages') => async (req: Request, res: Response, next: NextFunction) => {
    try {
      const viewer = res.locals.viewer as Viewer;
      const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      const format = FORMAT_BY_TYPE[type];
      if (!format || typeof req.body !== 'string') {
        throw new BadInputError(`Send the file as the body with Content-Type text/csv or application/geo+json (got ${type || 'none'}).`);
      }
      const parsed = query.safeParse(req.query);
      if (!parsed.success) throw new BadInputError(`Bad query parameter: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      const q = parsed.data;
      // Charged like a query of importCost points (1 per KiB), from the same per-key budget, before any work.
      const bytes = Buffer.byteLength(req.body);
      const cost = importCost(bytes);
      const decision = await deps.rateLimit?.consume(rateLimitKey(viewer, req.ip), cost);
      if (decision) {
        for (const [name, value] of rateLimitHeaders(decision.state)) res.setHeader(name, value);
        if (!decision.allowed) {
          const error = rateLimitedError(`this upload (${bytes.toLocaleString('en')} bytes)`, cost, decision.state);
          res.setHeader('retry-after', String(error.extensions.retryAfterSeconds));
          throw error;
        }
      }
      const request = {
        format: q.format ? (q.format.toUpperCase() as ImportFormat) : format,
        content: req.body,
        mode: q.mode,
        crs: q.crs,
        dryRun: q.dryRun === 'true',
      };
      const requestId = String(res.getHeader('x-request-id') ?? req.headers['x-request-id'] ?? '');
      const caller = { viewer, actor: actorOf({ viewer, requestId }) };
      const report =
        entity === 'service-points'
          ? await deps.imports.importServicePoints(request, caller)
          : await deps.imports.importVillages(request, caller);
      res.json(report);
    } catch (err) {
      next(err);
    }
  };
  router.post('/imports/service-points', authorize('service-points'), body, handle('service-points'));
  router.post('/imports/villages', authorize('villages'), body, handle('villages'));
  // Coded errors as JSON with a fitting status; anything else goes on to the app's error handler.
  router.use('/imports', (err: unknown, req: Request, res: Response, next: NextFunction) => {
    // Refused before the body was read (no key, no role, bad content type): answer and close the connection,
    // rather than let Node read and discard the rest of the upload to keep it alive.
    if (!req.complete && !res.headersSent) res.setHeader('connection', 'close');
    if ((err as { type?: string }).type === 'entity.too.large') {
      const message = `The upload is larger than IMPORT_MAX_BYTES (${deps.maxBytes.toLocaleString('en')} bytes). Split the file.`;
      res.status(413).json({ errors: [{ message, extensions: { code: 'LIMIT_EXCEEDED', limit: deps.maxBytes } }] });
      return;
    }
    if (!(err instanceof GraphQLError)) return next(err);
    const code = String(err.extensions.code ?? 'BAD_USER_INPUT');
    const status = code === 'UNAUTHENTICATED' ? 401 : code === 'FORBIDDEN' ? 403 : code === 'LIMIT_EXCEEDED' ? 413 : code === 'RATE_LIMITED' ? 429 : code === 'SERVICE_UNAVAILABLE' ? 503 : 400;
    if (!(err instanceof AppError)) deps.logger.warn({ err }, 'import failed');
    const shown = clientError(err);
    res.status(status).json({ errors: [{ ...shown, extensions: { ...shown.extensions, code } }] });
  });
  return router;
}
