import type { RoadBucketQueue } from './road-mode-costs';
import { sharedFloat64Array, sharedInt32Array } from './shared-arrays';

/**
 * What a search reads of one mode's costs on a network (RoadModeCosts; in a worker thread, the same arrays shared):
 * the CSR graph, each directed edge's minutes, and the bucket queue with its width.
 */
export interface RoadSearchGraph {
  readonly network: { readonly edgeOffsets: Uint32Array; readonly edgeTarget: Uint32Array };
  readonly bucketMinutes: number;
  edgeMinutes(towardSources: boolean): Float64Array;
  buckets(): RoadBucketQueue;
}

/**
 * Per node: minutes to (or from) the nearest source, Infinity when unreached, and which source (−1 when none). In
 * shared memory, so that a search in a worker thread (road-search.pool.ts) writes them where the field reads them.
 */
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

/** Labels of no node reached (Infinity minutes, source −1), in shared memory. */
export function emptyRoadLabels(nodeCount: number): RoadLabels {
  return { minutes: sharedFloat64Array(nodeCount).fill(Number.POSITIVE_INFINITY), source: sharedInt32Array(nodeCount).fill(-1) };
}

/**
 * Multi-source Dijkstra over the CSR graph for one mode, improving `labels` in place: a node takes a label only if
 * it is cheaper than the one it holds, or as cheap from a source `sourceBefore` puts first (ties: the smaller point
 * id). Given labels that are already right for other sources, it therefore searches only where the seeds win
 * (the new point's cell): one function builds a field (empty labels), adds an origin (the field's labels), refills
 * after a removal (seeds on the hole's edge) and answers single-place questions (scratch labels).
 * Nothing dearer than `maxMinutes` is labelled. `changed` (when given) receives every node whose label changed
 * (maybe more than once). Returns the cheapest label it left out for being dearer than `maxMinutes` (a seed's, or a
 * relaxation that would have improved its node), Infinity when none: no node's label lies between maxMinutes and
 * that, so a search cut at maxMinutes is as good as one cut anywhere below it, and one that returns Infinity was
 * not cut at all.
 *
 * The queue is Dial's: circular buckets of width `costs.bucketMinutes` (the mode's cheapest way, unless that would
 * make more than RoadModeCosts' bucket cap), each a stack of nodes. A bucket is taken out whole and its nodes
 * scanned in node order, each once (marked in a bitset and read back, or sorted when they are few and far apart):
 * the network numbers nodes along a Hilbert curve, so this walks the arrays forwards through nearby memory instead
 * of jumping (on a province-size grid, full searches 1.5-2× faster than in the order they were queued); nodes it
 * puts back into the same bucket are taken out next. Pop and decrease-key cost O(1) instead of a heap's O(log n); a
 * node improved after it was queued leaves a stale entry, skipped when its label no longer falls in the bucket.
 * When the width is at most every edge's cost, a node of the current bucket cannot be improved by another node of
 * that bucket (its edges lead at least one bucket on): labels are final when scanned, as with a heap, whatever the
 * order within the bucket. When it is wider, a node improved within the current bucket is scanned again
 * (label-correcting within the bucket), which ends with the same labels. Either way the labels (minutes and source,
 * ties included) are those of a heap-ordered Dijkstra: each is the best over its neighbours' final labels, by the
 * same comparison. Seeds are fed in cost order as the scan reaches them (their costs may lie beyond the buckets'
 * window). A seed equal to its node's label (minutes and source) is searched from without changing it: a search
 * cut at one maxMinutes resumes to a larger one from its rim.
 *
 * Edge costs come from `costs.edgeMinutes` (one array per direction, in CSR order, Infinity where closed), so
 * the inner loop reads an edge's cost and target from two arrays it walks in order.
 */
