import { Authorized, Arg, Args, Ctx, FieldResolver, Float, Query, Resolver, Root } from 'type-graphql';
import { fromWgs84 } from '../geo/convert-geometry';
import { MAX_FEATURES } from '../common/limits';
import { UnauthenticatedError } from '../common/errors';
import { ownCost, scopeSize } from '../graphql/plugins/query-cost';
import type { Viewer } from '../common/viewer';
import { referenceCostPoints } from './reference-coverage';
import { CoverageMethod } from './travel-mode.enum';
import { CRS_ARGS, CrsArgs } from '../graphql/scalars/crs.args';
import type { MultiPolygon, Polygon } from 'geojson';
import type { Context } from '../graphql/context';
import type { CoverageLoaders } from './coverage.loaders';

import { GeoJSONScalar } from '../graphql/scalars/geojson.scalar';
import { Area } from '../area/area.entity';
import { ServicePoint } from '../service-point/service-point.entity';
import { Village } from '../village/village.entity';
import { CompareCoverageArgs, CoverageArgs, CoverageGapsArgs, DelegationMatrixArgs, IsochroneArgs, VillageCoverageArgs, WhereToHandleArgs } from './coverage.args';
import type { CoverageService, CoverageView } from './coverage.service';
import type { CoverageGeoJsonService } from './coverage-geojson.service';
import type { HandlingService } from './handling.service';
import { Coverage, CoverageComparison, CoverageGaps, DelegationMatrix, HandlingOption, HandlingWayOption, Isochrone, VillageCoverage, VillageCoverageConnection, WhereToHandle } from './coverage.type';
import { Role } from '../common/role.enum';

type RequestContext = Context<CoverageLoaders>;

/**
 * A coverage computation: 50 points from the index; the PostGIS reference by its estimated work (one point per
 * millisecond of server time, reference-coverage.ts), from the area's sizes and the travel radius.
 */
const COVERAGE_COST = ownCost((args, { sizes, radiusMeters }) =>
  args.method === 'POSTGIS' ? referenceCostPoints(sizes.of(String(args.areaCode)), sizes.of(''), radiusMeters(args.mode, args.minutes)) : 50,
);

/** The reference reads the tables for every village: not for anonymous callers (ANONYMOUS_ROLES). */
function assertReferenceAllowed(args: CoverageArgs, viewer: Viewer): void {
  if (args.method === CoverageMethod.POSTGIS && viewer.kind === 'anonymous') {
    throw new UnauthenticatedError('method: POSTGIS (the reference computation, which reads the tables for every village) needs an API key with the PLANNER role; send it as "Authorization: Bearer <key>", or use the INDEX method.');
  }
}

@Resolver(() => Coverage)
export class CoverageResolver {
  constructor(
    private readonly service: CoverageService,
    private readonly handling: HandlingService,
    private readonly geojson: CoverageGeoJsonService,
  ) {}

  @Authorized(Role.PLANNER)
  @Query(() => Coverage, {
    complexity: COVERAGE_COST,
    description: 'Which villages (and how many people) reach an active point offering the item within the budget; the circle as a polygon.',
  })
  coverage(@Args() args: CoverageArgs, @Ctx() { loaders, viewer, deadline }: RequestContext) {
    assertReferenceAllowed(args, viewer);
    return this.service.coverageOf(args, loaders, deadline);
  }

  @Authorized(Role.PLANNER)
  @Query(() => CoverageGaps, { complexity: COVERAGE_COST, description: 'Uncovered villages of an area, most people first, each with its nearest point offering the item.' })
  coverageGaps(@Args() args: CoverageGapsArgs, @Ctx() { loaders, viewer, deadline }: RequestContext) {
    assertReferenceAllowed(args, viewer);
    return this.service.gaps(args, loaders, deadline);
  }

  @Authorized(Role.PLANNER)
  @Query(() => CoverageComparison, {
    complexity: ownCost(() => 100), // two coverages from the index
    description: "An area's coverage before and after a what-if scenario (never written), with the villages and people gained and lost, per township.",
  })
  compareCoverage(@Args() args: CompareCoverageArgs, @Ctx() { loaders }: RequestContext) {
    return this.service.compare(args, loaders);
  }

  @Authorized(Role.PLANNER)
  @Query(() => WhereToHandle, { complexity: ownCost(() => 10), description: 'Where a village can handle an item: nearest points, minutes, and whether the delegation rule holds.' })
  whereToHandle(@Args() args: WhereToHandleArgs, @Ctx() { loaders }: RequestContext) {
    return this.handling.whereToHandle(args, loaders);
  }

  @Authorized(Role.PLANNER)
  @Query(() => DelegationMatrix, { complexity: 500, description: 'For each item: its level, how many points of each kind offer it in the area, and its coverage.' })
  delegationMatrix(@Args() args: DelegationMatrixArgs, @Ctx() { loaders }: RequestContext) {
    return this.handling.delegationMatrix(args, loaders);
  }

  @Authorized(Role.PLANNER)
  @Query(() => Isochrone, { complexity: 10, description: "One point's reachable area (any status, so planned points can be assessed)." })
  isochrone(@Args() args: IsochroneArgs, @Ctx() { loaders }: RequestContext) {
    return this.geojson.isochrone(args, loaders);
  }

