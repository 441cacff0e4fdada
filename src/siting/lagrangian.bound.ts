import type { SitingFacts } from './siting-facts';
import type { SitingProblem } from './siting-problem';

/**
 * Lagrangian bounds, by subgradient optimisation. The covering and assignment constraints are moved into the
 * objective with multipliers; what is left splits into one easy problem per demand and "pick the k best
 * columns", solved exactly for any multipliers. So EVERY multiplier vector gives a valid bound, however far
 * the iteration got, and the best one seen is kept: stopping early (iterations, time) loosens the bound, it
 * never makes it wrong. On travel-time tables these bounds are usually within a few tenths of a percent of the
 * optimum, where greedy's own bounds (Leskovec, all-open) are tens of percent off.
 *
 * Step sizes are Polyak's, θ·(gap to the greedy value)/‖g‖², with θ halved after a run of steps without a
 * better bound (Held, Wolfe and Crowder 1974; Beasley 1993 for these three problems).
 */
export interface LagrangianLimits {
  /** performance.now() after which the iteration stops. */
  readonly deadlineAt: number;
  readonly maxIterations: number;
}

export const LAGRANGIAN_ITERATIONS = 300;
// (The loops over pairs compare instead of calling Math.min / Math.max: under jest's module sandbox those calls
// measured about 100 times slower than a comparison, 0.2 µs each.)
const STALL_STEPS = 10;
const MIN_THETA = 1e-4;

/** The sum of the k largest (`largest`) or smallest values. */
function extremeSum(values: Float64Array, k: number, largest: boolean, chosen: Uint8Array): number {
  chosen.fill(0);
  if (k <= 0) return 0;
  const order = Array.from(values.keys()).sort((a, b) => (largest ? values[b]! - values[a]! : values[a]! - values[b]!) || a - b);
  let sum = 0;
  for (let i = 0; i < Math.min(k, order.length); i++) {
    sum += values[order[i]!]!;
    chosen[order[i]!] = 1;
  }
  return sum;
}

/**
 * Maximal covering: for λ_d in [0, w_d] on the demands still to cover,
 *   L(λ) = Σ_d (w_d − λ_d) + (the k largest Σ_{d ∈ j} λ_d over columns j) >= the new weight any k sites cover
 * (relaxing z_d <= Σ_{j covers d} y_j; z_d = 1 is best when λ_d < w_d). Returned in coveredWeight units.
 */
export function maxCoverageLagrangianBound(problem: SitingProblem, facts: SitingFacts, k: number, greedyValue: number, limits: LagrangianLimits): number {
  const w = problem.demandWeights;
  const { coverStart, coverDemand, candidateCount, demandCount } = facts;
  const degree = new Uint32Array(demandCount);
  for (const d of coverDemand) degree[d]++;
  const lambda = new Float64Array(demandCount);
  for (let d = 0; d < demandCount; d++) if (degree[d]) lambda[d] = w[d]! / degree[d]!;
  const target = greedyValue - facts.alreadyCoveredWeight;
  const column = new Float64Array(candidateCount);
  const chosen = new Uint8Array(candidateCount);
  const g = new Float64Array(demandCount);
  let best = Number.POSITIVE_INFINITY;
  let theta = 2;
  let stall = 0;
  for (let it = 0; it < limits.maxIterations && performance.now() < limits.deadlineAt; it++) {
    let value = 0;
    for (let d = 0; d < demandCount; d++) if (degree[d]) value += w[d]! - lambda[d]!;
    for (let j = 0; j < candidateCount; j++) {
      let s = 0;
      for (let i = coverStart[j]!; i < coverStart[j + 1]!; i++) s += lambda[coverDemand[i]!]!;
      column[j] = s;
    }
    value += extremeSum(column, k, true, chosen);
    if (it === 0 || value < best - 1e-12 * Math.max(1, Math.abs(best))) {
      best = Math.min(best, value);
      stall = 0;
    } else if (++stall >= STALL_STEPS) {
      theta /= 2;
      stall = 0;
    }
    if (theta < MIN_THETA || best - target <= 1e-9 * Math.max(1, target)) break;
    // Subgradient of L (to be decreased): (covered by the chosen columns) − (z_d = 1, that is λ_d < w_d).
    let norm = 0;
    for (let d = 0; d < demandCount; d++) g[d] = degree[d] && lambda[d]! < w[d]! ? -1 : 0;
    for (let j = 0; j < candidateCount; j++) if (chosen[j]) for (let i = coverStart[j]!; i < coverStart[j + 1]!; i++) g[coverDemand[i]!]++;
    for (let d = 0; d < demandCount; d++) norm += g[d]! * g[d]!;
    if (norm === 0) break;
    const step = (theta * Math.max(value - target, 1e-9 * Math.max(1, target))) / norm;
    for (let d = 0; d < demandCount; d++) {
      if (!degree[d]) continue;
      const next = lambda[d]! - step * g[d]!;
      lambda[d] = next < 0 ? 0 : next > w[d]! ? w[d]! : next;
    }
  }
  return facts.alreadyCoveredWeight + best;
}

/**
 * Set covering, every coverable demand still uncovered (R): for u_d >= 0,
 *   L(u) = Σ_d u_d + Σ_j min(0, 1 − Σ_{d ∈ j} u_d) <= the fewest sites
 * (relaxing Σ_{j covers d} y_j >= 1). Starts from a feasible dual (u_d = 1 / the largest column covering d).
 * Returned rounded up: a whole number of sites.
 */
