import { Router, type Request, type Response } from 'express';
import { AppError, clientError, DeadlineExceededError, LimitExceededError, NotFoundError, HTTP_STATUS_OF_CODE } from '../common/errors';
import { Role } from '../common/role.enum';
import { assertRole } from '../common/viewer';
import { asServiceUnavailable } from '../graphql/format-error';
import { rateLimitedError, rateLimitHeaders, rateLimitKey } from '../graphql/plugins/rate-limit.plugin';
import { MEDIA_TYPES, provenanceHeaders, toCsvFile, toGeoJson } from './export-formats';
import { parseExportFile, parseExportQuery, type ExportKind, type ExportRequest, type RawQuery } from './export-query.parse';
import type { ExportDeps } from './export.deps';
import { ExportService, type ExportTable } from './export.service';


/** The GraphQL field each export mirrors: its role (@Authorized) and its name in messages. */
const FIELD_OF: Readonly<Record<ExportKind, { field: string; role: Role }>> = {
  gaps: { field: 'coverageGaps', role: Role.PLANNER },
  comparison: { field: 'compareCoverage', role: Role.PLANNER },
  suggestions: { field: 'suggestSites', role: Role.PLANNER },
};

/**
 * What an export costs from the caller's rate-limit budget, as GraphQL prices the field it mirrors: a coverage 50
 * (a comparison two), suggestions 500 (solver time); the villages' lists 1 per village the area holds, as a feature
 * collection of the area's villages costs.
 */
function exportCost(kind: ExportKind, villages: number): number {
  switch (kind) {
    case 'gaps':
      return 50 + villages;
    case 'comparison':
      return 100 + villages;
    case 'suggestions':
      return 500;
  }
}

/** SQLSTATE 57014: a statement cancelled at the request deadline (statement_timeout). */
function isCancelledStatement(err: unknown): boolean {
  const e = err as { code?: unknown; driverError?: { code?: unknown } } | null;
  return (e?.driverError?.code ?? e?.code) === '57014';
}

/**
 * Downloads for spreadsheets and GIS: GET /export/{gaps|comparison|suggestions}.{csv|geojson} with the coverage
 * question as query parameters (area, item, mode, minutes, travelModel, scenario, crs; suggestions also count,
 * objective, targetCoveredShare, candidates, gridSpacingMeters). The content is what GraphQL's coverageGaps,
 * compareCoverage and suggestSites answer (the same services), every row rather than a page. CSV: UTF-8 with a BOM,
 * CRLF, RFC 4180 quoting, formula-like text neutralised, provenance in the last columns of every row; GeoJSON: an RFC
 * 7946 FeatureCollection with a top-level `provenance`. Both: Content-Disposition with a file name naming the area,
 * item, travel and data version, and the provenance in headers (Data-Version, X-Travel-Model, ...).
 * Same keys, roles (PLANNER) and rate-limit budget as GraphQL; within the request deadline; errors as GraphQL-style
 * JSON with a code (400 BAD_USER_INPUT for an unknown or malformed parameter, 404 NOT_FOUND, 401, 403, 429, 503).
 */
