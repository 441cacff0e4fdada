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
 * Nothing dearer than `maxMinutes` is labelled. `changed` (when given) receives every node whose label changed
 * (maybe more than once).
 *
 * The queue is Dial's: circular buckets of width `costs.bucketMinutes` (the mode's cheapest way, unless that would
 * make more than RoadModeCosts' bucket cap), each a linked list of nodes, scanned in order, so a pop and a
 * decrease-key cost O(1) instead of a heap's O(log n). When the width is at most every edge's cost, a node popped
 * from the current bucket cannot be improved by another node of that bucket (its edges lead at least one bucket
 * on): labels are final when popped, as with a heap. When it is wider, a node improved within the current bucket
 * is put back into it and scanned again (label-correcting within the bucket), which ends with the same labels.
 * Either way the labels (minutes and source, ties included) are those of a heap-ordered Dijkstra: each is the best
 * over its neighbours' final labels, by the same comparison. Seeds are fed in cost order as the scan reaches them
 * (their costs may lie beyond the buckets' window). A seed equal to its node's label (minutes and source) is
 * searched from without changing it: a search cut at one maxMinutes resumes to a larger one from its rim.
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
  const network = costs.network;
  const { edgeOffsets, edgeTarget, edgeWay, edgeOneway } = network;
  const { wayMinutes, respectsOneway } = costs;
  const { minutes, source } = labels;
  // Toward the sources we walk edges backwards: stored edge u→x stands for travel x→u along its twin, closed to
  // cars when u→x is the one-way's own direction (1); forwards, u→x is closed when it runs against it (2).
  const closed = !respectsOneway ? 255 : direction === RoadDirection.TO_SOURCES ? 1 : 2;
  const buckets = costs.buckets();
  const slots = buckets.length;
  const perMinute = 1 / costs.bucketMinutes;
  let queued = 0;

  const pending: RoadSeed[] = [];
  for (const seed of seeds) {
    if (!(seed.minutes <= maxMinutes)) continue;
    const held = minutes[seed.node]!;
    if (seed.minutes < held || (seed.minutes === held && seed.source !== source[seed.node]! && sourceBefore(seed.source, source[seed.node]!))) {
      minutes[seed.node] = seed.minutes;
      source[seed.node] = seed.source;
      changed?.push(seed.node);
      pending.push(seed);
    } else if (seed.minutes === held && seed.source === source[seed.node]) {
      pending.push(seed); // the node's own label: the search resumes from it (a field's cutoff extended)
    }
  }
  if (pending.length === 0) return;
  pending.sort((a, b) => a.minutes - b.minutes);
  let fed = 0;
  let bucket = Math.floor(pending[0]!.minutes * perMinute);
  for (;;) {
    const list = buckets[bucket % slots]!;
    // Seeds join the queue when the scan reaches their bucket, if their label still stands.
    while (fed < pending.length && Math.floor(pending[fed]!.minutes * perMinute) <= bucket) {
      const seed = pending[fed++]!;
      if (minutes[seed.node] === seed.minutes && source[seed.node] === seed.source) {
        list.push(seed.node);
        queued++;
      }
    }
    while (list.length > 0) {
      const u = list.pop()!;
      queued--;
      const m = minutes[u]!;
      // A stale entry: u was queued at a dearer key and has been reached cheaper (it was scanned from an earlier bucket).
      if (Math.floor(m * perMinute) !== bucket) continue;
      const su = source[u]!;
      for (let e = edgeOffsets[u]!, end = edgeOffsets[u + 1]!; e < end; e++) {
        if (edgeOneway[e] === closed) continue;
        const c = wayMinutes[edgeWay[e]!]!;
        if (c === Number.POSITIVE_INFINITY) continue; // closed to the mode
        const key = m + c;
        if (key > maxMinutes) continue;
        const x = edgeTarget[e]!;
        const mx = minutes[x]!;
        if (key < mx || (key === mx && su !== source[x]! && sourceBefore(su, source[x]!))) {
          minutes[x] = key;
          source[x] = su;
          changed?.push(x);
          buckets[Math.floor(key * perMinute) % slots]!.push(x);
          queued++;
        }
      }
    }
    if (queued > 0) bucket++;
    else if (fed < pending.length) bucket = Math.floor(pending[fed]!.minutes * perMinute);
    else return;
  }
}
