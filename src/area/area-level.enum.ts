import { registerEnumType } from 'type-graphql';

export enum AreaLevel {
  PROVINCE = 'PROVINCE',
  CITY = 'CITY',
  COUNTY = 'COUNTY',
  TOWNSHIP = 'TOWNSHIP',
}

registerEnumType(AreaLevel, {
  name: 'AreaLevel',
  description: 'Administrative level. Codes: province 2 digits, city 4, county 6, township (town, sub-district) 9; villages (12) are `Village`s.',
});
