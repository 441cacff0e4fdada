// A small pool of worker threads for the province-by-province scripts (build-division.mjs, build-national.mjs): the
// script's own file runs in each worker, where serveTasks answers the tasks the main thread posts.
import { Worker, parentPort } from 'node:worker_threads';

/** In a worker: run `work(task)` for every task posted, and post back {ok, result} or {ok: false, error}. */
export function serveTasks(work) {
  parentPort.on('message', async (task) => {
    try {
      parentPort.postMessage({ ok: true, result: await work(task) });
    } catch (err) {
      parentPort.postMessage({ ok: false, task: task.label ?? null, error: err?.stack ?? String(err) });
    }
  });
}

/**
 * In the main thread: run `tasks` on `jobs` workers of `workerFile` (jobs 0: `work` in this thread, for profiling),
 * calling `onResult(result, done)` as each finishes. Resolves with the results in the order they finished.
 */
export async function runTasks({ tasks, jobs, workerFile, work, onResult }) {
  const results = [];
  if (jobs === 0) {
    for (const task of tasks) {
      results.push(await work(task));
      onResult(results[results.length - 1], results.length);
    }
    return results;
  }
  const workers = [];
  try {
    await new Promise((resolve, reject) => {
      let next = 0;
      if (tasks.length === 0) resolve();
      const startWorker = () => {
        const w = new Worker(workerFile);
        let finished = false;
        workers.push({ stop: () => { finished = true; return w.terminate(); } });
        const feed = () => {
          if (next >= tasks.length) { finished = true; w.terminate(); return; }
          w.postMessage(tasks[next++]);
        };
        w.on('message', (msg) => {
          if (!msg.ok) { reject(new Error(`${msg.task ?? 'task'}: ${msg.error}`)); return; }
          results.push(msg.result);
          onResult(msg.result, results.length);
          if (results.length === tasks.length) resolve();
          else feed();
        });
        w.on('error', reject);
        w.on('exit', (code) => { if (!finished) reject(new Error(`worker exited with code ${code}`)); });
        feed();
      };
      for (let i = 0; i < Math.min(jobs, tasks.length); i++) startWorker();
    });
  } finally {
    await Promise.all(workers.map((x) => x.stop()));
  }
  return results;
}
