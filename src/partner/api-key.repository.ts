import type { DataSource, EntityManager } from 'typeorm';
import type { ApiKey } from './api-key.entity';
import type { Role } from '../common/role.enum';
import * as SQL from './api-key.sql';

interface ApiKeyRow {
  id: string;
  name: string;
  prefix: string;
  roles: Role[];
  area_codes: string[];
  created_at: Date;
  created_by: string;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

const toApiKey = (r: ApiKeyRow): ApiKey => ({
  id: r.id,
  name: r.name,
  prefix: r.prefix,
  roles: r.roles,
  areaCodes: r.area_codes,
  createdAt: new Date(r.created_at),
  createdBy: r.created_by,
  revokedAt: r.revoked_at ? new Date(r.revoked_at) : null,
  lastUsedAt: r.last_used_at ? new Date(r.last_used_at) : null,
});

export interface NewApiKey {
  id: string;
  name: string;
  prefix: string;
  secretHash: string;
  roles: readonly Role[];
  areaCodes: readonly string[];
  createdBy: string;
}

export class ApiKeyRepository {
  constructor(private readonly db: DataSource) {}

  async insert(manager: EntityManager, key: NewApiKey): Promise<ApiKey> {
    const rows: ApiKeyRow[] = await manager.query(SQL.INSERT_API_KEY, [key.id, key.name, key.prefix, key.secretHash, key.roles, key.areaCodes, key.createdBy]);
    return toApiKey(rows[0]!);
  }

  async findByHash(secretHash: string): Promise<ApiKey | null> {
    const rows: ApiKeyRow[] = await this.db.query(SQL.API_KEY_BY_HASH, [secretHash]);
    return rows[0] ? toApiKey(rows[0]) : null;
  }

  async list(includeRevoked: boolean): Promise<ApiKey[]> {
    return ((await this.db.query(SQL.API_KEYS_LIST, [includeRevoked])) as ApiKeyRow[]).map(toApiKey);
  }

  /** The key after revocation, or null when there is no such key. */
  async revoke(manager: EntityManager, id: string): Promise<ApiKey | null> {
    // TypeORM answers an UPDATE … RETURNING with [rows, affectedCount].
    const [rows] = (await manager.query(SQL.REVOKE_API_KEY, [id])) as [ApiKeyRow[], number];
    return rows[0] ? toApiKey(rows[0]) : null;
  }

  async touch(id: string): Promise<void> {
    await this.db.query(SQL.TOUCH_API_KEY, [id]);
  }


  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }
}
