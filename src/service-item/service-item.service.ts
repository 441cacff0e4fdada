import { NotFoundError } from '../common/errors';
import type { ServiceItemLoaders } from './service-item.loaders';
import type { DelegationLevel } from './delegation-level.enum';
import type { ServiceItem } from './service-item.entity';
import type { ServiceItemRepository } from './service-item.repository';

/** The request's loaders this reads. */
type Loaders = ServiceItemLoaders;

export class ServiceItemService {
  constructor(private readonly items: ServiceItemRepository) {}

  list(level: DelegationLevel | undefined): Promise<ServiceItem[]> {
    return this.items.findAll(level ?? null);
  }

  async getByCode(code: string, loaders: Loaders): Promise<ServiceItem> {
    const item = await loaders.serviceItemByCode.load(code);
    if (!item) throw new NotFoundError('ServiceItem', code);
    return item;
  }
}
