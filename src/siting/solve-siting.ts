import { AppError, BadInputError } from '../common/errors';
import { maxCoverageExtend, maxCoverageGreedy, type GreedyAnswer } from './max-coverage.greedy';
import { LAGRANGIAN_ITERATIONS, maxCoverageLagrangianBound, medianLagrangianBound, setCoverLagrangianBound } from './lagrangian.bound';
import { medianCostsAt, medianExtend, medianGreedy } from './median.greedy';
import { openingOrder } from './opening-order';
import { setCoverGreedy, setCoverRepair } from './set-cover.greedy';
import { atLeastAsGood, coverageTarget, evaluateSites, maximises, objectiveValueOf, reachesTarget, sameValue, type CoverageTarget } from './site-evaluation';
import { sitingFacts, type SitingFacts } from './siting-facts';
import { cancelledError, MIP_GRACE_MS, runMipInWorker } from './siting-mip.runner';
import { maxCoverageModel, medianModel, setCoverModel, type SitingModel } from './siting.lp';
import { checkSitingProblem, type SitingProblem } from './siting-problem';
import { SITING_METHODS, SITING_OBJECTIVES, type SitingMipReport, type SitingOptions, type SitingResult, type SitingSolver } from './siting.type';

/**
 * AUTO hands a model to the exact solver only up to this many nonzeros. Measured: a 300 × 60 travel-time
 * p-median (9,000 nonzeros) is solved in under a second; a 5,000 × 500 one (320,000) takes HiGHS 1.7 s to
 * read, 1.6 s to presolve, and more than 8 s for its first LP, with nothing better than greedy to show for it.
 * Below this the time limit is the guard; above it greedy's bound says how far its answer can be off.
 */
export const AUTO_EXACT_MAX_NONZEROS = 200_000;

function checkOptions(problem: SitingProblem, options: SitingOptions): void {
  const { objective, count, targetCoveredShare, method, timeLimitMs, swaps } = options;
  if (!SITING_OBJECTIVES.includes(objective)) {
    throw new BadInputError(`objective must be one of ${SITING_OBJECTIVES.join(', ')} (got ${String(objective)}).`, { argument: 'objective' });
  }
  if (!SITING_METHODS.includes(method)) throw new BadInputError(`method must be one of ${SITING_METHODS.join(', ')} (got ${String(method)}).`, { argument: 'method' });
  if (typeof timeLimitMs !== 'number' || !(timeLimitMs > 0) || !Number.isFinite(timeLimitMs)) {
    throw new BadInputError(`timeLimitMs must be a number of milliseconds > 0, e.g. 10000 (got ${String(timeLimitMs)}).`, { argument: 'timeLimitMs' });
  }
  if (swaps !== undefined && typeof swaps !== 'boolean') throw new BadInputError('swaps must be true or false.', { argument: 'swaps' });
  if (objective === 'FEWEST_SITES_FOR_FULL_COVERAGE') {
    if (count !== undefined) {
      throw new BadInputError('count is not used by FEWEST_SITES_FOR_FULL_COVERAGE, which finds the number of sites itself; leave it out (or ask MAX_COVERED_POPULATION for the best `count` sites).', { argument: 'count' });
    }
    if (targetCoveredShare !== undefined && !(typeof targetCoveredShare === 'number' && targetCoveredShare > 0 && targetCoveredShare <= 1)) {
      throw new BadInputError(`targetCoveredShare must be a share in (0, 1], e.g. 0.95 for 95 % of the coverable weight (got ${String(targetCoveredShare)}).`, { argument: 'targetCoveredShare' });
    }
    return;
  }
  if (targetCoveredShare !== undefined) {
    throw new BadInputError(`targetCoveredShare is only used by FEWEST_SITES_FOR_FULL_COVERAGE; ${objective} takes a count.`, { argument: 'targetCoveredShare' });
  }
  if (count === undefined || !Number.isInteger(count) || count < 0 || count > problem.candidateCount) {
    throw new BadInputError(`${objective} needs count, the number of new sites: a whole number from 0 to the ${problem.candidateCount} candidates (got ${String(count)}).`, {
      argument: 'count',
    });
  }
}

interface Answer {
  readonly sites: number[];
  readonly value: number;
  readonly solver: SitingSolver;
}

/** Bounds combine by taking the tighter; a bound is also never past a value found (that value is feasible). */
function tighter(maximise: boolean, a: number, b: number): number {
  return maximise ? Math.min(a, b) : Math.max(a, b);
}

