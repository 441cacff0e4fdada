import { registerEnumType } from 'type-graphql';

export enum ServicePointKind {
  VILLAGE_POINT = 'VILLAGE_POINT',
  TOWNSHIP_STATION = 'TOWNSHIP_STATION',
  COUNTY_HALL = 'COUNTY_HALL',
  HOSPITAL_STATION = 'HOSPITAL_STATION',
}

export enum ServicePointStatus {
  ACTIVE = 'ACTIVE',
  PLANNED = 'PLANNED',
  CLOSED = 'CLOSED',
}

registerEnumType(ServicePointKind, {
  name: 'ServicePointKind',
  description: 'Village (community) point, township station, county service hall, or a station in a designated hospital.',
});
registerEnumType(ServicePointStatus, { name: 'ServicePointStatus', description: 'Only ACTIVE points count for coverage.' });