export function setCoverLagrangianBound(facts: SitingFacts, greedyValue: number, limits: LagrangianLimits): number {
  const { coverStart, coverDemand, candidateCount, demandCount } = facts;
  const u = new Float64Array(demandCount);
  const inR = new Uint8Array(demandCount);
  for (let j = 0; j < candidateCount; j++) {
    const share = 1 / (coverStart[j + 1]! - coverStart[j]!);
    for (let i = coverStart[j]!; i < coverStart[j + 1]!; i++) {
      const d = coverDemand[i]!;
      u[d] = inR[d] ? Math.min(u[d]!, share) : share;
      inR[d] = 1;
    }
  }
  const chosen = new Uint8Array(candidateCount);
  const g = new Float64Array(demandCount);
  let best = 0;
  let theta = 2;
  let stall = 0;
  for (let it = 0; it < limits.maxIterations && performance.now() < limits.deadlineAt; it++) {
    let value = 0;
    for (let d = 0; d < demandCount; d++) if (inR[d]) value += u[d]!;
    for (let j = 0; j < candidateCount; j++) {
      let s = 0;
      for (let i = coverStart[j]!; i < coverStart[j + 1]!; i++) s += u[coverDemand[i]!]!;
      chosen[j] = s > 1 ? 1 : 0;
      if (s > 1) value += 1 - s;
    }
    if (value > best + 1e-12) {
      best = value;
      stall = 0;
    } else if (++stall >= STALL_STEPS) {
      theta /= 2;
      stall = 0;
    }
    if (theta < MIN_THETA || Math.ceil(best - 1e-9) >= greedyValue) break;
    let norm = 0;
    for (let d = 0; d < demandCount; d++) g[d] = inR[d] ? 1 : 0;
    for (let j = 0; j < candidateCount; j++) if (chosen[j]) for (let i = coverStart[j]!; i < coverStart[j + 1]!; i++) g[coverDemand[i]!]--;
    for (let d = 0; d < demandCount; d++) {
      // A multiplier at 0 that would go negative stays: that part of the subgradient does not count.
      if (u[d] === 0 && g[d]! < 0) g[d] = 0;
      norm += g[d]! * g[d]!;
    }
    if (norm === 0) break;
    const step = (theta * Math.max(greedyValue - value, 1e-9)) / norm;
    for (let d = 0; d < demandCount; d++) {
      const next = u[d]! + step * g[d]!;
      if (inR[d]) u[d] = next > 0 ? next : 0;
    }
  }
  return Math.ceil(best - 1e-9);
}

/**
 * p-median, with the assignment constraints relaxed (one multiplier λ_d per demand, at most w_d·baseCost_d):
 *   L(λ) = Σ_d λ_d + Σ_d min(0, w_d baseCost_d − λ_d) + (the k smallest ρ_j),  ρ_j = Σ_{d ∈ j} min(0, w_d c_dj − λ_d)
 * is at most the weighted cost of any k sites. Starts from the greedy answer's costs. Returned as a mean.
 */
export function medianLagrangianBound(problem: SitingProblem, facts: SitingFacts, k: number, greedyCosts: Float64Array, limits: LagrangianLimits): number {
  const { demandWeights: w, reachStart, reachDemand, reachCost } = problem;
  const { candidateCount, demandCount, baseCost, totalWeight } = facts;
  if (totalWeight === 0) return 0;
  const cap = Float64Array.from(baseCost, (b, d) => w[d]! * b);
  const lambda = Float64Array.from(greedyCosts, (c, d) => w[d]! * c);
  let upper = 0;
  for (let d = 0; d < demandCount; d++) upper += lambda[d]!;
  const column = new Float64Array(candidateCount);
  const chosen = new Uint8Array(candidateCount);
  const g = new Float64Array(demandCount);
  let best = Number.NEGATIVE_INFINITY;
  let theta = 2;
  let stall = 0;
  for (let it = 0; it < limits.maxIterations && performance.now() < limits.deadlineAt; it++) {
    let value = 0;
    for (let d = 0; d < demandCount; d++) value += lambda[d]! > cap[d]! ? cap[d]! : lambda[d]!;
    for (let j = 0; j < candidateCount; j++) {
      let s = 0;
      for (let i = reachStart[j]!; i < reachStart[j + 1]!; i++) {
        const d = reachDemand[i]!;
        const reduced = w[d]! * reachCost[i]! - lambda[d]!;
        if (reduced < 0) s += reduced;
      }
      column[j] = s;
    }
    value += extremeSum(column, k, false, chosen);
    if (it === 0 || value > best + 1e-12 * Math.max(1, Math.abs(best))) {
      best = Math.max(best, value);
      stall = 0;
    } else if (++stall >= STALL_STEPS) {
      theta /= 2;
      stall = 0;
    }
    if (theta < MIN_THETA || upper - best <= 1e-9 * Math.max(1, upper)) break;
    // Subgradient (to be increased): 1 − (assigned to the base) − (assigned to each chosen column).
    let norm = 0;
    for (let d = 0; d < demandCount; d++) g[d] = 1 - (lambda[d]! > cap[d]! ? 1 : 0);
    for (let j = 0; j < candidateCount; j++) {
      if (!chosen[j] || column[j]! >= 0) continue;
      for (let i = reachStart[j]!; i < reachStart[j + 1]!; i++) if (w[reachDemand[i]!]! * reachCost[i]! < lambda[reachDemand[i]!]!) g[reachDemand[i]!]--;
    }
    for (let d = 0; d < demandCount; d++) norm += g[d]! * g[d]!;
    if (norm === 0) break;
    const step = (theta * Math.max(upper - value, 1e-9 * Math.max(1, upper))) / norm;
    for (let d = 0; d < demandCount; d++) {
      const next = lambda[d]! + step * g[d]!;
      lambda[d] = next > cap[d]! ? cap[d]! : next;
    }
  }
  return Math.max(0, best) / totalWeight;
}
