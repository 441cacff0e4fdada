import { Worker } from 'node:worker_threads';
import { BadInputError, DeadlineExceededError } from '../../../src/common/errors';
import { checkSitingProblem, sitingFacts, sitingProblemFromPairs, solveSiting, type SitingOptions, type SitingResult } from '../../../src/siting';
import { lpNumber } from '../../../src/siting/lp-text';
import { MIP_GRACE_MS, runMipInWorker } from '../../../src/siting/siting-mip.runner';
import { maxCoverageModel, medianModel, setCoverModel } from '../../../src/siting/siting.lp';
import { geometricInstance, naive, randomInstance } from './siting-instances';

const expectBadInput = async (run: () => unknown, message: RegExp) => {
  const err = await Promise.resolve()
    .then(run)
    .then(
      () => null,
      (e: unknown) => e,
    );
  expect(err).toBeInstanceOf(BadInputError);
  expect((err as BadInputError).extensions.code).toBe('BAD_USER_INPUT');
  expect((err as Error).message).toMatch(message);
};

describe('sitingProblemFromPairs / checkSitingProblem', () => {
  const base = { demandWeights: [10, 20, 30], candidateCount: 2, budget: 15, pairs: [{ demand: 0, candidate: 0, cost: 5 }] };

  it('stores the pairs by candidate, sorted by demand, whatever their order', () => {
    const pairs = [
      { demand: 2, candidate: 1, cost: 7 },
      { demand: 0, candidate: 1, cost: 3 },
      { demand: 1, candidate: 0, cost: 9 },
    ];
    const p = sitingProblemFromPairs({ ...base, pairs });
    expect(Array.from(p.reachStart)).toEqual([0, 1, 3]);
    expect(Array.from(p.reachDemand)).toEqual([1, 0, 2]);
    expect(Array.from(p.reachCost)).toEqual([9, 3, 7]);
    expect(Array.from(p.existingCost)).toEqual([Infinity, Infinity, Infinity]);
  });

  it.each([
    ['a negative weight', { demandWeights: [10, -1, 30] }, /weight of demand 1 must be a finite number >= 0/],
    ['a NaN weight', { demandWeights: [10, NaN, 30] }, /weight of demand 1/],
    ['a negative cost', { pairs: [{ demand: 0, candidate: 0, cost: -2 }] }, /pairs\[0\] \(candidate 0, demand 0\) has cost -2/],
    ['an infinite cost', { pairs: [{ demand: 0, candidate: 0, cost: Infinity }] }, /costs must be finite/],
    ['a demand out of range', { pairs: [{ demand: 3, candidate: 0, cost: 2 }] }, /pairs\[0\]\.demand must be a demand index from 0 to 2/],
    ['a candidate out of range', { pairs: [{ demand: 0, candidate: 2, cost: 2 }] }, /pairs\[0\]\.candidate must be a candidate index from 0 to 1/],
    ['a pair given twice', { pairs: [{ demand: 0, candidate: 1, cost: 2 }, { demand: 1, candidate: 0, cost: 2 }, { demand: 0, candidate: 1, cost: 4 }] }, /pairs\[0\] and pairs\[2\] both give the cost from candidate 1 to demand 0/],
    ['existing costs of the wrong length', { existingCost: [1, 2] }, /existingCost must have one entry per demand \(3\)/],
    ['a negative existing cost', { existingCost: [1, -2, Infinity] }, /existingCost of demand 1 must be >= 0/],
    ['a negative budget', { budget: -1 }, /budget must be a number >= 0/],
    ['a fractional candidate count', { candidateCount: 1.5 }, /candidateCount must be a whole number/],
  ])('refuses %s with BAD_USER_INPUT', async (_what, change, message) => {
    await expectBadInput(() => sitingProblemFromPairs({ ...base, ...change }), message);
  });

  it('checkSitingProblem catches a hand-built problem with a pair twice or offsets that do not add up', async () => {
    const p = sitingProblemFromPairs(base);
    await expectBadInput(() => checkSitingProblem({ ...p, reachStart: Uint32Array.from([0, 1, 1]), reachDemand: Uint32Array.from([0, 0]), reachCost: Float64Array.from([1, 1]) }), /reachStart must run from 0/);
    await expectBadInput(() => checkSitingProblem({ ...p, reachStart: Uint32Array.from([0, 2, 2]), reachDemand: Uint32Array.from([1, 1]), reachCost: Float64Array.from([1, 2]) }), /Candidate 0 reaches demand 1 twice/);
  });
});

