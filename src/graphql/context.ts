import { requestIdFor } from '../ops/request-logger';
import { Deadline } from '../common/deadline';
import type { CoverageSubscriptions } from '../coverage/coverage-subscriptions';
import type { Logger } from '../common/logger';
import { anonymousViewer, type Viewer } from '../partner/viewer';
import { Role } from '../partner/role.enum';
import { createLoaders, type Loaders } from './loaders';
import type { Repositories } from './repositories';

export interface Context {
  readonly requestId: string;
  /** The caller's address as express sees it (`req.ip`, which honours TRUST_PROXY); null for in-process operations. */
  readonly clientAddress: string | null;
  /** Who is asking (authenticated from the request's API key before the context is built). */
  readonly viewer: Viewer;
  readonly logger: Logger;
  readonly loaders: Loaders;
  /** When the request must have answered (REQUEST_DEADLINE_MS); long work checks it before each step. */
  readonly deadline: Deadline;
  /** Shared by the operations of one HTTP request (a batch): their cost together, and whether one writes. */
  readonly operations: { cost: number; mutation: boolean };
  /** The live subscriptions (WebSocket contexts only). */
  readonly live?: CoverageSubscriptions;
}

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
): Context {
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
