import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema, type ContainerType, type PubSub } from 'type-graphql';
import { AreaResolver } from '../area/area.resolver';
import { CoverageSubscriptionResolver } from '../coverage/coverage-subscription.resolver';
import { CoverageResolver, HandlingOptionResolver, HandlingWayOptionResolver, IsochroneResolver, VillageCoverageResolver } from '../coverage/coverage.resolver';
import { ServiceItemResolver } from '../service-item/service-item.resolver';
import { ServicePointResolver } from '../service-point/service-point.resolver';
import { VillageServicePointsResolver } from '../service-point/village-service-points.resolver';
import { VillageResolver } from '../village/village.resolver';
import { ApiKeyResolver } from '../partner/api-key.resolver';
import { authChecker } from '../graphql/auth-checker';
import { ImportResolver } from '../partner/import.resolver';
import { ServicePointWriteResolver } from '../service-point/service-point-write.resolver';
import { VillageWriteResolver } from '../village/village-write.resolver';
import { SavedScenarioResolver } from '../planning/saved-scenario.resolver';
import { SiteSuggestionResolver } from '../planning/site-suggestion.resolver';
import { PlanningAreaResolver } from '../planning-area/planning-area.resolver';
import { HandlingRuleResolver } from '../handling-rule/handling-rule.resolver';

export const resolvers = [
  AreaResolver,
  VillageResolver,
  ServiceItemResolver,
  ServicePointResolver,
  VillageServicePointsResolver,
  CoverageResolver,
  VillageCoverageResolver,
  HandlingOptionResolver,
  HandlingWayOptionResolver,
  IsochroneResolver,
  ApiKeyResolver,
  ServicePointWriteResolver,
  VillageWriteResolver,
  ImportResolver,
  CoverageSubscriptionResolver,
  SavedScenarioResolver,
  SiteSuggestionResolver,
  PlanningAreaResolver,
  HandlingRuleResolver,
] as const;

const NO_TOPICS: PubSub = {
  publish() {
    throw new Error('no topics: subscriptions bring their own source');
  },
  subscribe() {
    throw new Error('no topics: subscriptions bring their own source');
  },
};

export function buildAppSchema(container: ContainerType): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers,
    container,
    // @Authorized(roles) on every protected field; the checker throws UNAUTHENTICATED or FORBIDDEN.
    authChecker,
    // class-validator on every *.args.ts / *.input.ts; unknown (undecorated) values are not an error.
    validate: { forbidUnknownValues: false, whitelist: false },
    // Every subscription brings its own source (`subscribe`: CoverageSubscriptions); no topics are published.
    pubSub: NO_TOPICS,
  });
}

/** The SDL committed as schema/schema.graphql; sorted so that the file only changes when the API does. */
export function printAppSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
