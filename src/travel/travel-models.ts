import { StraightLineModel, type StraightLineParameters } from './straight-line.model';
import { TravelModelName, type TravelModel } from './travel-model';

/** The travel models this server answers with, by name; queries choose one (`travelModel`, default STRAIGHT_LINE). */
export class TravelModels {
  private readonly models: ReadonlyMap<TravelModelName, TravelModel>;

  constructor(straightLine: StraightLineParameters) {
    this.models = new Map<TravelModelName, TravelModel>([[TravelModelName.STRAIGHT_LINE, new StraightLineModel(straightLine)]]);
  }

  get(name: TravelModelName = TravelModelName.STRAIGHT_LINE): TravelModel {
    const model = this.models.get(name);
    if (!model) throw new Error(`no travel model ${name}`); // the GraphQL enum lists only the models built here
    return model;
  }
}
