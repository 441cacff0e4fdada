import type { RoadNetwork } from './road-network';
import { FERRY_CLASS, metersPerMinute, ROAD_CLASSES, type RoadSpeeds } from './road-speeds';
import type { TravelModeName } from './travel-model';

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
