import { registerEnumType } from 'type-graphql';
import { TravelModelName } from '../travel/travel-model';

export { TravelModelName };

registerEnumType(TravelModelName, {
  name: 'TravelModel',
  description: 'How travel time from a village to a service point is estimated. STRAIGHT_LINE: geodesic (WGS-84) distance × the detour factor ÷ the mode\'s speed. ROAD: the shortest travel time over the road network (per-mode speeds, one-way streets for cars, ferries); only where a network is loaded, else refused with BAD_USER_INPUT.',
});

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
