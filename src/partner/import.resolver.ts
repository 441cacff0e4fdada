import { Args, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../graphql/context';
import { actorOf } from '../write/actor';
import { ImportArgs } from './import.args';
import { importCost } from './import-cost';
import type { ImportService } from './import.service';
import { Role } from '../common/role.enum';
import { WriteReport } from '../write/write-report.type';

const byteLength = (args: Record<string, unknown>): number => (typeof args.content === 'string' ? Buffer.byteLength(args.content) : 0);

const caller = (ctx: Context) => ({ viewer: ctx.viewer, actor: actorOf(ctx) });

@Resolver()
export class ImportResolver {
  constructor(private readonly imports: ImportService) {}

  @Authorized(Role.EDITOR)
  @Mutation(() => WriteReport, {
    complexity: ({ args }) => importCost(byteLength(args)),
    description:
      'Creates or replaces service points by id from CSV (header: id,name,kind,status,area_code,village_code,longitude,latitude,address,phone,opening_hours,item_codes) or GeoJSON Points with those properties (EDITOR).',
  })
  importServicePoints(@Args() args: ImportArgs, @Ctx() ctx: Context) {
    return this.imports.importServicePoints(args, caller(ctx));
  }

  @Authorized(Role.EDITOR)
  @Mutation(() => WriteReport, {
    complexity: ({ args }) => importCost(byteLength(args)),
    description: 'Creates or replaces villages by code from CSV (header: code,name,longitude,latitude,population) or GeoJSON Points (EDITOR).' })
  importVillages(@Args() args: ImportArgs, @Ctx() ctx: Context) {
    return this.imports.importVillages(args, caller(ctx));
  }
}
