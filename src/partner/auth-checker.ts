import type { AuthCheckerFn } from 'type-graphql';
import { ForbiddenError, UnauthenticatedError } from '../common/errors';
import type { Context } from '../graphql/context';
import type { Role } from './role.enum';
import type { Viewer } from './viewer';

/** Throws unless the viewer holds one of `roles`: UNAUTHENTICATED for anonymous callers, FORBIDDEN for keys. */
export function assertRole(viewer: Viewer, roles: readonly Role[], what: string): void {
  if (roles.some((role) => viewer.roles.includes(role))) return;
  const needed = roles.join(' or ');
  if (viewer.kind === 'anonymous') {
    throw new UnauthenticatedError(`${what} needs an API key with the ${needed} role; send it as "Authorization: Bearer <key>".`);
  }
  throw new ForbiddenError(`${what} needs the ${needed} role; the key "${viewer.name}" has ${viewer.roles.join(', ') || 'no roles'}.`, {
    requiredRoles: roles,
  });
}

/** Whether area `code` lies inside one of the viewer's areas (codes are hierarchical: a prefix is an ancestor). */
export function isInViewerAreas(viewer: Viewer, code: string): boolean {
  return viewer.areaCodes.some((scope) => code.startsWith(scope));
}

/** type-graphql's `@Authorized(...roles)` check; throwing (rather than returning false) picks the error code. */
export const authChecker: AuthCheckerFn<Context, Role> = ({ context, info }, roles) => {
  assertRole(context.viewer, roles, `${info.parentType.name}.${info.fieldName}`);
  return true;
};
