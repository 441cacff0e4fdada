import { createHash } from 'node:crypto';
import type { ApolloServerPlugin, GraphQLRequestContext } from '@apollo/server';
import type { FormattedExecutionResult, OperationDefinitionNode } from 'graphql';
import { clientError, ServiceUnavailableError } from '../../common/errors';
import type { VersionCache } from '../../common/version-cache';
import type { Context } from '../context';
import { asServiceUnavailable } from '../format-error';

/**
 * Query fields whose answers depend only on the data (villages, points, items, areas: the tables whose every
 * write bumps the data version) and on the configuration. `viewer`, `apiKeys` and `auditLog` are not here.
 */
const CACHEABLE_QUERY_FIELDS: ReadonlySet<string> = new Set([
  'area',
  'areas',
  'coverage',
  'coverageGaps',
  'delegationMatrix',
  'isochrone',
  'serviceItem',
  'serviceItems',
  'servicePoint',
  'servicePoints',
  'servicePointsFeatureCollection',
  'village',
  'villages',
  'whereToHandle',
]);

export interface ResponseCache {
  readonly plugin: ApolloServerPlugin<Context>;
}

/**
 * Arguments that make an answer depend on more than the data version: a saved scenario can be deleted without a
 * write to the data, and its answer must then be NOT_FOUND, not the one kept.
 */
const UNCACHEABLE_ARGUMENTS: ReadonlySet<string> = new Set(['scenarioId']);

/** Every root field of the operation is a cacheable query field (no fragments at the root, no introspection). */
export function isCacheableOperation(operation: OperationDefinitionNode | undefined): boolean {
  // No operation here when operationName names none in the document: execution reports that.
  if (!operation || operation.operation !== 'query') return false;
  return operation.selectionSet.selections.every(
    (s) =>
      s.kind === 'Field' &&
      (CACHEABLE_QUERY_FIELDS.has(s.name.value) || s.name.value === '__typename') &&
      !(s.arguments ?? []).some((a) => UNCACHEABLE_ARGUMENTS.has(a.name.value)),
  );
}

/** Same text, operation, variables, roles and scope: the same answer, as long as the data version is the same. */
function cacheKey(rc: GraphQLRequestContext<Context>): string {
  const { viewer } = rc.contextValue;
  return createHash('sha256')
    .update(rc.source ?? '')
    .update('\0')
    .update(rc.request.operationName ?? '')
    .update('\0')
    .update(JSON.stringify(rc.request.variables ?? {}))
    .update('\0')
    .update(`${viewer.kind}:${[...viewer.roles].sort().join(',')}:${[...viewer.areaCodes].sort().join(',')}`)
    .digest('base64url');
}

/**
 * Whole responses of data-only queries, in the one cache (VersionCache, kind `response`) under the data version
 * they are of (every write to the data bumps it, through triggers, whoever writes). A directory page or an area
 * lookup asked again is answered without running its resolvers or queries: one `SELECT version` instead. Runs after
 * the cost check and the rate limiter, so a cached answer costs the same points. Responses with errors are never
 * kept, nor any that is not wholly of the version read (RequestVersion.isWhole).
 */
export function createResponseCache(cache: VersionCache): ResponseCache {
  const plugin: ApolloServerPlugin<Context> = {
    async requestDidStart() {
      let key: string | null = null;
      let version = '';
      return {
        async responseForOperation(rc) {
          if (!isCacheableOperation(rc.operation)) return null;
          try {
            version = await rc.contextValue.loaders.dataVersion(); // the request's one read of it
          } catch (err) {
            // Database away: answer now rather than wait out a second connect timeout in the resolvers.
            const unavailable = asServiceUnavailable(err);
            if (!(unavailable instanceof ServiceUnavailableError)) return null; // let execution report it
            return { http: { status: 503, headers: rc.response.http.headers }, body: { kind: 'single', singleResult: { errors: [clientError(unavailable)] } } };
          }
          key = cacheKey(rc);
          const hit = cache.get<FormattedExecutionResult>('response', version, key);
          if (!hit) return null;
          key = null;
          return { http: rc.response.http, body: { kind: 'single', singleResult: { ...hit } } };
        },
        async willSendResponse(rc) {
          if (key === null || rc.response.body.kind !== 'single') return;
          const result = rc.response.body.singleResult;
          if (result.errors?.length || result.data == null) {
            cache.skip('response');
            return;
          }
          const bytes = Buffer.byteLength(JSON.stringify(result));
          if (bytes > cache.maxEntryBytes) {
            cache.skip('response');
            return;
          }
          // Kept under the version read only if it is of that version: every part computed from it (the engine
          // may be newer) and no write landed while the SQL reads ran (the version read again is the same).
          const whole = await rc.contextValue.loaders.version.isWhole().catch(() => false);
          if (whole) cache.set('response', version, key, { ...result }, bytes);
          else cache.skip('response');
        },
      };
    },
  };
  return { plugin };
}
