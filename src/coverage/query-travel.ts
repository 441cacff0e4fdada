import type { TravelDescription, TravelModel } from '../travel/travel-model';
import type { TravelMode } from './travel-mode.enum';

/** A query's travel: the model, the mode and budget, and the model's own account of them. */
export interface Travel {
  readonly model: TravelModel;
  readonly mode: TravelMode;
  readonly minutes: number;
  /** The budget in the model's field unit (the straight line's: a radius in metres). */
  readonly budgetCost: number;
  readonly description: TravelDescription;
}
