import { requestIdFor } from '../ops/request-logger';
import type { Logger } from '../common/logger';
import { anonymousViewer, type Viewer } from '../partner/viewer';
import { Role } from '../partner/role.enum';
import { createLoaders, type Loaders } from './loaders';
import type { Repositories } from './repositories';

export interface Context {
  readonly requestId: string;
  /** Who is asking (authenticated from the request's API key before the context is built). */
  readonly viewer: Viewer;
  readonly logger: Logger;
  readonly loaders: Loaders;
}

export interface ContextDeps {
  readonly logger: Logger;
  readonly repositories: Repositories;
}

/** Called once per GraphQL request. A client-sent x-request-id is kept when it looks sane, for tracing across systems. */
export function createContext(deps: ContextDeps, incomingRequestId?: string | string[], viewer: Viewer = anonymousViewer([Role.READER, Role.PLANNER])): Context {
  const requestId = requestIdFor(incomingRequestId);
  return { requestId, viewer, logger: deps.logger.child({ requestId, viewer: viewer.keyId ?? 'anonymous' }), loaders: createLoaders(deps.repositories) };
}
