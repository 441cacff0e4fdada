import type { RoadNetwork } from './road-network';
import { FERRY_CLASS, metersPerMinute, ROAD_CLASSES, type RoadSpeeds } from './road-speeds';
import type { TravelModeName } from './travel-model';

/** The most buckets a search's queue has: a mode whose dearest way is that many times its cheapest gets wider buckets. */
const MAX_BUCKETS = 1 << 16;

/**
 * One mode's costs on one network, worked out once: minutes to travel each whole way (Infinity where the mode may
 * not go), so the searches' inner loop reads one number per edge. Kept per way, not per directed edge: both
 * directions cost the same, and cars read the network's one-way flags (`respectsOneway`).
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
  private readonly bucketCount: number;
  private queue: number[][] | null = null;

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

  /** The bucket queue's buckets (stacks of nodes), made on first use and left empty by every search. */
  buckets(): number[][] {
    if (!this.queue) this.queue = Array.from({ length: this.bucketCount }, () => []);
    return this.queue;
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
