import { LpText, lpNumber } from './lp-text';
import { baseWeightedCost } from './median.greedy';
import type { CoverageTarget } from './site-evaluation';
import type { SitingFacts } from './siting-facts';
import type { SitingProblem } from './siting-problem';

/**
 * One siting problem as a mixed-integer model in LP format, reduced first:
 * - demands already covered, or of weight 0 where only weight counts, are left out (they cannot change the
 *   objective), and so are pairs that cannot help (cost > budget for coverage, no saving for the p-median);
 * - candidates that reach exactly the same demands (at the same costs, for the p-median) are one column: only
 *   one of them is ever worth opening, and which one does not matter (the smallest index stands for them);
 * - covering: demands reached by exactly the same columns are one row, their weights summed.
 * Variables: y<i> a column (binary), z<g> a demand group covered (continuous in [0, 1]: at integral y it is 1
 * exactly when a column covers the group), x<i> a (demand, column) assignment (p-median, continuous).
 */
export interface SitingModel {
  readonly text: string;
  readonly columns: number;
  readonly rows: number;
  readonly nonzeros: number;
  /** The candidate each y column stands for (y<i> → candidateOfColumn[i]). */
  readonly candidateOfColumn: readonly number[];
  /** The model's variables set from a set of sites (the greedy answer): HiGHS's starting incumbent. */
  readonly start: { readonly names: string[]; readonly values: number[] };
  /** The model's objective value in the objective's units (coveredWeight, sites, mean cost). */
  toObjective(mipValue: number): number;
  /** HiGHS's dual bound in the objective's units (rounded up to a whole number of sites for set cover). */
  toBound(mipBound: number): number;
}

interface Columns {
  /** Column of each candidate, −1 when it reaches nothing that matters. */
  readonly columnOf: Int32Array;
  readonly candidateOfColumn: number[];
  /** Per column, the sorted demands it covers (or, p-median, reaches with a saving). */
  readonly demands: number[][];
  readonly costs: number[][];
}

/** Groups candidates with the same (demand, cost) lists into one column; `keep` filters the pairs. */
function mergeColumns(
  candidateCount: number,
  start: Uint32Array,
  demand: Uint32Array,
  cost: Float64Array | null,
  keep: (d: number, cost: number) => boolean,
): Columns {
  const columnOf = new Int32Array(candidateCount).fill(-1);
  const candidateOfColumn: number[] = [];
  const demands: number[][] = [];
  const costs: number[][] = [];
  const byKey = new Map<string, number>();
  for (let c = 0; c < candidateCount; c++) {
    const pairs: [number, number][] = [];
    for (let i = start[c]!; i < start[c + 1]!; i++) if (keep(demand[i]!, cost ? cost[i]! : 0)) pairs.push([demand[i]!, cost ? cost[i]! : 0]);
    if (pairs.length === 0) continue;
    pairs.sort((a, b) => a[0] - b[0]);
    const key = cost ? pairs.map(([d, x]) => `${d}:${x}`).join(',') : pairs.map(([d]) => d).join(',');
    const known = byKey.get(key);
    if (known !== undefined) {
      columnOf[c] = known;
      continue;
    }
    byKey.set(key, candidateOfColumn.length);
    columnOf[c] = candidateOfColumn.length;
    candidateOfColumn.push(c);
    demands.push(pairs.map(([d]) => d));
    costs.push(pairs.map(([, x]) => x));
  }
  return { columnOf, candidateOfColumn, demands, costs };
}

/** Demands reached by the same columns, as one group of summed weight (their rows would be the same). */
function demandGroups(columns: Columns, weights: Float64Array): { columns: number[][]; weight: number[]; groupOf: Map<number, number> } {
  const byDemand = new Map<number, number[]>();
  columns.demands.forEach((list, col) => {
    for (const d of list) {
      const cols = byDemand.get(d);
      if (cols) cols.push(col);
      else byDemand.set(d, [col]);
    }
  });
  const byKey = new Map<string, number>();
  const groupColumns: number[][] = [];
  const weight: number[] = [];
  const groupOf = new Map<number, number>();
  for (const d of [...byDemand.keys()].sort((a, b) => a - b)) {
    const cols = byDemand.get(d)!;
    const key = cols.join(',');
    let g = byKey.get(key);
    if (g === undefined) {
      g = groupColumns.length;
      byKey.set(key, g);
      groupColumns.push(cols);
      weight.push(0);
    }
    weight[g] += weights[d]!;
    groupOf.set(d, g);
  }
  return { columns: groupColumns, weight, groupOf };
}

