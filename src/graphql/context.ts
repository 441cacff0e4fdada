import crypto from 'node:crypto';
import type { Logger } from '../common/logger';
import { createLoaders, type Loaders } from './loaders';
import type { Repositories } from './repositories';

export interface Context {
  readonly requestId: string;
  readonly logger: Logger;
  readonly loaders: Loaders;
}

export interface ContextDeps {
  readonly logger: Logger;
  readonly repositories: Repositories;
}

/** Called once per GraphQL request. A client-sent x-request-id is kept when it looks sane, for tracing across systems. */
export function createContext(deps: ContextDeps, incomingRequestId?: string | string[]): Context {
  const requestId = typeof incomingRequestId === 'string' && /^[\w.:-]{1,64}$/.test(incomingRequestId) ? incomingRequestId : crypto.randomUUID();
  return { requestId, logger: deps.logger.child({ requestId }), loaders: createLoaders(deps.repositories) };
}
