import { Authorized, Args, Ctx, FieldResolver, Float, Query, Resolver, Root } from 'type-graphql';
import { Area } from '../area/area.entity';
import { VillageCodeArgs } from '../common/code.args';
import { fromWgs84 } from '../geo/convert-geometry';
import type { Context } from '../graphql/context';
import type { VillageLoaders } from './village.loaders';
import type { AreaLoaders } from '../area/area.loaders';
import { CRS_ARGS, CrsArgs } from '../graphql/scalars/crs.args';
import { GeoJSONScalar } from '../graphql/scalars/geojson.scalar';
import { VillageConnection } from './village.connection';
import { Village } from './village.entity';
import type { VillageService } from './village.service';
import { VillagesArgs } from './villages.args';
import { Role } from '../common/role.enum';

type RequestContext = Context<VillageLoaders & AreaLoaders>;

@Resolver(() => Village)
export class VillageResolver {
  constructor(private readonly service: VillageService) {}

  @Authorized(Role.READER)
  @Query(() => Village, { nullable: true, description: 'One village by its 12-digit code; null with a NOT_FOUND error for an unknown code.' })
  village(@Args() { code }: VillageCodeArgs, @Ctx() { loaders }: RequestContext) {
    return this.service.getByCode(code, loaders);
  }

  @Authorized(Role.READER)
  @Query(() => VillageConnection, { description: 'Villages, ordered by code, paged with first/after.' })
  villages(@Args() args: VillagesArgs, @Ctx() { loaders }: RequestContext) {
    return this.service.list(args, loaders);
  }

  @FieldResolver(() => GeoJSONScalar, { description: 'GeoJSON Point in the chosen coordinate system (default WGS-84).' })
  location(@Root() village: Village, @Args(CRS_ARGS) { crs }: CrsArgs) {
    return fromWgs84(village.location, crs);
  }

  @FieldResolver(() => Float, { description: 'Longitude in the chosen coordinate system (default WGS-84).' })
  longitude(@Root() village: Village, @Args(CRS_ARGS) { crs }: CrsArgs) {
    return fromWgs84(village.location, crs).coordinates[0];
  }

  @FieldResolver(() => Float, { description: 'Latitude in the chosen coordinate system (default WGS-84).' })
  latitude(@Root() village: Village, @Args(CRS_ARGS) { crs }: CrsArgs) {
    return fromWgs84(village.location, crs).coordinates[1];
  }

  @FieldResolver(() => Area)
  township(@Root() village: Village, @Ctx() { loaders }: RequestContext) {
    return loaders.areaByCode.load(village.townshipCode);
  }

  @FieldResolver(() => Area)
  county(@Root() village: Village, @Ctx() { loaders }: RequestContext) {
    return loaders.areaByCode.load(village.countyCode);
  }

}
