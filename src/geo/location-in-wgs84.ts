import { convertPosition, type Crs } from './convert-geometry';

/** [longitude, latitude] in WGS-84 (storage) of a position given in any supported system (WGS-84 when none is named). */
export function locationInWgs84(location: { readonly longitude: number; readonly latitude: number; readonly crs?: Crs | null }): [number, number] {
  return convertPosition([location.longitude, location.latitude], location.crs ?? 'WGS84', 'WGS84') as [number, number];
}
