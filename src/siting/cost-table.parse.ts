import { parse as parseCsv } from 'csv-parse/sync';
import { BadInputError } from '../common/errors';
import { sitingProblemFromPairs, type SitingPair, type SitingProblem } from './siting-problem';

/**
 * A long-format cost table, as routing engines and GIS tools export OD matrices: one row per (demand,
 * candidate) pair with its cost, and optionally the demand's weight on every row of that demand.
 */
export interface CostTable {
  /** Demand ids in order of first appearance (demand index → id). */
  readonly demandIds: readonly string[];
  /** Candidate ids in order of first appearance. */
  readonly candidateIds: readonly string[];
  /** Per demand: its weight (1 when the table has no weight column). */
  readonly demandWeights: readonly number[];
  readonly pairs: readonly SitingPair[];
  /** The data line of each pair (pairs[i] was read from line lines[i]). */
  readonly lines: readonly number[];
  /** Whether weights came from the table (false: every demand weighs 1). */
  readonly weighted: boolean;
}

export interface CostTableColumns {
  readonly demand: string;
  readonly candidate: string;
  readonly cost: string;
  /** The weight column's name. */
  readonly weight: string;
  /** true: the weight column must be there (it was named explicitly); false: without it every demand weighs 1. */
  readonly weightRequired: boolean;
}

export const DEFAULT_COST_TABLE_COLUMNS: CostTableColumns = { demand: 'demand', candidate: 'candidate', cost: 'cost', weight: 'weight', weightRequired: false };

/** A problem in the file, with the line it is on (1 is the header). */
export class CostTableError extends BadInputError {
  constructor(
    readonly line: number,
    reason: string,
  ) {
    super(`line ${line}: ${reason}`, { argument: 'costs', line });
  }
}

// Plain decimal numbers only: Number() would also take "0x1F", "Infinity" and "" (as 0).
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function numberIn(text: string | undefined, what: string, line: number): number {
  const cell = (text ?? '').trim();
  if (!DECIMAL.test(cell)) throw new CostTableError(line, `the ${what} ${cell === '' ? 'is empty' : `"${cell.length > 40 ? `${cell.slice(0, 40)}…` : cell}" is not a number`}; write a plain decimal number such as 12.5.`);
  const value = Number(cell);
  if (!Number.isFinite(value)) throw new CostTableError(line, `the ${what} ${cell} is too large.`);
  if (value < 0) throw new CostTableError(line, `the ${what} is ${cell}; it must be >= 0.`);
  return value;
}

