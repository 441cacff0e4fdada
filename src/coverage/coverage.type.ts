import { Field, Float, Int, ObjectType } from 'type-graphql';
import { Area } from '../area/area.entity';
import { Connection } from '../graphql/connection/connection.type';
import { DelegationLevel } from '../service-item/delegation-level.enum';
import { ServiceItem } from '../service-item/service-item.entity';
import { ServicePoint } from '../service-point/service-point.entity';
import { Village } from '../village/village.entity';
import { GraphQLJSONObject } from 'graphql-scalars';
import { CoverageMethod, TravelMode, TravelModelName } from './travel-mode.enum';
import { ScenarioSummary } from './scenario.type';
import { HandlingWay } from '../handling-rule/handling-way.enum';
import { OnlineChannel } from '../handling-rule/handling-rule.type';

@ObjectType({ description: 'How a coverage figure was computed, so a dashboard can label it.' })
export class CoverageProvenance {
  @Field(() => TravelModelName, { description: 'The travel model the figures come from.' })
  travelModel: TravelModelName;

  @Field({ description: 'The travel model\'s name (as travelModel).', deprecationReason: 'Use travelModel.' })
  model: string;

  @Field(() => GraphQLJSONObject, { description: 'The travel model\'s parameters for this mode, by name (STRAIGHT_LINE: speedKmh, detourFactor, radiusMeters).' })
  parameters: Record<string, number | string>;

  @Field(() => CoverageMethod)
  method: CoverageMethod;

  @Field(() => TravelMode)
  mode: TravelMode;

  @Field(() => Float, { description: 'The mode\'s speed (km/h).' })
  speedKmh: number;

  @Field(() => Float, { nullable: true, description: 'STRAIGHT_LINE: road distance ≈ geodesic distance × this factor; null for other models.' })
  detourFactor: number | null;

  @Field(() => Float)
  minutes: number;

  @Field(() => Float, { nullable: true, description: 'STRAIGHT_LINE: the geodesic radius reachable within the budget (speed × minutes ÷ detour); null for other models.' })
  radiusMeters: number | null;

  @Field({ description: 'Data version the result was computed from; it changes whenever villages, points, their items or areas change.' })
  dataVersion: string;

  @Field({ description: 'When the figures were computed (ISO 8601); cached results keep their original time.' })
  computedAt: string;

  @Field({ description: 'The same in words.' })
  description: string;

  @Field({ description: 'True: village locations and populations in this data are synthetic.' })
  syntheticData: boolean;

  @Field(() => ScenarioSummary, { nullable: true, description: 'The what-if the figures were computed under; null: the live data.' })
  scenario: ScenarioSummary | null;

  @Field(() => [HandlingWay], {
    description: 'The ways of handling counted (IN_PERSON by default; ASSISTED and ONLINE when asked with `handling`). Without an item, any active point counts and this is [IN_PERSON].',
  })
  handling: HandlingWay[];
}

@ObjectType({ description: 'Coverage figures of one township.' })
export class TownshipCoverage {
  @Field(() => Area)
  township: Area;

  @Field(() => Int)
  villageCount: number;

  @Field(() => Int)
  coveredVillageCount: number;

  @Field(() => Int)
  population: number;

  @Field(() => Int)
  coveredPopulation: number;

  @Field(() => Float, { description: 'coveredPopulation ÷ population (0 when the population is 0).' })
  coveredPopulationRatio: number;
}

@ObjectType({ description: 'One village in a coverage result.' })
export class VillageCoverage {
  @Field(() => Village)
  village: Village;

  @Field({ description: 'A counted point is reachable within the budget.' })
  covered: boolean;

  @Field(() => ServicePoint, { nullable: true, description: 'Nearest counted point (within 300 km), covered or not.' })
  nearestServicePoint: ServicePoint | null;

  @Field(() => Float, { nullable: true, description: 'Geodesic metres to the nearest counted point.' })
  distanceMeters: number | null;

  @Field(() => Float, { nullable: true, description: 'Travel minutes to it: STRAIGHT_LINE distance × detour ÷ speed; ROAD the shortest time over the road network.' })
  travelMinutes: number | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'ROAD only: true when the village is farther than the off-road limit (ROAD_MAX_OFF_ROAD_METERS, 1 km) from every road its mode may use, so its minutes are the straight line\'s; null under STRAIGHT_LINE.',
  })
  offRoadNetwork: boolean | null;

  @Field(() => HandlingWay, {
    nullable: true,
    description:
      'How the village is covered: IN_PERSON or ASSISTED (its nearest counted point within the budget handles the item itself, or accepts it on the resident\'s behalf), ONLINE (no counted point within the budget, but the item has an online channel in its area and ONLINE was asked); null when not covered.',
  })
  handledBy: HandlingWay | null;

  villageCode: string;
  nearestPointId: string | null;

  /** The points a scenario adds or changes, as it shows them (absent: the live data). */
  scenarioPoints?: ReadonlyMap<string, ServicePoint>;
}

