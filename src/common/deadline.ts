import { DeadlineExceededError } from './errors';

/**
 * When a request must have answered (REQUEST_DEADLINE_MS after it arrived). Long work checks it before each step
 * (`assertTime` with the step's estimated cost), so nothing starts that cannot finish in time; `signal` aborts
 * when the time is up, for work that can be told to stop.
 */
export class Deadline {
  readonly at: number;
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;

  constructor(readonly ms: number, now = Date.now()) {
    this.at = now + ms;
    this.timer = setTimeout(() => this.controller.abort(), ms);
    this.timer.unref();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  remainingMs(now = Date.now()): number {
    return Math.max(0, this.at - now);
  }

  get expired(): boolean {
    return this.controller.signal.aborted || Date.now() >= this.at;
  }

  /** The answer went out (or the request was given up): nothing more to wait for. */
  release(): void {
    clearTimeout(this.timer);
  }

  /** A promise that settles when the time is up (for racing the request's work). */
  whenExpired(): Promise<void> {
    if (this.controller.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => this.controller.signal.addEventListener('abort', () => resolve(), { once: true }));
  }

  /** Throws DEADLINE_EXCEEDED when the time is up. */
  check(what: string): void {
    if (this.expired) throw this.exceeded(`${what} was not finished within the request deadline of ${this.ms.toLocaleString('en')} ms (REQUEST_DEADLINE_MS).`);
  }

  /**
   * Throws DEADLINE_EXCEEDED, before anything starts, when `what` is priced at more milliseconds than are left:
   * on the embedded database a statement runs on the event loop and cannot be cancelled once started.
   */
  assertTime(estimatedMs: number, what: string): void {
    const left = this.remainingMs();
    if (estimatedMs > left) {
      throw this.exceeded(
        `${what} is estimated at ${Math.ceil(estimatedMs).toLocaleString('en')} ms, more than the ${left.toLocaleString('en')} ms left of the request deadline (REQUEST_DEADLINE_MS ${this.ms.toLocaleString('en')} ms). Ask for a smaller area or a shorter budget, or use the INDEX method.`,
        { estimatedMs: Math.ceil(estimatedMs), remainingMs: left },
      );
    }
  }

  private exceeded(message: string, details: Record<string, unknown> = {}): DeadlineExceededError {
    return new DeadlineExceededError(message, { deadlineMs: this.ms, ...details });
  }
}
