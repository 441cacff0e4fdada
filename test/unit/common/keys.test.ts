import { groupByKeys } from '../../../src/common/group-by-keys';
import { orderByKeys } from '../../../src/common/order-by-keys';

describe('orderByKeys', () => {
  it('returns rows in key order with null for misses', () => {
    const rows = [{ id: 'b' }, { id: 'a' }];
    expect(orderByKeys(['a', 'x', 'b'], rows, (r) => r.id)).toEqual([{ id: 'a' }, null, { id: 'b' }]);
  });
});

describe('groupByKeys', () => {
  it('groups rows per key with [] for misses, keeping row order', () => {
    const rows = [
      { k: 'a', v: 1 },
      { k: 'b', v: 2 },
      { k: 'a', v: 3 },
    ];
    expect(groupByKeys(['a', 'c', 'b'], rows, (r) => r.k)).toEqual([[rows[0], rows[2]], [], [rows[1]]]);
  });
});