export function roadDijkstra(
  costs: RoadSearchGraph,
  direction: RoadDirection,
  labels: RoadLabels,
  seeds: readonly RoadSeed[],
  maxMinutes: number,
  sourceBefore: (a: number, b: number) => boolean,
  changed?: number[],
): number {
  const { edgeOffsets, edgeTarget } = costs.network;
  const edgeMinutes = costs.edgeMinutes(direction === RoadDirection.TO_SOURCES);
  const { minutes, source } = labels;
  const queue = costs.buckets();
  const { stacks, lengths, bits } = queue;
  const slots = queue.size;
  const perMinute = 1 / costs.bucketMinutes;
  let beyond = Number.POSITIVE_INFINITY;
  let queued = 0;

  const pending: RoadSeed[] = [];
  for (const seed of seeds) {
    if (!(seed.minutes <= maxMinutes)) {
      if (seed.minutes < beyond) beyond = seed.minutes;
      continue;
    }
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
  if (pending.length === 0) return beyond;
  pending.sort((a, b) => a.minutes - b.minutes);
  let fed = 0;
  let bucket = Math.floor(pending[0]!.minutes * perMinute);
  for (;;) {
    const slot = bucket % slots;
    // Seeds join the queue when the scan reaches their bucket, if their label still stands.
    while (fed < pending.length && Math.floor(pending[fed]!.minutes * perMinute) <= bucket) {
      const seed = pending[fed++]!;
      if (minutes[seed.node] === seed.minutes && source[seed.node] === seed.source) {
        let stack = stacks[slot]!;
        const length = lengths[slot]!;
        if (length === stack.length) stack = queue.grow(slot);
        stack[length] = seed.node;
        lengths[slot] = length + 1;
        queued++;
      }
    }
    while (lengths[slot]! > 0) {
      const count = lengths[slot]!;
      const stack = stacks[slot]!;
      lengths[slot] = 0;
      queued -= count;
      // The bucket's nodes in node order, each once: marked in a bitset and read back word by word, or, when they
      // are few and far apart (a word range much wider than they are many), sorted.
      let lo = 0x7fffffff;
      let hi = -1;
      for (let i = 0; i < count; i++) {
        const w = stack[i]! >>> 5;
        if (w < lo) lo = w;
        if (w > hi) hi = w;
      }
      let sorted: Int32Array | null = null;
      if (hi - lo > 8 * count + 64) {
        if (queue.batch.length < count) queue.batch = new Int32Array(Math.max(count, 2 * queue.batch.length));
        sorted = queue.batch.subarray(0, count);
        sorted.set(stack.subarray(0, count));
        sorted.sort();
      } else {
        for (let i = 0; i < count; i++) {
          const u = stack[i]!;
          bits[u >>> 5] |= 1 << (u & 31);
        }
      }
      let previous = -1;
      let i = 0;
      let w = lo;
      let word = 0;
      for (;;) {
        let u: number;
        if (sorted) {
          if (i === count) break;
          u = sorted[i++]!;
          if (u === previous) continue; // queued twice in this bucket
          previous = u;
        } else {
          while (word === 0 && w <= hi) {
            word = bits[w]!;
            bits[w++] = 0;
          }
          if (word === 0) break;
          u = ((w - 1) << 5) | (31 - Math.clz32(word & -word));
          word &= word - 1;
        }
        const m = minutes[u]!;
        // A stale entry: u was queued at a dearer key and has been reached cheaper (it was scanned from an earlier bucket).
        if (Math.floor(m * perMinute) !== bucket) continue;
        const su = source[u]!;
        for (let e = edgeOffsets[u]!, end = edgeOffsets[u + 1]!; e < end; e++) {
          const key = m + edgeMinutes[e]!; // Infinity where closed
          if (key > maxMinutes) {
            if (key < beyond && key < minutes[edgeTarget[e]!]!) beyond = key;
            continue;
          }
          const x = edgeTarget[e]!;
          const mx = minutes[x]!;
          if (key < mx || (key === mx && su !== source[x]! && sourceBefore(su, source[x]!))) {
            minutes[x] = key;
            source[x] = su;
            changed?.push(x);
            let to = slot + (Math.floor(key * perMinute) - bucket);
            if (to >= slots) to -= slots;
            let target = stacks[to]!;
            const length = lengths[to]!;
            if (length === target.length) target = queue.grow(to);
            target[length] = x;
            lengths[to] = length + 1;
            queued++;
          }
        }
      }
    }
    if (queued > 0) bucket++;
    else if (fed < pending.length) bucket = Math.floor(pending[fed]!.minutes * perMinute);
    else return beyond;
  }
}
