import FlatQueue from 'flatqueue';
import type { RoadModeCosts } from './road-mode-costs';

/** Per node: minutes to (or from) the nearest source, Infinity when unreached, and which source (−1 when none). */
export interface RoadLabels {
  readonly minutes: Float64Array;
  readonly source: Int32Array;
}

/** A source enters the network at `node` having spent `minutes` already (its off-road leg and the part of its way up to the node). */
export interface RoadSeed {
  readonly node: number;
  readonly minutes: number;
  readonly source: number;
}

/**
 * TO_SOURCES: labels say minutes from the node to a source (travel node → source, searching over reversed edges):
 * what coverage asks, "from the village to the point", with the points as sources. FROM_SOURCES: minutes from a
 * source to the node (forward edges): a place's own search towards the points. The two differ only for cars on
 * one-way streets.
 */
export enum RoadDirection {
  TO_SOURCES = 1,
  FROM_SOURCES = 2,
}

export function emptyRoadLabels(nodeCount: number): RoadLabels {
  return { minutes: new Float64Array(nodeCount).fill(Number.POSITIVE_INFINITY), source: new Int32Array(nodeCount).fill(-1) };
}

/**
 * Multi-source Dijkstra over the CSR graph for one mode, improving `labels` in place: a node takes a label only if
 * it is cheaper than the one it holds, or as cheap from a source `sourceBefore` puts first (ties: the smaller point
 * id). Given labels that are already right for other sources, it therefore searches only where the seeds win
 * (the new point's cell): one function builds a field (empty labels), adds an origin (the field's labels), refills
 * after a removal (seeds on the hole's edge) and answers single-place questions (scratch labels).
 * Nothing dearer than `maxMinutes` is labelled. Edge costs are positive, so a node's label is final when it is
 * popped, ties included. `changed` (when given) receives every node whose label changed (maybe more than once).
 */
export function roadDijkstra(
  costs: RoadModeCosts,
  direction: RoadDirection,
  labels: RoadLabels,
  seeds: readonly RoadSeed[],
  maxMinutes: number,
  sourceBefore: (a: number, b: number) => boolean,
  changed?: number[],
): void {
  const { edgeOffsets, edgeTarget, edgeWay, edgeOneway } = costs.network;
  const { wayMinutes, respectsOneway } = costs;
  const { minutes, source } = labels;
  // Toward the sources we walk edges backwards: stored edge u→x stands for travel x→u along its twin, closed to
  // cars when u→x is the one-way's own direction (1); forwards, u→x is closed when it runs against it (2).
  const closed = !respectsOneway ? 255 : direction === RoadDirection.TO_SOURCES ? 1 : 2;
  const queue = new FlatQueue<number>();
  const better = (node: number, m: number, s: number): boolean => m < minutes[node]! || (m === minutes[node]! && s !== source[node]! && sourceBefore(s, source[node]!));
  for (const seed of seeds) {
    if (seed.minutes <= maxMinutes && better(seed.node, seed.minutes, seed.source)) {
      minutes[seed.node] = seed.minutes;
      source[seed.node] = seed.source;
      changed?.push(seed.node);
      queue.push(seed.node, seed.minutes);
    }
  }
  while (queue.length > 0) {
    const m = queue.peekValue()!;
    const u = queue.pop()!;
    if (m > minutes[u]!) continue; // a stale entry: u was reached cheaper since
    const s = source[u]!;
    for (let e = edgeOffsets[u]!, end = edgeOffsets[u + 1]!; e < end; e++) {
      if (edgeOneway[e] === closed) continue;
      const c = wayMinutes[edgeWay[e]!]!;
      if (c === Number.POSITIVE_INFINITY) continue;
      const x = edgeTarget[e]!;
      const next = m + c;
      if (next > maxMinutes) continue;
      if (next < minutes[x]! || (next === minutes[x]! && s !== source[x]! && sourceBefore(s, source[x]!))) {
        minutes[x] = next;
        source[x] = s;
        changed?.push(x);
        queue.push(x, next);
      }
    }
  }
}
