import { lazyGreedy } from './lazy-greedy';
import type { SitingFacts } from './siting-facts';
import type { SitingProblem } from './siting-problem';
import { sumOfLargest } from './top-gains';

export interface GreedyAnswer {
  /** The chosen candidates (in the order found; the caller orders them for opening). */
  readonly sites: number[];
  /** A proven bound on the optimum objective value (see each solver). */
  readonly bound: number;
  /** Whether the interchange step ran. */
  readonly swapped: boolean;
}

export interface GreedyOptions {
  readonly swaps: boolean;
  /** performance.now() after which the interchange step stops improving. */
  readonly deadlineAt: number;
}

/**
 * Bounds from the heap at every step cost a sort of the keys each time; past this many key-steps they are taken
 * at the first and last step only (still valid, a little looser).
 */
export const BOUND_WORK_LIMIT = 4_000_000;

const allCandidates = (n: number): number[] => Array.from({ length: n }, (_, c) => c);

/**
 * Maximal covering location: exactly k new sites, the most weight newly covered.
 *
 * Bound (Leskovec et al. 2007, "Cost-effective outbreak detection", the data-dependent bound): coverage f is
 * monotone and submodular, so for any set S and an optimal set O of k sites
 *   f(O) <= f(O ∪ S) <= f(S) + Σ_{o ∈ O} Δ(o | S) <= f(S) + (sum of the k largest Δ(· | S)).
 * It holds for every S the greedy passes through, and with upper bounds on the gains in place of the gains (the
 * lazy heap's stale keys), so the best of them is kept; capped by the coverable weight. Values are total covered
 * weight, the existing points' included.
 */
export function maxCoverageGreedy(problem: SitingProblem, facts: SitingFacts, k: number, options: GreedyOptions): GreedyAnswer {
  const w = problem.demandWeights;
  const { coverStart, coverDemand } = facts;
  const covered = new Uint8Array(facts.demandCount);
  let coveredWeight = facts.alreadyCoveredWeight;
  let bound = facts.coverableWeight;
  const gain = (c: number): number => {
    let g = 0;
    for (let i = coverStart[c]!; i < coverStart[c + 1]!; i++) if (!covered[coverDemand[i]!]) g += w[coverDemand[i]!]!;
    return g;
  };
  const everyStep = k * facts.candidateCount <= BOUND_WORK_LIMIT;
  const steps = lazyGreedy({
    candidates: allCandidates(facts.candidateCount),
    gain,
    take: (c) => {
      for (let i = coverStart[c]!; i < coverStart[c + 1]!; i++) {
        const d = coverDemand[i]!;
        if (!covered[d]) {
          covered[d] = 1;
          coveredWeight += w[d]!;
        }
      }
    },
    done: (taken) => taken >= k,
    beforeTake: (heap, taken) => {
      if (everyStep || taken === 0) bound = Math.min(bound, coveredWeight + sumOfLargest(heap.keys, k));
    },
  });
  let sites = steps.map((s) => s.candidate);
  const swapped = options.swaps && k > 0 && k < facts.candidateCount;
  if (swapped) sites = maxCoverageSwaps(problem, facts, sites, options.deadlineAt);
  return { sites, bound: Math.min(bound, maxCoverageBoundAt(problem, facts, sites, k)), swapped };
}

/** The Leskovec bound at `sites`, with exact gains: their coverage plus the k largest gains of any candidate. */
export function maxCoverageBoundAt(problem: SitingProblem, facts: SitingFacts, sites: readonly number[], k: number): number {
  const w = problem.demandWeights;
  const { coverStart, coverDemand } = facts;
  const covered = new Uint8Array(facts.demandCount);
  let coveredWeight = facts.alreadyCoveredWeight;
  for (const c of sites) {
    for (let i = coverStart[c]!; i < coverStart[c + 1]!; i++) {
      const d = coverDemand[i]!;
      if (!covered[d]) {
        covered[d] = 1;
        coveredWeight += w[d]!;
      }
    }
  }
  const gains = new Float64Array(facts.candidateCount);
  for (let c = 0; c < facts.candidateCount; c++) {
    let g = 0;
    for (let i = coverStart[c]!; i < coverStart[c + 1]!; i++) if (!covered[coverDemand[i]!]) g += w[coverDemand[i]!]!;
    gains[c] = g;
  }
  return Math.min(facts.coverableWeight, coveredWeight + sumOfLargest(gains, k));
}

