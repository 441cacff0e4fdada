import { lazyGreedy } from './lazy-greedy';
import { BOUND_WORK_LIMIT, type GreedyAnswer, type GreedyOptions } from './max-coverage.greedy';
import { reachesTarget, type CoverageTarget } from './site-evaluation';
import type { SitingFacts } from './siting-facts';
import type { SitingProblem } from './siting-problem';
import { fewestToReach } from './top-gains';

/**
 * What a set-cover answer must reach. Without a target: every coverable demand not already covered, counted
 * (zero-weight ones too), so a site's gain is the number of such demands it newly covers. With a target: weight,
 * up to the target weight less what the existing points cover.
 */
interface Requirement {
  readonly byWeight: boolean;
  readonly need: number;
  readonly tolerance: number;
}

function requirementOf(facts: SitingFacts, target: CoverageTarget | null): Requirement {
  return target
    ? { byWeight: true, need: target.weight - facts.alreadyCoveredWeight, tolerance: target.tolerance }
    : { byWeight: false, need: facts.coverableDemands - facts.alreadyCoveredDemands, tolerance: 0 };
}

/**
 * Set covering: the fewest new sites covering every coverable demand (or the target share of the coverable
 * weight), by greedy: each time the site that newly covers the most (demands, or weight with a target).
 *
 * Lower bounds (both proven here; the larger is kept):
 * 1. Gains. After any greedy step, with S the sites so far, let U be what is still to reach (demands, or weight
 *    less the tolerance). Any feasible answer T reaches it, and what T reaches beyond S is at most the sum over
 *    t ∈ T of Δ(t | S), each at most its key in the lazy heap (an upper bound on its gain; taken sites gain 0).
 *    So the |T| largest keys sum to at least U: |T| >= the fewest largest keys whose sum reaches U. At S = ∅
 *    this is the "the largest sites first" bound; later steps often give more.
 * 2. Packing (full coverage only). Demands chosen so that no candidate covers two of them (fewest covering
 *    candidates first; a demand is taken when none of its candidates covers one taken before): each site
 *    covers at most one of them and all must be covered, so |T| >= their number.
 * (solveSiting combines these with a Lagrangian bound for full coverage, and the exact solver's when it runs.)
 */
export function setCoverGreedy(problem: SitingProblem, facts: SitingFacts, target: CoverageTarget | null, options: GreedyOptions): GreedyAnswer {
  const w = problem.demandWeights;
  const { coverStart, coverDemand } = facts;
  const requirement = requirementOf(facts, target);
  const covered = new Uint8Array(facts.demandCount);
  let reached = 0;
  let bound = 0;
  const value = (d: number): number => (requirement.byWeight ? w[d]! : 1);
  const everyStep = facts.candidateCount * Math.min(facts.candidateCount, facts.coverableDemands + 1) <= BOUND_WORK_LIMIT;
  const steps = lazyGreedy({
    candidates: Array.from({ length: facts.candidateCount }, (_, c) => c),
    gain: (c) => {
      let g = 0;
      for (let i = coverStart[c]!; i < coverStart[c + 1]!; i++) if (!covered[coverDemand[i]!]) g += value(coverDemand[i]!);
      return g;
    },
    take: (c) => {
      for (let i = coverStart[c]!; i < coverStart[c + 1]!; i++) {
        const d = coverDemand[i]!;
        if (!covered[d]) {
          covered[d] = 1;
          reached += value(d);
        }
      }
    },
    // A top gain of 0 with something still to reach cannot happen (every such demand has a covering pair); the
    // check keeps rounding from running through every candidate.
    done: () => requirement.need - reached <= requirement.tolerance,
    beforeTake: (heap, taken) => {
      if (heap.topKey <= 0) throw new Error('setCoverGreedy: nothing left to gain before the requirement was reached');
      if (everyStep || taken === 0) bound = Math.max(bound, fewestToReach(heap.keys, requirement.need - reached, requirement.tolerance));
    },
  });
  let sites = steps.map((s) => s.candidate);
  if (options.swaps) sites = setCoverDropRedundant(problem, facts, sites, target);
  if (!requirement.byWeight) bound = Math.max(bound, packingBound(facts));
  return { sites, bound: Math.min(bound, sites.length), swapped: options.swaps };
}

