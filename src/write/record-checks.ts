import type { FieldProblem } from './write-report.type';

/** Small field checks shared by the service-point and village write rules; each returns a problem or null. */

/** An unpaired UTF-16 surrogate: not a character; PostgreSQL's jsonb (the audit log) refuses its \uD800 escape. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Free text (names, addresses, opening hours): present unless optional, within a length, and storable. PostgreSQL
 * text cannot hold U+0000, so a NUL is this row's problem, found before any SQL (the codes, ids and item codes have
 * patterns or catalogues that already leave it out).
 */
export function checkText(field: string, value: unknown, min: number, max: number, optional = false): FieldProblem | null {
  if (value === null || value === undefined) return optional ? null : { field, reason: `${field} is required.` };
  if (typeof value !== 'string') return { field, reason: `${field} must be text.` };
  if (value.includes('\u0000')) return { field, reason: `${field} contains U+0000 (NUL), which cannot be stored; remove it.` };
  if (LONE_SURROGATE.test(value)) return { field, reason: `${field} contains an unpaired surrogate (not a Unicode character), which cannot be stored; fix the text's encoding.` };
  const length = [...value.trim()].length;
  if (length < min || length > max) return { field, reason: `${field} must be ${min} to ${max} characters (got ${length}).` };
  return null;
}

export function checkPattern(field: string, value: unknown, pattern: RegExp, example: string, optional = false): FieldProblem | null {
  if (value === null || value === undefined) return optional ? null : { field, reason: `${field} is required, e.g. ${example}.` };
  if (typeof value !== 'string' || !pattern.test(value)) return { field, reason: `${field} ${JSON.stringify(value)} is not valid; expected e.g. ${example}.` };
  return null;
}

/** WGS-84 longitude and latitude: finite numbers in range (NaN, Infinity and wrapped values are refused). */
export function checkCoordinates(longitude: unknown, latitude: unknown): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (typeof longitude !== 'number' || !Number.isFinite(longitude) || longitude < -180 || longitude > 180) {
    problems.push({ field: 'longitude', reason: `longitude ${String(longitude)} must be a finite number from -180 to 180 (degrees east).` });
  }
  if (typeof latitude !== 'number' || !Number.isFinite(latitude) || latitude < -90 || latitude > 90) {
    problems.push({ field: 'latitude', reason: `latitude ${String(latitude)} must be a finite number from -90 to 90 (degrees north).` });
  }
  return problems;
}

export function compact(problems: (FieldProblem | null)[]): FieldProblem[] {
  return problems.filter((p): p is FieldProblem => p !== null);
}
