import { Authorized, Args, Ctx, FieldResolver, Float, Query, Resolver, Root } from 'type-graphql';
import { Area } from '../area/area.entity';
import { ServicePointIdArgs } from '../common/code.args';
import { MAX_FEATURES } from '../common/limits';
import { fromWgs84 } from '../geo/convert-geometry';
import type { Context } from '../graphql/context';
import type { ServicePointLoaders } from './service-point.loaders';
import type { VillageLoaders } from '../village/village.loaders';
import type { AreaLoaders } from '../area/area.loaders';
import type { ServiceItemLoaders } from '../service-item/service-item.loaders';
import { ownCost } from '../graphql/plugins/query-cost';
import { CRS_ARGS, CrsArgs } from '../graphql/scalars/crs.args';
import { GeoJSONScalar } from '../graphql/scalars/geojson.scalar';
import { ServiceItem } from '../service-item/service-item.entity';
import { Village } from '../village/village.entity';
import { ServicePointConnection } from './service-point.connection';
import { ServicePoint } from './service-point.entity';
import type { ServicePointService } from './service-point.service';
import { ServicePointsArgs, ServicePointsFilterArgs } from './service-points.args';
import { Role } from '../common/role.enum';

type RequestContext = Context<ServicePointLoaders & VillageLoaders & AreaLoaders & ServiceItemLoaders>;

@Resolver(() => ServicePoint)
export class ServicePointResolver {
  constructor(private readonly service: ServicePointService) {}

  @Authorized(Role.READER)
  @Query(() => ServicePointConnection, { description: 'The service-point directory: filter, page (first/after), nearest first with `near`.' })
  servicePoints(@Args() args: ServicePointsArgs, @Ctx() { loaders }: RequestContext) {
    return this.service.list(args, loaders);
  }

  @Authorized(Role.READER)
  @Query(() => GeoJSONScalar, {
    // 1 per feature it can hold: the points of the filter's area (any status), at most MAX_FEATURES.
    complexity: ownCost((args, { sizes }) => 1 + Math.min(MAX_FEATURES, sizes.of((args.filter as { areaCode?: string } | undefined)?.areaCode).points)),
    description: 'The points matching the filter as a GeoJSON FeatureCollection (properties: id, name, kind, status, itemCodes; distanceMeters with near). At most 50,000.',
  })
  servicePointsFeatureCollection(@Args() { filter }: ServicePointsFilterArgs, @Args(CRS_ARGS) { crs }: CrsArgs, @Ctx() { loaders }: RequestContext) {
    return this.service.featureCollection(filter, crs, loaders);
  }

  @Authorized(Role.READER)
  @Query(() => ServicePoint, { nullable: true, description: 'One service point; null with a NOT_FOUND error for an unknown id.' })
  servicePoint(@Args() { id }: ServicePointIdArgs, @Ctx() { loaders }: RequestContext) {
    return this.service.getById(id, loaders);
  }

  @FieldResolver(() => GeoJSONScalar, { description: 'GeoJSON Point in the chosen coordinate system (default WGS-84).' })
  location(@Root() point: ServicePoint, @Args(CRS_ARGS) { crs }: CrsArgs) {
    return fromWgs84(point.location, crs);
  }

  @FieldResolver(() => Float, { description: 'Longitude in the chosen coordinate system (default WGS-84).' })
  longitude(@Root() point: ServicePoint, @Args(CRS_ARGS) { crs }: CrsArgs) {
    return fromWgs84(point.location, crs).coordinates[0];
  }

  @FieldResolver(() => Float, { description: 'Latitude in the chosen coordinate system (default WGS-84).' })
  latitude(@Root() point: ServicePoint, @Args(CRS_ARGS) { crs }: CrsArgs) {
    return fromWgs84(point.location, crs).coordinates[1];
  }

  @FieldResolver(() => Area, { description: 'The township or county the point belongs to.' })
  area(@Root() point: ServicePoint, @Ctx() { loaders }: RequestContext) {
    return loaders.areaByCode.load(point.areaCode);
  }

  @FieldResolver(() => Village, { nullable: true, description: 'The village a village point serves.' })
  village(@Root() point: ServicePoint, @Ctx() { loaders }: RequestContext) {
    return point.villageCode ? loaders.villageByCode.load(point.villageCode) : null;
  }

  @FieldResolver(() => [ServiceItem], { description: 'The service items this point handles (in person).' })
  items(@Root() point: ServicePoint, @Ctx() { loaders }: RequestContext) {
    return loaders.itemsByServicePoint.load(point.id);
  }

  @FieldResolver(() => [ServiceItem], {
    description: "Items this point accepts on a resident's behalf and forwards to the level that decides (assisted handling, 帮办代办); the area's handling rule gives the usual turnaround.",
  })
  assistedItems(@Root() point: ServicePoint, @Ctx() { loaders }: RequestContext) {
    return loaders.assistedItemsByServicePoint.load(point.id);
  }
}
