import { GraphQLJSONObject } from 'graphql-scalars';
import { Args, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Area } from '../area/area.entity';
import { Role } from '../common/role.enum';
import type { CoverageLoaders } from '../coverage/coverage.loaders';
import { ScenarioSummary } from '../coverage/scenario.type';
import type { Context } from '../graphql/context';
import { actorOf } from '../write/actor';
import { SaveScenarioArgs, ScenarioIdArgs, ScenariosArgs } from './saved-scenario.args';
import type { SavedScenarioRecord } from './saved-scenario.repository';
import type { SavedScenarioService } from './saved-scenario.service';
import { SavedScenario, ScenarioStaleness } from './saved-scenario.type';

type RequestContext = Context<CoverageLoaders>;

@Resolver(() => SavedScenario)
export class SavedScenarioResolver {
  constructor(private readonly service: SavedScenarioService) {}

  @Authorized(Role.PLANNER)
  @Query(() => [SavedScenario], { description: 'Saved scenarios of an area and the areas below it, newest first (PLANNER).' })
  scenarios(@Args() { areaCode, first }: ScenariosArgs) {
    return this.service.list(areaCode, first);
  }

  @Authorized(Role.PLANNER)
  @Query(() => SavedScenario, { name: 'scenario', nullable: true, description: 'A saved scenario; null when there is none of that id (PLANNER).' })
  savedScenario(@Args() { id }: ScenarioIdArgs) {
    return this.service.get(id);
  }

  @Authorized(Role.PLANNER)
  @Mutation(() => SavedScenario, { description: 'Keeps a scenario (checked as when it is evaluated) under a name, for its author and other planners; audited (PLANNER).' })
  saveScenario(@Args() args: SaveScenarioArgs, @Ctx() ctx: RequestContext) {
    return this.service.save(args, { viewer: ctx.viewer, actor: actorOf(ctx) }, ctx.loaders);
  }

  @Authorized(Role.PLANNER)
  @Mutation(() => Boolean, { description: 'Deletes a saved scenario: its author, or an ADMIN key; audited.' })
  deleteScenario(@Args() { id }: ScenarioIdArgs, @Ctx() ctx: RequestContext) {
    return this.service.delete(id, { viewer: ctx.viewer, actor: actorOf(ctx) });
  }

  @FieldResolver(() => Area)
  area(@Root() s: SavedScenarioRecord, @Ctx() { loaders }: RequestContext) {
    return loaders.areaByCode.load(s.areaCode);
  }

  @FieldResolver(() => GraphQLJSONObject)
  scenario(@Root() s: SavedScenarioRecord) {
    return s.changes;
  }

  @FieldResolver(() => ScenarioSummary)
  summary(@Root() s: SavedScenarioRecord) {
    return { ...s.summary, savedId: s.id };
  }

  @FieldResolver(() => String)
  createdAt(@Root() s: SavedScenarioRecord) {
    return s.createdAt.toISOString();
  }

  @FieldResolver(() => [ScenarioStaleness])
  staleness(@Root() s: SavedScenarioRecord, @Ctx() { loaders }: RequestContext) {
    return this.service.staleness(s, loaders);
  }
}
