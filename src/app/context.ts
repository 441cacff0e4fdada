import { Deadline } from '../common/deadline';
import type { Logger } from '../common/logger';
import { Role } from '../common/role.enum';
import { anonymousViewer, type Viewer } from '../common/viewer';
import type { Context } from '../graphql/context';
import { requestIdFor } from '../ops/request-logger';
import { createLoaders, type Loaders } from './loaders';
import type { Repositories } from './repositories';

/** The context the app's resolvers and routes get: every feature's loaders. */
export type AppContext = Context<Loaders>;

export interface ContextDeps {
  readonly logger: Logger;
  readonly repositories: Repositories;
  /** REQUEST_DEADLINE_MS, for contexts made without an HTTP request's own deadline. */
  readonly deadlineMs: number;
}

/** Called once per GraphQL request. A client-sent x-request-id is kept when it looks sane, for tracing across systems. */
export function createContext(
  deps: ContextDeps,
  incomingRequestId?: string | string[],
  viewer: Viewer = anonymousViewer([Role.READER, Role.PLANNER]),
  clientAddress: string | null = null,
  deadline: Deadline = new Deadline(deps.deadlineMs),
): AppContext {
  const requestId = requestIdFor(incomingRequestId);
  return {
    requestId,
    viewer,
    clientAddress,
    logger: deps.logger.child({ requestId, viewer: viewer.keyId ?? 'anonymous' }),
    loaders: createLoaders(deps.repositories),
    deadline,
    operations: { cost: 0, mutation: false },
  };
}
