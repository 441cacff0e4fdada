import { lazyGreedy } from './lazy-greedy';
import { BOUND_WORK_LIMIT, type GreedyAnswer, type GreedyOptions } from './max-coverage.greedy';
import type { SitingFacts } from './siting-facts';
import type { SitingProblem } from './siting-problem';
import { sumOfLargest } from './top-gains';

/** Σ w·baseCost: the weighted cost with no new site open, from which the sites' savings are taken. */
export function baseWeightedCost(problem: SitingProblem, facts: SitingFacts): number {
  let total = 0;
  for (let d = 0; d < facts.demandCount; d++) total += problem.demandWeights[d]! * facts.baseCost[d]!;
  return total;
}

const meanOf = (facts: SitingFacts, weightedCost: number): number => (facts.totalWeight > 0 ? Math.max(0, weightedCost) / facts.totalWeight : 0);

/**
 * p-median: exactly k new sites, the lowest weighted mean cost from each demand to its nearest open site (the
 * existing points open too; a demand no open site reaches counts at penaltyCost). Greedy on the savings
 * g(S) = Σ w_d (baseCost_d − cost_d(S)), which are monotone and submodular (a facility-location function).
 *
 * Lower bounds on the mean (both proven; the larger is kept):
 * 1. Everything open: each demand at its cheapest option, whatever k. No k sites do better.
 * 2. Savings (as for max coverage, Leskovec et al. 2007): for any S and an optimal O,
 *    g(O) <= g(S) + Σ_{o ∈ O} Δ(o | S) <= g(S) + (the k largest gains, or their heap upper bounds), so the
 *    optimum's cost is at least baseTotal − that. Taken at every greedy step and at the answer.
 */
export function medianGreedy(problem: SitingProblem, facts: SitingFacts, k: number, options: GreedyOptions): GreedyAnswer {
  const { demandWeights: w, reachStart, reachDemand, reachCost } = problem;
  const current = Float64Array.from(facts.baseCost);
  const baseTotal = baseWeightedCost(problem, facts);
  let savings = 0;
  let bestSavings = Number.POSITIVE_INFINITY;
  const gain = (c: number): number => {
    let g = 0;
    for (let i = reachStart[c]!; i < reachStart[c + 1]!; i++) {
      const d = reachDemand[i]!;
      if (reachCost[i]! < current[d]!) g += w[d]! * (current[d]! - reachCost[i]!);
    }
    return g;
  };
  const everyStep = k * facts.candidateCount <= BOUND_WORK_LIMIT;
  const steps = lazyGreedy({
    candidates: Array.from({ length: facts.candidateCount }, (_, c) => c),
    gain,
    take: (c) => {
      for (let i = reachStart[c]!; i < reachStart[c + 1]!; i++) {
        const d = reachDemand[i]!;
        if (reachCost[i]! < current[d]!) {
          savings += w[d]! * (current[d]! - reachCost[i]!);
          current[d] = reachCost[i]!;
        }
      }
    },
    done: (taken) => taken >= k,
    beforeTake: (heap, taken) => {
      if (everyStep || taken === 0) bestSavings = Math.min(bestSavings, savings + sumOfLargest(heap.keys, k));
    },
  });
  let sites = steps.map((s) => s.candidate);
  const swapped = options.swaps && k > 0 && k < facts.candidateCount;
  if (swapped) sites = medianSwaps(problem, facts, sites, options.deadlineAt);
  const atAnswer = medianSavingsBoundAt(problem, facts, sites, k);
  return { sites, bound: Math.max(meanOf(facts, baseTotal - Math.min(bestSavings, atAnswer)), medianAllOpenBound(problem, facts)), swapped };
}

/** Bound 1: the mean with every candidate open. */
export function medianAllOpenBound(problem: SitingProblem, facts: SitingFacts): number {
  const { demandWeights: w, reachDemand, reachCost } = problem;
  const cheapest = Float64Array.from(facts.baseCost);
  for (let i = 0; i < reachDemand.length; i++) if (reachCost[i]! < cheapest[reachDemand[i]!]!) cheapest[reachDemand[i]!] = reachCost[i]!;
  let total = 0;
  for (let d = 0; d < facts.demandCount; d++) total += w[d]! * cheapest[d]!;
  return meanOf(facts, total);
}

/** Bound 2 at `sites` with exact gains: an upper bound on the savings of any k sites. */
export function medianSavingsBoundAt(problem: SitingProblem, facts: SitingFacts, sites: readonly number[], k: number): number {
  const { demandWeights: w, reachStart, reachDemand, reachCost } = problem;
  const current = Float64Array.from(facts.baseCost);
  let savings = 0;
  for (const c of sites) {
    for (let i = reachStart[c]!; i < reachStart[c + 1]!; i++) {
      const d = reachDemand[i]!;
      if (reachCost[i]! < current[d]!) {
        savings += w[d]! * (current[d]! - reachCost[i]!);
        current[d] = reachCost[i]!;
      }
    }
  }
  const gains = new Float64Array(facts.candidateCount);
  for (let c = 0; c < facts.candidateCount; c++) {
    let g = 0;
    for (let i = reachStart[c]!; i < reachStart[c + 1]!; i++) {
      const d = reachDemand[i]!;
      if (reachCost[i]! < current[d]!) g += w[d]! * (current[d]! - reachCost[i]!);
    }
    gains[c] = g;
  }
  return savings + sumOfLargest(gains, k);
}

