import { Router } from 'express';
import type { MapDeps } from './map.deps';

/** GET /tiles/{layer}/{z}/{x}/{y}.mvt and /tiles/{layer}.json (to be written). */
export function createTilesRouter(_deps: MapDeps): Router {
  return Router();
}
