import { Args, Ctx, FieldResolver, Float, Query, Resolver, Root } from 'type-graphql';
import { Area } from '../area/area.entity';
import { ServicePointIdArgs } from '../common/code.args';
import type { Context } from '../graphql/context';
import { ServiceItem } from '../service-item/service-item.entity';
import { Village } from '../village/village.entity';
import { ServicePointConnection } from './service-point.connection';
import { ServicePoint } from './service-point.entity';
import type { ServicePointService } from './service-point.service';
import { ServicePointsArgs } from './service-points.args';

@Resolver(() => ServicePoint)
export class ServicePointResolver {
  constructor(private readonly service: ServicePointService) {}

  @Query(() => ServicePointConnection, { description: 'The service-point directory: filter, page (first/after), nearest first with `near`.' })
  servicePoints(@Args() args: ServicePointsArgs, @Ctx() { loaders }: Context) {
    return this.service.list(args, loaders);
  }

  @Query(() => ServicePoint, { nullable: true, description: 'One service point; null with a NOT_FOUND error for an unknown id.' })
  servicePoint(@Args() { id }: ServicePointIdArgs, @Ctx() { loaders }: Context) {
    return this.service.getById(id, loaders);
  }

  @FieldResolver(() => Float, { description: 'WGS-84 longitude.' })
  longitude(@Root() point: ServicePoint) {
    return point.location.coordinates[0];
  }

  @FieldResolver(() => Float, { description: 'WGS-84 latitude.' })
  latitude(@Root() point: ServicePoint) {
    return point.location.coordinates[1];
  }

  @FieldResolver(() => Area, { description: 'The township or county the point belongs to.' })
  area(@Root() point: ServicePoint, @Ctx() { loaders }: Context) {
    return loaders.areaByCode.load(point.areaCode);
  }

  @FieldResolver(() => Village, { nullable: true, description: 'The village a village point serves.' })
  village(@Root() point: ServicePoint, @Ctx() { loaders }: Context) {
    return point.villageCode ? loaders.villageByCode.load(point.villageCode) : null;
  }

  @FieldResolver(() => [ServiceItem], { description: 'The service items this point handles.' })
  items(@Root() point: ServicePoint, @Ctx() { loaders }: Context) {
    return loaders.itemsByServicePoint.load(point.id);
  }
}
