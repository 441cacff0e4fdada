import type { ApolloServerPlugin } from '@apollo/server';
import type { Metrics } from '../../ops/metrics';
import type { Context } from '../context';
import { operationCost } from './limits.plugin';
import { summarizeResponse } from './response-summary';

/** Counts, times and costs every GraphQL operation (also in-process ones), by operation name (bounded per caller: OperationLabels). */
export function createMetricsPlugin(metrics: Metrics): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ request }) {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse(requestContext) {
          const { operationName, outcome, errorCodes } = summarizeResponse(requestContext);
          const viewer = requestContext.contextValue.viewer;
          const operation = metrics.operation(operationName, viewer.kind === 'anonymous' ? null : (viewer.keyId ?? viewer.name));
          metrics.graphqlRequests.inc({ operation, status: outcome });
          metrics.graphqlDuration.observe({ operation }, Number(process.hrtime.bigint() - started) / 1e9);
          const cost = operationCost(request);
          if (cost !== undefined) metrics.graphqlCost.observe({ operation }, cost);
          for (const code of errorCodes) metrics.graphqlErrors.inc({ operation, code });
        },
      };
    },
  };
}
