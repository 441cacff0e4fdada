import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { bundledOperationNames } from './bundled-operations';

/** What node-postgres's Pool reports (TypeORM's postgres driver keeps it as `driver.master`). */
export interface PoolStats {
  readonly totalCount: number;
  readonly idleCount: number;
  readonly waitingCount: number;
  readonly options?: { readonly max?: number };
}

interface MetricsSources {
  /** The database pool, or null when there is none (yet). */
  readonly pool: () => PoolStats | null;
  /** Coverage result cache counters since start (CoverageService.stats). */
  readonly coverageCache: () => { readonly hits: number; readonly misses: number };
  /** The coverage engine (EngineStore): snapshot loads and change-feed steps since start, and its fields now. */
  readonly coverageEngine?: () => {
    readonly loads: number;
    readonly patches: number;
    readonly fields: number;
    readonly fieldBytes: number;
    readonly fieldBuilds: number;
    readonly fieldEvictions: number;
    readonly lastStepMs: number;
  };
  /** Coverage polygon worker threads (CoveragePolygonPool): polygons computed and refused since start, waiting now. */
  readonly polygons?: () => { readonly computed: number; readonly inline: number; readonly refused: number; readonly queued: number };
  /** GraphQL over WebSocket: connections and subscriptions open now, events sent since start. */
  readonly webSocket?: () => { readonly connections: number; readonly subscriptions: number; readonly sent: number };
  /** Operation names always labelled (default: bundledOperationNames(), the pages' and examples' operations). */
  readonly bundledOperations?: ReadonlySet<string>;
  /** Whole responses in the one cache (CACHE_MB, RESPONSE_CACHE), when on. */
  readonly responseCache?: () => { readonly hits: number; readonly misses: number; readonly skipped: number; readonly entries: number; readonly bytes: number };
  /** Labels on every series of this instance (a cluster worker's `pid`, so that the workers' series stay apart). */
  readonly labels?: Readonly<Record<string, string>>;
  /** Read replicas (DATABASE_REPLICA_URLS), when set: requests routed per database, fallbacks to the primary, each replica's state. */
  readonly replicas?: () => {
    readonly routed: Readonly<Record<string, number>>;
    readonly fallbacks: Readonly<Record<string, number>>;
    readonly replicas: readonly { readonly name: string; readonly up: boolean; readonly dataVersion: string | null }[];
  };
}

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/** Operation names are chosen by clients; at most this many learned from keyed callers (bundled names come on top). */
const MAX_OPERATION_LABELS = 200;
/** One key's share of those, so that one key (or a leaked one) cannot take them all. */
const MAX_OPERATION_LABELS_PER_KEY = 20;
const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/** Labels of our own: a client naming its operation so does not get to merge into them. */
const RESERVED_LABELS = new Set(['anonymous', 'other']);

/** Who sent an operation, as far as its label is concerned: a key's id (or name), or null when anonymous. */
export type LabelCaller = string | null;

/**
 * Bounded operation-name labels that no caller can exhaust or pollute:
 * - names of the operations the server ships (bundled pages, schema/examples.graphql) are always labels, from anyone;
 * - a keyed caller's other names take the free slots, at most `perKey` per key and `max` in all, first come;
 * - an anonymous caller never adds a label, and does not count under a name a key brought in: "other".
 * Unnamed operations are "anonymous"; names that are not sane GraphQL names, or past the limits, are "other".
 */
export class OperationLabels {
  private readonly learned = new Set<string>();
  private readonly perCaller = new Map<string, number>();

  constructor(
    private readonly bundled: ReadonlySet<string>,
    private readonly max = MAX_OPERATION_LABELS,
    private readonly perKey = MAX_OPERATION_LABELS_PER_KEY,
  ) {}

  label(name: string | null | undefined, caller: LabelCaller): string {
    if (!name) return 'anonymous';
    if (!OPERATION_NAME.test(name) || RESERVED_LABELS.has(name)) return 'other';
    if (this.bundled.has(name)) return name;
    if (caller === null) return 'other';
    if (this.learned.has(name)) return name;
    const taken = this.perCaller.get(caller) ?? 0;
    if (this.learned.size >= this.max || taken >= this.perKey) return 'other';
    this.learned.add(name);
    this.perCaller.set(caller, taken + 1);
    return name;
  }
}

/** The route family of a request path, so that tile coordinates and unknown paths do not become labels. */
export function routeLabel(path: string): string {
  const p = path.split('?')[0]!.replace(/\/+$/, '') || '/';
  if (['/', '/graphql', '/metrics', '/healthz', '/readyz', '/map'].includes(p)) return p;
  if (/^\/tiles\/[^/]+\/[^/]+\/[^/]+\/[^/]+$/.test(p)) return '/tiles/:layer/:z/:x/:y';
  if (/^\/tiles\/[^/]+$/.test(p)) return '/tiles/:tilejson';
  if (p.startsWith('/map/static/')) return '/map/static';
  if (p.startsWith('/vendor/')) return '/vendor';
  if (p === '/imports/service-points' || p === '/imports/villages') return p;
  if (['/ogc', '/ogc/conformance', '/ogc/api', '/ogc/collections'].includes(p)) return p;
  if (/^\/ogc\/collections\/[^/]+$/.test(p)) return '/ogc/collections/:id';
  if (/^\/ogc\/collections\/[^/]+\/items$/.test(p)) return '/ogc/collections/:id/items';
  if (/^\/ogc\/collections\/[^/]+\/items\/[^/]+$/.test(p)) return '/ogc/collections/:id/items/:featureId';
  return 'other';
}

