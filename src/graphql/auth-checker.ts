import type { AuthCheckerFn } from 'type-graphql';
import type { Context } from './context';
import type { Role } from '../common/role.enum';
import { assertRole } from '../common/viewer';

/** type-graphql's `@Authorized(...roles)` check; throwing (rather than returning false) picks the error code. */
export const authChecker: AuthCheckerFn<Context, Role> = ({ context, info }, roles) => {
  assertRole(context.viewer, roles, `${info.parentType.name}.${info.fieldName}`);
  return true;
};
