import { registerEnumType } from 'type-graphql';

/** What an API key may do. Roles do not imply each other: a key carries every role it needs. */
export enum Role {
  /** Directory and areas: service points, villages, areas, service items. */
  READER = 'READER',
  /** Coverage, gaps, where-to-handle, isochrones, delegation matrix, tiles of the coverage layer. */
  PLANNER = 'PLANNER',
  /** Writes and imports of service points and villages inside the key's areas. */
  EDITOR = 'EDITOR',
  /** Creating, listing and revoking API keys; the audit log. */
  ADMIN = 'ADMIN',
}

registerEnumType(Role, { name: 'Role', description: 'What an API key may do; a key carries every role it needs.' });

export const ALL_ROLES: readonly Role[] = [Role.READER, Role.PLANNER, Role.EDITOR, Role.ADMIN];
