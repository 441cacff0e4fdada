import { BadInputError } from '../common/errors';
import type { RoadNetwork } from './road-network';
import { RoadModel } from './road.model';
import type { RoadSpeeds } from './road-speeds';
import { StraightLineModel, type StraightLineParameters } from './straight-line.model';
import { TravelModelName, type TravelModel } from './travel-model';

/**
 * The travel models this server answers with, by name; queries choose one (`travelModel`, default STRAIGHT_LINE).
 * ROAD is built only when a road network is given (none is loaded yet: the GraphQL enum lists it, a query asking
 * for it is refused as bad input).
 */
export class TravelModels {
  private readonly models: ReadonlyMap<TravelModelName, TravelModel>;

  constructor(straightLine: StraightLineParameters, road?: { readonly network: RoadNetwork; readonly speeds?: RoadSpeeds }) {
    const models = new Map<TravelModelName, TravelModel>([[TravelModelName.STRAIGHT_LINE, new StraightLineModel(straightLine)]]);
    if (road) models.set(TravelModelName.ROAD, new RoadModel({ network: road.network, speeds: road.speeds, straightLine }));
    this.models = models;
  }

  has(name: TravelModelName): boolean {
    return this.models.has(name);
  }

  get(name: TravelModelName = TravelModelName.STRAIGHT_LINE): TravelModel {
    const model = this.models.get(name);
    if (!model) throw new BadInputError(`travelModel ${name} is not available on this server: no road network is loaded. Use STRAIGHT_LINE (the default).`, { argument: 'travelModel' });
    return model;
  }
}
