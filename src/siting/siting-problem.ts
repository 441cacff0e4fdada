import { BadInputError } from '../common/errors';

/**
 * Where new service points could go, and what each would reach: the input of every site-suggestion solver.
 *
 * Demands (villages) are 0 … demandCount−1, candidates (possible new sites) 0 … candidateCount−1. The
 * (demand, candidate, cost) pairs are sparse, because a cost table from a routing engine or a GIS tool lists only
 * the pairs it could route (or all of them, which is fine too); they are stored by candidate in CSR form, since
 * every solver asks "what does this candidate reach" far more often than anything else: the pairs of candidate c
 * are the indices reachStart[c] … reachStart[c + 1] − 1 of reachDemand and reachCost.
 *
 * Costs are in whatever unit the table uses (minutes, metres, money); `budget` is in the same unit. A demand
 * counts as covered when its cost to some open site (an existing point or a chosen candidate) is <= budget.
 */
export interface SitingProblem {
  /** Weight of each demand (its population), >= 0; its length is the number of demands. */
  readonly demandWeights: Float64Array;
  readonly candidateCount: number;
  /** candidateCount + 1 offsets into reachDemand / reachCost, non-decreasing, from 0 to the number of pairs. */
  readonly reachStart: Uint32Array;
  /** The demand of each pair; no demand twice for one candidate. */
  readonly reachDemand: Uint32Array;
  /** The cost of each pair, finite and >= 0. */
  readonly reachCost: Float64Array;
  /**
   * Per demand, the cost to its nearest EXISTING point (kept open whatever is chosen), >= 0; Infinity when it
   * has none. A demand with existingCost <= budget is already covered.
   */
  readonly existingCost: Float64Array;
  /** The largest cost that counts as covered, >= 0 (Infinity: every pair covers). */
  readonly budget: number;
}

/** One row of a cost table: reaching `demand` from `candidate` costs `cost`. */
export interface SitingPair {
  readonly demand: number;
  readonly candidate: number;
  readonly cost: number;
}

export interface SitingPairsInput {
  readonly demandWeights: ArrayLike<number>;
  readonly candidateCount: number;
  readonly pairs: readonly SitingPair[];
  /** Per demand, the cost to its nearest existing point; omitted: no existing points. */
  readonly existingCost?: ArrayLike<number>;
  readonly budget: number;
}

const isIndex = (value: number, count: number): boolean => Number.isInteger(value) && value >= 0 && value < count;

/**
 * Builds a SitingProblem from plain rows, checking everything a solver relies on (BAD_USER_INPUT with the
 * offending row otherwise). Pairs are grouped by candidate and sorted by demand, so the same rows in any order
 * give the same problem (and the same answers: every tie is broken by index).
 */
export function sitingProblemFromPairs(input: SitingPairsInput): SitingProblem {
  const demandCount = input.demandWeights.length;
  const { candidateCount, pairs } = input;
  if (!Number.isInteger(candidateCount) || candidateCount < 0) {
    throw new BadInputError(`candidateCount must be a whole number >= 0 (got ${candidateCount}).`, { argument: 'candidateCount' });
  }
  pairs.forEach((p, i) => {
    if (!isIndex(p.demand, demandCount)) {
      throw new BadInputError(`pairs[${i}].demand must be a demand index from 0 to ${demandCount - 1} (got ${p.demand}).`, { argument: 'pairs' });
    }
    if (!isIndex(p.candidate, candidateCount)) {
      throw new BadInputError(`pairs[${i}].candidate must be a candidate index from 0 to ${candidateCount - 1} (got ${p.candidate}).`, { argument: 'pairs' });
    }
  });
  const order = pairs.map((_, i) => i).sort((a, b) => pairs[a]!.candidate - pairs[b]!.candidate || pairs[a]!.demand - pairs[b]!.demand || a - b);
  const reachStart = new Uint32Array(candidateCount + 1);
  for (const p of pairs) reachStart[p.candidate + 1]++;
  for (let c = 0; c < candidateCount; c++) reachStart[c + 1] += reachStart[c]!;
  const reachDemand = new Uint32Array(pairs.length);
  const reachCost = new Float64Array(pairs.length);
  order.forEach((i, k) => {
    const p = pairs[i]!;
    if (k > 0) {
      const q = pairs[order[k - 1]!]!;
      if (q.candidate === p.candidate && q.demand === p.demand) {
        throw new BadInputError(`pairs[${order[k - 1]}] and pairs[${i}] both give the cost from candidate ${p.candidate} to demand ${p.demand}; keep one.`, { argument: 'pairs' });
      }
    }
    reachDemand[k] = p.demand;
    reachCost[k] = p.cost;
  });
  const existingCost = input.existingCost ? Float64Array.from(input.existingCost) : new Float64Array(demandCount).fill(Number.POSITIVE_INFINITY);
  if (existingCost.length !== demandCount) {
    throw new BadInputError(`existingCost must have one entry per demand (${demandCount}), not ${existingCost.length}.`, { argument: 'existingCost' });
  }
  const problem: SitingProblem = { demandWeights: Float64Array.from(input.demandWeights), candidateCount, reachStart, reachDemand, reachCost, existingCost, budget: input.budget };
  checkSitingProblem(problem, (k) => `pairs[${order[k]}]`);
  return problem;
}

