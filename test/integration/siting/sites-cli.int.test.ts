import fs from 'node:fs';
import path from 'node:path';
import { readCostTable, sitingProblemFromTable, type CostTableColumns } from '../../../src/siting/cost-table.parse';
import { solveSiting } from '../../../src/siting/solve-siting';
import type { SitingOptions } from '../../../src/siting/siting.type';
import { sitesCommand } from '../../helpers/sites-command';

/**
 * `npm run sites` as a planner runs it, on the fixture tables in test/fixtures/siting/: its text and JSON
 * against the library on the same data, every bad file's line and exit code 2, bad arguments' exit code 64.
 * It needs no database; it runs the TypeScript command through scripts/register-ts.cjs (the hook that lets
 * worker threads load .ts under jest), so there is no build to wait for, and the exact solver's worker runs
 * from its source the same way.
 */

const ROOT = path.resolve(__dirname, '../../..');
const FIXTURES = path.join(ROOT, 'test/fixtures/siting');
const EXAMPLE = path.join(FIXTURES, 'example.csv');
const EXAMPLE_COLUMNS = ['--demand-column', 'village', '--candidate-column', 'site', '--cost-column', 'minutes', '--weight-column', 'population'];

const sites = sitesCommand;

/** The library's answer on the same file, with the command's defaults. */
async function library(file: string, columns: Partial<CostTableColumns>, budget: number, options: Omit<SitingOptions, 'timeLimitMs'>, existing: string[] = []) {
  const table = readCostTable(fs.readFileSync(file, 'utf8'), { demand: 'demand', candidate: 'candidate', cost: 'cost', weight: 'weight', weightRequired: false, ...columns });
  const { problem, candidateIds } = sitingProblemFromTable(table, budget, new Set(existing));
  const result = await solveSiting(problem, { timeLimitMs: 10_000, ...options });
  return { result, ids: result.sites.map((s) => candidateIds[s.candidate]!) };
}

const exampleColumns = { demand: 'village', candidate: 'site', cost: 'minutes', weight: 'population' };

