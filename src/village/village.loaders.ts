import DataLoader from 'dataloader';
import { orderByKeys } from '../common/order-by-keys';
import type { Village } from './village.entity';
import type { VillageRepository } from './village.repository';

export function createVillageLoaders(villages: VillageRepository) {
  return {
    villageByCode: new DataLoader<string, Village | null>(async (codes) => orderByKeys(codes, await villages.findByCodes(codes), (v) => v.code)),
  };
}

export type VillageLoaders = ReturnType<typeof createVillageLoaders>;
