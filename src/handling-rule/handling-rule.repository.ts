import type { DataSource, EntityManager } from 'typeorm';
import type { HandlingRuleSpec, OnlineChannelSpec } from './handling-rules';
import * as SQL from './handling-rule.sql';

/** A stored rule with who set it and when. */
export interface HandlingRuleRecord extends HandlingRuleSpec {
  readonly authorName: string;
  readonly updatedAt: Date;
}

interface Row {
  area_code: string;
  item_code: string;
  assisted_turnaround_working_days: number | null;
  online_channels: OnlineChannelSpec[] | string | null;
  note: string | null;
  author_name: string;
  updated_at: Date | string;
}

const toRecord = (r: Row): HandlingRuleRecord => ({
  areaCode: r.area_code,
  itemCode: r.item_code,
  assistedTurnaroundWorkingDays: r.assisted_turnaround_working_days,
  onlineChannels: typeof r.online_channels === 'string' ? (JSON.parse(r.online_channels) as OnlineChannelSpec[]) : r.online_channels,
  note: r.note,
  authorName: r.author_name,
  updatedAt: new Date(r.updated_at),
});

/** TypeORM answers DELETE … RETURNING with [rows, affected count], SELECT and INSERT with the rows. */
function returned<T>(result: unknown): T[] {
  return (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number' ? result[0] : result) as T[];
}

export class HandlingRuleRepository {
  constructor(private readonly db: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  async list(areaCode: string | null, itemCode: string | null): Promise<HandlingRuleRecord[]> {
    return ((await this.db.query(SQL.HANDLING_RULES, [areaCode, itemCode])) as Row[]).map(toRecord);
  }

  async lockOne(manager: EntityManager, areaCode: string, itemCode: string): Promise<HandlingRuleRecord | null> {
    const rows = (await manager.query(SQL.HANDLING_RULE_FOR_UPDATE, [areaCode, itemCode])) as Row[];
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async upsert(manager: EntityManager, rule: HandlingRuleSpec, author: { keyId: string | null; name: string }): Promise<HandlingRuleRecord> {
    const rows = (await manager.query(SQL.UPSERT_HANDLING_RULE, [
      rule.areaCode,
      rule.itemCode,
      rule.assistedTurnaroundWorkingDays,
      rule.onlineChannels === null ? null : JSON.stringify(rule.onlineChannels),
      rule.note,
      author.keyId,
      author.name,
    ])) as Row[];
    return toRecord(rows[0]!);
  }

  async delete(manager: EntityManager, areaCode: string, itemCode: string): Promise<boolean> {
    return returned<{ area_code: string }>(await manager.query(SQL.DELETE_HANDLING_RULE, [areaCode, itemCode])).length > 0;
  }

  async areaExists(manager: EntityManager, code: string): Promise<boolean> {
    return ((await manager.query(SQL.AREA_EXISTS, [code])) as unknown[]).length > 0;
  }

  async itemExists(manager: EntityManager, code: string): Promise<boolean> {
    return ((await manager.query(SQL.ITEM_EXISTS, [code])) as unknown[]).length > 0;
  }
}
