import type { AreaSize } from '../common/area-sizes';
import type { Deadline } from '../common/deadline';
import { ServiceUnavailableError } from '../common/errors';
import type { AreaComputation, CoverageEngine } from './coverage.engine';
import { toComputation, type CoverageRepository } from './coverage.repository';

/**
 * The PostGIS reference (`method: POSTGIS`), priced and cut into short statements.
 *
 * Its work is one distance per (village, candidate point) pair: ST_DWithin on the GiST index hands each village
 * the points within the radius's box, and the nearest is kept. Measured on this repository's seed data (Sanming
 * city, every mode up to 119 minutes by car; 2 cores, AMD EPYC, the other core busy), per pair: 8–22 µs on the embedded database,
 * 4–9 µs on a PostgreSQL 15 server; the nearest-at-any-distance search for an uncovered village about 0.5 ms
 * embedded and 1.5 ms on the server. The estimates use the upper ends.
 *
 * On the embedded database a statement runs on the event loop to its end, so the reference runs as statements of
 * about `chunkMs` each, over consecutive code ranges of the area, and other requests are answered between them.
 * Nothing is started that the estimate prices beyond the request's deadline. The statements read no snapshot of
 * their own (a transaction would hold the one embedded connection); the data version read before and after them
 * must be the same, or the run is repeated.
 */
export const REFERENCE_COST = {
  // chunkMs: the target duration of one statement; on the embedded database, how long another request's
  // statement may wait behind it (a cheap request sends two or three).
  embedded: { microsPerPair: 22, microsPerVillage: 60, nearestMillisPerVillage: 0.6, chunkMs: 15 },
  server: { microsPerPair: 9, microsPerVillage: 30, nearestMillisPerVillage: 1.6, chunkMs: 100 },
} as const;
/** Runs repeated when a write lands during one, before giving up. */
const MAX_RUNS = 3;

export type DatabaseKind = keyof typeof REFERENCE_COST;

/** Estimated milliseconds of the reference for `villages` villages and `pairs` candidate pairs. */
export function referenceMillis(kind: DatabaseKind, villages: number, pairs: number): number {
  const c = REFERENCE_COST[kind];
  return (pairs * c.microsPerPair + villages * c.microsPerVillage) / 1000;
}

/**
 * Candidate pairs of an area from its sizes alone (for the query cost, before anything runs): each village sees the
 * area's active points within π r² at the area's density, at least one.
 */
export function estimatedReferencePairs(size: AreaSize, national: AreaSize, radiusMeters: number): number {
  const km2 = size.areaKm2 > 0 ? size.areaKm2 : national.areaKm2;
  const active = size.areaKm2 > 0 ? size.activePoints : national.activePoints;
  if (km2 <= 0) return size.villages * Math.max(1, national.activePoints);
  const reach = Math.PI * (radiusMeters / 1000) ** 2;
  return size.villages * Math.max(1, Math.min(national.activePoints, (active / km2) * reach));
}

/**
 * Query cost points of a reference run: 50 plus one per millisecond of server time, so that MAX_QUERY_COST and
 * the per-minute budget bound how much of the database a caller may spend on it.
 */
export function referenceCostPoints(size: AreaSize, national: AreaSize, radiusMeters: number): number {
  return 50 + Math.ceil(referenceMillis('server', size.villages, estimatedReferencePairs(size, national, radiusMeters)));
}

interface Chunk {
  /** Village codes [from, to): consecutive, together the whole area. */
  readonly from: string;
  readonly to: string;
  readonly villages: number;
  readonly ms: number;
}

/** Code ranges of about `chunkMs` each, planned from the engine's villages and its count of candidate pairs. */
export function planReference(engine: CoverageEngine, kind: DatabaseKind, areaCode: string, radiusMeters: number): { chunks: Chunk[]; ms: number } {
  const { codes, pairs } = engine.candidatePairs(areaCode, radiusMeters);
  const { chunkMs } = REFERENCE_COST[kind];
  const end = `${areaCode}:`;
  const chunks: Chunk[] = [];
  let start = 0;
  let ms = 0;
  let total = 0;
  for (let i = 0; i < codes.length; i++) {
    ms += referenceMillis(kind, 1, pairs[i]!);
    if (ms >= chunkMs || i === codes.length - 1) {
      chunks.push({ from: start === 0 ? areaCode : codes[start]!, to: i === codes.length - 1 ? end : codes[i + 1]!, villages: i + 1 - start, ms });
      total += ms;
      start = i + 1;
      ms = 0;
    }
  }
  if (chunks.length === 0) chunks.push({ from: areaCode, to: end, villages: 0, ms: 1 });
  return { chunks, ms: total };
}

/** The PostGIS reference for an area, in the engine's result shape, with the data version it was computed from. */
export async function computeReference(
  repo: CoverageRepository,
  engine: CoverageEngine,
  options: { kind: DatabaseKind; areaCode: string; itemCode: string | null; radiusMeters: number; deadline: Deadline; label: string },
): Promise<{ dataVersion: string; computation: AreaComputation }> {
  const { kind, areaCode, itemCode, radiusMeters, deadline, label } = options;
  const plan = planReference(engine, kind, areaCode, radiusMeters);
  deadline.assertTime(plan.ms, label);
  const { nearestMillisPerVillage: nearestMs, chunkMs } = REFERENCE_COST[kind];
  const nearestBatch = Math.max(1, Math.floor(chunkMs / nearestMs));
  for (let run = 0; run < MAX_RUNS; run++) {
    const before = await repo.dataVersion();
    const rows = [];
    for (const chunk of plan.chunks) {
      deadline.assertTime(chunk.ms, label);
      rows.push(...(await repo.referenceRows(chunk.from, chunk.to, itemCode, radiusMeters)));
    }
    // Uncovered villages: their nearest point at any distance, a few per statement.
    const uncovered = rows.filter((r) => r.nearest_point_id === null).map((r) => r.code);
    const beyond = new Map<string, { id: string; distance: number }>();
    for (let i = 0; i < uncovered.length; i += nearestBatch) {
      const batch = uncovered.slice(i, i + nearestBatch);
      deadline.assertTime(batch.length * nearestMs, label);
      for (const f of await repo.referenceNearest(batch, itemCode)) beyond.set(f.code, { id: f.nearest_point_id, distance: f.distance_meters });
    }
    if ((await repo.dataVersion()) === before) return { dataVersion: before, computation: toComputation(rows, beyond) };
  }
  throw new ServiceUnavailableError(`The data changed during each of ${MAX_RUNS} runs of the PostGIS reference; try again.`);
}
