import { Piscina, queueOptionsSymbol, type PiscinaTask, type TaskQueue } from 'piscina';
import { ServiceUnavailableError } from '../common/errors';
import { workerFile } from '../common/worker-threads';
import unionCircles, { taskSize, type CoveragePolygonResult, type CoveragePolygonTask } from './coverage-polygon.worker';

const WORKER = workerFile(__filename, 'coverage-polygon.worker');

/**
 * Polygons of at most this many circles (a township, most map tiles: a few milliseconds) are computed on the
 * calling thread: cheaper than the hand-over, and they never wait behind a city-wide union or fill the queue
 * when a map asks for a screenful of tiles at once.
 */
export const INLINE_MAX_CIRCLES = 100;

/** Rough CPU cost of one circle in a union (ms): 2,000 circles take 0.1–0.2 s. Orders the queue, nothing else. */
const MS_PER_CIRCLE = 0.1;

interface QueueOptions {
  /** When the polygon would be done if it ran alone from when it arrived: arrival + estimated cost (ms). */
  readyBy: number;
}

const readyBy = (task: PiscinaTask): number => (task[queueOptionsSymbol] as QueueOptions | null)?.readyBy ?? 0;

/**
 * Piscina's task queue, ordered by arrival plus estimated cost instead of arrival alone: a county's map view does
 * not wait behind a queue of city-wide unions, and a big polygon is passed over only by polygons that would be
 * done before it anyway (it cannot starve). Holds at most POLYGON_QUEUE tasks, so insertion is a short scan.
 */
export class CheapestFirstQueue implements TaskQueue {
  private readonly tasks: PiscinaTask[] = [];

  get size(): number {
    return this.tasks.length;
  }

  push(task: PiscinaTask): void {
    const key = readyBy(task);
    let i = this.tasks.length;
    while (i > 0 && readyBy(this.tasks[i - 1]) > key) i--;
    this.tasks.splice(i, 0, task);
  }

  shift(): PiscinaTask | null {
    return this.tasks.shift() ?? null;
  }

  remove(task: PiscinaTask): void {
    const i = this.tasks.indexOf(task);
    if (i >= 0) this.tasks.splice(i, 1);
  }
}

export interface CoveragePolygonPoolOptions {
  /** Worker threads (POLYGON_THREADS); 0 computes on the request thread. */
  threads: number;
  /** Polygons waiting for a thread before new ones are refused with SERVICE_UNAVAILABLE. */
  maxQueue: number;
}

/**
 * Coverage polygons computed in worker threads (piscina), so that a large union (a city's thousands of circles)
 * does not hold up the directory and area requests sharing the event loop. The threads start on the first
 * polygon and stay up; `close()` stops them.
 */
export class CoveragePolygonPool {
  private pool: Piscina<CoveragePolygonTask, CoveragePolygonResult> | null = null;
  /** Computed in all, of which on the calling thread (small, or POLYGON_THREADS=0); refused (queue full). */
  readonly stats = { computed: 0, inline: 0, refused: 0 };

  constructor(private readonly options: CoveragePolygonPoolOptions) {}

  /** Polygons waiting for a thread now (for /metrics). */
  get queued(): number {
    return this.pool?.queueSize ?? 0;
  }

  async union(task: CoveragePolygonTask): Promise<CoveragePolygonResult> {
    const inline = this.options.threads === 0 || taskSize(task) <= INLINE_MAX_CIRCLES;
    const result = inline ? unionCircles(task) : await this.inWorker(task);
    this.stats.computed++;
    if (inline) this.stats.inline++;
    return result;
  }

  private async inWorker(task: CoveragePolygonTask): Promise<CoveragePolygonResult> {
    const pool = (this.pool ??= this.start());
    if (pool.queueSize >= this.options.maxQueue) {
      this.stats.refused++;
      throw new ServiceUnavailableError(
        `${pool.queueSize} coverage polygons are waiting to be computed, the most POLYGON_QUEUE allows; try again in a few seconds, or ask for the figures without the polygon.`,
      );
    }
    // The symbol-keyed queue options stay here: structured clone does not copy them to the worker.
    const queued = { ...task, [queueOptionsSymbol]: { readyBy: performance.now() + taskSize(task) * MS_PER_CIRCLE } satisfies QueueOptions };
    return pool.run(queued);
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    await pool?.destroy();
  }

  private start(): Piscina<CoveragePolygonTask, CoveragePolygonResult> {
    return new Piscina({
      filename: WORKER.filename,
      minThreads: this.options.threads,
      maxThreads: this.options.threads,
      // Idle threads stay: starting one costs ~100 ms (Turf and geographiclib load).
      idleTimeout: Number.POSITIVE_INFINITY,
      execArgv: WORKER.execArgv,
      taskQueue: new CheapestFirstQueue(),
    });
  }
}