/**
 * Suggests where the next service points should go (see SitingObjective for the three questions).
 *
 * GREEDY: lazy greedy, then interchange (unless swaps is false), with a proven bound: the best of greedy's own
 * bounds and a Lagrangian bound (lagrangian.bound.ts; not for a set cover with a target share), which takes at
 * most a quarter of the time left and 3 s. This phase runs on the calling thread. EXACT and AUTO start the
 * same way; when that bound does not already prove the answer optimal, they hand a reduced model to HiGHS
 * in a worker thread, with greedy's answer as its first incumbent and the time left of timeLimitMs. AUTO does
 * so only for models up to AUTO_EXACT_MAX_NONZEROS. The answer returned is the better of the two (HiGHS's
 * when equal and proved optimal), with the tighter of the two bounds; OPTIMAL when the bound equals the value
 * (or HiGHS proved its incumbent optimal within its absolute gap of 1e-6; for site counts, of < 1).
 *
 * Rejects with BAD_USER_INPUT for a bad problem or options, DEADLINE_EXCEEDED when `signal` aborts (or the
 * signal's own coded reason). A HiGHS failure or overrun does not fail the call: greedy's answer is returned,
 * and `mip.modelStatus` says what happened.
 */
export async function solveSiting(problem: SitingProblem, options: SitingOptions): Promise<SitingResult> {
  const started = performance.now();
  checkOptions(problem, options);
  checkSitingProblem(problem);
  const { objective, signal, timeLimitMs } = options;
  if (signal?.aborted) throw cancelledError(signal, timeLimitMs);
  const deadlineAt = started + timeLimitMs;
  const facts = sitingFacts(problem);
  const target = objective === 'FEWEST_SITES_FOR_FULL_COVERAGE' && options.targetCoveredShare !== undefined ? coverageTarget(facts, options.targetCoveredShare) : null;
  const count = options.count ?? 0;
  const maximise = maximises(objective);
  const valueOf = (sites: readonly number[]): number => objectiveValueOf(objective, evaluateSites(problem, facts, sites), sites.length);

  const greedyOptions = { swaps: options.swaps ?? true, deadlineAt };
  const greedy: GreedyAnswer =
    objective === 'MAX_COVERED_POPULATION'
      ? maxCoverageGreedy(problem, facts, count, greedyOptions)
      : objective === 'FEWEST_SITES_FOR_FULL_COVERAGE'
        ? setCoverGreedy(problem, facts, target, greedyOptions)
        : medianGreedy(problem, facts, count, greedyOptions);
  let best: Answer = { sites: greedy.sites, value: valueOf(greedy.sites), solver: greedy.swapped ? 'GREEDY_SWAP' : 'GREEDY' };
  let bound = greedy.bound;
  if (!sameValue(best.value, bound)) {
    // Tighter than greedy's own bounds, often enough to prove its answer (and spare the exact solver); a
    // quarter of the time left at most.
    const limits = { deadlineAt: performance.now() + Math.min(3000, 0.25 * (deadlineAt - performance.now())), maxIterations: LAGRANGIAN_ITERATIONS };
    const lagrangian =
      objective === 'MAX_COVERED_POPULATION'
        ? maxCoverageLagrangianBound(problem, facts, count, best.value, limits)
        : objective === 'MIN_MEAN_TRAVEL_MINUTES'
          ? medianLagrangianBound(problem, facts, count, medianCostsAt(problem, facts, best.sites), limits)
          : target === null
            ? setCoverLagrangianBound(facts, best.value, limits)
            : null;
    if (lagrangian !== null) bound = tighter(maximise, bound, lagrangian);
  }
  let mip: SitingMipReport | undefined;
  let mipProved = false;

  if (options.method !== 'GREEDY' && !sameValue(best.value, bound)) {
    const model =
      objective === 'MAX_COVERED_POPULATION'
        ? maxCoverageModel(problem, facts, count, best.sites)
        : objective === 'FEWEST_SITES_FOR_FULL_COVERAGE'
          ? setCoverModel(problem, facts, target, best.sites)
          : medianModel(problem, facts, count, best.sites);
    const leftMs = deadlineAt - performance.now();
    const worthIt = model.columns > 0 && leftMs > 0 && (options.method === 'EXACT' || model.nonzeros <= AUTO_EXACT_MAX_NONZEROS);
    if (worthIt) {
      const exact = await exactAnswer(problem, facts, options, model, target, leftMs);
      mip = exact.report;
      if (exact.bound !== null) bound = tighter(maximise, bound, exact.bound);
      if (exact.sites) {
        const value = valueOf(exact.sites);
        // Proved for what HiGHS found; the sites added to make it whole must not have made it worse.
        const found = exact.report.value;
        const proved = exact.optimal && found !== null && (atLeastAsGood(objective, value, found) || sameValue(value, found));
        // HiGHS's answer when better, or as good and proved; an equal one unproved is most often greedy's own
        // start handed back, and keeps greedy's name.
        const better = atLeastAsGood(objective, value, best.value) && !sameValue(value, best.value);
        if (better || (proved && atLeastAsGood(objective, value, best.value))) {
          best = { sites: exact.sites, value, solver: 'EXACT_MIP' };
          mipProved = proved;
        }
      }
    }
  }
  if (signal?.aborted) throw cancelledError(signal, timeLimitMs);

  // A found value is feasible, so the optimum is at least as good: the bound cannot be worse than it.
  bound = maximise ? Math.max(bound, best.value) : Math.min(bound, best.value);
  const optimal = mipProved || sameValue(best.value, bound);
  if (optimal) bound = best.value;
  const evaluation = evaluateSites(problem, facts, best.sites);
  const byWeight = objective !== 'FEWEST_SITES_FOR_FULL_COVERAGE' || target !== null;
  const scale = Math.max(Math.abs(best.value), Math.abs(bound));
  const median = objective === 'MIN_MEAN_TRAVEL_MINUTES';
  const sites = openingOrder(problem, facts, objective, best.sites, byWeight);
  // The running mean is kept by subtraction; the last one is the mean itself, so it is given as computed whole.
  if (median && sites.length > 0) sites[sites.length - 1] = { ...sites[sites.length - 1]!, cumulativeMeanCost: evaluation.meanCost };
  return {
    objective,
    sites,
    objectiveValue: best.value,
    coveredWeight: evaluation.coveredWeight,
    coveredShare: facts.totalWeight > 0 ? evaluation.coveredWeight / facts.totalWeight : 1,
    coverableWeight: facts.coverableWeight,
    alreadyCoveredWeight: facts.alreadyCoveredWeight,
    uncoveredDemands: evaluation.uncoveredDemands,
    demandCount: facts.demandCount,
    ...(median ? { meanCost: evaluation.meanCost, penaltyCost: facts.penaltyCost, penalisedDemands: evaluation.penalisedDemands } : {}),
    status: optimal ? 'OPTIMAL' : 'FEASIBLE',
    bound,
    gapPercent: optimal || scale === 0 ? 0 : (100 * Math.abs(best.value - bound)) / scale,
    method: best.solver,
    elapsedMs: performance.now() - started,
    ...(mip ? { mip } : {}),
  };
}