@ObjectType()
export class VillageCoverageEdge {
  @Field()
  cursor: string;

  @Field(() => VillageCoverage)
  node: VillageCoverage;
}

@ObjectType()
export class VillageCoverageConnection extends Connection(VillageCoverageEdge) {}

@ObjectType({ description: 'Coverage of an area for an item, travel mode and time budget.' })
export class Coverage {
  @Field(() => Area)
  area: Area;

  @Field(() => ServiceItem, { nullable: true, description: 'The item counted; null: any active point counts.' })
  item: ServiceItem | null;

  @Field(() => Int)
  villageCount: number;

  @Field(() => Int)
  coveredVillageCount: number;

  @Field(() => Int)
  population: number;

  @Field(() => Int)
  coveredPopulation: number;

  @Field(() => Float, { description: 'coveredPopulation ÷ population (0 when the population is 0).' })
  coveredPopulationRatio: number;

  @Field(() => Float, { description: 'coveredVillageCount ÷ villageCount (0 when there are no villages).' })
  coveredVillageRatio: number;

  @Field(() => [TownshipCoverage])
  byTownship: TownshipCoverage[];

  @Field(() => CoverageProvenance)
  provenance: CoverageProvenance;

  // villages, polygon and polygonAreaKm2 are field resolvers (computed on demand).
}

@ObjectType({ description: 'Uncovered villages, most people first.' })
export class CoverageGaps {
  @Field(() => Area)
  area: Area;

  @Field(() => Int)
  uncoveredVillageCount: number;

  @Field(() => Int)
  uncoveredPopulation: number;

  @Field(() => [VillageCoverage], { description: 'The first `first` uncovered villages by population (descending), then code.' })
  villages: VillageCoverage[];

  @Field(() => CoverageProvenance)
  provenance: CoverageProvenance;
}

@ObjectType({ description: "A township's coverage before and after a scenario." })
export class TownshipComparison {
  @Field(() => Area)
  township: Area;

  @Field(() => Int)
  population: number;

  @Field(() => Int)
  coveredPopulationBefore: number;

  @Field(() => Int)
  coveredPopulationAfter: number;

  @Field(() => Int, { description: 'coveredPopulationAfter − coveredPopulationBefore (negative: people lose the circle).' })
  populationGained: number;

  @Field(() => Int)
  villagesGained: number;

  @Field(() => Int)
  villagesLost: number;
}

@ObjectType({ description: "An area's coverage before and after a scenario, from the same data version." })
export class CoverageComparison {
  @Field(() => Area)
  area: Area;

  @Field(() => Coverage, { description: 'The live data.' })
  before: Coverage;

  @Field(() => Coverage, { description: 'As if the scenario were made.' })
  after: Coverage;

  @Field(() => Int, { description: 'Net: after.coveredPopulation − before.coveredPopulation.' })
  populationGained: number;

  @Field(() => Int, { description: 'Villages covered after but not before.' })
  villagesGainedCount: number;

  @Field(() => Int, { description: 'Villages covered before but not after.' })
  villagesLostCount: number;

  @Field(() => [VillageCoverage], { description: 'The first `first` villages gained, most people first (as they are after).' })
  villagesGained: VillageCoverage[];

  @Field(() => [VillageCoverage], { description: 'The first `first` villages lost, most people first (as they are after).' })
  villagesLost: VillageCoverage[];

  @Field(() => [TownshipComparison], { description: 'Townships whose covered population changes, most gained first.' })
  byTownship: TownshipComparison[];

  @Field(() => CoverageProvenance, { description: "The after's provenance: the scenario, travel model and data version (the before's is the same, without the scenario)." })
  provenance: CoverageProvenance;
}

@ObjectType({ description: 'A point where the village can handle the item.' })
export class HandlingOption {
  @Field(() => ServicePoint)
  servicePoint: ServicePoint;

  @Field(() => Float, { nullable: true, description: 'Geodesic metres to the point (STRAIGHT_LINE); null under ROAD, whose costs are minutes over the network.' })
  distanceMeters: number | null;

  @Field(() => Float)
  travelMinutes: number;

  @Field({ description: 'Reachable within the time budget.' })
  withinBudget: boolean;

  @Field({ description: 'Inside the scope the delegation rule asks for (the village, its township, or its county).' })
  withinRuleScope: boolean;

  /** The point as a scenario leaves it (a hypothetical one, or one it moves); absent: the directory's. */
  scenarioPoint?: ServicePoint;

  servicePointId: string;
}

@ObjectType({ description: 'One way a village can handle an item: at a point (in person, or assisted) or through an online channel.' })
export class HandlingWayOption {
  @Field(() => HandlingWay)
  way: HandlingWay;

  @Field(() => ServicePoint, { nullable: true, description: 'The point to go to (IN_PERSON, ASSISTED); null for ONLINE.' })
  servicePoint: ServicePoint | null;

  @Field(() => OnlineChannel, { nullable: true, description: 'The channel (ONLINE); null otherwise.' })
  channel: OnlineChannel | null;

