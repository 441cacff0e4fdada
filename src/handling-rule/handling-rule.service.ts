import { NotFoundError } from '../common/errors';
import type { Viewer } from '../common/viewer';
import type { Actor, AuditLogRepository } from '../write/audit-log.repository';
import type { HandlingRuleSpec } from './handling-rules';
import type { HandlingRuleRecord, HandlingRuleRepository } from './handling-rule.repository';
import type { HandlingRuleInput } from './handling-rule.type';

/**
 * Handling rules (ways of handling, per area and item): checked (the area and the item exist), written with their
 * audit record in one transaction. A write moves the data version: engines take the new rules from the change feed.
 */
export class HandlingRuleService {
  constructor(
    private readonly repository: HandlingRuleRepository,
    private readonly audit: AuditLogRepository,
  ) {}

  list(areaCode: string | null, itemCode: string | null): Promise<HandlingRuleRecord[]> {
    return this.repository.list(areaCode, itemCode);
  }

  async set(input: HandlingRuleInput, caller: { viewer: Viewer; actor: Actor }): Promise<HandlingRuleRecord> {
    const rule: HandlingRuleSpec = {
      areaCode: input.areaCode,
      itemCode: input.itemCode,
      assistedTurnaroundWorkingDays: input.assistedTurnaroundWorkingDays ?? null,
      onlineChannels:
        input.onlineChannels === undefined || input.onlineChannels === null
          ? null
          : input.onlineChannels.map((c) => ({ kind: c.kind, name: c.name.trim(), access: c.access?.trim() || null, note: c.note?.trim() || null })),
      note: input.note?.trim() || null,
    };
    return this.repository.transaction(async (manager) => {
      if (rule.areaCode !== '' && !(await this.repository.areaExists(manager, rule.areaCode))) throw new NotFoundError('Area', rule.areaCode);
      if (!(await this.repository.itemExists(manager, rule.itemCode))) throw new NotFoundError('ServiceItem', rule.itemCode);
      const before = await this.repository.lockOne(manager, rule.areaCode, rule.itemCode);
      const after = await this.repository.upsert(manager, rule, { keyId: caller.viewer.keyId, name: caller.viewer.name });
      await this.audit.record(manager, caller.actor, [
        { action: before ? 'handling_rule.update' : 'handling_rule.create', entity: 'handling_rule', entityKey: ruleKey(rule), changes: auditChanges(before, after) },
      ]);
      return after;
    });
  }

  async delete(areaCode: string, itemCode: string, caller: { actor: Actor }): Promise<boolean> {
    return this.repository.transaction(async (manager) => {
      const before = await this.repository.lockOne(manager, areaCode, itemCode);
      if (!before) throw new NotFoundError('HandlingRule', ruleKey({ areaCode, itemCode }));
      await this.repository.delete(manager, areaCode, itemCode);
      await this.audit.record(manager, caller.actor, [{ action: 'handling_rule.delete', entity: 'handling_rule', entityKey: ruleKey(before), changes: auditChanges(before, null) }]);
      return true;
    });
  }
}

/** The audit key of a rule: `item@area` ('' for the whole country). */
function ruleKey(r: { areaCode: string; itemCode: string }): string {
  return `${r.itemCode}@${r.areaCode}`;
}

function auditChanges(before: HandlingRuleSpec | null, after: HandlingRuleSpec | null): Record<string, [unknown, unknown]> {
  const changes: Record<string, [unknown, unknown]> = {};
  for (const field of ['assistedTurnaroundWorkingDays', 'onlineChannels', 'note'] as const) {
    const b = before ? before[field] : null;
    const a = after ? after[field] : null;
    if (JSON.stringify(b) !== JSON.stringify(a)) changes[field] = [b, a];
  }
  return changes;
}