/** Reads and checks a whole cost table; the first problem found is thrown as a CostTableError with its line. */
export function readCostTable(content: string, columns: CostTableColumns = DEFAULT_COST_TABLE_COLUMNS): CostTable {
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    rows = parseCsv(content, { bom: true, info: true, skip_empty_lines: true, relax_column_count: true, trim: true }) as unknown as typeof rows;
  } catch (err) {
    const e = err as { message?: string; lines?: number };
    throw new CostTableError(e.lines ?? 1, `the CSV cannot be read: ${e.message ?? 'unknown error'}`);
  }
  if (rows.length === 0) throw new CostTableError(1, `the file is empty; it needs a header row (${columns.demand},${columns.candidate},${columns.cost}[,${columns.weight}]) and a row per pair.`);
  const header = rows[0]!.record;
  const headerLine = rows[0]!.info.lines;
  const find = (name: string): number => {
    const exact = header.indexOf(name);
    return exact >= 0 ? exact : header.findIndex((h) => h.toLowerCase() === name.toLowerCase());
  };
  const named = `(its columns: ${header.map((h) => `"${h}"`).join(', ')})`;
  const at = (name: string, option: string): number => {
    const i = find(name);
    if (i < 0) throw new CostTableError(headerLine, `the header has no "${name}" column ${named}; name the right one with ${option}.`);
    return i;
  };
  const demandAt = at(columns.demand, '--demand-column');
  const candidateAt = at(columns.candidate, '--candidate-column');
  const costAt = at(columns.cost, '--cost-column');
  const weightAt = find(columns.weight);
  if (weightAt < 0 && columns.weightRequired) throw new CostTableError(headerLine, `the header has no "${columns.weight}" column ${named}; leave out --weight-column to weigh every demand 1.`);
  if (rows.length === 1) throw new CostTableError(headerLine, 'the file has a header but no rows; it needs a row per (demand, candidate) pair.');

  const demandIndex = new Map<string, number>();
  const candidateIndex = new Map<string, number>();
  const demandIds: string[] = [];
  const candidateIds: string[] = [];
  const demandWeights: number[] = [];
  const weightLine: number[] = [];
  const pairs: SitingPair[] = [];
  const lines: number[] = [];
  const pairLine = new Map<string, number>();
  for (const { record, info } of rows.slice(1)) {
    const line = info.lines;
    if (record.length !== header.length) throw new CostTableError(line, `the row has ${record.length} fields but the header has ${header.length}.`);
    const demandId = record[demandAt]!;
    const candidateId = record[candidateAt]!;
    if (demandId === '') throw new CostTableError(line, `the ${columns.demand} is empty.`);
    if (candidateId === '') throw new CostTableError(line, `the ${columns.candidate} is empty.`);
    const cost = numberIn(record[costAt], columns.cost, line);
    const weight = weightAt >= 0 ? numberIn(record[weightAt], columns.weight, line) : 1;
    let demand = demandIndex.get(demandId);
    if (demand === undefined) {
      demand = demandIds.length;
      demandIndex.set(demandId, demand);
      demandIds.push(demandId);
      demandWeights.push(weight);
      weightLine.push(line);
    } else if (demandWeights[demand] !== weight) {
      throw new CostTableError(line, `demand "${demandId}" has ${columns.weight} ${weight} here but ${demandWeights[demand]} on line ${weightLine[demand]}; a demand has one weight.`);
    }
    let candidate = candidateIndex.get(candidateId);
    if (candidate === undefined) {
      candidate = candidateIds.length;
      candidateIndex.set(candidateId, candidate);
      candidateIds.push(candidateId);
    }
    const key = `${demand} ${candidate}`;
    const earlier = pairLine.get(key);
    if (earlier !== undefined) throw new CostTableError(line, `demand "${demandId}" and candidate "${candidateId}" already have a cost on line ${earlier}; keep one row per pair.`);
    pairLine.set(key, line);
    pairs.push({ demand, candidate, cost });
    lines.push(line);
  }
  return { demandIds, candidateIds, demandWeights, pairs, lines, weighted: weightAt >= 0 };
}

/** A cost table as a SitingProblem, and the ids of its candidates (candidate index → id). */
export interface TableProblem {
  readonly problem: SitingProblem;
  readonly candidateIds: readonly string[];
  readonly demandIds: readonly string[];
}

/**
 * The problem a cost table poses. Candidates listed in `existing` are points already open: their costs become
 * each demand's existingCost (the cheapest of them) and they are not offered as new sites.
 */
export function sitingProblemFromTable(table: CostTable, budget: number, existing: ReadonlySet<string> = new Set()): TableProblem {
  const unknown = [...existing].filter((id) => !table.candidateIds.includes(id));
  if (unknown.length) throw new BadInputError(`--existing names ${unknown.map((id) => `"${id}"`).join(', ')}, not a candidate in the table.`, { argument: 'existing' });
  const newIndex = new Map<number, number>();
  const candidateIds: string[] = [];
  table.candidateIds.forEach((id, c) => {
    if (existing.has(id)) return;
    newIndex.set(c, candidateIds.length);
    candidateIds.push(id);
  });
  const existingCost = new Array<number>(table.demandIds.length).fill(Number.POSITIVE_INFINITY);
  const pairs: SitingPair[] = [];
  for (const p of table.pairs) {
    const c = newIndex.get(p.candidate);
    if (c === undefined) existingCost[p.demand] = Math.min(existingCost[p.demand]!, p.cost);
    else pairs.push({ demand: p.demand, candidate: c, cost: p.cost });
  }
  const problem = sitingProblemFromPairs({ demandWeights: table.demandWeights, candidateCount: candidateIds.length, pairs, existingCost, budget });
  return { problem, candidateIds, demandIds: table.demandIds };
}