/**
 * Interchange (Teitz–Bart) for the p-median: per demand the cheapest open option (`first`, from site `firstBy`,
 * −1 for the base) and the next (`second`). Taking out site s puts each demand it serves at `second`; putting
 * in candidate c then saves Σ w·max(0, cost without s − cost from c). For each chosen site, the best
 * replacement is swapped in when it lowers the total; repeated until a pass changes nothing, or the deadline.
 */
export function medianSwaps(problem: SitingProblem, facts: SitingFacts, start: readonly number[], deadlineAt: number): number[] {
  const { demandWeights: w, reachStart, reachDemand, reachCost } = problem;
  const { candidateCount, demandCount } = facts;
  const sites = [...start];
  const chosen = new Uint8Array(candidateCount);
  for (const s of sites) chosen[s] = 1;
  const first = new Float64Array(demandCount);
  const second = new Float64Array(demandCount);
  const firstBy = new Int32Array(demandCount);
  const assign = (): void => {
    first.set(facts.baseCost);
    second.set(facts.baseCost);
    firstBy.fill(-1);
    for (const s of sites) {
      for (let i = reachStart[s]!; i < reachStart[s + 1]!; i++) {
        const d = reachDemand[i]!;
        const cost = reachCost[i]!;
        if (cost < first[d]!) {
          second[d] = first[d]!;
          first[d] = cost;
          firstBy[d] = s;
        } else if (cost < second[d]!) second[d] = cost;
      }
    }
  };
  assign();
  const epsilon = 1e-9 * Math.max(1, baseWeightedCost(problem, facts));
  const without = new Float64Array(demandCount);
  for (let improved = true; improved && performance.now() < deadlineAt; ) {
    improved = false;
    for (let j = 0; j < sites.length && performance.now() < deadlineAt; j++) {
      const s = sites[j]!;
      without.set(first);
      let loss = 0;
      for (let i = reachStart[s]!; i < reachStart[s + 1]!; i++) {
        const d = reachDemand[i]!;
        if (firstBy[d] === s) {
          without[d] = second[d]!;
          loss += w[d]! * (second[d]! - first[d]!);
        }
      }
      let best = -1;
      let bestSaving = loss + epsilon;
      for (let c = 0; c < candidateCount; c++) {
        if (chosen[c]) continue;
        let saving = 0;
        for (let i = reachStart[c]!; i < reachStart[c + 1]!; i++) {
          const d = reachDemand[i]!;
          if (reachCost[i]! < without[d]!) saving += w[d]! * (without[d]! - reachCost[i]!);
        }
        if (saving > bestSaving) {
          bestSaving = saving;
          best = c;
        }
      }
      if (best < 0) continue;
      chosen[s] = 0;
      chosen[best] = 1;
      sites[j] = best;
      assign();
      improved = true;
    }
  }
  return sites;
}

/** `sites` made up to exactly k by greedy on the savings. */
export function medianExtend(problem: SitingProblem, facts: SitingFacts, sites: readonly number[], k: number): number[] {
  if (sites.length >= k) return [...sites];
  const { demandWeights: w, reachStart, reachDemand, reachCost } = problem;
  const current = Float64Array.from(facts.baseCost);
  const take = (c: number): void => {
    for (let i = reachStart[c]!; i < reachStart[c + 1]!; i++) if (reachCost[i]! < current[reachDemand[i]!]!) current[reachDemand[i]!] = reachCost[i]!;
  };
  sites.forEach(take);
  const inSites = new Set(sites);
  const steps = lazyGreedy({
    candidates: Array.from({ length: facts.candidateCount }, (_, c) => c).filter((c) => !inSites.has(c)),
    gain: (c) => {
      let g = 0;
      for (let i = reachStart[c]!; i < reachStart[c + 1]!; i++) {
        const d = reachDemand[i]!;
        if (reachCost[i]! < current[d]!) g += w[d]! * (current[d]! - reachCost[i]!);
      }
      return g;
    },
    take,
    done: (taken) => sites.length + taken >= k,
  });
  return [...sites, ...steps.map((s) => s.candidate)];
}

/** Per demand, its cost with `sites` open: the cheapest of its base cost and its pairs to them. */
export function medianCostsAt(problem: SitingProblem, facts: SitingFacts, sites: readonly number[]): Float64Array {
  const { reachStart, reachDemand, reachCost } = problem;
  const current = Float64Array.from(facts.baseCost);
  for (const c of sites) for (let i = reachStart[c]!; i < reachStart[c + 1]!; i++) if (reachCost[i]! < current[reachDemand[i]!]!) current[reachDemand[i]!] = reachCost[i]!;
  return current;
}
