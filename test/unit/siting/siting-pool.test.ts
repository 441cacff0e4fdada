import { solveSiting } from '../../../src/siting/solve-siting';
import { SitingPool } from '../../../src/siting/siting.pool';
import { geometricInstance } from './siting-instances';

/** The whole solve in a thread of its own (what the server runs): the same answers, coded errors, cancellation. */
describe('SitingPool: the whole solve off the calling thread', () => {
  const pool = new SitingPool({ threads: 1, maxQueue: 8 });
  const solveSitingOffThread: SitingPool['solve'] = (problem, options) => pool.solve(problem, options);
  afterAll(() => pool.close());
  const inst = geometricInstance(7, 200, 40, { budget: 15, reachMinutes: 45, existingPoints: 4 });

  it.each([
    ['MAX_COVERED_POPULATION', { count: 5 }],
    ['FEWEST_SITES_FOR_FULL_COVERAGE', {}],
    ['MIN_MEAN_TRAVEL_MINUTES', { count: 4 }],
  ] as const)('%s: the same sites, value and bound as in this thread', async (objective, extra) => {
    const here = await solveSiting(inst.problem, { objective, ...extra, method: 'AUTO', timeLimitMs: 10_000 });
    const there = await solveSitingOffThread(inst.problem, { objective, ...extra, method: 'AUTO', timeLimitMs: 10_000 });
    expect(there.sites.map((s) => s.candidate)).toEqual(here.sites.map((s) => s.candidate));
    expect(there.objectiveValue).toBeCloseTo(here.objectiveValue, 9);
    expect(there.status).toBe(here.status);
    expect(there.bound).toBeCloseTo(here.bound, 6);
  });

  it("brings the solver's coded errors back coded", async () => {
    await expect(solveSitingOffThread(inst.problem, { objective: 'MAX_COVERED_POPULATION', method: 'AUTO', timeLimitMs: 1000 })).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });

  it('stops when its signal aborts, with DEADLINE_EXCEEDED', async () => {
    const big = geometricInstance(11, 1500, 400, { budget: 15, reachMinutes: 60, existingPoints: 10 });
    const controller = new AbortController();
    const started = Date.now();
    const solving = solveSitingOffThread(big.problem, { objective: 'MIN_MEAN_TRAVEL_MINUTES', count: 20, method: 'EXACT', timeLimitMs: 20_000, signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    await expect(solving).rejects.toMatchObject({ extensions: { code: 'DEADLINE_EXCEEDED' } });
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
