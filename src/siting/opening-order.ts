import { lazyGreedy } from './lazy-greedy';
import type { SitingFacts } from './siting-facts';
import type { SitingProblem } from './siting-problem';
import type { SitingObjective, SitingSite } from './siting.type';

/**
 * The chosen sites in the order a planner would open them: each time the one that adds the most to what is
 * open already, by the objective's own measure (weight newly covered; demands newly covered for full set
 * cover; cost saved for the p-median), ties to the smaller index. A greedy answer comes out in the order greedy
 * found it; an exact one gets the same treatment, so that a budget cut after any prefix keeps the best part.
 */
export function openingOrder(
  problem: SitingProblem,
  facts: SitingFacts,
  objective: SitingObjective,
  sites: readonly number[],
  byWeight: boolean,
): SitingSite[] {
  const { demandWeights: w, reachStart, reachDemand, reachCost } = problem;
  const { coverStart, coverDemand } = facts;
  const median = objective === 'MIN_MEAN_TRAVEL_MINUTES';
  const covered = new Uint8Array(facts.demandCount);
  const current = Float64Array.from(facts.baseCost);
  let weightedCost = 0;
  for (let d = 0; d < facts.demandCount; d++) weightedCost += w[d]! * current[d]!;
  let cumulativeWeight = facts.alreadyCoveredWeight;
  let cumulativeDemands = facts.alreadyCoveredDemands;
  const out: SitingSite[] = [];
  lazyGreedy({
    candidates: [...sites],
    gain: (c) => {
      let g = 0;
      if (median) {
        for (let i = reachStart[c]!; i < reachStart[c + 1]!; i++) {
          const d = reachDemand[i]!;
          if (reachCost[i]! < current[d]!) g += w[d]! * (current[d]! - reachCost[i]!);
        }
      } else {
        for (let i = coverStart[c]!; i < coverStart[c + 1]!; i++) if (!covered[coverDemand[i]!]) g += byWeight ? w[coverDemand[i]!]! : 1;
      }
      return g;
    },
    take: (c) => {
      let marginalWeight = 0;
      let marginalDemands = 0;
      for (let i = coverStart[c]!; i < coverStart[c + 1]!; i++) {
        const d = coverDemand[i]!;
        if (!covered[d]) {
          covered[d] = 1;
          marginalWeight += w[d]!;
          marginalDemands++;
        }
      }
      for (let i = reachStart[c]!; i < reachStart[c + 1]!; i++) {
        const d = reachDemand[i]!;
        if (reachCost[i]! < current[d]!) {
          weightedCost -= w[d]! * (current[d]! - reachCost[i]!);
          current[d] = reachCost[i]!;
        }
      }
      cumulativeWeight += marginalWeight;
      cumulativeDemands += marginalDemands;
      out.push({
        candidate: c,
        marginalWeight,
        marginalDemands,
        cumulativeWeight,
        cumulativeDemands,
        ...(median ? { cumulativeMeanCost: facts.totalWeight > 0 ? Math.max(0, weightedCost) / facts.totalWeight : 0 } : {}),
      });
    },
    done: () => false,
  });
  return out;
}
