import { BadInputError } from '../common/errors';
import type { RoadNetwork } from './road-network';
import { RoadModel } from './road.model';
import type { RoadSpeeds } from './road-speeds';
import { StraightLineModel, type StraightLineParameters } from './straight-line.model';
import { TravelModelName, type TravelModel } from './travel-model';

/** The road model's settings from the configuration (defaults: road.model.ts). */
export interface RoadModelSettings {
  readonly speeds?: RoadSpeeds;
  readonly maxOffRoadMeters?: number;
  /** Minutes up to which fields are labelled at first (RoadModelOptions.fieldCutoffMinutes). */
  readonly fieldCutoffMinutes?: number;
}

/**
 * The travel models of one data version, by name; queries choose one (`travelModel`, default STRAIGHT_LINE).
 * ROAD exists only when the data holds a road network (`npm run roads -- import`, or the seeds' synthetic ones);
 * without one a query asking for it is refused as bad input.
 */
export class TravelModels {
  private readonly models: ReadonlyMap<TravelModelName, TravelModel>;
  /** Whether the road network is synthetic (the seeds'), for every ROAD answer to say so. */
  readonly syntheticRoads: boolean;

  constructor(straightLine: StraightLineParameters, road?: RoadModelSettings & { readonly network: RoadNetwork; readonly synthetic?: boolean }) {
    const models = new Map<TravelModelName, TravelModel>([[TravelModelName.STRAIGHT_LINE, new StraightLineModel(straightLine)]]);
    if (road) models.set(TravelModelName.ROAD, new RoadModel({ network: road.network, speeds: road.speeds, straightLine, maxOffRoadMeters: road.maxOffRoadMeters, fieldCutoffMinutes: road.fieldCutoffMinutes }));
    this.models = models;
    this.syntheticRoads = road?.synthetic ?? false;
  }

  has(name: TravelModelName): boolean {
    return this.models.has(name);
  }

  get(name: TravelModelName = TravelModelName.STRAIGHT_LINE): TravelModel {
    const model = this.models.get(name);
    if (!model) throw new BadInputError(`travelModel ${name} is not available: no road network is loaded (import one with "npm run roads -- import FILE --area CODE"). Use STRAIGHT_LINE (the default).`, { argument: 'travelModel' });
    return model;
  }
}
