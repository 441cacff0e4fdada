import { rateLimitHeaders, rateLimitKey } from '../../../src/graphql/plugins/rate-limit.plugin';

describe('rateLimitKey', () => {
  it('is the API key when there is one, else the client address', () => {
    expect(rateLimitKey({ keyId: 'k-1' }, '10.0.0.1')).toBe('key:k-1');
    expect(rateLimitKey({ keyId: null }, '10.0.0.1')).toBe('ip:10.0.0.1');
    expect(rateLimitKey({ keyId: null }, undefined)).toBe('ip:unknown');
  });
});

describe('rateLimitHeaders', () => {
  it('gives the IETF draft fields in whole seconds, never negative', () => {
    expect(rateLimitHeaders({ limit: 50000, remaining: 1234, msBeforeReset: 41_200 })).toEqual([
      ['ratelimit-limit', '50000'],
      ['ratelimit-remaining', '1234'],
      ['ratelimit-reset', '42'],
      ['ratelimit-policy', '50000;w=60'],
    ]);
    expect(rateLimitHeaders({ limit: 10, remaining: -5, msBeforeReset: -1 })).toEqual([
      ['ratelimit-limit', '10'],
      ['ratelimit-remaining', '0'],
      ['ratelimit-reset', '0'],
      ['ratelimit-policy', '10;w=60'],
    ]);
  });
});
