import type { EntityManager } from 'typeorm';
import { TOWNSHIP_REACH_FACTOR, townshipsInReach } from '../area/township-reach.repository';
import type { Actor, AuditChange, AuditLogRepository } from './audit-log.repository';
import { isInViewerAreas } from '../common/viewer';
import type { Viewer } from '../common/viewer';
import { WriteMode, type FieldProblem, type RowProblem, type SourceRow, type WriteReport } from './write-report.type';

/** What the pipeline needs to know about one kind of record (service point, village). */
export interface WriteSpec<R> {
  readonly entity: 'service_point' | 'village';
  keyOf(record: R): string;
  /** The area code the record lies in, for the EDITOR key's scope. */
  areaOf(record: R): string;
  /**
   * Where the record is placed: its county (6 digits) and WGS-84 position. For keys narrower than that county, a
   * record placed somewhere new (created, or moved) must lie within reach of one of the key's townships.
   */
  placeOf?(record: R): { countyCode: string; longitude: number; latitude: number };
  /** Checks that need no database (formats, ranges, catalogue). */
  validate(record: R): FieldProblem[];
  /** Checks against stored data, for all rows at once: problems by row index. */
  checkPlaces(manager: EntityManager, records: readonly R[]): Promise<Map<number, FieldProblem[]>>;
  /** The stored versions of `keys`, locked until the transaction ends. */
  lock(manager: EntityManager, keys: readonly string[]): Promise<Map<string, R>>;
  write(manager: EntityManager, records: readonly R[]): Promise<void>;
  /** { field: [before, after] } for the fields that differ; empty when nothing changed. */
  diff(before: R | null, after: R): Record<string, [unknown, unknown]>;
}

export interface WriteOptions<R = unknown> {
  readonly mode: WriteMode;
  readonly viewer: Viewer;
  readonly actor: Actor;
  /** create: the key must be new; update: it must exist; upsert: either. */
  readonly expect: 'create' | 'update' | 'upsert';
  /** For read-modify-write (updates): the stored versions the rows were built from; a row whose stored version changed since is rejected. */
  readonly readVersions?: ReadonlyMap<string, R>;
  /** Check everything and count what would change, but write nothing (dry runs). */
  readonly validateOnly?: boolean;
  /** Called with (rows done, rows in all) while writing, for progress bars. */
  readonly onProgress?: (done: number, total: number) => void;
}

const WRITE_BATCH = 2000;

/**
 * Why a row was refused when it is not a plain BAD_USER_INPUT: outside the key's areas (FORBIDDEN), or changed by
 * someone else since the caller read it (CONFLICT: read again and retry). Batches list such rows like any other;
 * single writes answer with the code (problemCode). Kept beside the problems, not in them, so reports keep their shape.
 */
export type ProblemCode = 'FORBIDDEN' | 'CONFLICT';
type Found = FieldProblem & { readonly code?: ProblemCode };
const problemCodes = new WeakMap<RowProblem, ProblemCode>();

/** The code of a problem the pipeline reported, or undefined for a plain BAD_USER_INPUT one. */
export function problemCode(problem: RowProblem): ProblemCode | undefined {
  return problemCodes.get(problem);
}

/**
 * The one write path for mutations and imports, in one transaction: validate every row (format, scope,
 * stored data, duplicates), then write the changed rows and their audit records. With ALL_OR_NOTHING any bad
 * row writes nothing; with VALID_ROWS the good rows are written. The coverage caches notice through the data
 * version that the tables' triggers bump.
 */
