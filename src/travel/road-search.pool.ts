import { Worker } from 'node:worker_threads';
import { workerFile } from '../common/worker-threads';
import type { RoadLabels, RoadSeed } from './road-dijkstra';
import type { RoadModeCosts } from './road-mode-costs';
import { isShared } from './shared-arrays';
import { ROAD_SEARCH_GRAPHS_KEPT, type RoadSearchReply, type RoadSearchTask } from './road-search.worker';

const WORKER = workerFile(__filename, 'road-search.worker');

/** Networks of fewer nodes search on the calling thread: a whole search of 200,000 nodes takes ~20 ms, about what the hand-over saves. */
export const DEFAULT_WORKER_MIN_NODES = 200_000;

/**
 * Runs the road model's large multi-source searches (a field of a province: 2 million nodes, 0.4-0.6 s) in one worker
 * thread, so that the event loop goes on serving requests meanwhile. The graph (CSR offsets and targets, the mode's
 * edge minutes) and the labels are in shared memory (SharedArrayBuffer): the thread is handed them, not a copy; a
 * graph goes over once per thread (its first search), a search's labels with each search, its seeds copied (a few
 * thousand). The thread runs road-dijkstra.ts's function on those arrays, so its labels are those of a search on the
 * calling thread bit for bit; ties between sources go by a rank array given with the seeds (the sources' order by
 * id). Searches queue (one at a time: on two cores the other is the event loop's). The thread starts on the first
 * search and does not keep the process alive; `close()` stops it.
 *
 * While a search runs, its labels must not be read or changed on the calling thread: the caller awaits it first.
 */
export class RoadSearchPool {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (found: { labels: RoadLabels; beyond: number }) => void; reject: (err: Error) => void }>();
  /** Graphs the current thread holds (RoadModeCosts.id and direction), least recently used first, as the thread keeps them. */
  private readonly handed = new Set<string>();
  readonly stats = { searches: 0 };

  /** Whether the mode's graph can be searched in the thread (in shared memory, as RoadNetwork and RoadModeCosts make it). */
  static canSearchGraph(costs: RoadModeCosts): boolean {
    return isShared(costs.network.edgeOffsets) && isShared(costs.network.edgeTarget) && isShared(costs.edgeMinutes(true));
  }

  /** Whether `labels` can be searched in the thread (the graph, and the labels in shared memory as emptyRoadLabels makes them). */
  static canSearch(costs: RoadModeCosts, labels: RoadLabels): boolean {
    return RoadSearchPool.canSearchGraph(costs) && isShared(labels.minutes) && isShared(labels.source);
  }

  /**
   * roadDijkstra(costs, TO_SOURCES, labels, seeds, maxMinutes, sourceBefore) in the worker thread, sourceBefore
   * given as ranks: a source a comes before b when rank[a] < rank[b]; `labels` null: fresh ones, made there
   * (emptyRoadLabels). Resolves with the labels searched and what roadDijkstra returns.
   */
  search(costs: RoadModeCosts, labels: RoadLabels | null, seeds: readonly RoadSeed[], maxMinutes: number, rank: Int32Array): Promise<{ labels: RoadLabels; beyond: number }> {
    const worker = this.start();
    const id = this.nextId++;
    const graphKey = `${costs.id}:to`;
    // The thread keeps the graphs it was handed in the same bounded order as this side (messages arrive in order).
    const handed = this.handed.delete(graphKey);
    this.handed.add(graphKey);
    while (this.handed.size > ROAD_SEARCH_GRAPHS_KEPT) this.handed.delete(this.handed.values().next().value!);
    const task: RoadSearchTask = {
      id,
      graphKey,
      nodeCount: costs.network.nodeCount,
      graph: handed
        ? undefined
        : { edgeOffsets: costs.network.edgeOffsets, edgeTarget: costs.network.edgeTarget, edgeMinutes: costs.edgeMinutes(true), bucketMinutes: costs.bucketMinutes, bucketCount: costs.bucketCount, nodeCount: costs.network.nodeCount },
      minutes: labels?.minutes ?? null,
      source: labels?.source ?? null,
      seedNode: Uint32Array.from(seeds, (s) => s.node),
      seedMinutes: Float64Array.from(seeds, (s) => s.minutes),
      seedSource: Int32Array.from(seeds, (s) => s.source),
      maxMinutes,
      rank,
    };
    this.stats.searches++;
    return new Promise<{ labels: RoadLabels; beyond: number }>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) worker.ref();
      worker.postMessage(task);
    });
  }

  /** Stops the thread (searches under way reject); the next search starts another. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    this.handed.clear();
    if (worker) await worker.terminate();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER.filename, { execArgv: WORKER.execArgv });
    worker.unref();
    worker.on('message', (reply: RoadSearchReply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) worker.unref();
      if ('error' in reply) p.reject(new Error(`road search thread: ${reply.error}`));
      else p.resolve({ labels: { minutes: reply.minutes, source: reply.source }, beyond: reply.beyond });
    });
    const fail = (err: Error): void => {
      if (this.worker === worker) {
        this.worker = null;
        this.handed.clear();
      }
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    worker.on('error', (err) => fail(new Error(`road search thread failed: ${err.message}`)));
    worker.on('exit', (code) => fail(new Error(`road search thread stopped (exit code ${code})`)));
    this.worker = worker;
    return worker;
  }
}

/** The process's pool (models share one thread). */
export const roadSearchPool = new RoadSearchPool();