describe('solveSiting options', () => {
  const problem = sitingProblemFromPairs({ demandWeights: [1, 1], candidateCount: 2, budget: 10, pairs: [{ demand: 0, candidate: 0, cost: 5 }, { demand: 1, candidate: 1, cost: 5 }] });
  const ok: SitingOptions = { objective: 'MAX_COVERED_POPULATION', count: 1, method: 'GREEDY', timeLimitMs: 1000 };
  it.each([
    ['no count', { count: undefined }, /needs count, the number of new sites: a whole number from 0 to the 2 candidates/],
    ['more sites than candidates', { count: 3 }, /from 0 to the 2 candidates \(got 3\)/],
    ['a fractional count', { count: 1.5 }, /got 1.5/],
    ['a count for set cover', { objective: 'FEWEST_SITES_FOR_FULL_COVERAGE' }, /count is not used by FEWEST_SITES_FOR_FULL_COVERAGE/],
    ['a target share of 0', { objective: 'FEWEST_SITES_FOR_FULL_COVERAGE', count: undefined, targetCoveredShare: 0 }, /targetCoveredShare must be a share in \(0, 1\]/],
    ['a target share over 1', { objective: 'FEWEST_SITES_FOR_FULL_COVERAGE', count: undefined, targetCoveredShare: 1.2 }, /targetCoveredShare must be a share/],
    ['a target share for max coverage', { targetCoveredShare: 0.5 }, /targetCoveredShare is only used by FEWEST_SITES_FOR_FULL_COVERAGE/],
    ['an unknown objective', { objective: 'MAX_SOMETHING' }, /objective must be one of MAX_COVERED_POPULATION/],
    ['an unknown method', { method: 'FAST' }, /method must be one of AUTO, EXACT, GREEDY/],
    ['no time limit', { timeLimitMs: 0 }, /timeLimitMs must be a number of milliseconds > 0/],
  ])('refuses %s with BAD_USER_INPUT', async (_what, change, message) => {
    await expectBadInput(() => solveSiting(problem, { ...ok, ...change } as SitingOptions), message);
  });
});

describe('the p-median penalty', () => {
  it('counts a demand no open site reaches (and with no existing point) at twice the largest cost in the data, and says how many', async () => {
    // Demand 2 is reached only by candidate 1; with one site, candidate 0 (which saves more) leaves it out.
    const problem = sitingProblemFromPairs({
      demandWeights: [10, 10, 1],
      candidateCount: 2,
      budget: 5,
      existingCost: [Infinity, 12, Infinity],
      pairs: [
        { demand: 0, candidate: 0, cost: 2 },
        { demand: 1, candidate: 0, cost: 1 },
        { demand: 2, candidate: 1, cost: 3 },
      ],
    });
    const result = await solveSiting(problem, { objective: 'MIN_MEAN_TRAVEL_MINUTES', count: 1, method: 'EXACT', timeLimitMs: 5000 });
    expect(result.sites.map((s) => s.candidate)).toEqual([0]);
    expect(result.penaltyCost).toBe(24); // the largest cost is the existing 12
    expect(result.penalisedDemands).toBe(1);
    expect(result.meanCost).toBeCloseTo((10 * 2 + 10 * 1 + 1 * 24) / 21, 12);
    expect(result.status).toBe('OPTIMAL');
    // No site: demand 0 and 2 at the penalty, demand 1 at its existing point.
    const none = await solveSiting(problem, { objective: 'MIN_MEAN_TRAVEL_MINUTES', count: 0, method: 'AUTO', timeLimitMs: 5000 });
    expect(none.penalisedDemands).toBe(2);
    expect(none.meanCost).toBeCloseTo((10 * 24 + 10 * 12 + 24) / 21, 12);
  });

  it('is 1 when every cost is 0, and the mean is 0 when every weight is', async () => {
    const zeroCosts = sitingProblemFromPairs({ demandWeights: [1, 1], candidateCount: 1, budget: 0, pairs: [{ demand: 0, candidate: 0, cost: 0 }] });
    expect(sitingFacts(zeroCosts).penaltyCost).toBe(1);
    const r = await solveSiting(zeroCosts, { objective: 'MIN_MEAN_TRAVEL_MINUTES', count: 1, method: 'GREEDY', timeLimitMs: 1000 });
    expect(r.meanCost).toBe(0.5);
    const weightless = sitingProblemFromPairs({ demandWeights: [0, 0], candidateCount: 1, budget: 3, pairs: [{ demand: 0, candidate: 0, cost: 2 }] });
    const w = await solveSiting(weightless, { objective: 'MIN_MEAN_TRAVEL_MINUTES', count: 1, method: 'AUTO', timeLimitMs: 1000 });
    expect(w).toMatchObject({ meanCost: 0, bound: 0, status: 'OPTIMAL', coveredShare: 1 });
  });
});

