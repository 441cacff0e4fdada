export { coveragePolygon } from './coverage-polygon';
export type { CoveragePolygonOptions } from './coverage-polygon';
export { geodesicAreaKm2 } from './geodesic-area-km2';
export { geodesicCircle } from './geodesic-circle';
export { travelMinutes } from './travel-minutes';
export { travelRadiusMeters } from './travel-radius-meters';
export { validateGeometry } from './validate-geometry';
export { convertGeometry, fromWgs84, type Crs } from './convert-geometry';
export { networkIsochrone, networkIsochroneResolution, type NetworkIsochroneOptions, type NetworkIsochroneResolution } from './network-isochrone';