const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const COST_BUCKETS = [1, 5, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

/**
 * The Prometheus metrics of one app instance, in their own Registry (tests start several apps in one process):
 * GraphQL operations by name and outcome, their latency and cost, error codes, HTTP requests by route, the
 * database pool, the coverage cache, and prom-client's default process metrics.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly operations: OperationLabels;

  readonly graphqlRequests = new Counter({
    name: 'graphql_requests_total',
    help: 'GraphQL operations by operation name and outcome (ok, partial: data with errors, error: no data).',
    labelNames: ['operation', 'status'] as const,
    registers: [this.registry],
  });
  readonly graphqlDuration = new Histogram({
    name: 'graphql_request_duration_seconds',
    help: 'GraphQL operation latency, from request start to response, by operation name.',
    labelNames: ['operation'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });
  readonly graphqlCost = new Histogram({
    name: 'graphql_request_cost',
    help: 'Computed query cost (MAX_QUERY_COST points) of GraphQL operations that got that far, by operation name.',
    labelNames: ['operation'] as const,
    buckets: COST_BUCKETS,
    registers: [this.registry],
  });
  readonly graphqlErrors = new Counter({
    name: 'graphql_errors_total',
    help: 'Errors in GraphQL responses by operation name and extensions.code.',
    labelNames: ['operation', 'code'] as const,
    registers: [this.registry],
  });
  readonly httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by method, route family and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by method and route family.',
    labelNames: ['method', 'route'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });

  constructor(sources: MetricsSources) {
    this.operations = new OperationLabels(sources.bundledOperations ?? bundledOperationNames());
    if (sources.labels) this.registry.setDefaultLabels({ ...sources.labels });
    collectDefaultMetrics({ register: this.registry });
    const pool = (name: string, help: string, read: (p: PoolStats) => number | undefined) =>
      new Gauge({
        name,
        help,
        registers: [this.registry],
        collect() {
          const stats = sources.pool();
          const value = stats ? read(stats) : undefined;
          if (value !== undefined) this.set(value);
        },
      });
    pool('db_pool_connections', 'Connections the database pool holds (idle and in use).', (p) => p.totalCount);
    pool('db_pool_idle_connections', 'Idle connections in the database pool.', (p) => p.idleCount);
    pool('db_pool_waiting_requests', 'Queries waiting for a free connection.', (p) => p.waitingCount);
    pool('db_pool_max_connections', 'Size limit of the database pool.', (p) => p.options?.max);

    // CoverageService counts into plain numbers; each scrape adds what happened since the last one.
    const fromStats = (name: string, help: string, read: () => number) => {
      let reported = 0;
      return new Counter({
        name,
        help,
        registers: [this.registry],
        collect() {
          const now = read();
          if (now > reported) this.inc(now - reported);
          reported = now;
        },
      });
    };
    fromStats('coverage_cache_hits_total', 'Coverage results served from the cache.', () => sources.coverageCache().hits);
    fromStats('coverage_cache_misses_total', 'Coverage results computed (cache misses).', () => sources.coverageCache().misses);
    const gauge = (name: string, help: string, read: () => number) =>
      new Gauge({
        name,
        help,
        registers: [this.registry],
        collect() {
          this.set(read());
        },
      });
    const engine = sources.coverageEngine;
    if (engine) {
      fromStats('coverage_engine_loads_total', 'Coverage engine snapshot loads (the first, and changes the feed could not patch in).', () => engine().loads);
      fromStats('coverage_engine_patches_total', 'Change-feed steps patched into the coverage engine.', () => engine().patches);
      fromStats('coverage_field_builds_total', 'Accessibility fields built (first use, or after eviction).', () => engine().fieldBuilds);
      fromStats('coverage_field_evictions_total', 'Accessibility fields dropped to stay within FIELD_CACHE_MB.', () => engine().fieldEvictions);
      gauge('coverage_fields', 'Accessibility fields held.', () => engine().fields);
      gauge('coverage_field_bytes', 'Memory held by the accessibility fields.', () => engine().fieldBytes);
      gauge('coverage_engine_last_step_seconds', 'Duration of the last engine step (load or patch).', () => engine().lastStepMs / 1000);
    }
    const responses = sources.responseCache;
    if (responses) {
      fromStats('graphql_response_cache_hits_total', 'Query responses served from the response cache.', () => responses().hits);
      fromStats('graphql_response_cache_misses_total', 'Cacheable queries executed (not in the response cache).', () => responses().misses);
      fromStats('graphql_response_cache_skipped_total', 'Executed responses not kept (errors, or too large).', () => responses().skipped);
      gauge('graphql_response_cache_bytes', 'Size of the responses held (serialized JSON).', () => responses().bytes);
    }
    const ws = sources.webSocket;
    if (ws) {
      gauge('graphql_ws_connections', 'WebSocket connections open (graphql-ws).', () => ws().connections);
      gauge('graphql_ws_subscriptions', 'GraphQL subscriptions open.', () => ws().subscriptions);
      fromStats('graphql_ws_events_total', 'Subscription events sent.', () => ws().sent);
    }
    const replicas = sources.replicas;
    if (replicas) {
      // Counts kept by ReadReplicas; each scrape adds, per label, what happened since the last one.
      const labelledFromStats = (name: string, help: string, label: string, read: () => Readonly<Record<string, number>>) => {
        const reported = new Map<string, number>();
        return new Counter({
          name,
          help,
          labelNames: [label],
          registers: [this.registry],
          collect() {
            for (const [value, now] of Object.entries(read())) {
              const before = reported.get(value) ?? 0;
              this.inc({ [label]: value }, Math.max(0, now - before));
              reported.set(value, now);
            }
          },
        });
      };
      labelledFromStats('db_read_requests_total', 'Requests whose reads were routed, by the database chosen (primary, replica-1, …).', 'database', () => replicas().routed);
      labelledFromStats('db_replica_fallbacks_total', 'Requests that read from the primary instead of a replica, by reason (lag: every replica behind the version asked; down; error: a replica failed mid-request).', 'reason', () => replicas().fallbacks);
      new Gauge({
        name: 'db_replica_up',
        help: 'Whether a read replica answers (1) or its reads go to the primary (0).',
        labelNames: ['replica'],
        registers: [this.registry],
        collect() {
          for (const r of replicas().replicas) this.set({ replica: r.name }, r.up ? 1 : 0);
        },
      });
      new Gauge({
        name: 'db_replica_data_version',
        help: 'The data version a read replica was at when last checked.',
        labelNames: ['replica'],
        registers: [this.registry],
        collect() {
          for (const r of replicas().replicas) if (r.dataVersion !== null) this.set({ replica: r.name }, Number(r.dataVersion));
        },
      });
    }
    const polygons = sources.polygons;
    if (polygons) {
      fromStats('coverage_polygons_computed_total', 'Coverage polygons computed.', () => polygons().computed);
      fromStats('coverage_polygons_inline_total', 'Of those, computed on the request thread (small ones, or all with POLYGON_THREADS=0).', () => polygons().inline);
      fromStats('coverage_polygons_refused_total', 'Coverage polygons refused because POLYGON_QUEUE were already waiting.', () => polygons().refused);
      gauge('coverage_polygons_queued', 'Coverage polygons waiting for a worker thread.', () => polygons().queued);
    }
  }

  /** Bounded operation-name label for this instance (see OperationLabels); `caller` null for anonymous callers. */
  operation(name: string | null | undefined, caller: LabelCaller): string {
    return this.operations.label(name, caller);
  }

  /** Counts and times every HTTP request when its response is finished (or the client went away). */
  httpMiddleware(): RequestHandler {
    return (req, res, next) => {
      const started = process.hrtime.bigint();
      let done = false;
      const record = () => {
        if (done) return;
        done = true;
        const route = routeLabel(req.originalUrl);
        const status = res.writableFinished ? String(res.statusCode) : 'aborted';
        this.httpRequests.inc({ method: req.method, route, status });
        this.httpDuration.observe({ method: req.method, route }, Number(process.hrtime.bigint() - started) / 1e9);
      };
      res.once('finish', record);
      res.once('close', record);
      next();
    };
  }

  /**
   * GET /metrics (Prometheus text format); with a token, only for `Authorization: Bearer <token>` (compared in constant
   * time). In a cluster, `everyWorker` gives every worker's series (each with its pid label): `GET /metrics?workers=all`.
   */
  handler(token: string | null = null, everyWorker: (() => Promise<string>) | null = null): RequestHandler {
    const expected = token === null ? null : digest(token);
    return async (req, res, next) => {
      if (expected !== null) {
        const given = /^Bearer (.+)$/i.exec(req.get('authorization') ?? '')?.[1];
        if (given === undefined || !timingSafeEqual(digest(given), expected)) {
          res.status(401).set('www-authenticate', 'Bearer realm="metrics"').type('text/plain').send('GET /metrics needs Authorization: Bearer <METRICS_TOKEN>.\n');
          return;
        }
      }
      try {
        const text = everyWorker && req.query.workers === 'all' ? await everyWorker() : await this.registry.metrics();
        res.set('content-type', this.registry.contentType).send(text);
      } catch (err) {
        next(err);
      }
    };
  }
}
