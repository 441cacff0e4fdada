import { registerEnumType } from 'type-graphql';

/** The lowest administrative level allowed to handle an item: "minor matters within the village, major within the town, challenging within the county". */
export enum DelegationLevel {
  VILLAGE = 'VILLAGE',
  TOWNSHIP = 'TOWNSHIP',
  COUNTY = 'COUNTY',
}

registerEnumType(DelegationLevel, {
  name: 'DelegationLevel',
  description: 'Lowest level allowed to handle a service item.',
});
