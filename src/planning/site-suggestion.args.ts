import { ArrayMaxSize, IsEnum, IsOptional, IsPositive, Max, Min, ValidateNested } from 'class-validator';
import { ArgsType, Field, Float, InputType, Int, registerEnumType } from 'type-graphql';
import { AreaCoverageArgs } from '../coverage/coverage.args';
import { ScenarioArg, ScenarioIdArg, ScenarioInput } from '../coverage/scenario.input';
import { LocationInput } from '../graphql/scalars/location.input';

export enum SiteObjective {
  MAX_COVERED_POPULATION = 'MAX_COVERED_POPULATION',
  FEWEST_SITES_FOR_FULL_COVERAGE = 'FEWEST_SITES_FOR_FULL_COVERAGE',
  MIN_MEAN_TRAVEL_MINUTES = 'MIN_MEAN_TRAVEL_MINUTES',
}
registerEnumType(SiteObjective, {
  name: 'SiteObjective',
  description:
    'MAX_COVERED_POPULATION: `count` new sites reaching as many people as possible (maximal covering). FEWEST_SITES_FOR_FULL_COVERAGE: as few new sites as reach every village that can be reached, or targetCoveredShare of their people (set covering). MIN_MEAN_TRAVEL_MINUTES: `count` new sites with the lowest population-weighted mean minutes to the nearest point (p-median).',
});

export enum SiteCandidateSet {
  VILLAGES = 'VILLAGES',
  TOWNSHIP_SEATS = 'TOWNSHIP_SEATS',
  GRID = 'GRID',
  LOCATIONS = 'LOCATIONS',
}
registerEnumType(SiteCandidateSet, {
  name: 'SiteCandidateSet',
  description: 'Where new sites may go: at a village of the area, at a township seat, on a grid inside the area (gridSpacingMeters), or at the locations given.',
});

export enum SiteMethod {
  AUTO = 'AUTO',
  EXACT = 'EXACT',
  GREEDY = 'GREEDY',
}
registerEnumType(SiteMethod, {
  name: 'SiteMethod',
  description: 'AUTO: the exact solver (HiGHS) when the model is small enough and finishes in time, else greedy with its proven bound. EXACT: always try HiGHS. GREEDY: greedy with lazy gains and swaps.',
});

@InputType({ description: 'Candidate places for new sites.' })
export class SiteCandidatesInput {
  @Field(() => SiteCandidateSet)
  @IsEnum(SiteCandidateSet)
  set: SiteCandidateSet;

  @Field(() => Float, { nullable: true, description: 'GRID: the spacing in metres (200 to 50,000; default 2,000).' })
  @IsOptional()
  @Min(200)
  @Max(50_000)
  gridSpacingMeters?: number;

  @Field(() => [LocationInput], { nullable: true, description: 'LOCATIONS: the places (up to 5,000).' })
  @IsOptional()
  @ArrayMaxSize(5000)
  @ValidateNested({ each: true })
  locations?: LocationInput[];
}

@ArgsType()
export class SuggestSitesArgs extends AreaCoverageArgs {
  @Field(() => SiteObjective, { defaultValue: SiteObjective.MAX_COVERED_POPULATION })
  @IsEnum(SiteObjective)
  objective: SiteObjective;

  @Field(() => Int, { nullable: true, description: 'New sites (1 to 50): MAX_COVERED_POPULATION and MIN_MEAN_TRAVEL_MINUTES; default 3.' })
  @IsOptional()
  @Min(1)
  @Max(50)
  count?: number;

  @Field(() => Float, { nullable: true, description: 'FEWEST_SITES_FOR_FULL_COVERAGE: reach this share (0 to 1) of the people who can be reached, instead of all.' })
  @IsOptional()
  @IsPositive()
  @Max(1)
  targetCoveredShare?: number;

  @Field(() => SiteCandidatesInput, { nullable: true, description: 'Default: every village of the area.' })
  @IsOptional()
  @ValidateNested()
  candidates?: SiteCandidatesInput;

  @Field(() => SiteMethod, { defaultValue: SiteMethod.AUTO })
  @IsEnum(SiteMethod)
  method: SiteMethod;

  @Field(() => Int, { nullable: true, description: 'Time the solvers may take (100 to 30,000 ms; default 10,000, and never past the request deadline).' })
  @IsOptional()
  @Min(100)
  @Max(30_000)
  timeLimitMs?: number;

  @ScenarioArg()
  scenario?: ScenarioInput | null;

  @ScenarioIdArg()
  scenarioId?: string | null;
}
