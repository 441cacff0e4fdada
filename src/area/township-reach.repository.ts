import type { EntityManager } from 'typeorm';
import * as SQL from './township-reach.sql';

/**
 * How far a township reaches, for scope checks of keys narrower than a county. The data has township seats but no
 * township boundaries, so a position is taken to lie in every township of its county whose seat is at most this many
 * times as far as the nearest seat. The seed generator places villages within 1.6× (and points a few tens of metres
 * from them: every seeded record lies within 1.66×); 2 leaves room near a border and still refuses a position well
 * inside a neighbouring township.
 */
export const TOWNSHIP_REACH_FACTOR = 2;

export interface SeatDistance {
  readonly code: string;
  readonly meters: number;
}

/** Where a position lies: the seats of its county's townships by distance (nearest first), and those within reach. */
export interface TownshipReach {
  readonly seats: readonly SeatDistance[];
  readonly inReach: readonly SeatDistance[];
}

/** One statement for a batch; results in input order, null where the county has no township seats. */
export async function townshipsInReach(
  manager: EntityManager,
  rows: readonly { countyCode: string; longitude: number; latitude: number }[],
  factor = TOWNSHIP_REACH_FACTOR,
): Promise<(TownshipReach | null)[]> {
  if (rows.length === 0) return [];
  const result: { codes: string[] | null; meters: number[] | null }[] = await manager.query(SQL.TOWNSHIP_SEAT_DISTANCES, [
    rows.map((r) => r.countyCode),
    rows.map((r) => r.longitude),
    rows.map((r) => r.latitude),
  ]);
  return result.map((r) => {
    if (!r.codes || r.codes.length === 0) return null;
    const seats = r.codes.map((code, i) => ({ code, meters: Number(r.meters![i]) }));
    return { seats, inReach: seats.filter((s) => s.meters <= factor * seats[0]!.meters) };
  });
}
