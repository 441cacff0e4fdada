import { NotFoundError } from '../common/errors';
import type { Loaders } from '../graphql/loaders';
import type { DelegationLevel } from '../service-item/delegation-level.enum';
import type { ServiceItem } from '../service-item/service-item.entity';
import { AreaLevel } from './area-level.enum';
import type { Area } from './area.entity';
import type { AreaRepository } from './area.repository';

export class AreaService {
  constructor(private readonly areas: AreaRepository) {}

  async getByCode(code: string, loaders: Loaders): Promise<Area> {
    const area = await loaders.areaByCode.load(code);
    if (!area) throw new NotFoundError('Area', code);
    return area;
  }

  /** Areas by level and/or parent; with neither, the top of the tree (provinces). */
  async list(level: AreaLevel | undefined, parentCode: string | undefined, loaders: Loaders): Promise<Area[]> {
    if (parentCode) await this.getByCode(parentCode, loaders);
    if (!level && !parentCode) return this.areas.list(AreaLevel.PROVINCE, null);
    return this.areas.list(level ?? null, parentCode ?? null);
  }

  /** Items that at least one active point in the area offers, optionally only those delegated to `level`. */
  async serviceItems(area: Area, level: DelegationLevel | undefined, loaders: Loaders): Promise<ServiceItem[]> {
    const items = await loaders.serviceItemsOfferedInArea.load(area.code);
    return level ? items.filter((i) => i.delegationLevel === level) : items;
  }
}
