import type { Feature, FeatureCollection, MultiPolygon } from 'geojson';
import { NotFoundError } from '../common/errors';
import { fromWgs84, type Crs } from '../geo/convert-geometry';
import type { AreaLoaders } from './area.loaders';
import type { ServiceItemLoaders } from '../service-item/service-item.loaders';
import type { DelegationLevel } from '../service-item/delegation-level.enum';
import type { ServiceItem } from '../service-item/service-item.entity';
import { AreaLevel } from './area-level.enum';
import type { Area } from './area.entity';
import type { AreaRepository, AreaVillageStats } from './area.repository';

/** The request's loaders this reads. */
type Loaders = AreaLoaders & ServiceItemLoaders;

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

  /** The area and its children with boundaries, as a FeatureCollection for map layers. */
  async boundaryFeatureCollection(area: Area, crs: Crs, loaders: Loaders): Promise<FeatureCollection<MultiPolygon>> {
    const areas = [area, ...(await loaders.areasByParent.load(area.code))];
    const [boundaries, stats] = await Promise.all([
      loaders.areaBoundary.loadMany(areas.map((a) => a.code)),
      loaders.areaVillageStats.loadMany(areas.map((a) => a.code)),
    ]);
    const features: Feature<MultiPolygon>[] = [];
    areas.forEach((a, i) => {
      const boundary = boundaries[i];
      if (!boundary || boundary instanceof Error) return;
      const s = stats[i] instanceof Error ? null : (stats[i] as AreaVillageStats | null);
      features.push({
        type: 'Feature',
        id: a.code,
        geometry: fromWgs84(boundary, crs),
        properties: { code: a.code, name: a.name, level: a.level, parentCode: a.parentCode, villageCount: s?.villageCount ?? 0, population: s?.population ?? 0 },
      });
    });
    return { type: 'FeatureCollection', features };
  }

  /** Items that at least one active point in the area offers, optionally only those delegated to `level`. */
  async serviceItems(area: Area, level: DelegationLevel | undefined, loaders: Loaders): Promise<ServiceItem[]> {
    const items = await loaders.serviceItemsOfferedInArea.load(area.code);
    return level ? items.filter((i) => i.delegationLevel === level) : items;
  }
}
