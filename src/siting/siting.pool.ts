import { Piscina } from 'piscina';
import { BadInputError, DeadlineExceededError, LimitExceededError } from '../common/errors';
import { workerFile } from '../common/worker-threads';
import { cancelledError, MIP_GRACE_MS } from './siting-mip.runner';
import type { SitingProblem } from './siting-problem';
import type { SolveOutcome, SolveTask } from './siting-solve.worker';
import type { SitingOptions, SitingResult } from './siting.type';

const WORKER = workerFile(__filename, 'siting-solve.worker');

/** A coded error of the pool thread's, as the caller would have got it on its own thread. */
function rebuilt(error: { message: string; extensions?: Record<string, unknown> }): Error {
  const { code, http: _http, ...details } = error.extensions ?? {};
  if (code === 'BAD_USER_INPUT') return new BadInputError(error.message, details);
  if (code === 'LIMIT_EXCEEDED') return new LimitExceededError(error.message, details);
  if (code === 'DEADLINE_EXCEEDED') return new DeadlineExceededError(error.message, { ...details, deadlineMs: Number(details.deadlineMs ?? 0) });
  return new Error(error.message);
}

/**
 * Site suggestions off the request thread, in a piscina pool (kept warm: a thread per solve would cost its start
 * on each of a province's thousands of county solves). Greedy, swaps and bounds take seconds on a city's
 * candidates; the exact solver still runs in a thread of its own under the pool's. Aborting the caller's signal,
 * or running past the time limit and grace, stops the task's thread (piscina replaces it).
 */
export class SitingPool {
  private readonly pool: Piscina;

  constructor(options: { threads: number; maxQueue: number }) {
    this.pool = new Piscina({
      filename: WORKER.filename,
      execArgv: WORKER.execArgv,
      minThreads: 0,
      maxThreads: Math.max(1, options.threads),
      maxQueue: options.maxQueue,
      idleTimeout: 60_000,
    });
  }

  async solve(problem: SitingProblem, options: SitingOptions): Promise<SitingResult> {
    const { signal, ...rest } = options;
    if (signal?.aborted) throw cancelledError(signal, options.timeLimitMs);
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    let overran = false;
    const timer = setTimeout(() => {
      overran = true;
      stop.abort();
    }, options.timeLimitMs + 2 * MIP_GRACE_MS);
    try {
      const outcome = (await this.pool.run({ problem, options: rest } satisfies SolveTask, { signal: stop.signal })) as SolveOutcome;
      if ('error' in outcome) throw rebuilt(outcome.error);
      return outcome.result;
    } catch (err) {
      if (overran) {
        throw new DeadlineExceededError(`The site suggestion did not finish within its ${options.timeLimitMs} ms (and ${2 * MIP_GRACE_MS} ms of grace); ask for fewer candidates or the GREEDY method.`, { deadlineMs: options.timeLimitMs });
      }
      if (signal?.aborted) throw cancelledError(signal, options.timeLimitMs);
      throw err;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  close(): Promise<void> {
    return this.pool.destroy();
  }
}
