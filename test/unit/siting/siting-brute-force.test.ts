import fc from 'fast-check';
import { solveSiting, sitingFacts, coverageTarget, type SitingResult } from '../../../src/siting';
import { maxCoverageExtend } from '../../../src/siting/max-coverage.greedy';
import { medianExtend } from '../../../src/siting/median.greedy';
import { setCoverRepair } from '../../../src/siting/set-cover.greedy';
import { maxCoverageModel, medianModel, setCoverModel, type SitingModel } from '../../../src/siting/siting.lp';
import { solveMipTask } from '../../../src/siting/siting-mip.worker';
import { naive, prng, randomInstance, subsets, type Instance } from './siting-instances';

/**
 * Every objective against brute force over ALL subsets, on many small random tables (weights 0–9 with some
 * zeros, sparse pairs, some existing points; fast-check with a fixed seed, so a failure names its seed and
 * reproduces). Greedy must be feasible, never better than the optimum, with its bound on the right side of
 * it; the exact path must find the optimum and say OPTIMAL. The exact models are also solved in this thread
 * (solveMipTask, no worker) with and without greedy's start, so the MIP formulation itself is checked on
 * every instance, also where greedy's bounds alone prove the answer and solveSiting skips HiGHS (most of these
 * small tables: the Lagrangian bounds are tight on them). The worker path of solveSiting is exercised by the
 * medium, time-limit and cancellation tests (siting-solver.test.ts) and the command's tests.
 */

const TOL = 1e-6;
const RUNS = 150;

// Only the seed comes from fast-check: its integers lean to the ends of their ranges (k = 0, one candidate),
// where every answer is trivially optimal; the shape is drawn uniformly from the seed instead.
const instanceArb = fc.integer({ min: 1, max: 2 ** 31 - 1 }).map((seed) => {
  const r = prng(seed ^ 0x5eed);
  const between = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  // Up to 20 demands: with fewer, greedy's bounds prove nearly every answer and HiGHS is seldom asked.
  const demands = between(3, 20);
  const candidates = between(2, 10);
  const instance = randomInstance(seed, {
    demands,
    candidates,
    density: 0.2 + 0.6 * r(),
    existing: [0, 0.25, 0.5][between(0, 2)]!,
    maxCost: 30,
    budget: between(6, 16),
    zeroWeight: 0.15,
  });
  // Mostly 1 … candidates − 1 sites; now and then 0 or all of them.
  const k = r() < 0.1 ? [0, candidates][between(0, 1)]! : between(1, candidates - 1);
  return { instance, k, swaps: r() < 0.6 };
});

const candidatesOk = (result: SitingResult, instance: Instance) => {
  const ids = result.sites.map((s) => s.candidate);
  expect(new Set(ids).size).toBe(ids.length);
  for (const c of ids) expect(c >= 0 && c < instance.candidateCount).toBe(true);
  return ids;
};

/** Solves a model in this thread and decodes it the way solveSiting does. */
async function solveModel(model: SitingModel, withStart: boolean) {
  const outcome = await solveMipTask({
    kind: 'siting-mip',
    lp: model.text,
    deadlineEpochMs: Date.now() + 20_000,
    startNames: withStart ? model.start.names : [],
    startValues: withStart ? model.start.values : [],
    absoluteGap: 1e-6,
  });
  expect(outcome.optimal).toBe(true);
  return { chosen: outcome.chosenColumns.map((j) => model.candidateOfColumn[j]!), bound: model.toBound(outcome.dualBound!), value: model.toObjective(outcome.objective!) };
}

