import { ForbiddenError, UnauthenticatedError } from './errors';
import type { Role } from './role.enum';

/** Who is asking: an API key, or an anonymous caller with the roles ANONYMOUS_ROLES grants (none, READER, PLANNER). */
export interface Viewer {
  readonly kind: 'anonymous' | 'api-key';
  /** The key's id (not its secret); null when anonymous. Rate limits and the audit log use it. */
  readonly keyId: string | null;
  /** The key's name, or "anonymous". */
  readonly name: string;
  readonly roles: readonly Role[];
  /** Area codes an EDITOR key may write inside (any level; a code covers its subtree). Empty: no writes. */
  readonly areaCodes: readonly string[];
}

export function anonymousViewer(roles: readonly Role[]): Viewer {
  return { kind: 'anonymous', keyId: null, name: 'anonymous', roles, areaCodes: [] };
}

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