function chosenColumns(columns: Columns, sites: readonly number[]): Set<number> {
  const chosen = new Set<number>();
  for (const s of sites) if (columns.columnOf[s]! >= 0) chosen.add(columns.columnOf[s]!);
  return chosen;
}

function binarySection(lp: LpText, columnCount: number): void {
  lp.section('Binary');
  for (let j = 0; j < columnCount; j++) lp.add(`y${j}`);
}

/** Maximal covering: max Σ W_g z_g, z_g <= Σ_{j covers g} y_j, Σ y_j <= k (coverage only grows with sites). */
export function maxCoverageModel(problem: SitingProblem, facts: SitingFacts, k: number, startSites: readonly number[]): SitingModel {
  const w = problem.demandWeights;
  const columns = mergeColumns(facts.candidateCount, facts.coverStart, facts.coverDemand, null, (d) => w[d]! > 0);
  const groups = demandGroups(columns, w);
  const lp = new LpText();
  lp.section('Maximize');
  lp.row('obj');
  groups.weight.forEach((weight, g) => lp.term(weight, `z${g}`));
  lp.section('Subject To');
  let nonzeros = 0;
  groups.columns.forEach((cols, g) => {
    lp.row(`r${g}`);
    lp.term(1, `z${g}`);
    for (const j of cols) lp.term(-1, `y${j}`);
    lp.add('<= 0');
    nonzeros += cols.length + 1;
  });
  lp.row('sites');
  for (let j = 0; j < columns.candidateOfColumn.length; j++) lp.term(1, `y${j}`);
  lp.add(`<= ${k}`);
  nonzeros += columns.candidateOfColumn.length;
  lp.section('Bounds');
  groups.weight.forEach((_, g) => lp.section(` z${g} <= 1`));
  binarySection(lp, columns.candidateOfColumn.length);
  lp.section('End');
  const chosen = chosenColumns(columns, startSites);
  const names: string[] = [];
  const values: number[] = [];
  columns.candidateOfColumn.forEach((_, j) => {
    names.push(`y${j}`);
    values.push(chosen.has(j) ? 1 : 0);
  });
  groups.columns.forEach((cols, g) => {
    names.push(`z${g}`);
    values.push(cols.some((j) => chosen.has(j)) ? 1 : 0);
  });
  return {
    text: lp.toString(),
    columns: columns.candidateOfColumn.length,
    rows: groups.columns.length + 1,
    nonzeros,
    candidateOfColumn: columns.candidateOfColumn,
    start: { names, values },
    toObjective: (v) => facts.alreadyCoveredWeight + v,
    toBound: (b) => facts.alreadyCoveredWeight + b,
  };
}

/**
 * Set covering: min Σ y_j. Full coverage: Σ_{j covers g} y_j >= 1 for every group of coverable demands not
 * already covered. With a target: z_g <= Σ_{j covers g} y_j and Σ W_g z_g >= what the existing points leave
 * of the target (its tolerance taken off, as the greedy's check does).
 */
export function setCoverModel(problem: SitingProblem, facts: SitingFacts, target: CoverageTarget | null, startSites: readonly number[]): SitingModel {
  const w = problem.demandWeights;
  const columns = mergeColumns(facts.candidateCount, facts.coverStart, facts.coverDemand, null, (d) => !target || w[d]! > 0);
  const groups = demandGroups(columns, w);
  const lp = new LpText();
  lp.section('Minimize');
  lp.row('obj');
  for (let j = 0; j < columns.candidateOfColumn.length; j++) lp.term(1, `y${j}`);
  lp.section('Subject To');
  let nonzeros = 0;
  groups.columns.forEach((cols, g) => {
    lp.row(`r${g}`);
    if (target) lp.term(1, `z${g}`);
    for (const j of cols) lp.term(target ? -1 : 1, `y${j}`);
    lp.add(target ? '<= 0' : '>= 1');
    nonzeros += cols.length + (target ? 1 : 0);
  });
  if (target) {
    lp.row('target');
    groups.weight.forEach((weight, g) => lp.term(weight, `z${g}`));
    lp.add(`>= ${lpNumber(target.weight - target.tolerance - facts.alreadyCoveredWeight)}`);
    nonzeros += groups.weight.length;
    lp.section('Bounds');
    groups.weight.forEach((_, g) => lp.section(` z${g} <= 1`));
  }
  binarySection(lp, columns.candidateOfColumn.length);
  lp.section('End');
  const chosen = chosenColumns(columns, startSites);
  const names: string[] = [];
  const values: number[] = [];
  columns.candidateOfColumn.forEach((_, j) => {
    names.push(`y${j}`);
    values.push(chosen.has(j) ? 1 : 0);
  });
  if (target) {
    groups.columns.forEach((cols, g) => {
      names.push(`z${g}`);
      values.push(cols.some((j) => chosen.has(j)) ? 1 : 0);
    });
  }
  return {
    text: lp.toString(),
    columns: columns.candidateOfColumn.length,
    rows: groups.columns.length + (target ? 1 : 0),
    nonzeros,
    candidateOfColumn: columns.candidateOfColumn,
    start: { names, values },
    toObjective: (v) => Math.round(v),
    // A whole number of sites: a bound of 2.3 proves 3. The 1e-6 allows for HiGHS's own tolerances.
    toBound: (b) => Math.ceil(b - 1e-6),
  };
}

