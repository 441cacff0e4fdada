import { sitingProblemFromPairs, type SitingPair, type SitingProblem } from '../../../src/siting';

/** A small seeded PRNG (mulberry32), so every instance can be rebuilt from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An instance as plain rows (what the brute force reads), and the problem built from them. */
export interface Instance {
  readonly seed: number;
  readonly weights: number[];
  readonly candidateCount: number;
  readonly pairs: SitingPair[];
  readonly existingCost: number[];
  readonly budget: number;
  readonly problem: SitingProblem;
}

export interface RandomShape {
  demands: number;
  candidates: number;
  /** Chance that a (demand, candidate) pair is in the table. */
  density: number;
  /** Chance that a demand has an existing point. */
  existing: number;
  maxCost: number;
  budget: number;
  /** Chance that a demand weighs 0. */
  zeroWeight: number;
}

/** Random table: integer weights 0–9 and costs 0–maxCost, sparse, some existing points. */
export function randomInstance(seed: number, shape: RandomShape): Instance {
  const r = prng(seed);
  const weights = Array.from({ length: shape.demands }, () => (r() < shape.zeroWeight ? 0 : 1 + Math.floor(r() * 9)));
  const pairs: SitingPair[] = [];
  for (let d = 0; d < shape.demands; d++) {
    for (let c = 0; c < shape.candidates; c++) if (r() < shape.density) pairs.push({ demand: d, candidate: c, cost: Math.floor(r() * (shape.maxCost + 1)) });
  }
  const existingCost = weights.map(() => (r() < shape.existing ? Math.floor(r() * (shape.maxCost + 1)) : Number.POSITIVE_INFINITY));
  const problem = sitingProblemFromPairs({ demandWeights: weights, candidateCount: shape.candidates, pairs, existingCost, budget: shape.budget });
  return { seed, weights, candidateCount: shape.candidates, pairs, existingCost, budget: shape.budget, problem };
}

/**
 * Villages and candidate sites scattered over a 60 × 40 km county, cost = minutes at 40 km/h straight-line
 * plus 2, pairs only within `reachMinutes` (the shape of a real travel-time table), populations 100–3,000.
 */
export function geometricInstance(seed: number, demands: number, candidates: number, options: { budget: number; reachMinutes: number; existingPoints: number }): Instance {
  const r = prng(seed);
  const place = () => [r() * 60, r() * 40] as const;
  const villages = Array.from({ length: demands }, place);
  const sites = Array.from({ length: candidates }, place);
  const existing = Array.from({ length: options.existingPoints }, place);
  const minutes = (a: readonly number[], b: readonly number[]) => Math.round((Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!) / 40) * 60 * 10) / 10 + 2;
  const weights = villages.map(() => 100 + Math.floor(r() * 2900));
  const pairs: SitingPair[] = [];
  sites.forEach((s, c) =>
    villages.forEach((v, d) => {
      const cost = minutes(v, s);
      if (cost <= options.reachMinutes) pairs.push({ demand: d, candidate: c, cost });
    }),
  );
  const existingCost = villages.map((v) => Math.min(Number.POSITIVE_INFINITY, ...existing.map((e) => minutes(v, e)).filter((m) => m <= options.reachMinutes)));
  const problem = sitingProblemFromPairs({ demandWeights: weights, candidateCount: candidates, pairs, existingCost, budget: options.budget });
  return { seed, weights, candidateCount: candidates, pairs, existingCost, budget: options.budget, problem };
}

/** The brute force's own reading of the rules, from the rows (not the solver's CSR or its facts). */
export function naive(instance: Instance) {
  const { weights, pairs, existingCost, budget } = instance;
  const finite = [...pairs.map((p) => p.cost), ...existingCost.filter(Number.isFinite)];
  const largest = finite.length ? Math.max(...finite) : 0;
  const penalty = largest > 0 ? 2 * largest : 1;
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  const coverable = weights.map((_, d) => existingCost[d]! <= budget || pairs.some((p) => p.demand === d && p.cost <= budget));
  const coverableWeight = weights.reduce((sum, w, d) => sum + (coverable[d] ? w : 0), 0);
  const evaluate = (sites: readonly number[]) => {
    const open = new Set(sites);
    const nearest = [...existingCost];
    for (const p of pairs) if (open.has(p.candidate) && p.cost < nearest[p.demand]!) nearest[p.demand] = p.cost;
    const covered = nearest.map((c) => c <= budget);
    const coveredWeight = weights.reduce((sum, w, d) => sum + (covered[d] ? w : 0), 0);
    const weightedCost = weights.reduce((sum, w, d) => sum + w * (Number.isFinite(nearest[d]!) ? nearest[d]! : penalty), 0);
    return {
      coveredWeight,
      coveredDemands: covered.filter(Boolean).length,
      allCoverableCovered: coverable.every((c, d) => !c || covered[d]),
      meanCost: totalWeight > 0 ? weightedCost / totalWeight : 0,
      penalised: nearest.filter((c) => !Number.isFinite(c)).length,
    };
  };
  return { penalty, totalWeight, coverableWeight, evaluate };
}

/** Every subset of 0 … n−1 of size k (all sizes when k is undefined). */
export function* subsets(n: number, k?: number): Generator<number[]> {
  for (let mask = 0; mask < 1 << n; mask++) {
    const set: number[] = [];
    for (let c = 0; c < n; c++) if (mask & (1 << c)) set.push(c);
    if (k === undefined || set.length === k) yield set;
  }
}
