import { Args, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../graphql/context';
import { actorOf } from '../write/actor';
import { Role } from '../common/role.enum';
import { WriteReport } from '../write/write-report.type';
import { UpsertVillagesArgs } from './village.input';
import type { VillageWriteService } from './village-write.service';

@Resolver()
export class VillageWriteResolver {
  constructor(private readonly writes: VillageWriteService) {}

  @Authorized(Role.EDITOR)
  @Mutation(() => WriteReport, { description: 'Creates or replaces villages by code, in one transaction (EDITOR, inside the key\'s areas).' })
  upsertVillages(@Args() { villages, mode }: UpsertVillagesArgs, @Ctx() ctx: Context) {
    return this.writes.apply(this.writes.fromGraphQL(villages), { mode, expect: 'upsert', viewer: ctx.viewer, actor: actorOf(ctx) });
  }
}
