import type { ApolloServerPlugin, GraphQLRequest } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { GraphQLError, ValidationContext, ValidationRule } from 'graphql';
import type { LimitsConfig } from '../../config/config';
import type { Context } from '../context';
import { armorFound, limitExceeded, type QueryLimit } from './limit-errors';
import type { AreaSizes } from '../../common/area-sizes';
import { BadInputError } from '../../common/errors';
import { asServiceUnavailable } from '../format-error';
import { queryCost, type CostInputs, type CostModel } from './query-cost';

/** Each operation's computed cost, for the rate limiter and the request log. */
const costs = new WeakMap<GraphQLRequest, number>();

/** The cost computed for this operation, or undefined when it never got that far (a parse or validation error). */
export function operationCost(request: GraphQLRequest): number | undefined {
  return costs.get(request);
}

/**
 * Depth, aliases and directives: graphql-armor's validation rules (run by Apollo with the built-in ones, on parsed
 * documents it has not validated before), reporting LIMIT_EXCEEDED instead of armor's "Syntax Error: …".
 * With introspection off, armor also hides graphql-js's "Did you mean …?" suggestions, which would leak the schema.
 */
export function armorProtection(limits: LimitsConfig, options: { hideSuggestions: boolean }): { validationRules: ValidationRule[]; plugins: ApolloServerPlugin<Context>[] } {
  const report =
    (setting: QueryLimit, limit: number) =>
    (context: ValidationContext | null, error: GraphQLError): void => {
      context?.reportError(limitExceeded(setting, limit, armorFound(error.message) ?? limit + 1));
    };
  const { validationRules, plugins } = new ApolloArmor({
    maxDepth: { n: limits.maxDepth, flattenFragments: true, propagateOnRejection: false, onReject: [report('MAX_QUERY_DEPTH', limits.maxDepth)] },
    maxAliases: { n: limits.maxAliases, propagateOnRejection: false, onReject: [report('MAX_ALIASES', limits.maxAliases)] },
    maxDirectives: { n: limits.maxDirectives, propagateOnRejection: false, onReject: [report('MAX_DIRECTIVES', limits.maxDirectives)] },
    // Cost needs the variables, so it is checked below once the operation is known; tokens by graphql-js's parser (parseOptions).
    costLimit: { enabled: false },
    maxTokens: { enabled: false },
    blockFieldSuggestion: { enabled: options.hideSuggestions },
  }).protect();
  return { validationRules, plugins: plugins as ApolloServerPlugin<Context>[] };
}

/**
 * Cost: graphql-query-complexity over the resolved operation with its variables (see query-cost.ts). Above
 * MAX_QUERY_COST the operation does not run: LIMIT_EXCEEDED, HTTP 400.
 */
export function createLimitsPlugin(
  limits: LimitsConfig,
  model: CostModel,
  costInputs: { sizes: (dataVersion: string) => Promise<AreaSizes>; radiusMeters: CostInputs['radiusMeters'] },
): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, schema, operationName, operation, contextValue }) {
          const batch = contextValue.operations;
          if (operation?.operation === 'mutation') batch.mutation = true; // first: the deadline waits for writes
          if (operation?.operation === 'subscription' && !contextValue.live) {
            throw new BadInputError('Subscriptions run over WebSocket on /graphql (the graphql-ws protocol: Apollo Client, urql, Relay, GraphiQL), not over HTTP.', {
              http: { status: 400 },
            });
          }
          // Lists and collections are priced by what the data holds (counted per data version; the read fails
          // fast with SERVICE_UNAVAILABLE when the database is away).
          let sizes: AreaSizes;
          try {
            sizes = await costInputs.sizes(await contextValue.loaders.dataVersion());
          } catch (err) {
            throw asServiceUnavailable(err);
          }
          let cost: number;
          try {
            cost = queryCost(schema, document, { model, inputs: { sizes, radiusMeters: costInputs.radiusMeters }, operationName, variables: request.variables, cap: limits.maxCost + 1 });
          } catch {
            // Variables that do not fit the operation: execution refuses them with BAD_USER_INPUT; nothing runs.
            cost = 1;
          }
          costs.set(request, cost);
          if (cost > limits.maxCost) throw limitExceeded('MAX_QUERY_COST', limits.maxCost, cost, { status: 400 });
          // The operations of one HTTP request (a batch) share the context, and one MAX_QUERY_COST budget.
          if (batch.cost + cost > limits.maxCost) throw limitExceeded('MAX_BATCH_COST', limits.maxCost, batch.cost + cost, { status: 400 });
          batch.cost += cost;
        },
      };
    },
  };
}
