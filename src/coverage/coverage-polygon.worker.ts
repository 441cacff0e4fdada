import type { MultiPolygon, Polygon } from 'geojson';
import { coveragePolygon } from '../geo/coverage-polygon';
import { geodesicAreaKm2 } from '../geo/geodesic-area-km2';
import { networkIsochrone } from '../geo/network-isochrone';
import type { ReachedRoad } from '../geo/reached-road';

/** One coverage polygon to compute: circles of `radiusMeters` (geodesic) around `centers`, clipped to `clip`. */
export interface CirclesPolygonTask {
  kind?: 'circles';
  centers: [number, number][];
  radiusMeters: number;
  clip: Polygon | MultiPolygon | null;
  /** false: skip the geodesic area (a map tile's piece needs none); `areaKm2` is then NaN. Default true. */
  area?: boolean;
}

/** A network isochrone: the reached roads, widened by the walk one can still make off them, clipped to `clip`. */
export interface NetworkPolygonTask {
  kind: 'network';
  roads: ReachedRoad[];
  walkMetersPerMinute: number;
  maxOffRoadMeters: number;
  clip: Polygon | MultiPolygon | null;
  area?: boolean;
}

export type CoveragePolygonTask = CirclesPolygonTask | NetworkPolygonTask;

/** A rough size of the work, to order the queue and keep small ones on the calling thread: circles, or ~10 road pieces for one. */
export function taskSize(task: CoveragePolygonTask): number {
  return task.kind === 'network' ? Math.ceil(task.roads.length / 10) : task.centers.length;
}

export interface CoveragePolygonResult {
  polygon: MultiPolygon;
  /** Geodesic area of `polygon` (km²), computed here too so the request thread does not walk the rings; NaN when not asked. */
  areaKm2: number;
}

/**
 * The task a polygon worker thread runs (piscina calls the default export). A county's polygon takes 0.1–0.3 s
 * of CPU for thousands of circles; on the request thread that would stall every other request meanwhile.
 */
export default function unionCircles(task: CoveragePolygonTask): CoveragePolygonResult {
  const polygon =
    task.kind === 'network'
      ? networkIsochrone(task.roads, { walkMetersPerMinute: task.walkMetersPerMinute, maxOffRoadMeters: task.maxOffRoadMeters, clip: task.clip })
      : coveragePolygon(task.centers, task.radiusMeters, task.clip);
  return { polygon, areaKm2: task.area === false ? Number.NaN : geodesicAreaKm2(polygon) };
}
