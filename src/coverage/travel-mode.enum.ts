import { registerEnumType } from 'type-graphql';

export enum TravelMode {
  WALK = 'WALK',
  BICYCLE = 'BICYCLE',
  EBIKE = 'EBIKE',
  CAR = 'CAR',
}

registerEnumType(TravelMode, {
  name: 'TravelMode',
  description: 'How residents travel; each mode has a configured speed (defaults: walk 5, bicycle 12, e-bike/motorbike 20, car on rural roads 30 km/h).',
});

export enum CoverageMethod {
  INDEX = 'INDEX',
  POSTGIS = 'POSTGIS',
}

registerEnumType(CoverageMethod, {
  name: 'CoverageMethod',
  description: 'INDEX: the in-memory spatial index (fast, default). POSTGIS: one ST_DWithin query on geography (the reference).',
});
