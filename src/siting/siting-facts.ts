import type { SitingProblem } from './siting-problem';

/** What every solver derives from a problem first, computed once per call. */
export interface SitingFacts {
  readonly demandCount: number;
  readonly candidateCount: number;
  readonly totalWeight: number;
  /** 1 where existingCost <= budget. */
  readonly alreadyCovered: Uint8Array;
  readonly alreadyCoveredWeight: number;
  readonly alreadyCoveredDemands: number;
  /** 1 where the demand is already covered or has a pair within budget. */
  readonly coverable: Uint8Array;
  readonly coverableWeight: number;
  readonly coverableDemands: number;
  /**
   * The pairs that matter for coverage, CSR by candidate: within budget, to a demand not already covered. The
   * covering solvers only ever look at these (often a small part of the table: cost > budget rows are there
   * for the p-median).
   */
  readonly coverStart: Uint32Array;
  readonly coverDemand: Uint32Array;
  /** The cost counted for a demand with no existing point and no pair to an open site (see penaltyCostOf). */
  readonly penaltyCost: number;
  /** Per demand, its cost when no new site is open: existingCost, or penaltyCost when it has no existing point. */
  readonly baseCost: Float64Array;
}

/**
 * The cost counted, in the p-median, for a demand that no open site reaches: twice the largest finite cost in
 * the data (pairs and existing points), or 1 when every cost is 0 (or there is none). Counting such a demand as
 * 0 would reward leaving it out, and leaving it out of the mean would too; Infinity would make every answer
 * with one such demand equally bad. Twice the largest cost is worse than any cost a site could give it, so the
 * solver still prefers reaching it, and it keeps the figures finite. The result says how many demands had it.
 */
export function penaltyCostOf(problem: SitingProblem): number {
  let largest = 0;
  for (const cost of problem.reachCost) if (cost > largest) largest = cost;
  for (const cost of problem.existingCost) if (Number.isFinite(cost) && cost > largest) largest = cost;
  return largest > 0 ? 2 * largest : 1;
}

export function sitingFacts(problem: SitingProblem): SitingFacts {
  const { demandWeights: w, existingCost, budget, reachStart, reachDemand, reachCost, candidateCount } = problem;
  const demandCount = w.length;
  const alreadyCovered = new Uint8Array(demandCount);
  const coverable = new Uint8Array(demandCount);
  let totalWeight = 0;
  let alreadyCoveredWeight = 0;
  let alreadyCoveredDemands = 0;
  for (let d = 0; d < demandCount; d++) {
    totalWeight += w[d]!;
    if (existingCost[d]! <= budget) {
      alreadyCovered[d] = 1;
      coverable[d] = 1;
      alreadyCoveredWeight += w[d]!;
      alreadyCoveredDemands++;
    }
  }
  const coverStart = new Uint32Array(candidateCount + 1);
  const kept: number[] = [];
  for (let c = 0; c < candidateCount; c++) {
    for (let k = reachStart[c]!; k < reachStart[c + 1]!; k++) {
      const d = reachDemand[k]!;
      if (reachCost[k]! <= budget && !alreadyCovered[d]) {
        kept.push(d);
        coverable[d] = 1;
      }
    }
    coverStart[c + 1] = kept.length;
  }
  let coverableWeight = 0;
  let coverableDemands = 0;
  for (let d = 0; d < demandCount; d++) {
    if (coverable[d]) {
      coverableWeight += w[d]!;
      coverableDemands++;
    }
  }
  const penaltyCost = penaltyCostOf(problem);
  const baseCost = Float64Array.from(existingCost, (c) => (Number.isFinite(c) ? c : penaltyCost));
  return {
    demandCount,
    candidateCount,
    totalWeight,
    alreadyCovered,
    alreadyCoveredWeight,
    alreadyCoveredDemands,
    coverable,
    coverableWeight,
    coverableDemands,
    coverStart,
    coverDemand: Uint32Array.from(kept),
    penaltyCost,
    baseCost,
  };
}
