import { ArrayMaxSize, IsEnum, IsOptional, IsUUID, Length, Matches, ValidateNested } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { AREA_CODE_PATTERN, ITEM_CODE_PATTERN, SERVICE_POINT_ID_PATTERN } from '../common/codes';
import { LocationInput } from '../graphql/scalars/location.input';
import { ServicePointKind } from '../service-point/service-point-kind.enum';

/** Lists are capped here only against abuse; SCENARIO_MAX_CHANGES caps a scenario as a whole. */
const MAX_LIST = 1000;

@InputType({ description: 'A hypothetical service point: evaluated with the scenario, never written to the directory.' })
export class ScenarioPointInput {
  @Field(() => ID, { description: 'Its id in the answers, distinct from every existing point id (capital letters, digits, hyphens), e.g. NEW-1.' })
  @Matches(SERVICE_POINT_ID_PATTERN, { message: 'key must be like NEW-1 (capital letters, digits, hyphens; 3 to 64)' })
  key: string;

  @Field()
  @Length(1, 200)
  name: string;

  @Field(() => ServicePointKind)
  @IsEnum(ServicePointKind)
  kind: ServicePointKind;

  @Field(() => ID, { description: 'County (COUNTY_HALL, HOSPITAL_STATION) or township code (others), as for createServicePoint; the location must lie in its county.' })
  @Matches(AREA_CODE_PATTERN, { message: 'areaCode must be an official area code, e.g. 520121001' })
  areaCode: string;

  @Field(() => LocationInput)
  @ValidateNested()
  location: LocationInput;

  @Field(() => [ID], { nullable: true, description: "Items handled; default: every item of the kind's level and below (a HOSPITAL_STATION must list its)." })
  @IsOptional()
  @ArrayMaxSize(100)
  @Matches(ITEM_CODE_PATTERN, { each: true, message: 'itemCodes: each must be an item code such as RESIDENT_ENROLMENT' })
  itemCodes?: string[] | null;
}

@InputType({ description: 'An existing point at another place (in its own county).' })
export class ScenarioMoveInput {
  @Field(() => ID)
  @Matches(SERVICE_POINT_ID_PATTERN, { message: 'id must be a service-point id such as TS-520121101' })
  id: string;

  @Field(() => LocationInput)
  @ValidateNested()
  location: LocationInput;
}

@InputType({ description: 'An existing point offering other items (within its kind\'s level).' })
export class ScenarioItemsInput {
  @Field(() => ID)
  @Matches(SERVICE_POINT_ID_PATTERN, { message: 'id must be a service-point id such as TS-520121101' })
  id: string;

  @Field(() => [ID])
  @ArrayMaxSize(100)
  @Matches(ITEM_CODE_PATTERN, { each: true, message: 'itemCodes: each must be an item code such as RESIDENT_ENROLMENT' })
  itemCodes: string[];
}

@InputType({
  description:
    'A what-if: points to open, close, move or give other items. Evaluated as an overlay on the live data at the version the request reads, never written; at most SCENARIO_MAX_CHANGES entries in all.',
})
export class ScenarioInput {
  @Field(() => [ScenarioPointInput], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(MAX_LIST)
  @ValidateNested({ each: true })
  add?: ScenarioPointInput[] | null;

  @Field(() => [ID], { nullable: true, description: 'Points to close (their ids).' })
  @IsOptional()
  @ArrayMaxSize(MAX_LIST)
  @Matches(SERVICE_POINT_ID_PATTERN, { each: true, message: 'close: each must be a service-point id such as TS-520121101' })
  close?: string[] | null;

  @Field(() => [ScenarioMoveInput], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(MAX_LIST)
  @ValidateNested({ each: true })
  move?: ScenarioMoveInput[] | null;

  @Field(() => [ScenarioItemsInput], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(MAX_LIST)
  @ValidateNested({ each: true })
  setItems?: ScenarioItemsInput[] | null;
}

/** The `scenario` argument of the coverage questions: one decorator set, so each query declares it alike. */
export function ScenarioArg(): PropertyDecorator {
  return (target, property) => {
    Field(() => ScenarioInput, { nullable: true, description: 'Answer as if these changes were made (a what-if, never written). Needs method INDEX.' })(target, property);
    IsOptional()(target, property);
    ValidateNested()(target, property);
  };
}

/** The `scenarioId` argument beside it: a saved scenario (saveScenario) instead of one sent in full. */
export function ScenarioIdArg(): PropertyDecorator {
  return (target, property) => {
    Field(() => ID, { nullable: true, description: 'A saved scenario (saveScenario) to answer as if made; instead of `scenario`.' })(target, property);
    IsOptional()(target, property);
    IsUUID('all', { message: 'scenarioId must be the id of a saved scenario (a UUID)' })(target, property);
  };
}
