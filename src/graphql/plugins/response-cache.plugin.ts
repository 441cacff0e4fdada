import { createHash } from 'node:crypto';
import type { ApolloServerPlugin, GraphQLRequestContext } from '@apollo/server';
import type { FormattedExecutionResult, OperationDefinitionNode } from 'graphql';
import { LRUCache } from 'lru-cache';
import { clientError, ServiceUnavailableError } from '../../common/errors';
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

interface ResponseCacheStats {
  hits: number;
  misses: number;
  /** Responses not kept: errors in them, larger than a sixteenth of the cache, or not wholly of the version read. */
  skipped: number;
}

export interface ResponseCache {
  readonly plugin: ApolloServerPlugin<Context>;
  readonly stats: ResponseCacheStats;
  /** Responses held now, and their size in bytes (serialized JSON). */
  size(): { entries: number; bytes: number };
}

/** Every root field of the operation is a cacheable query field (no fragments at the root, no introspection). */
export function isCacheableOperation(operation: OperationDefinitionNode | undefined): boolean {
  // No operation here when operationName names none in the document: execution reports that.
  if (!operation || operation.operation !== 'query') return false;
  return operation.selectionSet.selections.every((s) => s.kind === 'Field' && (CACHEABLE_QUERY_FIELDS.has(s.name.value) || s.name.value === '__typename'));
}

/** Same text, operation, variables, roles and scope: the same answer, as long as the data version is the same. */
function cacheKey(rc: GraphQLRequestContext<Context>, dataVersion: string): string {
  const { viewer } = rc.contextValue;
  return createHash('sha256')
    .update(dataVersion)
    .update('\0')
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
 * Whole responses of data-only queries, kept until the data version changes (every write to the data bumps it,
 * through triggers, whoever writes). A directory page or an area lookup asked again is answered without
 * running its resolvers or queries: one `SELECT version` instead. Runs after the cost check and the rate
 * limiter, so a cached answer costs the same points. Responses with errors are never kept.
 */
export function createResponseCache(options: { maxBytes: number }): ResponseCache {
  const maxEntryBytes = Math.floor(options.maxBytes / 16);
  // Each entry's size (its JSON, in bytes) is given when it is stored.
  const cache = new LRUCache<string, FormattedExecutionResult>({ maxSize: options.maxBytes });
  const stats: ResponseCacheStats = { hits: 0, misses: 0, skipped: 0 };
  let version = '';

  const plugin: ApolloServerPlugin<Context> = {
    async requestDidStart() {
      let key: string | null = null;
      return {
        async responseForOperation(rc) {
          if (!isCacheableOperation(rc.operation)) return null;
          let current: string;
          try {
            current = await rc.contextValue.loaders.dataVersion(); // the request's one read of it
          } catch (err) {
            // Database away: answer now rather than wait out a second connect timeout in the resolvers.
            const unavailable = asServiceUnavailable(err);
            if (!(unavailable instanceof ServiceUnavailableError)) return null; // let execution report it
            return { http: { status: 503, headers: rc.response.http.headers }, body: { kind: 'single', singleResult: { errors: [clientError(unavailable)] } } };
          }
          // Versions only grow; a request that read the version just before a write must not empty the cache again.
          if (current !== version && (version === '' || BigInt(current) > BigInt(version))) {
            cache.clear();
            version = current;
          }
          key = cacheKey(rc, current);
          const hit = cache.get(key);
          if (!hit) {
            stats.misses++;
            return null;
          }
          stats.hits++;
          key = null;
          return { http: rc.response.http, body: { kind: 'single', singleResult: { ...hit } } };
        },
        async willSendResponse(rc) {
          if (key === null || rc.response.body.kind !== 'single') return;
          const result = rc.response.body.singleResult;
          if (result.errors?.length || result.data == null) {
            stats.skipped++;
            return;
          }
          const bytes = Buffer.byteLength(JSON.stringify(result));
          if (bytes > maxEntryBytes) {
            stats.skipped++;
            return;
          }
          // Kept under the version read only if it is of that version: every part computed from it (the engine
          // may be newer) and no write landed while the SQL reads ran (the version read again is the same).
          const whole = await rc.contextValue.loaders.version.isWhole().catch(() => false);
          if (!whole) {
            stats.skipped++;
            return;
          }
          cache.set(key, { ...result }, { size: bytes });
        },
      };
    },
  };
  return { plugin, stats, size: () => ({ entries: cache.size, bytes: cache.calculatedSize }) };
}
