import type { Viewer } from '../common/viewer';

/** Who a request is, from its headers (an API key or none): what the HTTP routes and the WebSocket need of auth. */
export interface RequestAuthenticator {
  /** The viewer of the request's key (anonymous without one); UNAUTHENTICATED for a key that is not valid. */
  authenticateRequest(headers: Record<string, string | string[] | undefined>): Promise<Viewer>;
}
