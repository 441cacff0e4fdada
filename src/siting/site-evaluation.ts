import type { SitingFacts } from './siting-facts';
import type { SitingProblem } from './siting-problem';
import type { SitingObjective } from './siting.type';

/** What a set of open sites achieves, computed from scratch (the solvers' incremental figures are checked against it). */
export interface SiteEvaluation {
  readonly coveredWeight: number;
  readonly coveredDemands: number;
  readonly uncoveredDemands: number;
  /** Weighted mean of each demand's cost to its nearest open site, penaltyCost where none reaches it; 0 when all weights are 0. */
  readonly meanCost: number;
  /** Demands counted at penaltyCost (no existing point, no pair to an open site). */
  readonly penalisedDemands: number;
}

export function evaluateSites(problem: SitingProblem, facts: SitingFacts, sites: readonly number[]): SiteEvaluation {
  const { demandWeights: w, reachStart, reachDemand, reachCost, existingCost, budget } = problem;
  const nearest = Float64Array.from(existingCost);
  for (const c of sites) {
    for (let k = reachStart[c]!; k < reachStart[c + 1]!; k++) {
      const d = reachDemand[k]!;
      if (reachCost[k]! < nearest[d]!) nearest[d] = reachCost[k]!;
    }
  }
  let coveredWeight = 0;
  let coveredDemands = 0;
  let weightedCost = 0;
  let penalisedDemands = 0;
  for (let d = 0; d < nearest.length; d++) {
    const cost = nearest[d]!;
    if (cost <= budget) {
      coveredWeight += w[d]!;
      coveredDemands++;
    }
    if (Number.isFinite(cost)) weightedCost += w[d]! * cost;
    else {
      weightedCost += w[d]! * facts.penaltyCost;
      penalisedDemands++;
    }
  }
  return {
    coveredWeight,
    coveredDemands,
    uncoveredDemands: nearest.length - coveredDemands,
    meanCost: facts.totalWeight > 0 ? weightedCost / facts.totalWeight : 0,
    penalisedDemands,
  };
}

/** The objective's value for an evaluated set of `siteCount` sites (what SitingResult.bound bounds). */
export function objectiveValueOf(objective: SitingObjective, evaluation: SiteEvaluation, siteCount: number): number {
  if (objective === 'MAX_COVERED_POPULATION') return evaluation.coveredWeight;
  if (objective === 'FEWEST_SITES_FOR_FULL_COVERAGE') return siteCount;
  return evaluation.meanCost;
}

export const maximises = (objective: SitingObjective): boolean => objective === 'MAX_COVERED_POPULATION';

/** true when `a` is at least as good as `b` for the objective. */
export function atLeastAsGood(objective: SitingObjective, a: number, b: number): boolean {
  return maximises(objective) ? a >= b : a <= b;
}

/**
 * Sums of the same weights in another order can differ in the last bits: a bound and a value that close are
 * the same number. Relative, with 1 as the smallest scale.
 */
export function sameValue(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

/** FEWEST_SITES with targetCoveredShare: the weight to reach, and the rounding allowed in reaching it. */
export interface CoverageTarget {
  readonly share: number;
  /** share × the coverable weight (already covered weight included). */
  readonly weight: number;
  /** Covered weight >= weight − tolerance reaches the target (1e-9 of the coverable weight: summation order). */
  readonly tolerance: number;
}

export function coverageTarget(facts: SitingFacts, share: number): CoverageTarget {
  return { share, weight: share * facts.coverableWeight, tolerance: 1e-9 * facts.coverableWeight };
}

export function reachesTarget(target: CoverageTarget, coveredWeight: number): boolean {
  return coveredWeight >= target.weight - target.tolerance;
}
