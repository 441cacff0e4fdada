import { HandlingWay } from '../handling-rule/handling-way.enum';
import type { AreaComputation, CoverageReader } from './coverage.engine';

/** `AreaComputation.handledBy` values: how a village is covered. */
export const HANDLED_BY: readonly (HandlingWay | null)[] = [null, HandlingWay.IN_PERSON, HandlingWay.ASSISTED, HandlingWay.ONLINE];

/**
 * A computation of the points counted under `ways` (in person, assisted) with the ways told apart and ONLINE added:
 * each covered village is handled IN_PERSON when its nearest counted point handles the item itself, ASSISTED when
 * that point accepts it on the resident's behalf; a village no point covers is covered ONLINE when ONLINE was asked
 * and the handling rule of its area (engine.handlingRule, of the reader's version) gives the item a channel.
 * Changes `c` in place: call it on a fresh computation only (computeArea's arrays are the answer's own copies).
 */
export function withHandling(reader: CoverageReader, c: AreaComputation, itemCode: string, ways: ReadonlySet<HandlingWay>): AreaComputation {
  const n = c.codes.length;
  const handledBy = new Uint8Array(n);
  const covered = c.covered as Uint8Array;
  const inPerson = ways.has(HandlingWay.IN_PERSON);
  const online = ways.has(HandlingWay.ONLINE);
  const offersInPerson = new Map<number, boolean>();
  for (let k = 0; k < n; k++) {
    if (covered[k]) {
      const slot = c.nearest[k]!;
      let direct = offersInPerson.get(slot);
      if (direct === undefined) {
        direct = inPerson && (reader.point(c.pointIds[slot]!)?.itemCodes.includes(itemCode) ?? false);
        offersInPerson.set(slot, direct);
      }
      handledBy[k] = direct ? 1 : 2;
    } else if (online && reader.handlingRule(c.codes[k]!, itemCode).onlineChannels.length > 0) {
      covered[k] = 1;
      handledBy[k] = 3;
    }
  }
  return { ...c, covered, handledBy };
}
