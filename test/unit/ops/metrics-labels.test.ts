import { Metrics } from '../../../src/ops/metrics';

const sources = { pool: () => null, coverageCache: () => ({ hits: 0, misses: 0 }) };

describe('Metrics labels (a cluster worker\'s pid)', () => {
  it('puts the given labels on every series, the process metrics included', async () => {
    const metrics = new Metrics({ ...sources, labels: { pid: '4242' } });
    metrics.httpRequests.inc({ method: 'GET', route: '/healthz', status: '200' });
    metrics.graphqlDuration.observe({ operation: 'anonymous' }, 0.02);
    const samples = (await metrics.registry.metrics()).split('\n').filter((l) => l && !l.startsWith('#'));
    expect(samples.length).toBeGreaterThan(20);
    expect(samples.filter((l) => !l.includes('pid="4242"'))).toEqual([]);
    expect(samples).toContain('http_requests_total{method="GET",route="/healthz",status="200",pid="4242"} 1');
  });

  it('adds none by default (one process: the series as before)', async () => {
    const metrics = new Metrics(sources);
    metrics.httpRequests.inc({ method: 'GET', route: '/healthz', status: '200' });
    const text = await metrics.registry.metrics();
    expect(text).toContain('http_requests_total{method="GET",route="/healthz",status="200"} 1');
    expect(text).not.toContain('pid=');
  });
});
