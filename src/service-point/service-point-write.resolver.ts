import { ArrayMaxSize, Matches } from 'class-validator';
import { Arg, Args, ArgsType, Authorized, Ctx, Field, Mutation, Resolver } from 'type-graphql';
import { ServicePointIdArgs } from '../common/code.args';
import { ITEM_CODE_PATTERN } from '../common/codes';
import type { Context } from '../graphql/context';
import { actorOf } from '../write/actor';
import { Role } from '../common/role.enum';
import { ServicePoint } from './service-point.entity';
import { CreateServicePointInput, UpdateServicePointInput } from './service-point.input';
import type { ServicePointWriteService } from './service-point-write.service';

@ArgsType()
class ItemCodesArgs {
  @Field(() => [String], { description: 'The complete new item set (replaces the old one).' })
  @ArrayMaxSize(100)
  @Matches(ITEM_CODE_PATTERN, { each: true, message: 'itemCodes: each must be an item code such as RESIDENT_ENROLMENT' })
  itemCodes: string[];
}

const caller = (ctx: Context) => ({ viewer: ctx.viewer, actor: actorOf(ctx) });

/** Writes to the directory (EDITOR keys, inside their areas); each is validated and audited. */
@Resolver(() => ServicePoint)
export class ServicePointWriteResolver {
  constructor(private readonly writes: ServicePointWriteService) {}

  @Authorized(Role.EDITOR)
  @Mutation(() => ServicePoint, { description: 'Adds a service point (EDITOR, inside the key\'s areas).' })
  createServicePoint(@Arg('input') input: CreateServicePointInput, @Ctx() ctx: Context) {
    return this.writes.create(input, caller(ctx));
  }

  @Authorized(Role.EDITOR)
  @Mutation(() => ServicePoint, { description: 'Changes the given fields of a service point (EDITOR).' })
  updateServicePoint(@Args() { id }: ServicePointIdArgs, @Arg('input') input: UpdateServicePointInput, @Ctx() ctx: Context) {
    return this.writes.update(id, input, caller(ctx));
  }

  @Authorized(Role.EDITOR)
  @Mutation(() => ServicePoint, {
    description: "Replaces the items a point accepts on a resident's behalf and forwards (assisted handling, 帮办代办); none of them may be among the items it handles itself (EDITOR).",
  })
  setServicePointAssistedItems(@Args() { id }: ServicePointIdArgs, @Args() { itemCodes }: ItemCodesArgs, @Ctx() ctx: Context) {
    return this.writes.setAssistedItems(id, itemCodes, caller(ctx));
  }

  @Authorized(Role.EDITOR)
  @Mutation(() => ServicePoint, { description: "Replaces the items a point handles; they must be of the point's level or below (EDITOR)." })
  setServicePointItems(@Args() { id }: ServicePointIdArgs, @Args() { itemCodes }: ItemCodesArgs, @Ctx() ctx: Context) {
    return this.writes.setItems(id, itemCodes, caller(ctx));
  }

  @Authorized(Role.EDITOR)
  @Mutation(() => ServicePoint, { description: 'Marks a point CLOSED: it stays in the directory and stops counting for coverage (EDITOR).' })
  closeServicePoint(@Args() { id }: ServicePointIdArgs, @Ctx() ctx: Context) {
    return this.writes.close(id, caller(ctx));
  }
}
