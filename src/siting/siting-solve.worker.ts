import { AppError } from '../common/errors';
import { solveSiting } from './solve-siting';
import type { SitingProblem } from './siting-problem';
import type { SitingOptions, SitingResult } from './siting.type';

/** One solve to run in a pool thread: greedy, its bounds, and the exact solver (in a further thread, as always). */
export interface SolveTask {
  readonly problem: SitingProblem;
  readonly options: Omit<SitingOptions, 'signal'>;
}

/** The answer, or an error by its message and extensions (a coded error's class does not cross threads). */
export type SolveOutcome = { readonly result: SitingResult } | { readonly error: { readonly message: string; readonly extensions?: Record<string, unknown> } };

/** The task a siting pool thread runs (piscina calls the default export). */
export default async function solve(task: SolveTask): Promise<SolveOutcome> {
  try {
    return { result: await solveSiting(task.problem, task.options) };
  } catch (err) {
    return { error: err instanceof AppError ? { message: err.message, extensions: { ...err.extensions } } : { message: err instanceof Error ? err.message : String(err) } };
  }
}