describe('coverage figures and the opening order', () => {
  it('keeps existing points: an already covered demand is no gain, coverable weight counts it, sites come largest gain first', async () => {
    const problem = sitingProblemFromPairs({
      demandWeights: [100, 50, 40, 20, 5],
      candidateCount: 3,
      budget: 10,
      existingCost: [4, Infinity, Infinity, Infinity, Infinity],
      pairs: [
        { demand: 0, candidate: 0, cost: 1 }, // already covered: worth nothing to candidate 0
        { demand: 1, candidate: 0, cost: 9 },
        { demand: 2, candidate: 1, cost: 2 },
        { demand: 3, candidate: 1, cost: 2 },
        { demand: 1, candidate: 2, cost: 11 }, // beyond the budget
        { demand: 3, candidate: 2, cost: 10 },
      ],
    });
    const r = await solveSiting(problem, { objective: 'MAX_COVERED_POPULATION', count: 2, method: 'AUTO', timeLimitMs: 5000 });
    expect(r.sites).toEqual([
      { candidate: 1, marginalWeight: 60, marginalDemands: 2, cumulativeWeight: 160, cumulativeDemands: 3 },
      { candidate: 0, marginalWeight: 50, marginalDemands: 1, cumulativeWeight: 210, cumulativeDemands: 4 },
    ]);
    expect(r).toMatchObject({ coveredWeight: 210, alreadyCoveredWeight: 100, coverableWeight: 210, uncoveredDemands: 1, demandCount: 5, status: 'OPTIMAL', bound: 210 });
    expect(r.coveredShare).toBeCloseTo(210 / 215, 12);
    // Full cover: demand 4 cannot be covered, so two sites cover every demand that can be.
    const cover = await solveSiting(problem, { objective: 'FEWEST_SITES_FOR_FULL_COVERAGE', method: 'AUTO', timeLimitMs: 5000 });
    expect(cover.sites.map((s) => s.candidate)).toEqual([1, 0]);
    expect(cover).toMatchObject({ objectiveValue: 2, status: 'OPTIMAL', uncoveredDemands: 1 });
    // 75 % of the coverable 210 is 157.5: the existing point's 100 and candidate 1's 60.
    const share = await solveSiting(problem, { objective: 'FEWEST_SITES_FOR_FULL_COVERAGE', targetCoveredShare: 0.75, method: 'AUTO', timeLimitMs: 5000 });
    expect(share.sites.map((s) => s.candidate)).toEqual([1]);
    const none = await solveSiting(problem, { objective: 'FEWEST_SITES_FOR_FULL_COVERAGE', targetCoveredShare: 0.45, method: 'EXACT', timeLimitMs: 5000 });
    expect(none).toMatchObject({ sites: [], objectiveValue: 0, bound: 0, status: 'OPTIMAL', method: 'GREEDY_SWAP' });
  });

  it('gives the same answer for the same rows in another order', async () => {
    const inst = randomInstance(5, { demands: 40, candidates: 12, density: 0.3, existing: 0.2, maxCost: 30, budget: 10, zeroWeight: 0.1 });
    const shuffled = sitingProblemFromPairs({ demandWeights: inst.weights, candidateCount: inst.candidateCount, pairs: [...inst.pairs].reverse(), existingCost: inst.existingCost, budget: inst.budget });
    for (const objective of ['MAX_COVERED_POPULATION', 'MIN_MEAN_TRAVEL_MINUTES'] as const) {
      const a = await solveSiting(inst.problem, { objective, count: 4, method: 'GREEDY', timeLimitMs: 2000 });
      const b = await solveSiting(shuffled, { objective, count: 4, method: 'GREEDY', timeLimitMs: 2000 });
      expect(b.sites).toEqual(a.sites);
    }
  });
});