/**
 * The improvement step for set cover: sites whose removal keeps the answer feasible are dropped, the last
 * opened first (the early, large sites make the later ones redundant more often than the other way round).
 */
export function setCoverDropRedundant(problem: SitingProblem, facts: SitingFacts, start: readonly number[], target: CoverageTarget | null): number[] {
  const w = problem.demandWeights;
  const { coverStart, coverDemand } = facts;
  const count = new Int32Array(facts.demandCount);
  let coveredWeight = facts.alreadyCoveredWeight;
  for (const s of start) {
    for (let i = coverStart[s]!; i < coverStart[s + 1]!; i++) {
      const d = coverDemand[i]!;
      if (count[d]++ === 0) coveredWeight += w[d]!;
    }
  }
  const keep = new Set(start);
  for (let j = start.length - 1; j >= 0; j--) {
    const s = start[j]!;
    let loss = 0;
    let sole = false;
    for (let i = coverStart[s]!; i < coverStart[s + 1]!; i++) {
      const d = coverDemand[i]!;
      if (count[d] === 1) {
        sole = true;
        loss += w[d]!;
      }
    }
    const removable = target ? reachesTarget(target, coveredWeight - loss) : !sole;
    if (!removable) continue;
    keep.delete(s);
    coveredWeight -= loss;
    for (let i = coverStart[s]!; i < coverStart[s + 1]!; i++) count[coverDemand[i]!]--;
  }
  return start.filter((s) => keep.has(s));
}

/** Bound 2 above: the size of a set of demands no two of which one candidate covers. */
export function packingBound(facts: SitingFacts): number {
  const { coverStart, coverDemand, candidateCount, demandCount } = facts;
  // Demand → its covering candidates (the transpose of the cover pairs).
  const start = new Uint32Array(demandCount + 1);
  for (const d of coverDemand) start[d + 1]++;
  for (let d = 0; d < demandCount; d++) start[d + 1] += start[d]!;
  const fill = start.slice(0, demandCount);
  const candidates = new Uint32Array(coverDemand.length);
  for (let c = 0; c < candidateCount; c++) for (let i = coverStart[c]!; i < coverStart[c + 1]!; i++) candidates[fill[coverDemand[i]!]!++] = c;
  const order = Array.from({ length: demandCount }, (_, d) => d)
    .filter((d) => start[d + 1]! > start[d]!)
    .sort((a, b) => start[a + 1]! - start[a]! - (start[b + 1]! - start[b]!) || a - b);
  const used = new Uint8Array(candidateCount);
  let packed = 0;
  for (const d of order) {
    let free = true;
    for (let i = start[d]!; i < start[d + 1]! && free; i++) if (used[candidates[i]!]) free = false;
    if (!free) continue;
    packed++;
    for (let i = start[d]!; i < start[d + 1]!; i++) used[candidates[i]!] = 1;
  }
  return packed;
}

/** `sites` made feasible by greedy when they fall short (an exact answer rounded at the solver's tolerance). */
export function setCoverRepair(problem: SitingProblem, facts: SitingFacts, sites: readonly number[], target: CoverageTarget | null): number[] {
  const w = problem.demandWeights;
  const { coverStart, coverDemand } = facts;
  const requirement = requirementOf(facts, target);
  const covered = new Uint8Array(facts.demandCount);
  let reached = 0;
  const value = (d: number): number => (requirement.byWeight ? w[d]! : 1);
  const take = (c: number): void => {
    for (let i = coverStart[c]!; i < coverStart[c + 1]!; i++) {
      const d = coverDemand[i]!;
      if (!covered[d]) {
        covered[d] = 1;
        reached += value(d);
      }
    }
  };
  sites.forEach(take);
  const inSites = new Set(sites);
  const steps = lazyGreedy({
    candidates: Array.from({ length: facts.candidateCount }, (_, c) => c).filter((c) => !inSites.has(c)),
    gain: (c) => {
      let g = 0;
      for (let i = coverStart[c]!; i < coverStart[c + 1]!; i++) if (!covered[coverDemand[i]!]) g += value(coverDemand[i]!);
      return g;
    },
    take,
    done: () => requirement.need - reached <= requirement.tolerance,
  });
  return [...sites, ...steps.map((s) => s.candidate)];
}
