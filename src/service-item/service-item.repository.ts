import type { DataSource, EntityManager } from 'typeorm';
import type { DelegationLevel } from './delegation-level.enum';
import type { ServiceItem } from './service-item.entity';
import * as SQL from './service-item.sql';

interface ServiceItemRow {
  code: string;
  name: string;
  name_zh: string;
  delegation_level: DelegationLevel;
  sort_order: number;
}

function toServiceItem(row: ServiceItemRow): ServiceItem {
  return { code: row.code, name: row.name, nameZh: row.name_zh, delegationLevel: row.delegation_level, sortOrder: row.sort_order };
}

export class ServiceItemRepository {
  constructor(private readonly db: DataSource) {}

  async findAll(level: DelegationLevel | null): Promise<ServiceItem[]> {
    const rows: ServiceItemRow[] = await this.db.query(SQL.SERVICE_ITEMS_ALL, [level]);
    return rows.map(toServiceItem);
  }

  async findByCodes(codes: readonly string[]): Promise<ServiceItem[]> {
    const rows: ServiceItemRow[] = await this.db.query(SQL.SERVICE_ITEMS_BY_CODES, [codes]);
    return rows.map(toServiceItem);
  }

  async findOfferedInAreas(areaCodes: readonly string[]): Promise<{ areaCode: string; item: ServiceItem }[]> {
    const rows: (ServiceItemRow & { area_code: string })[] = await this.db.query(SQL.SERVICE_ITEMS_OFFERED_IN_AREAS, [areaCodes]);
    return rows.map((r) => ({ areaCode: r.area_code, item: toServiceItem(r) }));
  }

  async upsertMany(manager: EntityManager, items: readonly ServiceItem[]): Promise<void> {
    await manager.query(SQL.UPSERT_SERVICE_ITEMS, [
      items.map((i) => i.code),
      items.map((i) => i.name),
      items.map((i) => i.nameZh),
      items.map((i) => i.delegationLevel),
      items.map((i) => i.sortOrder),
    ]);
  }
}
