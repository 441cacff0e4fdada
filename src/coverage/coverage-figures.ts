import type { ServicePoint } from '../service-point/service-point.entity';
import type { TravelModeName } from '../travel/travel-model';
import { nearestPointId, type AreaComputation } from './coverage.engine';
import type { Travel } from './query-travel';
import type { Coverage, VillageCoverage } from './coverage.type';
import { HANDLED_BY } from './handling-coverage';
import { HandlingWay } from '../handling-rule/handling-way.enum';

/** The headline figures of a computation. */
export function sums(c: AreaComputation): Pick<Coverage, 'villageCount' | 'coveredVillageCount' | 'population' | 'coveredPopulation' | 'coveredPopulationRatio' | 'coveredVillageRatio'> {
  let population = 0;
  let coveredPopulation = 0;
  let coveredVillageCount = 0;
  for (let k = 0; k < c.codes.length; k++) {
    population += c.population[k]!;
    if (c.covered[k]) {
      coveredVillageCount++;
      coveredPopulation += c.population[k]!;
    }
  }
  const villageCount = c.codes.length;
  return {
    villageCount,
    coveredVillageCount,
    population,
    coveredPopulation,
    coveredPopulationRatio: population > 0 ? coveredPopulation / population : 0,
    coveredVillageRatio: villageCount > 0 ? coveredVillageCount / villageCount : 0,
  };
}

/** One village of a computation: covered or not, the cost to its nearest counted point, and that point. */
export function villageCoverage(c: AreaComputation, k: number, travel: Travel, scenarioPoints?: ReadonlyMap<string, ServicePoint>): VillageCoverage {
  const distance = c.distanceMeters[k]!;
  const cost = c.cost[k]!;
  const pointId = nearestPointId(c, k);
  const known = pointId !== null && Number.isFinite(cost);
  return {
    villageCode: c.codes[k],
    nearestPointId: pointId,
    covered: c.covered[k] === 1,
    distanceMeters: pointId !== null && Number.isFinite(distance) ? distance : null,
    travelMinutes: known ? travel.model.minutes(travel.mode as TravelModeName, cost) : null,
    offRoadNetwork: c.offNetwork ? c.offNetwork[k] === 1 : null,
    handledBy: c.handledBy ? HANDLED_BY[c.handledBy[k]!] : c.covered[k] === 1 ? HandlingWay.IN_PERSON : null,
    scenarioPoints,
  } as VillageCoverage;
}
