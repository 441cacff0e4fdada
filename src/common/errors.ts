import { GraphQLError } from 'graphql';

/** The closed set of error codes clients may rely on (`extensions.code`). */
export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'FORBIDDEN'
  | 'CONFLICT'
  | 'UNAUTHENTICATED'
  | 'LIMIT_EXCEEDED'
  | 'RATE_LIMITED'
  | 'SERVICE_UNAVAILABLE'
  | 'DEADLINE_EXCEEDED';

/** The HTTP status of a coded error on the plain HTTP routes (tiles, OGC API, exports); codes not here answer 500. */
export const HTTP_STATUS_OF_CODE: Readonly<Partial<Record<ErrorCode, number>>> = {
  BAD_USER_INPUT: 400,
  LIMIT_EXCEEDED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  RATE_LIMITED: 429,
  SERVICE_UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 503,
};

/**
 * What a client is shown of a coded error: its message and extensions, without `http` (the status Apollo and the
 * routes set from it; not for the client).
 */
export function clientError(err: GraphQLError): { message: string; extensions: Record<string, unknown> } {
  const { http: _http, ...extensions } = err.extensions;
  return { message: err.message, extensions };
}

export abstract class AppError extends GraphQLError {
  protected constructor(
    message: string,
    readonly code: ErrorCode,
    readonly logLevel: 'info' | 'warn',
    details: Record<string, unknown> = {},
  ) {
    super(message, { extensions: { code, ...details } });
    Object.setPrototypeOf(this, new.target.prototype);
  }
}

export class NotFoundError extends AppError {
  constructor(entity: string, key: string) {
    super(`${entity} "${key}" was not found`, 'NOT_FOUND', 'info', { entity, key });
  }
}

export class BadInputError extends AppError {
  constructor(message: string, details: { argument?: string } & Record<string, unknown> = {}) {
    super(message, 'BAD_USER_INPUT', 'info', details);
  }
}

export class LimitExceededError extends AppError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super(message, 'LIMIT_EXCEEDED', 'info', details);
  }
}

/** The database is unreachable (HTTP 503 when it fails the whole request, e.g. while checking an API key). */
export class ServiceUnavailableError extends AppError {
  constructor(message: string) {
    super(message, 'SERVICE_UNAVAILABLE', 'warn', { http: { status: 503 } });
  }
}

/** No API key where one is needed, or a key that is unknown, malformed or revoked (HTTP 401 when it fails the whole request). */
export class UnauthenticatedError extends AppError {
  constructor(message: string) {
    super(message, 'UNAUTHENTICATED', 'info', { http: { status: 401 } });
  }
}

/** A valid key without the role, or outside the areas, that the operation needs. */
export class ForbiddenError extends AppError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super(message, 'FORBIDDEN', 'info', details);
  }
}

/** The record changed between the caller's read and its write (a concurrent update): read it again and retry. */
export class ConflictError extends AppError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super(message, 'CONFLICT', 'info', details);
  }
}

/** The caller's cost budget for the current minute is spent (HTTP 429 with Retry-After). */
export class RateLimitedError extends AppError {
  constructor(message: string, details: { limit: number; cost: number; remaining: number; retryAfterSeconds: number }) {
    super(message, 'RATE_LIMITED', 'info', details);
  }
}

/**
 * The request ran out of time (REQUEST_DEADLINE_MS), or work it asked for is priced beyond the time it has left
 * (HTTP 503 when it fails the whole request). Ask for less (a smaller area, a shorter budget, the INDEX method).
 */
export class DeadlineExceededError extends AppError {
  constructor(message: string, details: { deadlineMs: number } & Record<string, unknown>) {
    super(message, 'DEADLINE_EXCEEDED', 'warn', { ...details, http: { status: 503 } });
  }
}
