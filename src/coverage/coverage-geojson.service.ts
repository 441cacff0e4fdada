import type { Feature, FeatureCollection, MultiPolygon, Point, Polygon } from 'geojson';
import { LimitExceededError, NotFoundError } from '../common/errors';
import { MAX_FEATURES } from '../common/limits';
import { fromWgs84, geodesicAreaKm2, geodesicCircle, type Crs } from '../geo';
import type { Village } from '../village/village.entity';
import type { IsochroneArgs } from './coverage.args';
import { villageCoverage } from './coverage-figures';
import type { CoverageLoaders } from './coverage.loaders';
import type { CoverageService, CoverageView } from './coverage.service';
import type { Isochrone } from './coverage.type';
import { CoverageMethod } from './travel-mode.enum';
import { ANY_ITEM } from './coverage.engine';

type Loaders = CoverageLoaders;

/** A coverage's polygon and villages as GeoJSON (in the asked coordinate system), and a point's isochrone. */
export class CoverageGeoJsonService {
  constructor(private readonly coverage: CoverageService) {}

  /** The coverage polygon in `crs`; in WGS-84 the cached polygon itself (nothing downstream changes it), not a copy. */
  async polygonIn(view: CoverageView, crs: Crs): Promise<MultiPolygon> {
    const { polygon } = await view.polygon();
    return fromWgs84(polygon, crs);
  }

  /** The coverage polygon as a Feature whose properties carry the figures and the method. */
  async polygonFeature(view: CoverageView, crs: Crs, loaders: Loaders): Promise<Feature<MultiPolygon>> {
    const [{ polygon, areaKm2 }, clippedTo] = await Promise.all([view.polygon(), this.coverage.polygons.clippedTo(view.area, view.provenance.dataVersion, loaders)]);
    return {
      type: 'Feature',
      geometry: fromWgs84(polygon, crs),
      properties: {
        areaCode: view.area.code,
        areaName: view.area.name,
        itemCode: view.itemCode,
        travelModel: view.travel.model.name,
        mode: view.travel.mode,
        minutes: view.travel.minutes,
        ...view.travel.description.parameters,
        areaKm2,
        clippedTo,
        coveredPopulationRatio: view.coveredPopulationRatio,
        dataVersion: view.provenance.dataVersion,
        crs,
      },
    };
  }

  /** Villages of a coverage result as a FeatureCollection of Points, ready for MapLibre, Leaflet or ECharts. */
  async villagesFeatureCollection(view: CoverageView, crs: Crs, covered: boolean | null, loaders: Loaders): Promise<FeatureCollection<Point>> {
    const c = view.computation;
    const picked: number[] = [];
    for (let k = 0; k < c.codes.length; k++) if (covered === null || Boolean(c.covered[k]) === covered) picked.push(k);
    if (picked.length > MAX_FEATURES) {
      throw new LimitExceededError(`${picked.length} villages are more than the ${MAX_FEATURES} one collection may hold; ask for a smaller area or use the vector tiles (/tiles/villages).`, {
        features: picked.length,
        limit: MAX_FEATURES,
      });
    }
    const villages = await loaders.villageByCode.loadMany(picked.map((k) => c.codes[k]!));
    const features = picked.map((k, i) => {
      const village = villages[i] as Village;
      const row = villageCoverage(c, k, view.travel);
      return {
        type: 'Feature' as const,
        id: village.code,
        geometry: fromWgs84(village.location, crs),
        properties: {
          code: village.code,
          name: village.name,
          population: village.population,
          covered: row.covered,
          travelMinutes: row.travelMinutes,
          distanceMeters: row.distanceMeters,
          nearestServicePointId: row.nearestPointId,
        },
      };
    });
    return { type: 'FeatureCollection', features };
  }

  async polygonAreaKm2(view: CoverageView): Promise<number> {
    return (await view.polygon()).areaKm2;
  }

  /**
   * One point's reach: the straight line's geodesic circle, or over a road network the roads from which the point
   * is reached within the budget, widened by the walk one can still make off them (networkIsochrone); with the
   * villages the travel model says reach it within the budget and their people (as the coverage would count them
   * were it the only point).
   */
  async isochrone(args: IsochroneArgs, loaders: Loaders): Promise<Isochrone> {
    const scenario = await this.coverage.scenarios.resolveArgs(args, loaders);
    const point = scenario?.shown.get(args.servicePointId) ?? (await loaders.servicePointById.load(args.servicePointId));
    if (!point) throw new NotFoundError('ServicePoint', args.servicePointId);
    const engine = await this.coverage.currentEngine(loaders);
    const travel = this.coverage.travel(args, engine);
    const version = engine.dataVersion;
    const place = point.location.coordinates as [number, number];
    // From the engine at once, before any await: of one version.
    const reached = engine.reachFrom(place[0], place[1], ANY_ITEM, travel.model, travel.mode, travel.budgetCost);
    const shape = travel.model.reachShape(travel.mode, travel.minutes);
    const polygon: Polygon | MultiPolygon =
      shape.kind === 'circles'
        ? geodesicCircle(place, shape.radiusMeters, 128)
        : (
            await this.coverage.polygons.compute({
              kind: 'network',
              roads: travel.model.reachedRoads?.([place], travel.mode, travel.minutes) ?? [],
              walkMetersPerMinute: shape.walkMetersPerMinute,
              maxOffRoadMeters: shape.maxOffRoadMeters,
              clip: null,
            })
          ).polygon;
    return {
      servicePoint: point,
      polygon,
      polygonAreaKm2: geodesicAreaKm2(polygon),
      villageCount: reached.villages.length,
      population: engine.populationOf(reached.villages),
      provenance: this.coverage.provenance(version, CoverageMethod.INDEX, travel, scenario),
    };
  }
}