/**
 * Interchange (Teitz–Bart): for each chosen site in turn, the unchosen candidate that would add the most in its
 * place; swapped when that beats what the site alone covers. Repeats until a whole pass changes nothing, or the
 * deadline. Per chosen site one pass over the pairs: `only` marks the demands only that site covers.
 */
export function maxCoverageSwaps(problem: SitingProblem, facts: SitingFacts, start: readonly number[], deadlineAt: number): number[] {
  const w = problem.demandWeights;
  const { coverStart, coverDemand, candidateCount } = facts;
  const sites = [...start];
  const count = new Int32Array(facts.demandCount);
  const chosen = new Uint8Array(candidateCount);
  for (const s of sites) {
    chosen[s] = 1;
    for (let i = coverStart[s]!; i < coverStart[s + 1]!; i++) count[coverDemand[i]!]++;
  }
  // Ignore improvements within rounding: two orders of summing the same weights must not swap forever.
  const epsilon = 1e-9 * Math.max(1, facts.coverableWeight);
  const only = new Int32Array(facts.demandCount);
  let mark = 0;
  for (let improved = true; improved && performance.now() < deadlineAt; ) {
    improved = false;
    for (let j = 0; j < sites.length && performance.now() < deadlineAt; j++) {
      const s = sites[j]!;
      mark++;
      let loss = 0;
      for (let i = coverStart[s]!; i < coverStart[s + 1]!; i++) {
        const d = coverDemand[i]!;
        if (count[d] === 1) {
          loss += w[d]!;
          only[d] = mark;
        }
      }
      let best = -1;
      let bestGain = loss + epsilon;
      for (let c = 0; c < candidateCount; c++) {
        if (chosen[c]) continue;
        let g = 0;
        for (let i = coverStart[c]!; i < coverStart[c + 1]!; i++) {
          const d = coverDemand[i]!;
          if (count[d] === 0 || (count[d] === 1 && only[d] === mark)) g += w[d]!;
        }
        if (g > bestGain) {
          bestGain = g;
          best = c;
        }
      }
      if (best < 0) continue;
      for (let i = coverStart[s]!; i < coverStart[s + 1]!; i++) count[coverDemand[i]!]--;
      for (let i = coverStart[best]!; i < coverStart[best + 1]!; i++) count[coverDemand[i]!]++;
      chosen[s] = 0;
      chosen[best] = 1;
      sites[j] = best;
      improved = true;
    }
  }
  return sites;
}

/** `sites` made up to exactly k by greedy (the exact solver may leave out sites that add nothing). */
export function maxCoverageExtend(problem: SitingProblem, facts: SitingFacts, sites: readonly number[], k: number): number[] {
  if (sites.length >= k) return [...sites];
  const w = problem.demandWeights;
  const { coverStart, coverDemand } = facts;
  const covered = new Uint8Array(facts.demandCount);
  const take = (c: number): void => {
    for (let i = coverStart[c]!; i < coverStart[c + 1]!; i++) covered[coverDemand[i]!] = 1;
  };
  sites.forEach(take);
  const inSites = new Set(sites);
  const steps = lazyGreedy({
    candidates: allCandidates(facts.candidateCount).filter((c) => !inSites.has(c)),
    gain: (c) => {
      let g = 0;
      for (let i = coverStart[c]!; i < coverStart[c + 1]!; i++) if (!covered[coverDemand[i]!]) g += w[coverDemand[i]!]!;
      return g;
    },
    take,
    done: (taken) => sites.length + taken >= k,
  });
  return [...sites, ...steps.map((s) => s.candidate)];
}
