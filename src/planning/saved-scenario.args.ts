import { IsOptional, IsUUID, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { ArgsType, Field, ID, Int } from 'type-graphql';
import { COVERAGE_AREA_CODE_MESSAGE, COVERAGE_AREA_CODE_PATTERN } from '../common/codes';
import { ScenarioInput } from '../coverage/scenario.input';

@ArgsType()
export class SaveScenarioArgs {
  @Field()
  @Length(1, 200)
  name: string;

  @Field(() => ID, { description: 'The area it is made for (2, 4, 6 or 9 digits); scenarios(areaCode) lists it there and above.' })
  @Matches(COVERAGE_AREA_CODE_PATTERN, { message: COVERAGE_AREA_CODE_MESSAGE })
  areaCode: string;

  @Field(() => ScenarioInput)
  @ValidateNested()
  scenario: ScenarioInput;
}

@ArgsType()
export class ScenariosArgs {
  @Field(() => ID, { description: 'Scenarios made for this area and the areas below it.' })
  @Matches(COVERAGE_AREA_CODE_PATTERN, { message: COVERAGE_AREA_CODE_MESSAGE })
  areaCode: string;

  @Field(() => Int, { nullable: true, description: 'Newest first; default 50, at most 200.' })
  @IsOptional()
  @Min(1)
  @Max(200)
  first?: number;
}

@ArgsType()
export class ScenarioIdArgs {
  @Field(() => ID)
  @IsUUID('all', { message: 'id must be the id of a saved scenario (a UUID)' })
  id: string;
}
