import { registerEnumType } from 'type-graphql';

export enum AreaLevel {
  PROVINCE = 'PROVINCE',
  CITY = 'CITY',
  COUNTY = 'COUNTY',
  TOWNSHIP = 'TOWNSHIP',
  /** A planner's own area (createPlanningArea): not in the hierarchy, made of townships and villages or a polygon. */
  PLANNING = 'PLANNING',
}

registerEnumType(AreaLevel, {
  name: 'AreaLevel',
  description: 'Administrative level. Codes: province 2 digits, city 4, county 6, township (town, sub-district) 9; villages (12) are `Village`s. PLANNING: a planner\'s own area (planningAreas), code in capital letters.',
});
