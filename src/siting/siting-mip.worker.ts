import { parentPort, workerData } from 'node:worker_threads';
import loadHighs from 'highs';

/** What the main thread sends: a model in LP format and how long HiGHS may take. */
export interface MipTask {
  /** Marks the worker's own task (the module can also be imported, e.g. by a test, in a thread of its own). */
  readonly kind: 'siting-mip';
  readonly lp: string;
  /**
   * When HiGHS must stop (Date.now() time: the threads' performance clocks start apart). Its own time_limit
   * counts from run(), so reading the model (seconds for a big one) is taken off first.
   */
  readonly deadlineEpochMs: number;
  /** A starting incumbent (the greedy answer), by variable name. */
  readonly startNames: readonly string[];
  readonly startValues: readonly number[];
  /** HiGHS's absolute gap (mip_abs_gap): below 1 proves a whole-number objective (site counts) early. */
  readonly absoluteGap: number;
}

export interface MipOutcome {
  /** HiGHS's model status by name (optimal, timeLimit, interrupted, …). */
  readonly modelStatus: string;
  readonly optimal: boolean;
  /** The incumbent's objective, when HiGHS has a feasible solution. */
  readonly objective: number | null;
  /** mip_dual_bound: proven bound on the model's optimum (upper when maximising); null when HiGHS has none. */
  readonly dualBound: number | null;
  readonly mipGap: number | null;
  /** The y columns at 1 in the incumbent (their numbers, y<i> → i). */
  readonly chosenColumns: number[];
  readonly runMs: number;
}

// One runtime per thread: compiling the WebAssembly takes ~40 ms, and a model is created per solve anyway.
let runtime: ReturnType<typeof loadHighs> | null = null;

const finiteOrNull = (value: number | bigint): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

/**
 * Solves one model with HiGHS (WebAssembly, single-threaded). HiGHS's `run()` blocks its thread until it
 * finishes or reaches time_limit, which is why this runs in a worker thread: the server's event loop stays
 * free, and the only way to stop it sooner (a cancelled request) is to terminate the thread.
 */
export async function solveMipTask(task: MipTask): Promise<MipOutcome> {
  const started = performance.now();
  const highs = await (runtime ??= loadHighs());
  const model = highs.createModel({ format: 'lp', data: task.lp });
  try {
    // mip_rel_gap 0: HiGHS's default (1e-4) would call an answer 0.01 % short of the bound optimal.
    model.options.set({ output_flag: false, mip_rel_gap: 0, mip_abs_gap: task.absoluteGap, random_seed: 0 });
    const { numCols } = model.getDimensions();
    const names: string[] = [];
    const index = new Map<string, number>();
    for (let j = 0; j < numCols; j++) {
      const name = model.getColName(j);
      names.push(name);
      index.set(name, j);
    }
    const indices: number[] = [];
    const values: number[] = [];
    task.startNames.forEach((name, i) => {
      const j = index.get(name);
      // HiGHS drops variables that appear only in the Bounds section (none here), so a name may be absent.
      if (j !== undefined) {
        indices.push(j);
        values.push(task.startValues[i]!);
      }
    });
    if (indices.length > 0) model.setSolution({ indices, values });
    model.options.set('time_limit', Math.max(0.001, (task.deadlineEpochMs - Date.now()) / 1000));
    const run = model.run();
    const statusName = Object.entries(highs.constants.modelStatus).find(([, code]) => code === run.modelStatus)?.[0] ?? `status ${run.modelStatus}`;
    const feasible = model.info.get('primal_solution_status') === highs.constants.solutionStatus.feasible;
    const chosenColumns: number[] = [];
    if (feasible) {
      const { colValue } = model.getSolution();
      names.forEach((name, j) => {
        if (name.startsWith('y') && colValue[j]! > 0.5) chosenColumns.push(Number(name.slice(1)));
      });
    }
    return {
      modelStatus: statusName,
      optimal: run.modelStatus === highs.constants.modelStatus.optimal,
      objective: feasible ? finiteOrNull(model.getObjectiveValue()) : null,
      dualBound: finiteOrNull(model.info.get('mip_dual_bound')),
      mipGap: finiteOrNull(model.info.get('mip_gap')),
      chosenColumns: chosenColumns.sort((a, b) => a - b),
      runMs: performance.now() - started,
    };
  } finally {
    model.dispose();
  }
}

if (parentPort && (workerData as Partial<MipTask> | null)?.kind === 'siting-mip') {
  const port = parentPort;
  solveMipTask(workerData as MipTask).then(
    (outcome) => port.postMessage({ outcome }),
    (err: unknown) => port.postMessage({ error: err instanceof Error ? err.message : String(err) }),
  );
}
