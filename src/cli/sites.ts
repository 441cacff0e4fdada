import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { AppError } from '../common/errors';
import { CostTableError, DEFAULT_COST_TABLE_COLUMNS, readCostTable, sitingProblemFromTable } from '../siting/cost-table.parse';
import { solveSiting } from '../siting/solve-siting';
import type { SitingMethod, SitingObjective, SitingResult } from '../siting/siting.type';

const USAGE = `Usage:
  npm run sites -- --costs FILE.csv --budget N [--count K]
      [--objective max-coverage|fewest-sites|min-mean-cost] [--target-share 0.95]
      [--method auto|exact|greedy] [--time-limit-ms 10000] [--format text|json]
      [--demand-column demand] [--candidate-column candidate] [--cost-column cost] [--weight-column weight]
      [--existing ID,ID,...] [--no-swaps]

Suggests where new service points should go, from a long-format cost table (one row per demand and
candidate: the OD matrix routing engines and GIS tools export), costs in any unit (minutes), budget in the
same unit (a demand is covered when an open site is within it). The weight column (population) is optional:
without it every demand weighs 1. --existing lists candidates that are points already open.
  max-coverage   (default) the --count sites that cover the most weight
  fewest-sites   the fewest sites that cover every coverable demand (or --target-share of the coverable weight)
  min-mean-cost  the --count sites with the lowest weighted mean cost to the nearest open site (p-median)
--format json prints one object: { sites: [{ id, marginalWeight, marginalDemands, cumulativeWeight,
cumulativeDemands, cumulativeMeanCost? }] in opening order, coveredWeight, uncoveredCount, percentCovered
(of the demands, by count), meanCost (min-mean-cost, else null), status, bound }.
Exit code: 0 answered, 2 the file is bad (the line is printed), 64 bad arguments, 1 the solver failed.`;

const OBJECTIVES: Record<string, SitingObjective> = {
  'max-coverage': 'MAX_COVERED_POPULATION',
  'fewest-sites': 'FEWEST_SITES_FOR_FULL_COVERAGE',
  'min-mean-cost': 'MIN_MEAN_TRAVEL_MINUTES',
};
const METHODS: Record<string, SitingMethod> = { auto: 'AUTO', exact: 'EXACT', greedy: 'GREEDY' };

class UsageError extends Error {}

const numberArg = (name: string, value: string | undefined, check: (n: number) => boolean, expected: string): number | undefined => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !check(n)) throw new UsageError(`--${name} must be ${expected} (got "${value}").`);
  return n;
};

const figure = (n: number): string => n.toLocaleString('en', { maximumFractionDigits: 2 });
const demands = (n: number): string => `${n} demand${n === 1 ? '' : 's'}`;

function textReport(result: SitingResult, ids: readonly string[], budget: number): string {
  const out: string[] = [];
  const median = result.objective === 'MIN_MEAN_TRAVEL_MINUTES';
  out.push(`${result.objective}: ${result.sites.length} site${result.sites.length === 1 ? '' : 's'} (budget ${figure(budget)}), in opening order:`);
  const width = Math.max(4, ...result.sites.map((s) => ids[s.candidate]!.length));
  result.sites.forEach((s, i) => {
    const cumulative = `cumulative ${figure(s.cumulativeWeight)} (${demands(s.cumulativeDemands)})`;
    out.push(
      `  ${String(i + 1).padStart(3)}. ${ids[s.candidate]!.padEnd(width)}  +${figure(s.marginalWeight)} weight (${demands(s.marginalDemands)}), ${cumulative}` +
        (s.cumulativeMeanCost !== undefined ? `, mean cost ${figure(s.cumulativeMeanCost)}` : ''),
    );
  });
  const covered = result.demandCount - result.uncoveredDemands;
  out.push(`Covered weight: ${figure(result.coveredWeight)} (${figure(100 * result.coveredShare)} % of all; existing points ${figure(result.alreadyCoveredWeight)})`);
  out.push(`Demands covered: ${covered} of ${result.demandCount} (${figure(result.demandCount ? (100 * covered) / result.demandCount : 100)} %), ${result.uncoveredDemands} left uncovered`);
  if (median) {
    out.push(`Mean cost: ${figure(result.meanCost!)}` + (result.penalisedDemands ? ` (${demands(result.penalisedDemands)} reached by no open site counted at ${figure(result.penaltyCost!)})` : ''));
  }
  out.push(
    `Status: ${result.status}, bound ${figure(result.bound)}` +
      (result.status === 'OPTIMAL' ? '' : ` (gap ${figure(result.gapPercent)} %)`) +
      `, method ${result.method}, ${Math.round(result.elapsedMs)} ms` +
      (result.mip ? `; HiGHS: ${result.mip.modelStatus}` : ''),
  );
  return out.join('\n');
}