export function createExportRouter(deps: ExportDeps): Router {
  const router = Router();
  const service = new ExportService(deps.coverage, deps.siteSuggestions);

  const fail = (res: Response, caught: unknown) => {
    res.setHeader('Cache-Control', 'no-store');
    res.removeHeader('Content-Disposition');
    let err = asServiceUnavailable(caught); // the database is down: 503 SERVICE_UNAVAILABLE, not 500
    if (isCancelledStatement(err)) {
      err = new DeadlineExceededError(`The export was not finished within the request deadline of ${deps.config.requestDeadlineMs} ms (REQUEST_DEADLINE_MS); ask for a smaller area.`, {
        deadlineMs: deps.config.requestDeadlineMs,
      });
    }
    if (err instanceof AppError) {
      const status = HTTP_STATUS_OF_CODE[err.code] ?? 500;
      if (status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="service-circle", charset="UTF-8"');
      res.status(status).json({ errors: [clientError(err)] });
      return;
    }
    deps.logger.error({ err }, 'export failed');
    res.status(500).json({ errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
  };

  /** The file's bytes, bounded as every answer is (MAX_RESPONSE_BYTES). */
  const encode = (request: ExportRequest, table: ExportTable): Buffer => {
    const body = request.format === 'csv' ? toCsvFile(table) : Buffer.from(JSON.stringify(toGeoJson(table)), 'utf8');
    const max = deps.config.limits.maxResponseBytes;
    if (body.length > max) {
      throw new LimitExceededError(`The export would be ${body.length.toLocaleString('en')} bytes, over MAX_RESPONSE_BYTES (${max.toLocaleString('en')}); ask for a smaller area.`, {
        setting: 'MAX_RESPONSE_BYTES',
        limit: max,
        actual: body.length,
      });
    }
    return body;
  };

  router.use('/export', (req, res, next) => {
    // Read-only files for dashboards on other origins (a key, if needed, goes in a header); preflights answered here.
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Allow-Headers', 'Authorization, X-API-Key');
    res.setHeader(
      'Access-Control-Expose-Headers',
      'Content-Disposition, Data-Version, X-Data-Version, X-Travel-Model, X-Travel-Mode, X-Budget-Minutes, X-Coverage-Method, X-Computed-At, X-Row-Count, X-Scenario, X-Synthetic-Data, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, RateLimit-Policy, Retry-After',
    );
    res.setHeader('Vary', 'Authorization, X-API-Key');
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', 'GET, HEAD, OPTIONS');
      res.setHeader('Access-Control-Max-Age', '600');
      res.status(204).end();
      return;
    }
    next();
  });

  router.get('/export/:file', async (req: Request<{ file: string }>, res: Response) => {
    const context = deps.createContext(); // REQUEST_DEADLINE_MS from here
    const { loaders, deadline } = context;
    const headers = new Map<string, string>();
    const work = async (): Promise<{ request: ExportRequest; table: ExportTable }> => {
      const { kind, format } = parseExportFile(req.params.file);
      // The key first (a bad one is 401 whatever else is wrong), then the role, then the parameters.
      const viewer = await deps.authenticator.authenticateRequest(req.headers);
      const { field, role } = FIELD_OF[kind];
      assertRole(viewer, [role], `The ${kind} export (as GraphQL's ${field})`);
      const request = parseExportQuery(kind, format, req.query as RawQuery);
      const sizes = await deps.areaSizes.sizes(await loaders.dataVersion());
      const points = exportCost(kind, sizes.of(request.question.areaCode).villages);
      const decision = await deps.rateLimit?.consume(rateLimitKey(viewer, req.ip), points);
      if (decision) {
        for (const [name, value] of rateLimitHeaders(decision.state)) headers.set(name, value);
        if (!decision.allowed) {
          const error = rateLimitedError(`this ${kind} export`, points, decision.state);
          headers.set('Retry-After', String(error.extensions.retryAfterSeconds));
          throw error;
        }
      }
      switch (request.kind) {
        case 'gaps':
          return { request, table: await service.gaps(request.question, loaders, deadline) };
        case 'comparison':
          return { request, table: await service.comparison(request.question, loaders) };
        case 'suggestions':
          return { request, table: await service.suggest(request.question, loaders, deadline) };
      }
    };
    const task = work();
    task.catch(() => undefined); // settled after the deadline: nobody waits for it any more
    try {
      const { request, table } = await Promise.race([task, deadline.whenExpired().then(() => deadline.check(`The ${req.params.file.slice(0, 40)} export`) as never)]);
      const body = encode(request, table);
      for (const [name, value] of headers) res.setHeader(name, value);
      for (const [name, value] of provenanceHeaders(table, request.format)) res.setHeader(name, value);
      res.setHeader('Cache-Control', 'private, no-cache');
      res.setHeader('Content-Type', MEDIA_TYPES[request.format]);
      res.setHeader('Content-Length', String(body.length));
      res.status(200).end(req.method === 'HEAD' ? undefined : body);
    } catch (err) {
      for (const [name, value] of headers) res.setHeader(name, value);
      fail(res, err);
    } finally {
      deadline.release();
    }
  });

  // Anything else under /export: a JSON answer saying where the exports are, not express's HTML page.
  router.use('/export', (req, res) => {
    const where = 'The exports are GET /export/{gaps|comparison|suggestions}.{csv|geojson}';
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD, OPTIONS');
      res.status(405).json({ errors: [{ message: `${where}; not ${req.method.slice(0, 10)}.`, extensions: { code: 'BAD_REQUEST' } }] });
      return;
    }
    fail(res, new NotFoundError(`Export (${where})`, req.path.slice(0, 60)));
  });

  return router;
}