describe('the LP models', () => {
  it('merge candidates that reach the same demands into one column, demands reached by the same columns into one row, and wrap long lines', () => {
    const pairs = [];
    // 300 candidates that all reach demands 0 and 1 within budget, and candidate 300 that reaches demand 2.
    for (let c = 0; c < 300; c++) pairs.push({ demand: 0, candidate: c, cost: 1 }, { demand: 1, candidate: c, cost: 2 });
    pairs.push({ demand: 2, candidate: 300, cost: 1 });
    for (let c = 0; c < 301; c++) pairs.push({ demand: 3, candidate: c, cost: 1 + (c % 50) });
    const problem = sitingProblemFromPairs({ demandWeights: [1, 2, 3, 4], candidateCount: 301, pairs, budget: 60 });
    const facts = sitingFacts(problem);
    const cover = maxCoverageModel(problem, facts, 2, []);
    // Demand 3's costs differ but coverage does not: 50 cost levels are still one coverage column per reach set.
    expect(cover.columns).toBe(2);
    expect(cover.candidateOfColumn).toEqual([0, 300]);
    // Groups: {0, 1} (column 0 only), {2} (column 1), {3} (both), and the count row.
    expect(cover.rows).toBe(4);
    const median = medianModel(problem, facts, 2, []);
    expect(median.columns).toBe(51); // candidates differ by their cost to demand 3 (50 levels) + candidate 300
    const full = setCoverModel(problem, facts, null, []);
    for (const model of [cover, median, full]) {
      for (const line of model.text.split('\n')) expect(line.length).toBeLessThanOrEqual(200);
      expect(model.text).toMatch(/^(Maximize|Minimize)\n/);
      expect(model.text).toMatch(/\nBinary\n/);
      expect(model.text.trimEnd()).toMatch(/\nEnd$/);
    }
    expect(lpNumber(1e-7)).toBe('1e-7');
    expect(() => lpNumber(Infinity)).toThrow();
  });
});

/** OPT lies between the value and the bound: checks a result's bound against another's value and its own. */
function boundsAgree(objective: SitingOptions['objective'], a: SitingResult, b: SitingResult) {
  if (objective === 'MAX_COVERED_POPULATION') {
    expect(a.bound).toBeGreaterThanOrEqual(b.objectiveValue - 1e-6);
    expect(a.bound).toBeGreaterThanOrEqual(a.objectiveValue);
  } else {
    expect(a.bound).toBeLessThanOrEqual(b.objectiveValue + 1e-6);
    expect(a.bound).toBeLessThanOrEqual(a.objectiveValue);
  }
}

describe('a medium instance (300 villages × 60 candidate sites, a county-like travel-time table)', () => {
  const inst = geometricInstance(99, 300, 60, { budget: 15, reachMinutes: 45, existingPoints: 5 });
  const times: string[] = [];
  afterAll(() => console.log(`medium instance, ${inst.pairs.length} pairs:\n${times.join('\n')}`));

  it.each([
    ['MAX_COVERED_POPULATION', { count: 8 }],
    ['FEWEST_SITES_FOR_FULL_COVERAGE', {}],
    ['FEWEST_SITES_FOR_FULL_COVERAGE', { targetCoveredShare: 0.9 }],
    ['MIN_MEAN_TRAVEL_MINUTES', { count: 8 }],
  ] as const)('%s %j: exact is never worse than greedy, and both bounds hold against both values', async (objective, extra) => {
    const greedy = await solveSiting(inst.problem, { objective, ...extra, method: 'GREEDY', timeLimitMs: 10_000 });
    const exact = await solveSiting(inst.problem, { objective, ...extra, method: 'EXACT', timeLimitMs: 15_000 });
    times.push(
      `  ${objective} ${JSON.stringify(extra)}: greedy ${greedy.objectiveValue.toFixed(3)} (bound ${greedy.bound.toFixed(3)}, ${greedy.elapsedMs.toFixed(0)} ms); ` +
        `exact ${exact.objectiveValue.toFixed(3)} ${exact.status} (${exact.elapsedMs.toFixed(0)} ms, HiGHS ${exact.mip?.modelStatus ?? 'not run'})`,
    );
    if (objective === 'MAX_COVERED_POPULATION') expect(exact.objectiveValue).toBeGreaterThanOrEqual(greedy.objectiveValue);
    else expect(exact.objectiveValue).toBeLessThanOrEqual(greedy.objectiveValue);
    boundsAgree(objective, greedy, exact);
    boundsAgree(objective, exact, greedy);
    expect(exact.status).toBe('OPTIMAL');
    // The figures are those of the sites returned.
    const check = naive(inst).evaluate(exact.sites.map((s) => s.candidate));
    expect(exact.coveredWeight).toBe(check.coveredWeight);
    expect(exact.sites.at(-1)?.cumulativeWeight ?? exact.alreadyCoveredWeight).toBe(exact.coveredWeight);
    if (objective !== 'MIN_MEAN_TRAVEL_MINUTES') {
      // Coverage is submodular: opened in greedy order, the gains never grow.
      const gains = exact.sites.map((s) => ('targetCoveredShare' in extra || objective === 'MAX_COVERED_POPULATION' ? s.marginalWeight : s.marginalDemands));
      for (let i = 1; i < gains.length; i++) expect(gains[i]).toBeLessThanOrEqual(gains[i - 1]!);
    }
  });
});

