import { Args, ArgsType, Authorized, Field, ID, Resolver, Root, Subscription } from 'type-graphql';
import { Matches, validate } from 'class-validator';
import { BadInputError } from '../common/errors';
import { AREA_CODE_PATTERN } from '../common/codes';
import type { Context } from '../graphql/context';
import type { CoverageLoaders } from './coverage.loaders';

import { Role } from '../common/role.enum';
import { ServicePoint } from '../service-point/service-point.entity';
import { AreaCoverageArgs, HandlingArg } from './coverage.args';
import type { HandlingWay } from '../handling-rule/handling-way.enum';
import type { CoverageView } from './coverage.service';
import type { CoverageSubscriptions } from './coverage-subscriptions';
import { Coverage } from './coverage.type';

/** A WebSocket context: its `live` is the subscriptions' hub (app/app.ts sets it). */
type RequestContext = Context<CoverageLoaders> & { readonly live?: CoverageSubscriptions };

/** coverageChanged takes a coverage's arguments without `method` (live figures are the engine's). */
@ArgsType()
export class CoverageChangedArgs extends AreaCoverageArgs {
  @HandlingArg()
  handling?: HandlingWay[] | null;
}

@ArgsType()
export class ServicePointChangedArgs {
  @Field(() => ID, { description: 'Area code (2, 4, 6 or 9 digits): points in it and below.' })
  @Matches(AREA_CODE_PATTERN, { message: 'areaCode must be an official area code of 2, 4, 6 or 9 digits' })
  areaCode: string;
}

/** The live subscriptions, as their context supplies them (only WebSocket contexts do: graphql/websocket.ts). */
function live(context: RequestContext) {
  if (!context.live) {
    throw new BadInputError('Subscriptions run over WebSocket on /graphql (the graphql-ws protocol: Apollo Client, urql, Relay, GraphiQL), not over HTTP POST.');
  }
  return context.live;
}

/**
 * The arguments checked as type-graphql checks a resolver's (class-validator), before the subscription starts:
 * type-graphql validates the resolver method's arguments, which run per event, not the `subscribe` function's.
 */
async function checked<T extends object>(type: new () => T, args: unknown): Promise<T> {
  const instance = Object.assign(new type(), args);
  const errors = await validate(instance, { forbidUnknownValues: false });
  if (errors.length) {
    const problems = errors.flatMap((e) => Object.values(e.constraints ?? {}));
    throw new BadInputError(`Invalid argument: ${problems.join('; ')}`, { problems });
  }
  return instance;
}

@Resolver()
export class CoverageSubscriptionResolver {
  @Authorized(Role.PLANNER)
  @Subscription(() => Coverage, {
    complexity: 50, // a coverage reading, as the coverage query's own cost; then one per change
    description:
      'The coverage of an area (INDEX method) each time a write changes its headline figures (villageCount, coveredVillageCount, population, coveredPopulation); silent on writes that do not. Over WebSocket (graphql-ws).',
    subscribe: async ({ args, context }) => live(context as RequestContext).coverageChanged(await checked(CoverageChangedArgs, args), () => (context as RequestContext).loaders),
  })
  coverageChanged(@Root() view: CoverageView, @Args() _args: CoverageChangedArgs): CoverageView {
    return view;
  }

  @Authorized(Role.READER)
  @Subscription(() => ServicePoint, {
    complexity: 10,
    description: 'Each service point of the area (and below) as it is after a write to it (created, changed, closed, reopened). Over WebSocket (graphql-ws).',
    subscribe: async ({ args, context }) => live(context as RequestContext).servicePointChanged((await checked(ServicePointChangedArgs, args)).areaCode, () => (context as RequestContext).loaders),
  })
  servicePointChanged(@Root() point: ServicePoint, @Args() _args: ServicePointChangedArgs): ServicePoint {
    return point;
  }
}
