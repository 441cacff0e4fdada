import { Router } from 'express';
import type { MapDeps } from './map.deps';

/** GET /map (coverage map page) and GET /graphql for browsers (offline explorer) (to be written). */
export function createPagesRouter(_deps: MapDeps): Router {
  return Router();
}
