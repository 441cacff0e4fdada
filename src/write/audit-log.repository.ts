import type { DataSource, EntityManager } from 'typeorm';
import type { AuditEntry } from './audit-entry.type';
import * as SQL from './audit-log.sql';

/** Who is changing things: the key (null for the command line), its name and the request. */
export interface Actor {
  readonly keyId: string | null;
  readonly name: string;
  readonly requestId: string | null;
}

export interface AuditChange {
  action: string;
  entity: string;
  entityKey: string;
  changes: Record<string, unknown>;
}

interface AuditRow {
  id: string;
  at: Date;
  actor_key_id: string | null;
  actor_name: string;
  request_id: string | null;
  action: string;
  entity: string;
  entity_key: string;
  changes: Record<string, unknown>;
}

export class AuditLogRepository {
  constructor(private readonly db: DataSource) {}

  /** In the caller's transaction, so a change and its record land together or not at all. */
  async record(manager: EntityManager, actor: Actor, entries: readonly AuditChange[]): Promise<void> {
    if (entries.length === 0) return;
    const json = JSON.stringify(entries.map((e) => ({ action: e.action, entity: e.entity, entity_key: e.entityKey, changes: e.changes })));
    await manager.query(SQL.INSERT_AUDIT_ENTRIES, [actor.keyId, actor.name, actor.requestId, json]);
  }

  async page(filter: { entity: string | null; entityKey: string | null; before: number | null }, limit: number): Promise<AuditEntry[]> {
    const rows: AuditRow[] = await this.db.query(SQL.AUDIT_LOG_PAGE, [filter.entity, filter.entityKey, filter.before, limit]);
    return rows.map((r) => ({
      id: String(r.id),
      at: new Date(r.at),
      actorKeyId: r.actor_key_id,
      actorName: r.actor_name,
      requestId: r.request_id,
      action: r.action,
      entity: r.entity,
      entityKey: r.entity_key,
      changes: r.changes,
    }));
  }
}
