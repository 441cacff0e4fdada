import { parentPort, workerData } from 'node:worker_threads';
import { AppError } from '../common/errors';
import { solveSiting } from './solve-siting';
import type { SitingProblem } from './siting-problem';
import type { SitingOptions, SitingResult } from './siting.type';

/** What the main thread sends: the whole solve (greedy, bounds, and the exact solver's own thread if it runs). */
export interface SolveTask {
  readonly kind: 'siting-solve';
  readonly problem: SitingProblem;
  readonly options: Omit<SitingOptions, 'signal'>;
}

/** The answer, or a coded error by its code, message and details (an AppError cannot cross the thread whole). */
export type SolveMessage = { readonly result: SitingResult } | { readonly error: { readonly message: string; readonly extensions?: Record<string, unknown> } };

const task = workerData as SolveTask | undefined;
if (parentPort && task?.kind === 'siting-solve') {
  const port = parentPort;
  solveSiting(task.problem, task.options).then(
    (result) => port.postMessage({ result } satisfies SolveMessage),
    (err: unknown) =>
      port.postMessage({
        error: err instanceof AppError ? { message: err.message, extensions: { ...err.extensions } } : { message: err instanceof Error ? err.message : String(err) },
      } satisfies SolveMessage),
  );
}
