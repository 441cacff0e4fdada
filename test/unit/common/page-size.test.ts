import { pageSize } from '../../../src/common/page-size';

describe('pageSize', () => {
  const pagination = { defaultPageSize: 20, maxPageSize: 500 };
  it('defaults when first is absent', () => expect(pageSize(undefined, pagination)).toBe(20));
  it('accepts up to the maximum, including 0', () => {
    expect(pageSize(500, pagination)).toBe(500);
    expect(pageSize(0, pagination)).toBe(0);
  });
  it('rejects more than the maximum with a message that says the limit', () => {
    expect(() => pageSize(501, pagination)).toThrow(/at most 500/);
  });
});