  @FieldResolver(() => VillageCoverageConnection, { description: 'The villages with their nearest point, ordered by code.' })
  villages(@Root() view: CoverageView, @Args() args: VillageCoverageArgs) {
    return this.service.villages(view, args);
  }

  @FieldResolver(() => GeoJSONScalar, {
    nullable: true,
    complexity: 100,
    description:
      'Null with LIMIT_EXCEEDED when it would union more than MAX_POLYGON_POINTS circles. The area reachable from the counted points within the budget (STRAIGHT_LINE: the union of geodesic circles of provenance.radiusMeters), clipped to the boundary of polygonClippedTo (the area itself, or for a township, which has no boundary in the data, its county): an RFC 7946 MultiPolygon.',
  })
  async polygon(@Root() view: CoverageView, @Args(CRS_ARGS) { crs }: CrsArgs) {
    return this.geojson.polygonIn(view, crs);
  }

  @FieldResolver(() => Area, {
    nullable: true,
    description: 'The area whose boundary polygon (and polygonAreaKm2) is clipped to: the area itself, or its nearest ancestor with a boundary (townships have none in the data: their county). Null when none has one.',
  })
  async polygonClippedTo(@Root() view: CoverageView, @Ctx() { loaders }: RequestContext) {
    const code = await this.service.polygons.clippedTo(view.area, view.provenance.dataVersion, loaders);
    return code ? loaders.areaByCode.load(code) : null;
  }

  @FieldResolver(() => GeoJSONScalar, {
    nullable: true,
    complexity: 100,
    description: 'The polygon as a GeoJSON Feature with the figures as properties (for MapLibre/Leaflet/ECharts).',
  })
  async polygonFeature(@Root() view: CoverageView, @Args(CRS_ARGS) { crs }: CrsArgs, @Ctx() { loaders }: RequestContext) {
    return this.geojson.polygonFeature(view, crs, loaders);
  }

  @FieldResolver(() => GeoJSONScalar, {
    // 1 per village it can hold (the area's), as a page of villages would cost.
    complexity: ownCost((_args, _context, field) => 1 + (scopeSize(field, (s) => s.villages) ?? MAX_FEATURES)),
    description:
      'Every village as a GeoJSON FeatureCollection of Points with properties code, name, population, covered, travelMinutes, distanceMeters, nearestServicePointId (optionally only covered or uncovered ones).',
  })
  villagesFeatureCollection(@Root() view: CoverageView, @Args(CRS_ARGS) { crs }: CrsArgs, @Arg('covered', () => Boolean, { nullable: true, description: 'Only covered (true) or uncovered (false) villages.' }) covered: boolean | undefined, @Ctx() { loaders }: RequestContext) {
    return this.geojson.villagesFeatureCollection(view, crs, covered ?? null, loaders);
  }

  @FieldResolver(() => Float, { nullable: true, complexity: 100, description: 'Ellipsoidal (WGS-84) area of the polygon in km².' })
  polygonAreaKm2(@Root() view: CoverageView) {
    return this.geojson.polygonAreaKm2(view);
  }
}

@Resolver(() => VillageCoverage)
export class VillageCoverageResolver {
  @FieldResolver(() => Village)
  village(@Root() row: VillageCoverage, @Ctx() { loaders }: RequestContext) {
    return loaders.villageByCode.load(row.villageCode);
  }

  @FieldResolver(() => ServicePoint, { nullable: true })
  nearestServicePoint(@Root() row: VillageCoverage, @Ctx() { loaders }: RequestContext) {
    if (!row.nearestPointId) return null;
    return row.scenarioPoints?.get(row.nearestPointId) ?? loaders.servicePointById.load(row.nearestPointId);
  }
}

@Resolver(() => HandlingOption)
export class HandlingOptionResolver {
  @FieldResolver(() => ServicePoint)
  servicePoint(@Root() option: HandlingOption, @Ctx() { loaders }: RequestContext) {
    return option.scenarioPoint ?? loaders.servicePointById.load(option.servicePointId);
  }
}

@Resolver(() => HandlingWayOption)
export class HandlingWayOptionResolver {
  @FieldResolver(() => ServicePoint, { nullable: true, description: 'The point to go to (IN_PERSON, ASSISTED); null for ONLINE.' })
  servicePoint(@Root() option: HandlingWayOption, @Ctx() { loaders }: RequestContext) {
    if (!option.servicePointId) return null;
    return option.scenarioPoint ?? loaders.servicePointById.load(option.servicePointId);
  }
}

@Resolver(() => Isochrone)
export class IsochroneResolver {
  @FieldResolver(() => GeoJSONScalar, { description: 'GeoJSON Polygon (STRAIGHT_LINE) or MultiPolygon (ROAD) in the chosen coordinate system (default WGS-84).' })
  polygon(@Root() isochrone: Isochrone, @Args(CRS_ARGS) { crs }: CrsArgs) {
    return fromWgs84(isochrone.polygon as Polygon | MultiPolygon, crs);
  }
}
