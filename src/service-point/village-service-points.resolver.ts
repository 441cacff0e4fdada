import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Context } from '../graphql/context';
import { Village } from '../village/village.entity';
import { ServicePoint } from './service-point.entity';
import type { ServicePointLoaders } from './service-point.loaders';

/** `Village.servicePoints`: here, not in village/, because points sit above villages (a point names its village). */
@Resolver(() => Village)
export class VillageServicePointsResolver {
  @FieldResolver(() => [ServicePoint], { description: "The village's own service points (village points), any status." })
  servicePoints(@Root() village: Village, @Ctx() { loaders }: Context<ServicePointLoaders>) {
    return loaders.servicePointsByVillage.load(village.code);
  }
}
