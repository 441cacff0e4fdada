import { loadConfig } from '../../../src/config/config';

describe('loadConfig: limits, rate limit, introspection, metrics (issue 5)', () => {
  it('has the stated defaults', () => {
    const c = loadConfig({});
    expect(c.limits).toEqual({ maxDepth: 12, maxCost: 5000, maxAliases: 30, maxDirectives: 50, maxTokens: 5000, maxBatchSize: 10, maxBodyBytes: 1048576, maxNestingDepth: 64, maxResponseBytes: 10 * 1024 * 1024 });
    expect(c.requestDeadlineMs).toBe(10_000);
    expect(c.rateLimit).toEqual({ costPerMinute: 50000, redisUrl: null, keyPrefix: 'service-circle:rate' });
    expect(c).toMatchObject({ introspection: true, metricsEnabled: true, trustProxy: false });
    expect(Object.isFrozen(c.limits) && Object.isFrozen(c.rateLimit)).toBe(true);
  });

  it('turns introspection off in production unless asked for', () => {
    expect(loadConfig({ NODE_ENV: 'production' }).introspection).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', INTROSPECTION: 'true' }).introspection).toBe(true);
    expect(loadConfig({ INTROSPECTION: 'false' }).introspection).toBe(false);
  });

  it('reads the rest', () => {
    const c = loadConfig({
      MAX_QUERY_DEPTH: '8',
      MAX_QUERY_COST: '2000',
      RATE_LIMIT_COST_PER_MINUTE: '0',
      RATE_LIMIT_REDIS_URL: 'redis://127.0.0.1:6379/2',
      METRICS_ENABLED: 'false',
      TRUST_PROXY: '1',
    });
    expect(c.limits).toMatchObject({ maxDepth: 8, maxCost: 2000 });
    expect(c.rateLimit).toMatchObject({ costPerMinute: 0, redisUrl: 'redis://127.0.0.1:6379/2' });
    expect(c.metricsEnabled).toBe(false);
    expect(c.trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).toBe('loopback, 10.0.0.0/8');
  });

  it('refuses a rate limit a single allowed query could not fit in, and bad values', () => {
    expect(() => loadConfig({ RATE_LIMIT_COST_PER_MINUTE: '100', MAX_QUERY_COST: '5000' })).toThrow(/RATE_LIMIT_COST_PER_MINUTE/);
    expect(() => loadConfig({ RATE_LIMIT_REDIS_URL: 'http://x' })).toThrow(/RATE_LIMIT_REDIS_URL/);
    expect(() => loadConfig({ MAX_QUERY_DEPTH: '0', MAX_BATCH_SIZE: '0' })).toThrow(/MAX_QUERY_DEPTH[\s\S]*MAX_BATCH_SIZE/);
  });
});
