import { Args, Authorized, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Role } from '../common/role.enum';
import { fromWgs84 } from '../geo/convert-geometry';
import type { Context } from '../graphql/context';
import { CRS_ARGS, CrsArgs } from '../graphql/scalars/crs.args';
import { GeoJSONScalar } from '../graphql/scalars/geojson.scalar';
import { actorOf } from '../write/actor';
import type { PlanningAreaRecord } from './planning-area.repository';
import type { PlanningAreaService } from './planning-area.service';
import { CreatePlanningAreaArgs, PlanningArea, PlanningAreaCodeArgs, PlanningAreasArgs } from './planning-area.type';

@Resolver(() => PlanningArea)
export class PlanningAreaResolver {
  constructor(private readonly service: PlanningAreaService) {}

  @Authorized(Role.PLANNER, Role.EDITOR)
  @Query(() => [PlanningArea], { description: 'Every planning area, by code (PLANNER or EDITOR).' })
  planningAreas(@Args() { first }: PlanningAreasArgs) {
    return this.service.list(first ?? 100);
  }

  @Authorized(Role.PLANNER, Role.EDITOR)
  @Query(() => PlanningArea, { nullable: true, description: 'One planning area; null when there is none of that code (PLANNER or EDITOR).' })
  planningArea(@Args() { code }: PlanningAreaCodeArgs) {
    return this.service.get(code);
  }

  @Authorized(Role.PLANNER, Role.EDITOR)
  @Mutation(() => PlanningArea, { description: 'Defines a planning area (townships and villages, or a polygon); audited. CONFLICT when the code exists (PLANNER or EDITOR).' })
  createPlanningArea(@Args() { input }: CreatePlanningAreaArgs, @Ctx() ctx: Context) {
    return this.service.create(input, { viewer: ctx.viewer, actor: actorOf(ctx) });
  }

  @Authorized(Role.PLANNER, Role.EDITOR)
  @Mutation(() => PlanningArea, { description: 'Replaces a planning area\'s name, description and members or polygon (input.code names it); audited (PLANNER or EDITOR).' })
  updatePlanningArea(@Args() { input }: CreatePlanningAreaArgs, @Ctx() ctx: Context) {
    return this.service.update(input, { actor: actorOf(ctx) });
  }

  @Authorized(Role.PLANNER, Role.EDITOR)
  @Mutation(() => Boolean, { description: 'Deletes a planning area that no saved scenario names; audited (PLANNER or EDITOR).' })
  deletePlanningArea(@Args() { code }: PlanningAreaCodeArgs, @Ctx() ctx: Context) {
    return this.service.delete(code, { actor: actorOf(ctx) });
  }

  @FieldResolver(() => GeoJSONScalar, { nullable: true, description: 'The polygon (MultiPolygon, RFC 7946 winding) of a polygon area; null for a members area.' })
  boundary(@Root() a: PlanningAreaRecord, @Args(CRS_ARGS) { crs }: CrsArgs) {
    return a.boundary ? fromWgs84(a.boundary, crs) : null;
  }

  @FieldResolver(() => Int, { description: 'Villages in it now.' })
  async villageCount(@Root() a: PlanningAreaRecord) {
    return (await this.service.figures(a.code)).villageCount;
  }

  @FieldResolver(() => Int, { description: 'Residents of those villages.' })
  async population(@Root() a: PlanningAreaRecord) {
    return (await this.service.figures(a.code)).population;
  }

  @FieldResolver(() => String)
  createdAt(@Root() a: PlanningAreaRecord) {
    return a.createdAt.toISOString();
  }

  @FieldResolver(() => String)
  updatedAt(@Root() a: PlanningAreaRecord) {
    return a.updatedAt.toISOString();
  }
}
