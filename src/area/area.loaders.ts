import DataLoader from 'dataloader';
import type { MultiPolygon } from 'geojson';
import { groupByKeys } from '../common/group-by-keys';
import { orderByKeys } from '../common/order-by-keys';
import type { Area } from './area.entity';
import type { AreaRepository, AreaVillageStats } from './area.repository';

export function createAreaLoaders(areas: AreaRepository) {
  return {
    areaByCode: new DataLoader<string, Area | null>(async (codes) => orderByKeys(codes, await areas.findByCodes(codes), (a) => a.code)),
    areasByParent: new DataLoader<string, Area[]>(async (codes) => groupByKeys(codes, await areas.findByParentCodes(codes), (a) => a.parentCode!)),
    areaBoundary: new DataLoader<string, MultiPolygon | null>(async (codes) =>
      orderByKeys(codes, await areas.findBoundaries(codes), (b) => b.code).map((b) => b?.boundary ?? null),
    ),
    areaVillageStats: new DataLoader<string, AreaVillageStats | null>(async (codes) =>
      orderByKeys(codes, await areas.villageStats(codes), (s) => s.code),
    ),
  };
}

export type AreaLoaders = ReturnType<typeof createAreaLoaders>;
