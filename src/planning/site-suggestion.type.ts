import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { Area } from '../area/area.entity';
import { CoverageProvenance } from '../coverage/coverage.type';
import { ServiceItem } from '../service-item/service-item.entity';
import { ServicePointKind } from '../service-point/service-point-kind.enum';
import { SiteObjective } from './site-suggestion.args';

@ObjectType({ description: 'A suggested new service point, in the order a planner would open them.' })
export class SuggestedSite {
  @Field(() => Int, { description: '1 for the first to open.' })
  rank: number;

  @Field(() => ID, { description: 'Its key in asScenario (SUGGESTED-1, …).' })
  key: string;

  @Field({ description: 'A name for it: the kind it must be, and the village it is at or next to.' })
  name: string;

  @Field(() => ServicePointKind, { description: 'The lowest kind of point allowed to offer the item (never a village point for a township item).' })
  kind: ServicePointKind;

  @Field(() => Area, { description: 'Its township (or county, for a county hall), as a new point of that kind would be filed.' })
  area: Area;

  @Field(() => Float)
  longitude: number;

  @Field(() => Float)
  latitude: number;

  @Field(() => ID, { nullable: true, description: 'The village it is at (VILLAGES candidates) or nearest to.' })
  villageCode: string;

  @Field(() => Int, { description: 'People newly within the budget once it opens (after the sites before it).' })
  marginalCoveredPopulation: number;

  @Field(() => Int)
  marginalCoveredVillages: number;

  @Field(() => Int, { description: 'People within the budget once it and every site before it are open (existing points included).' })
  cumulativeCoveredPopulation: number;

  @Field(() => Int)
  cumulativeCoveredVillages: number;

  @Field(() => Float, { nullable: true, description: 'MIN_MEAN_TRAVEL_MINUTES: the population-weighted mean minutes once it is open.' })
  cumulativeMeanMinutes: number | null;
}

@ObjectType({ description: 'Where new service points should go, and how good the answer is proven to be.' })
export class SiteSuggestions {
  @Field(() => Area)
  area: Area;

  @Field(() => ServiceItem)
  item: ServiceItem;

  @Field(() => SiteObjective)
  objective: SiteObjective;

  @Field(() => [SuggestedSite])
  sites: SuggestedSite[];

  @Field(() => Int, { description: 'People within the budget now (existing points; the scenario, if any).' })
  coveredPopulationBefore: number;

  @Field(() => Int, { description: 'People within the budget with the suggested sites open.' })
  coveredPopulationAfter: number;

  @Field(() => Int, { description: 'People who can be reached at all (already, or from some candidate).' })
  coverablePopulation: number;

  @Field(() => Int)
  population: number;

  @Field(() => Float, { nullable: true, description: 'MIN_MEAN_TRAVEL_MINUTES: the population-weighted mean minutes with the sites open.' })
  meanMinutes: number | null;

  @Field({ description: 'OPTIMAL: proven by the bound (an exact solver, or a bound the greedy meets); FEASIBLE: see bound and gapPercent.' })
  status: string;

  @Field(() => Float, { description: 'Best proven bound on the objective (covered people, number of sites, or mean minutes).' })
  bound: number;

  @Field(() => Float, { description: 'How far the answer may be from the optimum, in percent of it (0 when OPTIMAL).' })
  gapPercent: number;

  @Field({ description: 'EXACT_MIP (HiGHS), GREEDY or GREEDY_SWAP (lazy greedy, improved by interchange).' })
  method: string;

  @Field(() => Int)
  candidateCount: number;

  @Field(() => Float)
  elapsedMs: number;

  @Field(() => GraphQLJSONObject, { description: 'The sites as a ScenarioInput (add), to pass as `scenario` to any coverage question or to saveScenario.' })
  asScenario: Record<string, unknown>;

  @Field(() => CoverageProvenance)
  provenance: CoverageProvenance;
}
