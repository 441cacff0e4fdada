import { ArrayMaxSize, IsEnum, IsOptional, Matches, Max, Min, ValidateNested } from 'class-validator';
import { HandlingWay } from '../handling-rule/handling-way.enum';
import { ArgsType, Field, Float, ID, Int } from 'type-graphql';
import { COVERAGE_AREA_CODE_MESSAGE, COVERAGE_AREA_CODE_PATTERN, ITEM_CODE_PATTERN, SERVICE_POINT_ID_PATTERN, VILLAGE_CODE_PATTERN } from '../common/codes';
import { ScenarioArg, ScenarioIdArg, ScenarioInput } from './scenario.input';
import { CoverageMethod, TravelMode, TravelModelName } from './travel-mode.enum';

/** The `handling` argument: which ways of handling coverage counts (default in person). */
export function HandlingArg(): PropertyDecorator {
  return (target, property) => {
    Field(() => [HandlingWay], {
      nullable: true,
      description:
        'Which ways of handling count (default [IN_PERSON]): ASSISTED counts the points that accept the item on a resident\'s behalf; ONLINE counts a village covered when its area has an online channel for the item. Needs itemCode and method INDEX; the provenance says which were counted.',
    })(target, property);
    IsOptional()(target, property);
    ArrayMaxSize(3)(target, property);
    IsEnum(HandlingWay, { each: true, message: 'handling: each must be IN_PERSON, ASSISTED or ONLINE' })(target, property);
  };
}

export const MIN_BUDGET_MINUTES = 1;
export const MAX_BUDGET_MINUTES = 120;

@ArgsType()
export class TravelArgs {
  @Field(() => TravelMode, { nullable: true, description: 'Default: DEFAULT_TRAVEL_MODE (EBIKE).' })
  @IsOptional()
  @IsEnum(TravelMode)
  mode?: TravelMode;

  @Field(() => Float, { nullable: true, description: 'Time budget in minutes, 1 to 120. Default: 15.' })
  @IsOptional()
  @Min(MIN_BUDGET_MINUTES, { message: 'minutes must be between 1 and 120' })
  @Max(MAX_BUDGET_MINUTES, { message: 'minutes must be between 1 and 120' })
  minutes?: number;

  @Field(() => TravelModelName, { nullable: true, description: 'How travel time is estimated. Default: STRAIGHT_LINE.' })
  @IsOptional()
  @IsEnum(TravelModelName)
  travelModel?: TravelModelName;
}

/** An area's coverage for an item (or any item) and a travel: what a coverage and its live updates take. */
@ArgsType()
export class AreaCoverageArgs extends TravelArgs {
  @Field(() => ID, { description: 'Area code (2, 4, 6 or 9 digits), or a planning area\'s code.' })
  @Matches(COVERAGE_AREA_CODE_PATTERN, { message: COVERAGE_AREA_CODE_MESSAGE })
  areaCode: string;

  @Field(() => ID, { nullable: true, description: 'Count only points offering this item; without it any active point counts.' })
  @IsOptional()
  @Matches(ITEM_CODE_PATTERN, { message: 'itemCode must be an item code such as RESIDENT_ENROLMENT' })
  itemCode?: string;
}

@ArgsType()
export class CoverageArgs extends AreaCoverageArgs {
  @Field(() => CoverageMethod, { nullable: true, description: 'INDEX (default) or POSTGIS, the reference.' })
  @IsOptional()
  @IsEnum(CoverageMethod)
  method?: CoverageMethod;

  @ScenarioArg()
  scenario?: ScenarioInput | null;

  @ScenarioIdArg()
  scenarioId?: string | null;

  @HandlingArg()
  handling?: HandlingWay[] | null;
}

@ArgsType()
export class CompareCoverageArgs extends AreaCoverageArgs {
  @Field(() => ScenarioInput, { nullable: true, description: 'The what-if to compare with the live data (or scenarioId).' })
  @IsOptional()
  @ValidateNested()
  scenario?: ScenarioInput | null;

  @ScenarioIdArg()
  scenarioId?: string | null;

  @Field(() => Int, { nullable: true, description: 'How many villages gained and lost to list (default 20, at most MAX_PAGE_SIZE).' })
  @IsOptional()
  @Min(0)
  first?: number;

  @HandlingArg()
  handling?: HandlingWay[] | null;
}

@ArgsType()
export class CoverageGapsArgs extends CoverageArgs {
  @Field(() => Int, { nullable: true, description: 'How many villages (default 20, at most MAX_PAGE_SIZE).' })
  @IsOptional()
  @Min(0)
  first?: number;
}

@ArgsType()
export class WhereToHandleArgs extends TravelArgs {
  @Field(() => ID)
  @Matches(VILLAGE_CODE_PATTERN, { message: 'villageCode must be a 12-digit village code' })
  villageCode: string;

  @Field(() => ID)
  @Matches(ITEM_CODE_PATTERN, { message: 'itemCode must be an item code such as RESIDENT_ENROLMENT' })
  itemCode: string;

  @Field(() => Int, { nullable: true, description: 'How many options (default 5, at most 50); `ways` lists up to this many points of each way.' })
  @IsOptional()
  @Min(1)
  @Max(50)
  first?: number;

  @ScenarioArg()
  scenario?: ScenarioInput | null;

  @ScenarioIdArg()
  scenarioId?: string | null;
}

@ArgsType()
export class DelegationMatrixArgs extends TravelArgs {
  @Field(() => ID)
  @Matches(COVERAGE_AREA_CODE_PATTERN, { message: COVERAGE_AREA_CODE_MESSAGE })
  areaCode: string;

  @HandlingArg()
  handling?: HandlingWay[] | null;

  @ScenarioArg()
  scenario?: ScenarioInput | null;

  @ScenarioIdArg()
  scenarioId?: string | null;
}

@ArgsType()
export class IsochroneArgs extends TravelArgs {
  @Field(() => ID)
  @Matches(SERVICE_POINT_ID_PATTERN, { message: 'servicePointId must be a service-point id such as TS-520121101' })
  servicePointId: string;

  @ScenarioArg()
  scenario?: ScenarioInput | null;

  @ScenarioIdArg()
  scenarioId?: string | null;
}

@ArgsType()
export class VillageCoverageArgs {
  @Field({ nullable: true, description: 'Only covered (true) or uncovered (false) villages.' })
  @IsOptional()
  covered?: boolean;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Min(0)
  first?: number;

  @Field(() => String, { nullable: true })
  @IsOptional()
  after?: string;
}
