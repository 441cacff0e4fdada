import { decodeCursor, encodeCursor } from '../../../src/common/cursor';

describe('cursor', () => {
  it('round-trips a keyset tuple, floats exactly', () => {
    const distance = 1234.5678901234567;
    const cursor = encodeCursor('near:1,2,3', [distance, 'TS-520121100']);
    expect(decodeCursor(cursor, 'near:1,2,3', 2)).toEqual([distance, 'TS-520121100']);
  });

  it('is opaque (base64url, no raw values)', () => {
    expect(encodeCursor('id', ['TS-520121100'])).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it.each(['', 'not-a-cursor', Buffer.from('{"a":1}').toString('base64url'), Buffer.from('["id",{}]').toString('base64url')])(
    'rejects garbage %p with BAD_USER_INPUT',
    (bad) => {
      expect(() => decodeCursor(bad, 'id', 1)).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) }));
    },
  );

  it('rejects a cursor issued for another ordering or origin', () => {
    const cursor = encodeCursor('near:1,2,3', [10, 'X-1']);
    expect(() => decodeCursor(cursor, 'near:1,2,4', 2)).toThrow(/different ordering or filter/);
    expect(() => decodeCursor(cursor, 'id', 1)).toThrow();
  });
});
