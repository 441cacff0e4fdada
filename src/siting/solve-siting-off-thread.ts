import { Worker } from 'node:worker_threads';
import { BadInputError, DeadlineExceededError, LimitExceededError } from '../common/errors';
import { workerFile } from '../common/worker-threads';
import { cancelledError, MIP_GRACE_MS } from './siting-mip.runner';
import type { SitingProblem } from './siting-problem';
import type { SolveMessage, SolveTask } from './siting-solve.worker';
import type { SitingOptions, SitingResult } from './siting.type';

const WORKER = workerFile(__filename, 'siting-solve.worker');

/** A coded error of the worker's, as the caller would have got it in its own thread. */
function rebuilt(error: { message: string; extensions?: Record<string, unknown> }): Error {
  const { code, http: _http, ...details } = error.extensions ?? {};
  if (code === 'BAD_USER_INPUT') return new BadInputError(error.message, details);
  if (code === 'LIMIT_EXCEEDED') return new LimitExceededError(error.message, details);
  if (code === 'DEADLINE_EXCEEDED') return new DeadlineExceededError(error.message, { ...details, deadlineMs: Number(details.deadlineMs ?? 0) });
  return new Error(error.message);
}

/**
 * solveSiting in a thread of its own: the greedy, its swaps and bounds take seconds on a city's candidates, and a
 * server must keep answering meanwhile (the exact solver runs in a further thread, as in solveSiting). Aborting
 * `signal` terminates the thread (and the solver's under it); so does running past the time limit and grace.
 */
export function solveSitingOffThread(problem: SitingProblem, options: SitingOptions): Promise<SitingResult> {
  const { signal, ...rest } = options;
  if (signal?.aborted) return Promise.reject(cancelledError(signal, options.timeLimitMs));
  return new Promise<SitingResult>((resolve, reject) => {
    const worker = new Worker(WORKER.filename, { workerData: { kind: 'siting-solve', problem, options: rest } satisfies SolveTask, execArgv: WORKER.execArgv });
    let settled = false;
    const finish = (outcome: { value: SitingResult } | { error: Error }): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      if ('value' in outcome) resolve(outcome.value);
      else reject(outcome.error);
    };
    const onAbort = (): void => finish({ error: cancelledError(signal!, options.timeLimitMs) });
    const timer = setTimeout(
      () => finish({ error: new DeadlineExceededError(`The site suggestion did not finish within its ${options.timeLimitMs} ms (and ${MIP_GRACE_MS} ms of grace); ask for fewer candidates or the GREEDY method.`, { deadlineMs: options.timeLimitMs }) }),
      options.timeLimitMs + 2 * MIP_GRACE_MS,
    );
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.once('message', (message: SolveMessage) => finish('result' in message ? { value: message.result } : { error: rebuilt(message.error) }));
    worker.once('error', (err) => finish({ error: new Error(`The site suggestion's thread failed: ${err.message}`) }));
    worker.once('exit', (code) => finish({ error: new Error(`The site suggestion's thread stopped (exit code ${code}) before it answered`) }));
  });
}
