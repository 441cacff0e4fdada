import type { RoadNetwork } from './road-network';
import { FERRY_CLASS, metersPerMinute, ROAD_CLASSES, type RoadSpeeds } from './road-speeds';
import { sharedFloat64Array } from './shared-arrays';
import type { TravelModeName } from './travel-model';

let nextCostsId = 1;

/** The most buckets a search's queue has: a mode whose dearest way is that many times its cheapest gets wider buckets. */
const MAX_BUCKETS = 1 << 16;

/**
 * The searches' bucket queue (road-dijkstra.ts), one per mode and network, reused by every search (one at a time:
 * the process has one thread) and left empty by each: per bucket a growable stack of node numbers.
 */
export class RoadBucketQueue {
  readonly stacks: Int32Array[];
  readonly lengths: Int32Array;
  /** A bucket's nodes taken out to be sorted (few and far apart). */
  batch = new Int32Array(1024);
  /** One bit per node: a bucket's nodes marked, to be read back in node order (all 0 between uses). */
  readonly bits: Int32Array;

  constructor(
    readonly size: number,
    nodeCount: number,
  ) {
    this.stacks = Array.from({ length: size }, () => new Int32Array(64));
    this.lengths = new Int32Array(size);
    this.bits = new Int32Array((nodeCount >>> 5) + 1);
  }

  /** Stack `slot`, grown to hold at least one more node. */
  grow(slot: number): Int32Array {
    const old = this.stacks[slot]!;
    const stack = new Int32Array(old.length * 2);
    stack.set(old);
    this.stacks[slot] = stack;
    return stack;
  }
}

/**
 * One mode's costs on one network, worked out once: minutes to travel each whole way (Infinity where the mode may
 * not go), and the same per directed edge in the network's CSR order for each search direction, with Infinity
 * where the mode may not go that way (cars against a one-way street), so the searches' inner loop reads one
 * number per edge from an array it walks in order.
 */
export class RoadModeCosts {
  readonly wayMinutes: Float64Array;
  /** Only cars keep to one-way streets. */
  readonly respectsOneway: boolean;
  readonly offRoadMetersPerMinute: number;
  /**
   * Width of the searches' buckets (road-dijkstra.ts): the cheapest way the mode may use, so that no edge leads
   * into its own bucket, unless the dearest way is more than MAX_BUCKETS − 3 times that (then dearest ÷ that).
   */
  readonly bucketMinutes: number;
  /** Buckets of the searches' queue (the window of the dearest way, plus the bucket being scanned and rounding). */
  readonly bucketCount: number;
  /** Unique in the process: a worker thread keeps the searches' graph (road-search.pool.ts) under it. */
  readonly id = nextCostsId++;
  private queue: RoadBucketQueue | null = null;
  private toSources: Float64Array | null = null;
  private fromSources: Float64Array | null = null;
  private parts: Int32Array | null = null;

  constructor(
    readonly network: RoadNetwork,
    readonly speeds: RoadSpeeds,
    readonly mode: TravelModeName,
  ) {
    const row = speeds.kmh[mode];
    const classMetersPerMinute = ROAD_CLASSES.map((c) => {
      const kmh = row[c];
      return kmh === undefined ? 0 : metersPerMinute(kmh);
    });
    this.respectsOneway = mode === 'CAR';
    this.offRoadMetersPerMinute = metersPerMinute(speeds.offRoadWalkKmh);
    this.wayMinutes = new Float64Array(network.wayCount);
    for (let w = 0; w < network.wayCount; w++) {
      const cls = network.wayClass[w]!;
      let speed = classMetersPerMinute[cls]!;
      if (speed === 0) {
        this.wayMinutes[w] = Number.POSITIVE_INFINITY;
        continue;
      }
      const ferry = network.wayFerryMinutes[w]!;
      if (cls === FERRY_CLASS && !Number.isNaN(ferry)) {
        this.wayMinutes[w] = ferry;
        continue;
      }
      const cap = network.wayMaxspeedKmh[w]!;
      // Signs bind drivers; walkers and cyclists are slower than any posted limit anyway.
      if (mode === 'CAR' && cap > 0) speed = Math.min(speed, metersPerMinute(cap));
      this.wayMinutes[w] = network.wayLengthMeters[w]! / speed;
    }
    let cheapest = Number.POSITIVE_INFINITY;
    let dearest = 0;
    for (let w = 0; w < network.wayCount; w++) {
      const c = this.wayMinutes[w]!;
      if (c === Number.POSITIVE_INFINITY) continue;
      if (c < cheapest) cheapest = c;
      if (c > dearest) dearest = c;
    }
    if (cheapest === Number.POSITIVE_INFINITY) cheapest = dearest = 1; // no usable way: searches stop at their seeds
    this.bucketMinutes = dearest / cheapest > MAX_BUCKETS - 3 ? dearest / (MAX_BUCKETS - 3) : cheapest;
    // A relaxed key lies at most `dearest` past the bucket being scanned: the window, plus the bucket itself and rounding.
    this.bucketCount = Math.floor(dearest / this.bucketMinutes) + 3;
  }

