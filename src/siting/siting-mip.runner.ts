import { Worker } from 'node:worker_threads';
import { AppError, DeadlineExceededError } from '../common/errors';
import { workerFile } from '../common/worker-threads';
import type { MipOutcome, MipTask } from './siting-mip.worker';

const WORKER = workerFile(__filename, 'siting-mip.worker');

/**
 * What the exact solver is allowed past its time limit before its thread is stopped: loading HiGHS's
 * WebAssembly and reading the model are not counted by HiGHS's time_limit, and it checks the clock only
 * between steps of its search.
 */
export const MIP_GRACE_MS = 2_000;

/** The error a cancelled solve rejects with: the signal's own reason when it is a coded error, else DEADLINE_EXCEEDED. */
export function cancelledError(signal: AbortSignal, timeLimitMs: number): AppError {
  if (signal.reason instanceof AppError) return signal.reason;
  return new DeadlineExceededError('The site suggestion was stopped before it finished: its caller cancelled it (the AbortSignal was aborted). Ask again, with a shorter timeLimitMs or the GREEDY method to get an answer sooner.', {
    deadlineMs: timeLimitMs,
  });
}

export interface MipRunOptions {
  readonly signal?: AbortSignal;
  /** Stops the thread after this long and resolves with a `Stopped: …` outcome (no incumbent). */
  readonly hardLimitMs: number;
  /** For the error on cancellation. */
  readonly timeLimitMs: number;
}

/**
 * Runs one model in a fresh worker thread (a thread per solve: HiGHS holds the thread for the whole run, and a
 * solve that must stop early can only be stopped by terminating its thread, which a pool would lose anyway).
 * Rejects with a coded error when `signal` aborts; the thread is terminated then, and when it overruns.
 */
export function runMipInWorker(task: Omit<MipTask, 'kind'>, options: MipRunOptions): Promise<MipOutcome> {
  const { signal } = options;
  if (signal?.aborted) return Promise.reject(cancelledError(signal, options.timeLimitMs));
  return new Promise<MipOutcome>((resolve, reject) => {
    const started = performance.now();
    const worker = new Worker(WORKER.filename, { workerData: { ...task, kind: 'siting-mip' } satisfies MipTask, execArgv: WORKER.execArgv });
    let settled = false;
    const finish = (outcome: { value: MipOutcome } | { error: Error }): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      if ('value' in outcome) resolve(outcome.value);
      else reject(outcome.error);
    };
    const onAbort = (): void => finish({ error: cancelledError(signal!, options.timeLimitMs) });
    const timer = setTimeout(() => {
      finish({
        value: {
          modelStatus: `Stopped: no answer ${Math.round(options.hardLimitMs).toLocaleString('en')} ms after it started`,
          optimal: false,
          objective: null,
          dualBound: null,
          mipGap: null,
          chosenColumns: [],
          runMs: performance.now() - started,
        },
      });
    }, options.hardLimitMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.once('message', (message: { outcome?: MipOutcome; error?: string }) => {
      if (message.outcome) finish({ value: message.outcome });
      else finish({ error: new Error(`The exact solver (HiGHS) failed: ${message.error ?? 'no reason given'}`) });
    });
    worker.once('error', (err) => finish({ error: new Error(`The exact solver's thread failed: ${err.message}`) }));
    worker.once('exit', (code) => finish({ error: new Error(`The exact solver's thread stopped (exit code ${code}) before it answered`) }));
  });
}
