import type { AuditEntryPage } from './audit-entry.type';
import type { AuditLogRepository } from './audit-log.repository';

export class AuditLogService {
  constructor(private readonly audit: AuditLogRepository) {}

  async page(args: { entity?: string; entityKey?: string; before?: number; first: number }): Promise<AuditEntryPage> {
    const entries = await this.audit.page({ entity: args.entity ?? null, entityKey: args.entityKey ?? null, before: args.before ?? null }, args.first + 1);
    const more = entries.length > args.first;
    const page = entries.slice(0, args.first);
    return { entries: page, nextBefore: more ? Number(page[page.length - 1]!.id) : null };
  }
}