interface ExactAnswer {
  readonly sites: number[] | null;
  readonly bound: number | null;
  readonly optimal: boolean;
  readonly report: SitingMipReport;
}

async function exactAnswer(
  problem: SitingProblem,
  facts: SitingFacts,
  options: SitingOptions,
  model: SitingModel,
  target: CoverageTarget | null,
  leftMs: number,
): Promise<ExactAnswer> {
  const started = performance.now();
  const sizes = { columns: model.columns, rows: model.rows, nonzeros: model.nonzeros };
  try {
    const outcome = await runMipInWorker(
      {
        lp: model.text,
        deadlineEpochMs: Date.now() + leftMs,
        startNames: model.start.names,
        startValues: model.start.values,
        absoluteGap: options.objective === 'FEWEST_SITES_FOR_FULL_COVERAGE' ? 0.999 : 1e-6,
      },
      { signal: options.signal, hardLimitMs: leftMs + MIP_GRACE_MS, timeLimitMs: options.timeLimitMs },
    );
    let sites: number[] | null = null;
    if (outcome.objective !== null) {
      const chosen = outcome.chosenColumns.map((j) => model.candidateOfColumn[j]!);
      const count = options.count ?? 0;
      // The model may leave out sites that add nothing (Σ y <= k), or fall short of a target by HiGHS's
      // tolerance: made whole here, so an exact answer is always a feasible one.
      if (options.objective === 'MAX_COVERED_POPULATION') sites = maxCoverageExtend(problem, facts, chosen.slice(0, count), count);
      else if (options.objective === 'MIN_MEAN_TRAVEL_MINUTES') sites = medianExtend(problem, facts, chosen.slice(0, count), count);
      else {
        const covers = target ? reachesTarget(target, evaluateSites(problem, facts, chosen).coveredWeight) : evaluateSites(problem, facts, chosen).coveredDemands >= facts.coverableDemands;
        sites = covers ? chosen : setCoverRepair(problem, facts, chosen, target);
      }
    }
    return {
      sites,
      bound: outcome.dualBound === null ? null : model.toBound(outcome.dualBound),
      optimal: outcome.optimal && sites !== null,
      report: {
        modelStatus: outcome.modelStatus,
        value: outcome.objective === null ? null : model.toObjective(outcome.objective),
        bound: outcome.dualBound === null ? null : model.toBound(outcome.dualBound),
        mipGap: outcome.mipGap,
        ...sizes,
        elapsedMs: performance.now() - started,
      },
    };
  } catch (err) {
    if (err instanceof AppError) throw err;
    return {
      sites: null,
      bound: null,
      optimal: false,
      report: { modelStatus: `Failed: ${err instanceof Error ? err.message : String(err)}`, value: null, bound: null, mipGap: null, ...sizes, elapsedMs: performance.now() - started },
    };
  }
}
