import type { MultiPolygon, Polygon } from 'geojson';
import { coveragePolygon } from '../geo/coverage-polygon';
import { geodesicAreaKm2 } from '../geo/geodesic-area-km2';

/** One coverage polygon to compute: circles of `radiusMeters` (geodesic) around `centers`, clipped to `clip`. */
export interface CoveragePolygonTask {
  centers: [number, number][];
  radiusMeters: number;
  clip: Polygon | MultiPolygon | null;
  /** false: skip the geodesic area (a map tile's piece needs none); `areaKm2` is then NaN. Default true. */
  area?: boolean;
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
  const polygon = coveragePolygon(task.centers, task.radiusMeters, task.clip);
  return { polygon, areaKm2: task.area === false ? Number.NaN : geodesicAreaKm2(polygon) };
}