/**
 * p-median, as the savings over each demand's base cost (existing point, or the penalty):
 * max Σ s_i x_i with s_i = w_d (baseCost_d − cost_i) over the pairs that save anything,
 * Σ_{i of d} x_i <= 1 per demand, x_i <= y_j(i) (the strong formulation), Σ y_j <= k.
 * Mean cost = (Σ w·baseCost − savings) / Σ w.
 */
export function medianModel(problem: SitingProblem, facts: SitingFacts, k: number, startSites: readonly number[]): SitingModel {
  const w = problem.demandWeights;
  const base = facts.baseCost;
  const columns = mergeColumns(facts.candidateCount, problem.reachStart, problem.reachDemand, problem.reachCost, (d, cost) => w[d]! > 0 && cost < base[d]!);
  const baseTotal = baseWeightedCost(problem, facts);
  // Assignment variables: x<i> for pair i = (demand, column).
  const pairDemand: number[] = [];
  const pairColumn: number[] = [];
  const pairSaving: number[] = [];
  const pairsOfDemand = new Map<number, number[]>();
  columns.demands.forEach((list, j) => {
    list.forEach((d, t) => {
      const i = pairDemand.length;
      pairDemand.push(d);
      pairColumn.push(j);
      pairSaving.push(w[d]! * (base[d]! - columns.costs[j]![t]!));
      const mine = pairsOfDemand.get(d);
      if (mine) mine.push(i);
      else pairsOfDemand.set(d, [i]);
    });
  });
  const lp = new LpText();
  lp.section('Maximize');
  lp.row('obj');
  pairSaving.forEach((s, i) => lp.term(s, `x${i}`));
  lp.section('Subject To');
  let rows = 0;
  let nonzeros = 0;
  for (const d of [...pairsOfDemand.keys()].sort((a, b) => a - b)) {
    const mine = pairsOfDemand.get(d)!;
    // One pair: x <= y <= 1 already says it.
    if (mine.length < 2) continue;
    lp.row(`a${d}`);
    for (const i of mine) lp.term(1, `x${i}`);
    lp.add('<= 1');
    rows++;
    nonzeros += mine.length;
  }
  pairColumn.forEach((j, i) => {
    lp.row(`l${i}`);
    lp.term(1, `x${i}`);
    lp.term(-1, `y${j}`);
    lp.add('<= 0');
  });
  rows += pairColumn.length;
  nonzeros += 2 * pairColumn.length;
  lp.row('sites');
  for (let j = 0; j < columns.candidateOfColumn.length; j++) lp.term(1, `y${j}`);
  lp.add(`<= ${k}`);
  rows++;
  nonzeros += columns.candidateOfColumn.length;
  binarySection(lp, columns.candidateOfColumn.length);
  lp.section('End');

  const chosen = chosenColumns(columns, startSites);
  const names: string[] = [];
  const values: number[] = [];
  columns.candidateOfColumn.forEach((_, j) => {
    names.push(`y${j}`);
    values.push(chosen.has(j) ? 1 : 0);
  });
  const assigned = new Float64Array(pairDemand.length);
  for (const mine of pairsOfDemand.values()) {
    let best = -1;
    for (const i of mine) if (chosen.has(pairColumn[i]!) && (best < 0 || pairSaving[i]! > pairSaving[best]!)) best = i;
    if (best >= 0) assigned[best] = 1;
  }
  assigned.forEach((v, i) => {
    names.push(`x${i}`);
    values.push(v);
  });
  const mean = (weightedCost: number): number => (facts.totalWeight > 0 ? Math.max(0, weightedCost) / facts.totalWeight : 0);
  return {
    text: lp.toString(),
    columns: columns.candidateOfColumn.length,
    rows,
    nonzeros,
    candidateOfColumn: columns.candidateOfColumn,
    start: { names, values },
    toObjective: (v) => mean(baseTotal - v),
    toBound: (b) => mean(baseTotal - b),
  };
}
