import { GraphQLError } from 'graphql';

/** The closed set of error codes clients may rely on (`extensions.code`). */
export type ErrorCode = 'BAD_USER_INPUT' | 'NOT_FOUND' | 'FORBIDDEN' | 'UNAUTHENTICATED' | 'LIMIT_EXCEEDED' | 'SERVICE_UNAVAILABLE';

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

export class ServiceUnavailableError extends AppError {
  constructor(message: string) {
    super(message, 'SERVICE_UNAVAILABLE', 'warn');
  }
}
