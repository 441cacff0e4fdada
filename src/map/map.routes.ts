import { Router } from 'express';
import type { MapDeps } from './map.deps';
import { createPagesRouter } from './pages.routes';
import { createTilesRouter } from './tiles.routes';

/** HTTP routes for map clients: vector tiles and TileJSON, the /map page, the offline GraphQL explorer. */
export function createMapRouter(deps: MapDeps): Router {
  const router = Router();
  router.use(createTilesRouter(deps));
  router.use(createPagesRouter(deps));
  return router;
}
