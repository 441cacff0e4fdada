import { Authorized, Args, Ctx, Query, Resolver } from 'type-graphql';
import { ServiceItemCodeArgs } from '../common/code.args';
import { DelegationLevelArgs } from './delegation-level.args';
import type { Context } from '../graphql/context';
import type { ServiceItemLoaders } from './service-item.loaders';
import { ServiceItem } from './service-item.entity';
import type { ServiceItemService } from './service-item.service';
import { Role } from '../common/role.enum';

type RequestContext = Context<ServiceItemLoaders>;

@Resolver(() => ServiceItem)
export class ServiceItemResolver {
  constructor(private readonly service: ServiceItemService) {}

  @Authorized(Role.READER)
  @Query(() => [ServiceItem], { description: 'The service-item catalogue, optionally only one delegation level.' })
  serviceItems(@Args() { level }: DelegationLevelArgs) {
    return this.service.list(level);
  }

  @Authorized(Role.READER)
  @Query(() => ServiceItem, { nullable: true, description: 'One item; null with a NOT_FOUND error for an unknown code.' })
  serviceItem(@Args() { code }: ServiceItemCodeArgs, @Ctx() { loaders }: RequestContext) {
    return this.service.getByCode(code, loaders);
  }
}