describe('siting solvers against brute force over all subsets', () => {
  it('MAX_COVERED_POPULATION: exact equals the optimum (OPTIMAL); greedy feasible, never better, bound above the optimum', async () => {
    await fc.assert(
      fc.asyncProperty(instanceArb, async ({ instance, k, swaps }) => {
        const { problem, candidateCount } = instance;
        const check = naive(instance);
        let optimum = -1;
        for (const s of subsets(candidateCount, k)) optimum = Math.max(optimum, check.evaluate(s).coveredWeight);

        const greedy = await solveSiting(problem, { objective: 'MAX_COVERED_POPULATION', count: k, method: 'GREEDY', timeLimitMs: 5000, swaps });
        const ids = candidatesOk(greedy, instance);
        expect(ids).toHaveLength(k);
        const got = check.evaluate(ids);
        expect(greedy.coveredWeight).toBe(got.coveredWeight);
        expect(greedy.objectiveValue).toBe(got.coveredWeight);
        expect(greedy.uncoveredDemands).toBe(instance.weights.length - got.coveredDemands);
        expect(greedy.coveredWeight).toBeLessThanOrEqual(optimum + TOL);
        expect(greedy.bound).toBeGreaterThanOrEqual(optimum - TOL);
        expect(greedy.bound).toBeLessThanOrEqual(check.coverableWeight + TOL);
        if (greedy.status === 'OPTIMAL') expect(greedy.coveredWeight).toBe(optimum);
        expect(greedy.method).toBe(swaps && k > 0 && k < candidateCount ? 'GREEDY_SWAP' : 'GREEDY');

        const exact = await solveSiting(problem, { objective: 'MAX_COVERED_POPULATION', count: k, method: 'EXACT', timeLimitMs: 20000 });
        expect(candidatesOk(exact, instance)).toHaveLength(k);
        expect(exact.status).toBe('OPTIMAL');
        expect(exact.coveredWeight).toBe(optimum);
        expect(exact.bound).toBe(optimum);
        expect(exact.gapPercent).toBe(0);

        const facts = sitingFacts(problem);
        const model = maxCoverageModel(problem, facts, k, greedy.sites.map((s) => s.candidate));
        if (model.columns > 0) {
          for (const withStart of [true, false]) {
            const mip = await solveModel(model, withStart);
            expect(check.evaluate(maxCoverageExtend(problem, facts, mip.chosen, k)).coveredWeight).toBe(optimum);
            expect(mip.value).toBeCloseTo(optimum, 6);
            expect(mip.bound).toBeGreaterThanOrEqual(optimum - TOL);
          }
        }
      }),
      { seed: 20240611, numRuns: RUNS },
    );
  });

  it('FEWEST_SITES_FOR_FULL_COVERAGE, full and with a target share: exact is the fewest (OPTIMAL); greedy feasible, never fewer, bound below', async () => {
    await fc.assert(
      fc.asyncProperty(instanceArb, fc.constantFrom(undefined, 0.3, 0.5, 0.8, 0.95, 1), async ({ instance, swaps }, share) => {
        const { problem, candidateCount } = instance;
        const check = naive(instance);
        const feasible = (sites: readonly number[]) => {
          const e = check.evaluate(sites);
          return share === undefined ? e.allCoverableCovered : e.coveredWeight >= share * check.coverableWeight - 1e-9 * check.coverableWeight;
        };
        let optimum = Number.POSITIVE_INFINITY;
        for (const s of subsets(candidateCount)) if (s.length < optimum && feasible(s)) optimum = s.length;
        expect(Number.isFinite(optimum)).toBe(true);
        const options = { objective: 'FEWEST_SITES_FOR_FULL_COVERAGE', ...(share === undefined ? {} : { targetCoveredShare: share }) } as const;

        const greedy = await solveSiting(problem, { ...options, method: 'GREEDY', timeLimitMs: 5000, swaps });
        const ids = candidatesOk(greedy, instance);
        expect(feasible(ids)).toBe(true);
        expect(greedy.objectiveValue).toBe(ids.length);
        expect(ids.length).toBeGreaterThanOrEqual(optimum);
        expect(greedy.bound).toBeLessThanOrEqual(optimum);
        expect(Number.isInteger(greedy.bound)).toBe(true);
        if (greedy.status === 'OPTIMAL') expect(ids).toHaveLength(optimum);

        const exact = await solveSiting(problem, { ...options, method: 'EXACT', timeLimitMs: 20000 });
        const exactIds = candidatesOk(exact, instance);
        expect(feasible(exactIds)).toBe(true);
        expect(exact.status).toBe('OPTIMAL');
        expect(exactIds).toHaveLength(optimum);
        expect(exact.bound).toBe(optimum);

        const facts = sitingFacts(problem);
        const target = share === undefined ? null : coverageTarget(facts, share);
        const model = setCoverModel(problem, facts, target, ids);
        if (model.columns > 0 && optimum > 0) {
          for (const withStart of [true, false]) {
            const mip = await solveModel(model, withStart);
            const sites = setCoverRepair(problem, facts, mip.chosen, target);
            expect(sites).toEqual(mip.chosen);
            expect(sites).toHaveLength(optimum);
            expect(mip.bound).toBeLessThanOrEqual(optimum);
          }
        }
      }),
      { seed: 4242, numRuns: RUNS },
    );
  });

  it('MIN_MEAN_TRAVEL_MINUTES (existing points, penalty): exact equals the optimum (OPTIMAL); greedy never better, bound below', async () => {
    await fc.assert(
      fc.asyncProperty(instanceArb, async ({ instance, k, swaps }) => {
        const { problem, candidateCount } = instance;
        const check = naive(instance);
        let optimum = Number.POSITIVE_INFINITY;
        for (const s of subsets(candidateCount, k)) optimum = Math.min(optimum, check.evaluate(s).meanCost);

        const greedy = await solveSiting(problem, { objective: 'MIN_MEAN_TRAVEL_MINUTES', count: k, method: 'GREEDY', timeLimitMs: 5000, swaps });
        const ids = candidatesOk(greedy, instance);
        expect(ids).toHaveLength(k);
        const got = check.evaluate(ids);
        expect(greedy.meanCost).toBeCloseTo(got.meanCost, 9);
        expect(greedy.penaltyCost).toBe(check.penalty);
        expect(greedy.penalisedDemands).toBe(got.penalised);
        expect(greedy.meanCost!).toBeGreaterThanOrEqual(optimum - TOL);
        expect(greedy.bound).toBeLessThanOrEqual(optimum + TOL);
        if (greedy.status === 'OPTIMAL') expect(greedy.meanCost).toBeCloseTo(optimum, 9);
        if (k > 0) expect(greedy.sites.at(-1)!.cumulativeMeanCost).toBe(greedy.meanCost);

        const exact = await solveSiting(problem, { objective: 'MIN_MEAN_TRAVEL_MINUTES', count: k, method: 'EXACT', timeLimitMs: 20000 });
        expect(candidatesOk(exact, instance)).toHaveLength(k);
        expect(exact.status).toBe('OPTIMAL');
        expect(exact.meanCost).toBeCloseTo(optimum, 9);
        expect(exact.bound).toBe(exact.meanCost);

        const facts = sitingFacts(problem);
        const model = medianModel(problem, facts, k, ids);
        if (model.columns > 0 && k > 0) {
          for (const withStart of [true, false]) {
            const mip = await solveModel(model, withStart);
            expect(check.evaluate(medianExtend(problem, facts, mip.chosen, k)).meanCost).toBeCloseTo(optimum, 9);
            expect(mip.bound).toBeLessThanOrEqual(optimum + TOL);
          }
        }
      }),
      { seed: 777, numRuns: RUNS },
    );
  });
});
