import { HeaderMap, type ApolloServerPlugin, type GraphQLResponse } from '@apollo/server';
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { RateLimitedError } from '../../common/errors';
import type { Logger } from '../../common/logger';
import type { RateLimitConfig } from '../../config/config';
import type { Viewer } from '../../common/viewer';
import type { Context } from '../context';
import { operationCost } from './limits.plugin';

const WINDOW_SECONDS = 60;

/** One budget per API key; without a key, per client address. */
export function rateLimitKey(viewer: Pick<Viewer, 'keyId'>, clientAddress: string | undefined): string {
  return viewer.keyId ? `key:${viewer.keyId}` : `ip:${clientAddress || 'unknown'}`;
}

interface RateLimitState {
  readonly limit: number;
  readonly remaining: number;
  /** Until the budget is whole again. */
  readonly msBeforeReset: number;
}

/** IETF draft RateLimit header fields (draft-ietf-httpapi-ratelimit-headers), lower-case as Apollo's HeaderMap keeps them. */
export function rateLimitHeaders(state: RateLimitState): [string, string][] {
  return [
    ['ratelimit-limit', String(state.limit)],
    ['ratelimit-remaining', String(Math.max(0, state.remaining))],
    ['ratelimit-reset', String(Math.max(0, Math.ceil(state.msBeforeReset / 1000)))],
    ['ratelimit-policy', `${state.limit};w=${WINDOW_SECONDS}`],
  ];
}

interface Decision {
  readonly allowed: boolean;
  readonly state: RateLimitState;
}

/**
 * A fixed one-minute window of cost points per key: in memory (per process), or in Redis when RATE_LIMIT_REDIS_URL is
 * set, so that every process shares one budget. When Redis cannot answer, requests pass (fail open) and a warning
 * is logged at most every 30 s: a rate limiter must not take the API down.
 */
class CostBudget {
  private lastWarning = 0;

  constructor(
    private readonly limiter: RateLimiterAbstract,
    private readonly logger: Logger,
  ) {}

  get limit(): number {
    return this.limiter.points;
  }

  warn(err: unknown): void {
    const now = Date.now();
    if (now - this.lastWarning < 30_000) return;
    this.lastWarning = now;
    this.logger.warn({ err }, 'rate limiter store unavailable: requests are not rate limited until it answers again');
  }

  /** Takes `cost` points, or refuses and leaves the budget as it was. Null when the store is down. */
  async consume(key: string, cost: number): Promise<Decision | null> {
    try {
      const res = await this.limiter.consume(key, cost);
      return { allowed: true, state: { limit: this.limit, remaining: res.remainingPoints, msBeforeReset: res.msBeforeNext } };
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) {
        this.warn(rejection);
        return null;
      }
      // A refused query costs nothing: give the points back, so the headers show what is really left.
      await this.limiter.reward(key, cost).catch((err: unknown) => this.warn(err));
      const remaining = Math.max(0, this.limit - (rejection.consumedPoints - cost));
      return { allowed: false, state: { limit: this.limit, remaining, msBeforeReset: rejection.msBeforeNext } };
    }
  }

  /** The budget without spending any (for responses that never ran an operation). Null when the store is down. */
  async peek(key: string): Promise<RateLimitState | null> {
    try {
      const res = await this.limiter.get(key);
      if (!res) return { limit: this.limit, remaining: this.limit, msBeforeReset: WINDOW_SECONDS * 1000 };
      return { limit: this.limit, remaining: res.remainingPoints, msBeforeReset: res.msBeforeNext };
    } catch (err) {
      this.warn(err);
      return null;
    }
  }
}

/** RATE_LIMITED for `what` (a query, an upload) that costs more than what is left this minute. */
export function rateLimitedError(what: string, cost: number, state: RateLimitState): RateLimitedError {
  const retryAfterSeconds = Math.max(1, Math.ceil(state.msBeforeReset / 1000));
  return new RateLimitedError(
    `Rate limit: ${what} costs ${cost.toLocaleString('en')} points and ${state.remaining.toLocaleString('en')} of ${state.limit.toLocaleString('en')} are left for this minute (RATE_LIMIT_COST_PER_MINUTE, per API key or, without one, per client address). Retry after ${retryAfterSeconds} s, or ask for less.`,
    { limit: state.limit, cost, remaining: state.remaining, retryAfterSeconds },
  );
}

function setHeaders(headers: HeaderMap, state: RateLimitState): void {
  for (const [name, value] of rateLimitHeaders(state)) headers.set(name, value);
}

/**
 * Per-key rate limiting by query cost. Each operation that passed the query limits spends its cost (at least 1)
 * from its key's budget for the minute; when the budget cannot pay, it does not run: RATE_LIMITED, HTTP 429 with
 * Retry-After. Every HTTP response carries RateLimit-Limit, -Remaining, -Reset and -Policy. Operations run in
 * process (no HTTP request: tests, tools) are not limited. Null when RATE_LIMIT_COST_PER_MINUTE is 0.
 */
export interface RateLimiter {
  readonly plugin: ApolloServerPlugin<Context>;
  /** For work outside GraphQL (the upload routes): spends `cost` from `key`'s budget; null when the store is down. */
  consume(key: string, cost: number): Promise<Decision | null>;
}

export function createRateLimiter(config: RateLimitConfig, logger: Logger): RateLimiter | null {
  if (config.costPerMinute === 0) return null;
  const options = { points: config.costPerMinute, duration: WINDOW_SECONDS, keyPrefix: config.keyPrefix };
  let redis: Redis | null = null;
  let limiter: RateLimiterAbstract;
  if (config.redisUrl) {
    // No offline queue and one retry: while Redis is away a command fails at once instead of holding the request.
    redis = new Redis(config.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000, disconnectTimeout: 200 });
    limiter = new RateLimiterRedis({ ...options, storeClient: redis, rejectIfRedisNotReady: true });
  } else {
    limiter = new RateLimiterMemory(options);
  }
  const budget = new CostBudget(limiter, logger.child({ component: 'rate-limit' }));
  redis?.on('error', (err) => budget.warn(err));

  const plugin: ApolloServerPlugin<Context> = {
    async serverWillStart() {
      return {
        async serverWillStop() {
          if (!redis) return;
          if (redis.status === 'ready') await redis.quit().catch(() => undefined);
          redis.disconnect(); // also stops reconnecting when Redis was away
        },
      };
    },

    async requestDidStart({ request, contextValue }) {
      if (!request.http) return;
      const key = rateLimitKey(contextValue.viewer, contextValue.clientAddress ?? undefined);
      let headersSet = false;
      return {
        async responseForOperation(requestContext): Promise<GraphQLResponse | null> {
          const cost = Math.max(1, operationCost(requestContext.request) ?? 1);
          const decision = await budget.consume(key, cost);
          if (!decision) return null;
          setHeaders(requestContext.response.http.headers, decision.state);
          headersSet = true;
          if (decision.allowed) return null;
          const error = rateLimitedError('this query', cost, decision.state);
          const { retryAfterSeconds } = error.extensions as { retryAfterSeconds: number };
          return {
            http: { status: 429, headers: new HeaderMap([['retry-after', String(retryAfterSeconds)]]) },
            body: { kind: 'single', singleResult: { errors: [{ message: error.message, extensions: { ...error.extensions } }] } },
          };
        },
        async willSendResponse({ response }) {
          if (headersSet) return;
          const state = await budget.peek(key);
          if (state) setHeaders(response.http.headers, state);
        },
      };
    },
  };
  return { plugin, consume: (key, cost) => budget.consume(key, cost) };
}
