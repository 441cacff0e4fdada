import { Args, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Role } from '../common/role.enum';
import type { Context } from '../graphql/context';
import { actorOf } from '../write/actor';
import type { HandlingRuleRecord } from './handling-rule.repository';
import type { HandlingRuleService } from './handling-rule.service';
import { HandlingRule, HandlingRuleKeyArgs, HandlingRulesArgs, SetHandlingRuleArgs } from './handling-rule.type';

@Resolver(() => HandlingRule)
export class HandlingRuleResolver {
  constructor(private readonly service: HandlingRuleService) {}

  @Query(() => [HandlingRule], { description: 'Handling rules (assisted turnaround, online channels) by item, then area code; with areaCode, those a place under it follows.' })
  handlingRules(@Args() { areaCode, itemCode }: HandlingRulesArgs) {
    return this.service.list(areaCode ?? null, itemCode ?? null);
  }

  @Authorized(Role.EDITOR)
  @Mutation(() => HandlingRule, { description: "Sets an area's rule for an item (creates or replaces it); audited; the data version moves (EDITOR)." })
  setHandlingRule(@Args() { input }: SetHandlingRuleArgs, @Ctx() ctx: Context) {
    return this.service.set(input, { viewer: ctx.viewer, actor: actorOf(ctx) });
  }

  @Authorized(Role.EDITOR)
  @Mutation(() => Boolean, { description: "Deletes an area's rule for an item (places under it then follow the next shorter code's); audited (EDITOR)." })
  deleteHandlingRule(@Args() { areaCode, itemCode }: HandlingRuleKeyArgs, @Ctx() ctx: Context) {
    return this.service.delete(areaCode, itemCode, { actor: actorOf(ctx) });
  }

  @FieldResolver(() => String)
  updatedAt(@Root() r: HandlingRuleRecord) {
    return r.updatedAt.toISOString();
  }
}