  @Field(() => Float, { nullable: true, description: 'Geodesic metres to the point (STRAIGHT_LINE); null under ROAD and for ONLINE.' })
  distanceMeters: number | null;

  @Field(() => Float, { description: 'Travel minutes to the point; 0 for ONLINE.' })
  travelMinutes: number;

  @Field({ description: 'Reachable within the time budget (ONLINE: always).' })
  withinBudget: boolean;

  @Field(() => Int, {
    nullable: true,
    description: 'ASSISTED: the usual working days until the deciding level answers, as the area\'s handling rule says; null when the rule does not say, and for the other ways.',
  })
  turnaroundWorkingDays: number | null;

  @Field({ description: 'What the resident must do, in words.' })
  residentMustDo: string;

  servicePointId: string | null;
  /** The point as a scenario leaves it; absent: the directory's. */
  scenarioPoint?: ServicePoint;
}

@ObjectType({ description: 'Where a village can handle an item, and whether the delegation rule holds.' })
export class WhereToHandle {
  @Field(() => Village)
  village: Village;

  @Field(() => ServiceItem)
  item: ServiceItem;

  @Field(() => DelegationLevel)
  delegationLevel: DelegationLevel;

  @Field({
    description:
      '"Minor matters within the village, major within the town, challenging within the county": true when an active point offering the item lies in the village (VILLAGE items), its township (TOWNSHIP) or its county (COUNTY).',
  })
  withinRule: boolean;

  @Field({ description: 'The rule and its verdict in words.' })
  ruleExplanation: string;

  @Field(() => [HandlingOption], { description: 'Nearest active points handling the item in person, nearest first (`ways` lists every way).' })
  options: HandlingOption[];

  @Field(() => [HandlingWayOption], {
    description:
      'Every way the village can handle the item, nearest first: the online channels of its area (no travel), then the points that handle it in person or accept it on the resident\'s behalf (ASSISTED), by travel time (up to `first` of each), each with what the resident must do.',
  })
  ways: HandlingWayOption[];

  @Field(() => CoverageProvenance)
  provenance: CoverageProvenance;
}

@ObjectType({ description: 'One item of the delegation matrix of an area.' })
export class DelegationMatrixRow {
  @Field(() => ServiceItem)
  item: ServiceItem;

  @Field(() => DelegationLevel)
  delegationLevel: DelegationLevel;

  @Field(() => Int, { description: 'Active village points in the area offering the item.' })
  villagePoints: number;

  @Field(() => Int)
  townshipStations: number;

  @Field(() => Int)
  countyHalls: number;

  @Field(() => Int)
  hospitalStations: number;

  @Field(() => Int, { description: 'Active points in the area that accept the item on a resident\'s behalf (ASSISTED) and forward it.' })
  assistedPoints: number;

  @Field(() => [HandlingWay], {
    description: 'The ways the item can be handled in the area: IN_PERSON and ASSISTED when a point in it offers them, ONLINE when the area\'s handling rule gives it a channel.',
  })
  ways: HandlingWay[];

  @Field(() => Int, { nullable: true, description: 'The usual turnaround of assisted handling in working days (the area\'s handling rule); null when not stated.' })
  assistedTurnaroundWorkingDays: number | null;

  @Field(() => [OnlineChannel], { description: 'The online channels of the area for the item (its handling rule).' })
  onlineChannels: OnlineChannel[];

  @Field(() => Int, { description: 'Villages covered, counting the ways asked (`handling`; in person by default).' })
  coveredVillageCount: number;

  @Field(() => Float)
  coveredPopulationRatio: number;
}

@ObjectType({ description: 'The delegation matrix: each item, who offers it, and its coverage under the default mode and budget.' })
export class DelegationMatrix {
  @Field(() => Area)
  area: Area;

  @Field(() => [DelegationMatrixRow])
  rows: DelegationMatrixRow[];

  @Field(() => CoverageProvenance, { description: 'Mode and budget used for the coverage columns (method, data version).' })
  provenance: CoverageProvenance;
}

@ObjectType({
  description:
    "One point's reach within the budget: under STRAIGHT_LINE a geodesic circle of the travel radius; under ROAD the area from which the point is reached over the road network (the roads reached, widened by the walk left, up to the off-road limit).",
})
export class Isochrone {
  @Field(() => ServicePoint)
  servicePoint: ServicePoint;

  /** WGS-84 GeoJSON Polygon (STRAIGHT_LINE) or MultiPolygon (ROAD); exposed through a resolver that takes `crs`. */
  polygon: unknown;

  @Field(() => Float)
  polygonAreaKm2: number;

  @Field(() => Int, { description: 'Villages from which the point is reached within the budget (by the travel model, as coverage counts them).' })
  villageCount: number;

  @Field(() => Int, { description: 'The people of those villages.' })
  population: number;

  @Field(() => CoverageProvenance)
  provenance: CoverageProvenance;
}
