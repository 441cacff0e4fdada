import type { GraphQLRequestContextWillSendResponse } from '@apollo/server';
import { getOperationAST } from 'graphql';

interface ResponseSummary {
  /** The operation's name: resolved by Apollo, else as the client named it, else read from the parsed document. */
  readonly operationName: string | null;
  /** ok: no errors; partial: data with errors; error: no data. */
  readonly outcome: 'ok' | 'partial' | 'error';
  /** extensions.code of each error, in order. */
  readonly errorCodes: string[];
}

/**
 * What a response says, for the metrics and the request log (the first payload of an incremental one). Works for
 * responses that stopped early too: a validation failure has a document but no resolved operation yet.
 */
export function summarizeResponse(requestContext: GraphQLRequestContextWillSendResponse<object>): ResponseSummary {
  const { response, request, document } = requestContext;
  const result = response.body.kind === 'single' ? response.body.singleResult : response.body.initialResult;
  const errorCodes = (result.errors ?? []).map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR'));
  const hasData = result.data !== undefined && result.data !== null;
  const operationName =
    requestContext.operationName ?? request.operationName ?? (document ? (getOperationAST(document, undefined)?.name?.value ?? null) : null);
  return { operationName, outcome: errorCodes.length === 0 ? 'ok' : hasData ? 'partial' : 'error', errorCodes };
}
