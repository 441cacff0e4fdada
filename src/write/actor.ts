import type { Viewer } from '../common/viewer';
import type { Actor } from './audit-log.repository';

/** The audit log's "who" for a GraphQL request. */
export function actorOf(ctx: { readonly viewer: Viewer; readonly requestId: string }): Actor {
  return { keyId: ctx.viewer.keyId, name: ctx.viewer.name, requestId: ctx.requestId || null };
}

/** The audit log's "who" for the command line. */
export const CLI_ACTOR: Actor = { keyId: null, name: 'cli', requestId: null };
