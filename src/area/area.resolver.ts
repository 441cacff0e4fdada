import { Authorized, Args, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { AreaCodeArgs } from '../common/code.args';
import { DelegationLevelArgs } from '../service-item/delegation-level.args';
import { fromWgs84 } from '../geo/convert-geometry';
import type { Context } from '../graphql/context';
import type { AreaLoaders } from './area.loaders';
import type { ServiceItemLoaders } from '../service-item/service-item.loaders';
import { ownCost, scopeSize } from '../graphql/plugins/query-cost';
import { CRS_ARGS, CrsArgs } from '../graphql/scalars/crs.args';
import { GeoJSONScalar } from '../graphql/scalars/geojson.scalar';
import { ServiceItem } from '../service-item/service-item.entity';
import { Area } from './area.entity';
import type { AreaService } from './area.service';
import { AreasArgs } from './areas.args';
import { Role } from '../common/role.enum';

type RequestContext = Context<AreaLoaders & ServiceItemLoaders>;

/**
 * How many areas `areas(level, parentCode)` may return, for the query cost: children of one parent stay in the
 * tens; a whole level is counted at national size (34 provinces, ~340 cities, ~2,900 counties, ~39,000 townships),
 * so a heavy selection over every township is refused before it runs.
 */
function expectedAreaCount(args: Record<string, unknown>): number {
  if (args.parentCode) return 30;
  return ({ PROVINCE: 34, CITY: 340, COUNTY: 2900, TOWNSHIP: 39_000 } as Record<string, number>)[String(args.level)] ?? 34;
}

@Resolver(() => Area)
export class AreaResolver {
  constructor(private readonly service: AreaService) {}

  @Authorized(Role.READER)
  @Query(() => Area, { nullable: true, description: 'One area by official code; null with a NOT_FOUND error for an unknown code.' })
  area(@Args() { code }: AreaCodeArgs, @Ctx() { loaders }: RequestContext) {
    return this.service.getByCode(code, loaders);
  }

  @Authorized(Role.READER)
  @Query(() => [Area], { complexity: ({ args, childComplexity }) => 1 + expectedAreaCount(args) * childComplexity, description: 'Areas by level and/or parent; with neither, the provinces.' })
  areas(@Args() { level, parentCode }: AreasArgs, @Ctx() { loaders }: RequestContext) {
    return this.service.list(level, parentCode, loaders);
  }

  @FieldResolver(() => Area, { nullable: true })
  parent(@Root() area: Area, @Ctx() { loaders }: RequestContext) {
    return area.parentCode ? loaders.areaByCode.load(area.parentCode) : null;
  }

  @FieldResolver(() => [Area], { description: 'Areas one level down (townships have none: see villages).' })
  children(@Root() area: Area, @Ctx() { loaders }: RequestContext) {
    return loaders.areasByParent.load(area.code);
  }

  @FieldResolver(() => GeoJSONScalar, { nullable: true, complexity: 20, description: 'Boundary as a GeoJSON MultiPolygon (WGS-84); null where none is loaded (townships).' })
  async boundary(@Root() area: Area, @Args(CRS_ARGS) { crs }: CrsArgs, @Ctx() { loaders }: RequestContext) {
    const boundary = await loaders.areaBoundary.load(area.code);
    return boundary && fromWgs84(boundary, crs);
  }

  @FieldResolver(() => GeoJSONScalar, {
    // A boundary (20, as `boundary`) for the area and for each child it can have.
    complexity: ownCost((_args, { sizes }, field) => 20 * (1 + (scopeSize(field, (s) => s.children) ?? sizes.maxChildren))),
    description:
      'The area and its children as a GeoJSON FeatureCollection of boundaries (properties code, name, level, villageCount, population); children without a boundary (townships) are left out.',
  })
  boundaryFeatureCollection(@Root() area: Area, @Args(CRS_ARGS) { crs }: CrsArgs, @Ctx() { loaders }: RequestContext) {
    return this.service.boundaryFeatureCollection(area, crs, loaders);
  }

  @FieldResolver(() => GeoJSONScalar, { nullable: true, description: 'Seat of government (synthetic in the seed data), GeoJSON Point.' })
  seat(@Root() area: Area, @Args(CRS_ARGS) { crs }: CrsArgs) {
    return area.seat && fromWgs84(area.seat, crs);
  }

  @FieldResolver(() => Int, { description: 'Villages in the area, at every level below it.' })
  async villageCount(@Root() area: Area, @Ctx() { loaders }: RequestContext) {
    return (await loaders.areaVillageStats.load(area.code))?.villageCount ?? 0;
  }

  @FieldResolver(() => Int, { description: 'Total population of its villages (synthetic in the seed data).' })
  async population(@Root() area: Area, @Ctx() { loaders }: RequestContext) {
    return (await loaders.areaVillageStats.load(area.code))?.population ?? 0;
  }

  @FieldResolver(() => [ServiceItem], { description: 'Items offered by at least one active point in the area, optionally only those delegated to `level`.' })
  serviceItems(@Root() area: Area, @Args() { level }: DelegationLevelArgs, @Ctx() { loaders }: RequestContext) {
    return this.service.serviceItems(area, level, loaders);
  }
}
