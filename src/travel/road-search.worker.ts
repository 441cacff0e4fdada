import { parentPort } from 'node:worker_threads';
import { emptyRoadLabels, RoadDirection, roadDijkstra, type RoadLabels, type RoadSearchGraph } from './road-dijkstra';
import { RoadBucketQueue } from './road-mode-costs';

/** The searches' graph of one mode and direction, as the pool hands it over once per thread (shared memory: no copy). */
export interface RoadSearchGraphData {
  readonly edgeOffsets: Uint32Array;
  readonly edgeTarget: Uint32Array;
  /** The edge minutes of the direction searched (RoadModeCosts.edgeMinutes). */
  readonly edgeMinutes: Float64Array;
  readonly bucketMinutes: number;
  readonly bucketCount: number;
  readonly nodeCount: number;
}

/** One multi-source search (road-dijkstra.ts), labels in shared memory, improved in place. */
export interface RoadSearchTask {
  readonly id: number;
  /** Which graph (RoadModeCosts.id and direction); `graph` comes with the key's first task to a thread. */
  readonly graphKey: string;
  readonly graph?: RoadSearchGraphData;
  readonly nodeCount: number;
  /** The labels (shared memory); null: fresh ones, made here (emptyRoadLabels) and sent back. */
  readonly minutes: Float64Array | null;
  readonly source: Int32Array | null;
  readonly seedNode: Uint32Array;
  readonly seedMinutes: Float64Array;
  readonly seedSource: Int32Array;
  readonly maxMinutes: number;
  /**
   * Ties between sources: a before b when rank[a] < rank[b] (the order of their ids, as sourceBefore compares them
   * on the calling thread); every source in the labels and seeds has a rank.
   */
  readonly rank: Int32Array;
}

/** The labels searched (the task's, or fresh ones made here: shared memory either way) and roadDijkstra's answer. */
export type RoadSearchReply = { readonly id: number; readonly beyond: number; readonly minutes: Float64Array; readonly source: Int32Array } | { readonly id: number; readonly error: string };

/** Graphs a thread keeps, the least recently used dropped first (a server searches one network's modes); the pool keeps count alike. */
export const ROAD_SEARCH_GRAPHS_KEPT = 4;
const graphs = new Map<string, RoadSearchGraph>();

function graphOf(task: RoadSearchTask): RoadSearchGraph {
  let graph = graphs.get(task.graphKey);
  if (graph) {
    graphs.delete(task.graphKey);
    graphs.set(task.graphKey, graph);
    return graph;
  }
  const data = task.graph;
  if (!data) throw new Error(`road search: graph ${task.graphKey} was never handed to this thread`);
  const queue = new RoadBucketQueue(data.bucketCount, data.nodeCount);
  graph = { network: { edgeOffsets: data.edgeOffsets, edgeTarget: data.edgeTarget }, bucketMinutes: data.bucketMinutes, edgeMinutes: () => data.edgeMinutes, buckets: () => queue };
  graphs.set(task.graphKey, graph);
  while (graphs.size > ROAD_SEARCH_GRAPHS_KEPT) graphs.delete(graphs.keys().next().value!);
  return graph;
}

/** Runs one task: the same function, on the same arrays, as the calling thread would (bit for bit the same labels). */
export function runRoadSearch(task: RoadSearchTask): { labels: RoadLabels; beyond: number } {
  const graph = graphOf(task);
  const labels = task.minutes && task.source ? { minutes: task.minutes, source: task.source } : emptyRoadLabels(task.nodeCount);
  const seeds = Array.from(task.seedNode, (node, i) => ({ node, minutes: task.seedMinutes[i]!, source: task.seedSource[i]! }));
  const { rank } = task;
  // The direction is in the graph handed over (its edge minutes): roadDijkstra's argument only picks between two arrays.
  return { labels, beyond: roadDijkstra(graph, RoadDirection.TO_SOURCES, labels, seeds, task.maxMinutes, (a, b) => rank[a]! < rank[b]!) };
}

parentPort?.on('message', (task: RoadSearchTask) => {
  let reply: RoadSearchReply;
  try {
    const { labels, beyond } = runRoadSearch(task);
    reply = { id: task.id, beyond, minutes: labels.minutes, source: labels.source };
  } catch (err) {
    reply = { id: task.id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
  parentPort!.postMessage(reply);
});