export async function applyWrites<R>(
  spec: WriteSpec<R>,
  rows: readonly SourceRow<R>[],
  options: WriteOptions<R>,
  deps: { transaction: <T>(work: (m: EntityManager) => Promise<T>) => Promise<T>; audit: AuditLogRepository },
): Promise<WriteReport> {
  const problems: RowProblem[] = [];
  const bad = new Set<number>();
  const reject = (index: number, found: Found[]) => {
    if (found.length === 0) return;
    bad.add(index);
    const row = rows[index]!;
    for (const p of found) {
      const problem: RowProblem = { index: row.index, line: row.line, key: safeKey(spec, row.value), field: p.field, reason: p.reason };
      if (p.code) problemCodes.set(problem, p.code);
      problems.push(problem);
    }
  };

  const firstLineOfKey = new Map<string, number>();
  rows.forEach((row, i) => {
    const found: Found[] = spec.validate(row.value);
    const key = safeKey(spec, row.value);
    if (key !== null) {
      const first = firstLineOfKey.get(key);
      if (first !== undefined) found.push({ field: spec.entity === 'village' ? 'code' : 'id', reason: `${key} appears twice in this batch (first on line ${first}); each row must have its own.` });
      else firstLineOfKey.set(key, row.line);
    }
    if (found.length === 0 && !isInViewerAreas(options.viewer, spec.areaOf(row.value))) {
      found.push({ field: 'areaCode', code: 'FORBIDDEN', reason: `area ${spec.areaOf(row.value)} is outside this key's areas (${options.viewer.areaCodes.join(', ') || 'none'}).` });
    }
    reject(i, found);
  });

  return deps.transaction(async (manager) => {
    const candidates = rows.map((_, i) => i).filter((i) => !bad.has(i));
    const placeProblems = await spec.checkPlaces(manager, candidates.map((i) => rows[i]!.value));
    placeProblems.forEach((found, j) => reject(candidates[j]!, found));

    const valid = candidates.filter((i) => !bad.has(i));
    const stored = await spec.lock(manager, valid.map((i) => spec.keyOf(rows[i]!.value)));
    for (const i of valid) {
      const record = rows[i]!.value;
      const before = stored.get(spec.keyOf(record)) ?? null;
      if (options.expect === 'create' && before) reject(i, [{ field: null, reason: `${spec.keyOf(record)} exists already; update it instead.` }]);
      if (options.expect === 'update' && !before) reject(i, [{ field: null, reason: `${spec.keyOf(record)} does not exist.` }]);
      const read = options.readVersions?.get(spec.keyOf(record));
      if (read && before && Object.keys(spec.diff(read, before)).length > 0) {
        reject(i, [{ field: null, code: 'CONFLICT', reason: `${spec.keyOf(record)} was changed by someone else meanwhile; read it again and retry.` }]);
      }
      if (before && !isInViewerAreas(options.viewer, spec.areaOf(before))) {
        reject(i, [{ field: 'areaCode', code: 'FORBIDDEN', reason: `the stored ${spec.keyOf(record)} lies in area ${spec.areaOf(before)}, outside this key's areas.` }]);
      }
    }
    await checkPlacement(spec, rows, valid.filter((i) => !bad.has(i)), stored, options.viewer, manager, reject);
    problems.sort((a, b) => a.index - b.index);

    const report: WriteReport = { entity: spec.entity, mode: options.mode, rowsRead: rows.length, created: 0, updated: 0, unchanged: 0, rejected: bad.size, problems };
    if (options.mode === WriteMode.ALL_OR_NOTHING && bad.size > 0) {
      report.rejected = rows.length;
      return report;
    }
    const changed: R[] = [];
    const audit: AuditChange[] = [];
    for (const i of valid) {
      if (bad.has(i)) continue;
      const record = rows[i]!.value;
      const before = stored.get(spec.keyOf(record)) ?? null;
      const changes = spec.diff(before, record);
      if (Object.keys(changes).length === 0) {
        report.unchanged++;
        continue;
      }
      if (before) report.updated++;
      else report.created++;
      changed.push(record);
      audit.push({ action: `${spec.entity}.${before ? 'update' : 'create'}`, entity: spec.entity, entityKey: spec.keyOf(record), changes });
    }
    if (options.validateOnly) return report;
    for (let i = 0; i < changed.length; i += WRITE_BATCH) {
      await spec.write(manager, changed.slice(i, i + WRITE_BATCH));
      await deps.audit.record(manager, options.actor, audit.slice(i, i + WRITE_BATCH));
      options.onProgress?.(Math.min(i + WRITE_BATCH, changed.length), changed.length);
    }
    return report;
  });
}

/**
 * The key's scope for where records are placed: a key for the county (or above) may place them anywhere in it (the
 * county boundary is checked for everyone); a narrower key only within reach of one of its townships
 * (townshipsInReach). Only positions a row sets are checked (new records, moved ones), so a record stored elsewhere
 * by a county key can still be edited where it is.
 */
async function checkPlacement<R>(
  spec: WriteSpec<R>,
  rows: readonly SourceRow<R>[],
  candidates: readonly number[],
  stored: ReadonlyMap<string, R>,
  viewer: Viewer,
  manager: EntityManager,
  reject: (index: number, found: Found[]) => void,
): Promise<void> {
  const placeOf = spec.placeOf;
  if (!placeOf) return;
  const placed = candidates.filter((i) => {
    const record = rows[i]!.value;
    const place = placeOf(record);
    if (isInViewerAreas(viewer, place.countyCode)) return false;
    const before = stored.get(spec.keyOf(record));
    if (!before) return true;
    const was = placeOf(before);
    return was.longitude !== place.longitude || was.latitude !== place.latitude;
  });
  if (placed.length === 0) return;
  const reach = await townshipsInReach(manager, placed.map((i) => placeOf(rows[i]!.value)));
  const km = (meters: number) => `${(meters / 1000).toFixed(1)} km`;
  placed.forEach((i, j) => {
    const found = reach[j];
    if (found && found.inReach.some((t) => isInViewerAreas(viewer, t.code))) return;
    const { countyCode, longitude, latitude } = placeOf(rows[i]!.value);
    const areas = viewer.areaCodes.join(', ') || 'none';
    const own = found?.seats.find((t) => isInViewerAreas(viewer, t.code));
    const nearest = found?.seats[0];
    const where = !found
      ? `which township (${longitude}, ${latitude}) lies in cannot be told (county ${countyCode} has no township seats), so not that it is in this key's areas (${areas})`
      : `(${longitude}, ${latitude}) lies in township ${nearest!.code} (its seat is ${km(nearest!.meters)} away), not in this key's areas (${areas})` +
        (own ? `: the seat of ${own.code} is ${km(own.meters)} away, more than ${TOWNSHIP_REACH_FACTOR}× as far` : '');
    reject(i, [{ field: 'location', code: 'FORBIDDEN', reason: `${where}. A key for county ${countyCode} can place it there.` }]);
  });
}

function safeKey<R>(spec: WriteSpec<R>, record: R): string | null {
  try {
    const key = spec.keyOf(record);
    return typeof key === 'string' && key.length > 0 ? key : null;
  } catch {
    return null;
  }
}

/** { field: [before, after] } over `fields`, comparing values as JSON (arrays are compared as given: sort them first). */
export function diffFields<R extends object>(before: R | null, after: R, fields: readonly (keyof R & string)[]): Record<string, [unknown, unknown]> {
  const out: Record<string, [unknown, unknown]> = {};
  for (const f of fields) {
    const a = before ? before[f] : null;
    const b = after[f];
    if (JSON.stringify(a ?? null) !== JSON.stringify(b ?? null)) out[f] = [a ?? null, b ?? null];
  }
  return out;
}