function jsonReport(result: SitingResult, ids: readonly string[]): string {
  const covered = result.demandCount - result.uncoveredDemands;
  return JSON.stringify({
    sites: result.sites.map(({ candidate, ...gains }) => ({ id: ids[candidate]!, ...gains })),
    coveredWeight: result.coveredWeight,
    uncoveredCount: result.uncoveredDemands,
    percentCovered: result.demandCount ? (100 * covered) / result.demandCount : 100,
    meanCost: result.meanCost ?? null,
    status: result.status,
    bound: result.bound,
  });
}

async function run(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        costs: { type: 'string' },
        'demand-column': { type: 'string' },
        'candidate-column': { type: 'string' },
        'cost-column': { type: 'string' },
        'weight-column': { type: 'string' },
        budget: { type: 'string' },
        count: { type: 'string' },
        objective: { type: 'string' },
        'target-share': { type: 'string' },
        method: { type: 'string' },
        'time-limit-ms': { type: 'string' },
        format: { type: 'string' },
        existing: { type: 'string' },
        'no-swaps': { type: 'boolean' },
        help: { type: 'boolean' },
      },
    }));
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 64;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  let options;
  try {
    if (!values.costs) throw new UsageError('--costs FILE is required.');
    const budget = numberArg('budget', values.budget, (n) => Number.isFinite(n) && n >= 0, 'a number >= 0 in the unit of the costs');
    if (budget === undefined) throw new UsageError('--budget N is required: the largest cost that counts as covered (e.g. 15 minutes).');
    const objectiveName = values.objective ?? 'max-coverage';
    const objective = OBJECTIVES[objectiveName];
    if (!objective) throw new UsageError(`--objective must be one of ${Object.keys(OBJECTIVES).join(', ')} (got "${objectiveName}").`);
    const method = METHODS[values.method ?? 'auto'];
    if (!method) throw new UsageError(`--method must be one of ${Object.keys(METHODS).join(', ')} (got "${values.method}").`);
    const format = values.format ?? 'text';
    if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json (got "${format}").`);
    const count = numberArg('count', values.count, (n) => Number.isInteger(n) && n >= 0, 'a whole number >= 0');
    if (objective !== 'FEWEST_SITES_FOR_FULL_COVERAGE' && count === undefined) throw new UsageError(`--objective ${objectiveName} needs --count K, the number of new sites.`);
    if (objective === 'FEWEST_SITES_FOR_FULL_COVERAGE' && count !== undefined) throw new UsageError('--objective fewest-sites finds the number of sites itself; leave out --count.');
    const targetShare = numberArg('target-share', values['target-share'], (n) => n > 0 && n <= 1, 'a share in (0, 1], e.g. 0.95');
    if (targetShare !== undefined && objective !== 'FEWEST_SITES_FOR_FULL_COVERAGE') throw new UsageError('--target-share goes with --objective fewest-sites.');
    const timeLimitMs = numberArg('time-limit-ms', values['time-limit-ms'], (n) => Number.isFinite(n) && n > 0, 'a number of milliseconds > 0') ?? 10_000;
    options = { file: values.costs, budget, objective, method, format, count, targetShare, timeLimitMs };
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`${err.message}\n${USAGE}`);
    return 64;
  }

  let content: string;
  try {
    content = fs.readFileSync(options.file, 'utf8');
  } catch (err) {
    console.error(`${options.file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`);
    return 2;
  }
  const columns = {
    demand: values['demand-column'] ?? DEFAULT_COST_TABLE_COLUMNS.demand,
    candidate: values['candidate-column'] ?? DEFAULT_COST_TABLE_COLUMNS.candidate,
    cost: values['cost-column'] ?? DEFAULT_COST_TABLE_COLUMNS.cost,
    weight: values['weight-column'] ?? DEFAULT_COST_TABLE_COLUMNS.weight,
    weightRequired: values['weight-column'] !== undefined,
  };
  let table;
  try {
    table = sitingProblemFromTable(readCostTable(content, columns), options.budget, new Set(values.existing ? values.existing.split(',').map((s) => s.trim()).filter(Boolean) : []));
  } catch (err) {
    if (err instanceof CostTableError) {
      console.error(`${options.file}, ${err.message}`);
      return 2;
    }
    if (err instanceof AppError) {
      console.error(`${err.message}\n${USAGE}`);
      return 64;
    }
    throw err;
  }

  // Ctrl-C stops the exact solver's thread instead of leaving it to run out its time.
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  let result: SitingResult;
  try {
    result = await solveSiting(table.problem, {
      objective: options.objective,
      method: options.method,
      timeLimitMs: options.timeLimitMs,
      signal: controller.signal,
      swaps: !values['no-swaps'],
      ...(options.count !== undefined ? { count: options.count } : {}),
      ...(options.targetShare !== undefined ? { targetCoveredShare: options.targetShare } : {}),
    });
  } catch (err) {
    if (err instanceof AppError && err.code === 'BAD_USER_INPUT') {
      console.error(`${err.message}\n${USAGE}`);
      return 64;
    }
    throw err;
  }
  console.log(options.format === 'json' ? jsonReport(result, table.candidateIds) : textReport(result, table.candidateIds, options.budget));
  return 0;
}

run()
  .then((code) => process.exit(code))
  .catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