  /** The bucket queue, made on first use and left empty by every search. */
  buckets(): RoadBucketQueue {
    if (!this.queue) this.queue = new RoadBucketQueue(this.bucketCount, this.network.nodeCount);
    return this.queue;
  }

  /**
   * Minutes of each directed edge of the network (CSR order) as a search walks it: toward the sources
   * (`towardSources`: stored edge u → x stands for travel x → u along its twin, closed to cars when u → x is the
   * one-way's own direction) or from them (u → x travelled as stored, closed against the one-way). Infinity where
   * closed or the mode may not go. Made on first use (8 bytes per directed edge; modes other than the car, which
   * ignore one-way streets, share one array for both directions).
   */
  edgeMinutes(towardSources: boolean): Float64Array {
    if (!this.respectsOneway || towardSources) return (this.toSources ??= this.directedMinutes(this.respectsOneway ? 1 : -1));
    return (this.fromSources ??= this.directedMinutes(2));
  }

  /** Memory held by the per-edge arrays made so far (the per-way minutes, the queue aside). */
  get edgeBytes(): number {
    return (this.toSources?.byteLength ?? 0) + (this.fromSources?.byteLength ?? 0) + (this.parts?.byteLength ?? 0);
  }

  /**
   * The connected parts of the network the mode may use (its usable ways, either direction): per node, the part's
   * number (its first node). A place is reached from an origin only within the origin's part. Made on first use.
   */
  components(): Int32Array {
    if (this.parts) return this.parts;
    const { nodeCount, edgeOffsets, edgeTarget, edgeWay } = this.network;
    const parts = new Int32Array(nodeCount).fill(-1);
    const stack = new Int32Array(nodeCount);
    for (let start = 0; start < nodeCount; start++) {
      if (parts[start]! >= 0) continue;
      parts[start] = start;
      let top = 0;
      stack[top++] = start;
      while (top > 0) {
        const u = stack[--top]!;
        for (let e = edgeOffsets[u]!, end = edgeOffsets[u + 1]!; e < end; e++) {
          const x = edgeTarget[e]!;
          if (parts[x]! < 0 && this.wayMinutes[edgeWay[e]!]! < Number.POSITIVE_INFINITY) {
            parts[x] = start;
            stack[top++] = x;
          }
        }
      }
    }
    return (this.parts = parts);
  }

  private directedMinutes(closed: number): Float64Array {
    const { edgeWay, edgeOneway } = this.network;
    const out = sharedFloat64Array(edgeWay.length);
    for (let e = 0; e < out.length; e++) out[e] = edgeOneway[e] === closed ? Number.POSITIVE_INFINITY : this.wayMinutes[edgeWay[e]!]!;
    return out;
  }

  /** A place may join the network on this way: the mode may use it, and it is not a ferry (no boarding mid-river). */
  readonly snappable = (way: number): boolean => this.wayMinutes[way]! < Number.POSITIVE_INFINITY && this.network.wayClass[way] !== FERRY_CLASS;

  /** May the mode go along `way` from its from node towards its to node? */
  forwardOpen(way: number): boolean {
    return !(this.respectsOneway && this.network.wayOneway[way] === -1);
  }

  /** May the mode go along `way` from its to node towards its from node? */
  backwardOpen(way: number): boolean {
    return !(this.respectsOneway && this.network.wayOneway[way] === 1);
  }

  /** Minutes of the off-road leg (walked, whatever the mode: one leaves the car at the road). */
  offRoadMinutes(meters: number): number {
    return meters / this.offRoadMetersPerMinute;
  }
}
