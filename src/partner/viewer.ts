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
