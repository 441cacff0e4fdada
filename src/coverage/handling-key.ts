import { HandlingWay } from '../handling-rule/handling-way.enum';

/** The pseudo-item "any item": every active point counts. */
export const ANY_ITEM = '*';

/**
 * Which points count for an item under a set of ways of handling, as one string: the key the engine's fields and the
 * coverage cache are keyed by. The item code alone is in-person handling (so every key of the in-person default is
 * what it was before ways of handling existed); `CODE~A` counts the points that accept it on a resident's behalf,
 * `CODE~IA` both. ONLINE is not part of it: it counts villages, not points (CoverageService applies it).
 */
export function pointKey(item: string, ways: ReadonlySet<HandlingWay>): string {
  if (item === ANY_ITEM) return item;
  const inPerson = ways.has(HandlingWay.IN_PERSON);
  const assisted = ways.has(HandlingWay.ASSISTED);
  if (inPerson && !assisted) return item;
  return `${item}~${inPerson ? 'I' : ''}${assisted ? 'A' : ''}`;
}

/** The item of a point key, and which points count for it. */
export interface ParsedPointKey {
  readonly item: string;
  readonly inPerson: boolean;
  readonly assisted: boolean;
}

const parsed = new Map<string, ParsedPointKey>();

/** `pointKey` read back (memoised: the engine asks for every point it puts). */
export function parsePointKey(key: string): ParsedPointKey {
  let p = parsed.get(key);
  if (!p) {
    const cut = key.indexOf('~');
    p = cut < 0 ? { item: key, inPerson: true, assisted: false } : { item: key.slice(0, cut), inPerson: key.includes('I', cut), assisted: key.includes('A', cut) };
    if (parsed.size < 10_000) parsed.set(key, p);
  }
  return p;
}

/** The ways a query asked for, in a set; the default is in-person handling alone. */
export function handlingSet(ways: readonly HandlingWay[] | null | undefined): ReadonlySet<HandlingWay> {
  return new Set(ways && ways.length ? ways : [HandlingWay.IN_PERSON]);
}

/** Whether a set of ways is the default, in-person handling alone (the item's plain field, no handledBy). */
export function isInPersonOnly(ways: ReadonlySet<HandlingWay>): boolean {
  return ways.size === 1 && ways.has(HandlingWay.IN_PERSON);
}

/** The ways in their canonical order (IN_PERSON, ASSISTED, ONLINE), for provenance and cache keys. */
export function orderedWays(ways: ReadonlySet<HandlingWay>): HandlingWay[] {
  return [HandlingWay.IN_PERSON, HandlingWay.ASSISTED, HandlingWay.ONLINE].filter((w) => ways.has(w));
}
