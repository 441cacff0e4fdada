import type { Deadline } from '../common/deadline';
import type { Logger } from '../common/logger';
import type { RequestVersion } from '../common/request-version';
import type { Viewer } from '../common/viewer';

/** What every request's loaders hold, whichever features it reads: the data version it read, once. */
export interface RequestLoaders {
  /** The data version this request read (once). */
  dataVersion(): Promise<string>;
  /** That version, the versions the answer's parts were computed from, and whether the answer is whole. */
  readonly version: RequestVersion;
}

/**
 * The context of one GraphQL request (or HTTP route call). `TLoaders` names the DataLoaders a resolver reads, each
 * feature's own (`AreaLoaders`, `VillageLoaders`, ...): the toolkit knows none of them, and app/loaders.ts builds
 * one set holding them all per request.
 */
export interface Context<TLoaders extends object = object> {
  readonly requestId: string;
  /** The caller's address as express sees it (`req.ip`, which honours TRUST_PROXY); null for in-process operations. */
  readonly clientAddress: string | null;
  /** Who is asking (authenticated from the request's API key before the context is built). */
  readonly viewer: Viewer;
  readonly logger: Logger;
  readonly loaders: RequestLoaders & TLoaders;
  /** When the request must have answered (REQUEST_DEADLINE_MS); long work checks it before each step. */
  readonly deadline: Deadline;
  /** Shared by the operations of one HTTP request (a batch): their cost together, and whether one writes. */
  readonly operations: { cost: number; mutation: boolean };
  /**
   * The live subscriptions: set on WebSocket contexts only, the one transport subscriptions run on. Typed by
   * coverage (coverage-subscription.resolver.ts), which this toolkit sits below.
   */
  readonly live?: unknown;
}
