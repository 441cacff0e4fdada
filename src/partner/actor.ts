import type { Context } from '../graphql/context';
import type { Actor } from './audit-log.repository';

/** The audit log's "who" for a GraphQL request. */
export function actorOf(ctx: Pick<Context, 'viewer' | 'requestId'>): Actor {
  return { keyId: ctx.viewer.keyId, name: ctx.viewer.name, requestId: ctx.requestId || null };
}

/** The audit log's "who" for the command line. */
export const CLI_ACTOR: Actor = { keyId: null, name: 'cli', requestId: null };