/**
 * Checks a problem built by hand (solveSiting calls it too): one linear pass. `pairName` names pair k in
 * messages (the builder maps it back to the caller's row).
 */
export function checkSitingProblem(problem: SitingProblem, pairName: (k: number) => string = (k) => `pair ${k}`): void {
  const { demandWeights, candidateCount, reachStart, reachDemand, reachCost, existingCost, budget } = problem;
  const demandCount = demandWeights.length;
  demandWeights.forEach((w, d) => {
    if (!Number.isFinite(w) || w < 0) throw new BadInputError(`The weight of demand ${d} must be a finite number >= 0 (got ${w}).`, { argument: 'demandWeights' });
  });
  if (existingCost.length !== demandCount) {
    throw new BadInputError(`existingCost must have one entry per demand (${demandCount}), not ${existingCost.length}.`, { argument: 'existingCost' });
  }
  existingCost.forEach((c, d) => {
    if (Number.isNaN(c) || c < 0) throw new BadInputError(`existingCost of demand ${d} must be >= 0, or Infinity when it has no existing point (got ${c}).`, { argument: 'existingCost' });
  });
  if (typeof budget !== 'number' || Number.isNaN(budget) || budget < 0) {
    throw new BadInputError(`budget must be a number >= 0 in the unit of the costs, e.g. 15 (minutes) (got ${budget}).`, { argument: 'budget' });
  }
  if (!Number.isInteger(candidateCount) || candidateCount < 0 || reachStart.length !== candidateCount + 1) {
    throw new BadInputError(`reachStart must have candidateCount + 1 (${candidateCount + 1}) offsets, not ${reachStart.length}.`, { argument: 'reachStart' });
  }
  const pairCount = reachDemand.length;
  if (reachCost.length !== pairCount || reachStart[0] !== 0 || reachStart[candidateCount] !== pairCount) {
    throw new BadInputError(`reachStart must run from 0 to the number of pairs (${pairCount}), and reachCost must have one cost per pair.`, { argument: 'reachStart' });
  }
  // Marks the demands of the current candidate, to catch one pair given twice.
  const seenFor = new Int32Array(demandCount).fill(-1);
  for (let c = 0; c < candidateCount; c++) {
    if (reachStart[c + 1]! < reachStart[c]!) throw new BadInputError(`reachStart must not decrease (candidate ${c}).`, { argument: 'reachStart' });
    for (let k = reachStart[c]!; k < reachStart[c + 1]!; k++) {
      const d = reachDemand[k]!;
      const cost = reachCost[k]!;
      if (d >= demandCount) throw new BadInputError(`${pairName(k)} names demand ${d}, but there are only ${demandCount} demands.`, { argument: 'pairs' });
      if (!Number.isFinite(cost) || cost < 0) {
        throw new BadInputError(`${pairName(k)} (candidate ${c}, demand ${d}) has cost ${cost}; costs must be finite and >= 0 (leave out pairs that cannot be reached).`, { argument: 'pairs' });
      }
      if (seenFor[d] === c) throw new BadInputError(`Candidate ${c} reaches demand ${d} twice (${pairName(k)}); keep one pair.`, { argument: 'pairs' });
      seenFor[d] = c;
    }
  }
}
