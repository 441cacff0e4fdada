import { BadInputError } from './errors';

/**
 * Opaque keyset cursors: base64url of JSON `[scope, ...values]`. The scope names the ordering and
 * filter the cursor was made for, so a cursor reused with another filter is rejected, not misread.
 */
export function encodeCursor(scope: string, values: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify([scope, ...values]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, scope: string, arity: number): (string | number)[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  // Strings with U+0000 are never issued (and PostgreSQL cannot take them as text).
  if (!Array.isArray(parsed) || parsed.length !== arity + 1 || !parsed.every((v) => typeof v === 'number' || (typeof v === 'string' && !v.includes('\u0000')))) {
    throw new BadInputError('The `after` cursor is not one this server issued; use a cursor from pageInfo.endCursor or edges.cursor.', { argument: 'after' });
  }
  if (parsed[0] !== scope) {
    throw new BadInputError('The `after` cursor was issued for a different ordering or filter; start again without `after`.', { argument: 'after' });
  }
  return parsed.slice(1) as (string | number)[];
}
