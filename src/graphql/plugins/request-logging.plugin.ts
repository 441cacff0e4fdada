import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from '../../common/logger';
import type { Context } from '../context';
import { operationCost } from './limits.plugin';
import { summarizeResponse } from './response-summary';

/**
 * One log line per GraphQL operation, through the request's child logger (so it carries the requestId that pino-http's
 * line for the HTTP request and the x-request-id response header carry): operation name, cost, outcome, error codes,
 * duration. Masked errors are logged with their stack by formatError; this line only says that they happened.
 */
export function createRequestLoggingPlugin(fallback: Logger): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ request }) {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse(requestContext) {
          const { response, contextValue } = requestContext;
          const { operationName, outcome, errorCodes } = summarizeResponse(requestContext);
          const fields = {
            operationName,
            cost: operationCost(request) ?? null,
            outcome,
            ...(errorCodes.length ? { errorCodes } : {}),
            status: response.http.status ?? 200,
            durationMs: Math.round(Number(process.hrtime.bigint() - started) / 1e4) / 100,
          };
          const logger = contextValue?.logger ?? fallback;
          if (errorCodes.includes('INTERNAL_SERVER_ERROR')) logger.error(fields, 'graphql operation');
          else logger.info(fields, 'graphql operation');
        },
      };
    },
  };
}