describe('the exact solver in its worker thread', () => {
  // Max coverage on a random set system: HiGHS needs about 4 s to prove it (the travel-time tables above take < 1 s).
  const hard = randomInstance(3, { demands: 600, candidates: 100, density: 0.03, existing: 0, maxCost: 30, budget: 30, zeroWeight: 0 });
  const options: SitingOptions = { objective: 'MAX_COVERED_POPULATION', count: 12, method: 'EXACT', timeLimitMs: 30_000 };

  it('stops its thread and rejects with DEADLINE_EXCEEDED when the signal aborts', async () => {
    const terminate = jest.spyOn(Worker.prototype, 'terminate');
    try {
      const controller = new AbortController();
      const started = performance.now();
      setTimeout(() => controller.abort(), 300);
      const err = await solveSiting(hard.problem, { ...options, signal: controller.signal }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DeadlineExceededError);
      expect((err as DeadlineExceededError).extensions.code).toBe('DEADLINE_EXCEEDED');
      expect(performance.now() - started).toBeLessThan(1500);
      expect(terminate).toHaveBeenCalledTimes(1);
    } finally {
      terminate.mockRestore();
    }
  });

  it('rejects at once when the signal is already aborted, with the reason when it is a coded error', async () => {
    const spawned = jest.spyOn(Worker.prototype, 'terminate');
    try {
      const err = await solveSiting(hard.problem, { ...options, signal: AbortSignal.abort() }).catch((e: unknown) => e);
      expect((err as DeadlineExceededError).extensions.code).toBe('DEADLINE_EXCEEDED');
      const reason = new DeadlineExceededError('the request ran out of time', { deadlineMs: 100 });
      await expect(solveSiting(hard.problem, { ...options, signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
      expect(spawned).not.toHaveBeenCalled();
    } finally {
      spawned.mockRestore();
    }
  });

  it('reports a model HiGHS cannot read as a failure, and a thread that overruns its hard limit as stopped (greedy then stands)', async () => {
    const task = { lp: 'Maximize\n obj: + 2 y0\nSubject To\n r0: + y0 <= \nEnd\n', deadlineEpochMs: Date.now() + 5000, startNames: [], startValues: [], absoluteGap: 1e-6 };
    await expect(runMipInWorker(task, { hardLimitMs: 10_000, timeLimitMs: 5000 })).rejects.toThrow(/The exact solver \(HiGHS\) failed/);
    const stopped = await runMipInWorker({ ...task, lp: 'Maximize\n obj: + 2 y0\nSubject To\n r0: + y0 <= 1\nBinary\n y0\nEnd\n' }, { hardLimitMs: 1, timeLimitMs: 5000 });
    expect(stopped).toMatchObject({ optimal: false, objective: null, dualBound: null });
    expect(stopped.modelStatus).toMatch(/^Stopped: no answer 1 ms after it started/);
  });

  it('returns FEASIBLE with a valid bound when the time limit stops it (greedy\'s answer is its start, so there is an incumbent)', async () => {
    const greedy = await solveSiting(hard.problem, { ...options, method: 'GREEDY' });
    const limited = await solveSiting(hard.problem, { ...options, timeLimitMs: 400 });
    expect(limited.status).toBe('FEASIBLE');
    expect(limited.mip?.modelStatus).toBe('timeLimit');
    expect(limited.objectiveValue).toBeGreaterThanOrEqual(greedy.objectiveValue);
    expect(limited.bound).toBeGreaterThanOrEqual(limited.objectiveValue);
    expect(limited.bound).toBeLessThanOrEqual(greedy.bound);
    expect(limited.gapPercent).toBeGreaterThan(0);
    // HiGHS stops on its own clock; loading it and reading the model come on top.
    expect(limited.elapsedMs).toBeLessThan(400 + MIP_GRACE_MS + 1000);
    // The optimum (proved in the full run, 1261) lies under both bounds.
    expect(limited.bound).toBeGreaterThanOrEqual(1261);
  });
});
