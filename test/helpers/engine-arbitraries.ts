import CheapRuler from 'cheap-ruler';
import fc from 'fast-check';
import { ANY_ITEM, type EnginePoint, type EngineVillage } from '../../src/coverage/coverage.engine';
import { MAX_SEARCH_METERS } from '../../src/travel/straight-line.model';

/** Random villages and service points for the engine's property tests, and the brute-force nearest point they are checked against. */

export const ITEMS = ['A', 'B', 'C'];

/** Places around Sanming, within ±0.4° (about ±40 km), with a few far ones (hundreds of km) to cross the 300 km limit. */
export const place = fc.oneof(
  { weight: 9, arbitrary: fc.tuple(fc.double({ min: 117.2, max: 118.0, noNaN: true }), fc.double({ min: 25.8, max: 26.6, noNaN: true })) },
  { weight: 1, arbitrary: fc.tuple(fc.double({ min: 112, max: 122, noNaN: true }), fc.double({ min: 22, max: 30, noNaN: true })) },
);
export const items = fc.subarray(ITEMS);

export const villagesArb = fc.array(fc.tuple(place, fc.integer({ min: 0, max: 5000 })), { minLength: 1, maxLength: 40 }).map((vs) =>
  vs.map(([[longitude, latitude], population], i): EngineVillage => ({ code: `350400${String(i).padStart(6, '0')}`, townshipCode: '350400000', longitude, latitude, population })),
);
export const pointsArb = fc.array(fc.tuple(place, items, fc.boolean()), { maxLength: 25 }).map((ps) =>
  ps.map(([[longitude, latitude], itemCodes, active], i): EnginePoint => ({ id: `P${String(i).padStart(3, '0')}`, kind: 'TOWNSHIP_STATION', areaCode: '350400', villageCode: null, longitude, latitude, itemCodes, active })),
);

/** Each village's nearest counted point by trying every point: cheap-ruler metres at the village's latitude, within 300 km, ties to the smaller id. */
export function bruteForceNearest(villages: readonly EngineVillage[], points: ReadonlyMap<string, EnginePoint>, item: string): { cost: number; id: string | null }[] {
  return villages.map((v) => {
    const ruler = new CheapRuler(v.latitude, 'meters');
    let best: { cost: number; id: string | null } = { cost: Number.NaN, id: null };
    for (const p of points.values()) {
      if (p.active === false || (item !== ANY_ITEM && !p.itemCodes.includes(item))) continue;
      const d = ruler.distance([v.longitude, v.latitude], [p.longitude, p.latitude]);
      if (d > MAX_SEARCH_METERS) continue;
      if (best.id === null || d < best.cost || (d === best.cost && p.id < best.id)) best = { cost: d, id: p.id };
    }
    return best;
  });
}