describe('npm run sites (the command, on fixture cost tables)', () => {
  it('prints the chosen sites in opening order with the covered weight, uncovered demands, percentage, status and bound (text)', async () => {
    const run = await sites(['--costs', EXAMPLE, ...EXAMPLE_COLUMNS, '--budget', '15', '--count', '3', '--method', 'exact']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const { result, ids } = await library(EXAMPLE, exampleColumns, 15, { objective: 'MAX_COVERED_POPULATION', count: 3, method: 'EXACT' });
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toBe('MAX_COVERED_POPULATION: 3 sites (budget 15), in opening order:');
    ids.forEach((id, i) => expect(lines[1 + i]).toMatch(new RegExp(`^\\s+${i + 1}\\. ${id}\\s+\\+${result.sites[i]!.marginalWeight.toLocaleString('en')} weight`)));
    const covered = result.demandCount - result.uncoveredDemands;
    expect(run.stdout).toContain(`Covered weight: ${result.coveredWeight.toLocaleString('en')} (`);
    expect(run.stdout).toContain(`Demands covered: ${covered} of ${result.demandCount} (${((100 * covered) / result.demandCount).toLocaleString('en', { maximumFractionDigits: 2 })} %), ${result.uncoveredDemands} left uncovered`);
    expect(run.stdout).toContain(`Status: ${result.status}, bound ${result.bound.toLocaleString('en')}`);
  });

  it.each([
    ['max-coverage', ['--count', '2'], { objective: 'MAX_COVERED_POPULATION', count: 2 }, 15],
    ['fewest-sites', [], { objective: 'FEWEST_SITES_FOR_FULL_COVERAGE' }, 15],
    ['fewest-sites', ['--target-share', '0.8'], { objective: 'FEWEST_SITES_FOR_FULL_COVERAGE', targetCoveredShare: 0.8 }, 15],
    ['min-mean-cost', ['--count', '2'], { objective: 'MIN_MEAN_TRAVEL_MINUTES', count: 2 }, 15],
    // Nothing within 3 minutes: the p-median still reads every row (costs beyond the budget count).
    ['min-mean-cost', ['--count', '2'], { objective: 'MIN_MEAN_TRAVEL_MINUTES', count: 2 }, 3],
  ] as const)('--objective %s %j --format json: one JSON object, as the library answers', async (objective, extra, options, budget) => {
    const run = await sites(['--costs', EXAMPLE, ...EXAMPLE_COLUMNS, '--budget', String(budget), '--objective', objective, ...extra, '--method', 'exact', '--format', 'json']);
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(['sites', 'coveredWeight', 'uncoveredCount', 'percentCovered', 'meanCost', 'status', 'bound']);
    const { result, ids } = await library(EXAMPLE, exampleColumns, budget, { ...options, method: 'EXACT' });
    expect(out).toEqual({
      sites: result.sites.map(({ candidate, ...gains }, i) => ({ id: ids[i], ...gains })),
      coveredWeight: result.coveredWeight,
      uncoveredCount: result.uncoveredDemands,
      percentCovered: (100 * (result.demandCount - result.uncoveredDemands)) / result.demandCount,
      meanCost: result.meanCost ?? null,
      status: 'OPTIMAL',
      bound: result.bound,
    });
    if (options.objective === 'MIN_MEAN_TRAVEL_MINUTES') {
      expect(out.meanCost).toBeGreaterThan(0);
      // Every village has a row to every site: nobody is at the penalty, whatever the budget.
      expect(result.penalisedDemands).toBe(0);
    }
  });

  it('weighs every demand 1 without a weight column, and keeps --existing points open instead of offering them', async () => {
    const plain = path.join(FIXTURES, 'plain.csv');
    const run = await sites(['--costs', plain, '--budget', '10', '--objective', 'fewest-sites', '--format', 'json']);
    expect(run.code).toBe(0);
    // Within 10: X reaches A and B, Y reaches B and C, Z reaches D; E (X at 20) cannot be covered. X and Y tie
    // first: the one read first opens first.
    expect(JSON.parse(run.stdout)).toMatchObject({ sites: [{ id: 'X', marginalWeight: 2 }, { id: 'Y', marginalWeight: 1 }, { id: 'Z' }], coveredWeight: 4, uncoveredCount: 1, percentCovered: 80, status: 'OPTIMAL', bound: 3 });
    const existing = await sites(['--costs', plain, '--budget', '10', '--objective', 'fewest-sites', '--existing', 'Y', '--format', 'json']);
    expect(JSON.parse(existing.stdout)).toMatchObject({ sites: [{ id: 'X' }, { id: 'Z' }], coveredWeight: 4, status: 'OPTIMAL' });
    const { ids } = await library(plain, {}, 10, { objective: 'FEWEST_SITES_FOR_FULL_COVERAGE', method: 'AUTO' }, ['Y']);
    expect(ids).toEqual(['X', 'Z']);
  });

  it.each([
    ['bad-missing-column.csv', 1, 'the header has no "cost" column'],
    ['bad-non-numeric-cost.csv', 4, 'the cost "abc" is not a number'],
    ['bad-negative-cost.csv', 3, 'the cost is -5; it must be >= 0'],
    ['bad-negative-weight.csv', 5, 'the weight is -10; it must be >= 0'],
    ['bad-duplicate-pair.csv', 6, 'demand "A" and candidate "X" already have a cost on line 2'],
    ['bad-inconsistent-weight.csv', 5, 'demand "A" has weight 11 here but 10 on line 2'],
    ['bad-empty.csv', 1, 'the file is empty'],
    ['bad-field-count.csv', 3, 'the row has 3 fields but the header has 4'],
  ])('%s: exit code 2, the line on stderr', async (file, line, reason) => {
    const run = await sites(['--costs', path.join(FIXTURES, file), '--budget', '10', '--count', '1']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`${file}, line ${line}: ${reason}`);
  });

  it.each([
    ['no --budget', ['--costs', EXAMPLE, '--count', '1'], '--budget N is required'],
    ['no --costs', ['--budget', '10', '--count', '1'], '--costs FILE is required'],
    ['an unknown objective', ['--costs', EXAMPLE, '--budget', '10', '--objective', 'nearest'], '--objective must be one of max-coverage, fewest-sites, min-mean-cost'],
    ['max-coverage without --count', ['--costs', EXAMPLE, '--budget', '10'], 'needs --count K'],
    ['a negative budget', ['--costs', EXAMPLE, '--budget=-3', '--count', '1'], '--budget must be a number >= 0'],
    ['an unknown option', ['--costs', EXAMPLE, '--budget', '10', '--count', '1', '--colour'], "Unknown option '--colour'"],
    ['more sites than candidates', ['--costs', EXAMPLE, ...EXAMPLE_COLUMNS, '--budget', '10', '--count', '7'], 'from 0 to the 6 candidates (got 7)'],
  ])('%s: exit code 64 with the usage', async (_what, args, message) => {
    const run = await sites(args);
    expect(run.code).toBe(64);
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain('Usage:');
  });
});
