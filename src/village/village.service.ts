import type { Config } from '../config/config';
import { BadInputError, NotFoundError } from '../common/errors';
import { toPage, type Page } from '../common/page';
import { decodeCursor, encodeCursor } from '../common/cursor';
import { pageSize } from '../common/page-size';
import type { VillageLoaders } from './village.loaders';
import type { AreaLoaders } from '../area/area.loaders';
import type { VillageEdge } from './village.connection';
import type { Village } from './village.entity';
import type { VillageQuery, VillageRepository } from './village.repository';
import type { VillagesArgs } from './villages.args';

/** The request's loaders this reads. */
type Loaders = VillageLoaders & AreaLoaders;

export class VillageService {
  constructor(
    private readonly villages: VillageRepository,
    private readonly config: Config,
  ) {}

  async getByCode(code: string, loaders: Loaders): Promise<Village> {
    const village = await loaders.villageByCode.load(code);
    if (!village) throw new NotFoundError('Village', code);
    return village;
  }

  async list(args: VillagesArgs, loaders: Loaders): Promise<Page<VillageEdge>> {
    const limit = pageSize(args.first, this.config.pagination);
    const f = args.filter ?? {};
    if (f.areaCode && !(await loaders.areaByCode.load(f.areaCode))) throw new NotFoundError('Area', f.areaCode);
    if (f.minPopulation !== undefined && f.maxPopulation !== undefined && f.minPopulation > f.maxPopulation) {
      throw new BadInputError('filter.minPopulation must not exceed filter.maxPopulation', { argument: 'filter' });
    }
    const query: VillageQuery = {
      areaCode: f.areaCode ?? null,
      nameContains: f.nameContains || null,
      minPopulation: f.minPopulation ?? null,
      maxPopulation: f.maxPopulation ?? null,
    };
    const after = args.after ? String(decodeCursor(args.after, 'code', 1)[0]) : null;
    const rows = await this.villages.page(query, after, limit + 1);
    return toPage(rows, limit, (v) => ({ node: v, cursor: encodeCursor('code', [v.code]) }), () => this.villages.count(query));
  }
}
