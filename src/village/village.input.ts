import { ArrayMaxSize, ArrayNotEmpty, Length, Matches, Max, Min, ValidateNested, IsInt, IsEnum } from 'class-validator';
import { ArgsType, Field, InputType, Int } from 'type-graphql';
import { VILLAGE_CODE_PATTERN } from '../common/codes';
import { LocationInput } from '../graphql/scalars/location.input';
import { WriteMode } from '../write/write-report.type';
import { MAX_VILLAGE_POPULATION } from './village.rules';

export const MAX_VILLAGES_PER_MUTATION = 1000;

@InputType({ description: 'A village to create or replace, matched by code. Its township and county follow from the code.' })
export class VillageInput {
  @Field({ description: '12-digit official code; the first 9 digits are its township, the first 6 its county.' })
  @Matches(VILLAGE_CODE_PATTERN, { message: 'code must be a 12-digit village code, e.g. 520121001001' })
  code: string;

  @Field()
  @Length(1, 100)
  name: string;

  @Field(() => LocationInput, { description: 'The village centre (where its committee sits).' })
  @ValidateNested()
  location: LocationInput;

  @Field(() => Int)
  @IsInt()
  @Min(0)
  @Max(MAX_VILLAGE_POPULATION)
  population: number;
}

@ArgsType()
export class UpsertVillagesArgs {
  @Field(() => [VillageInput], { description: `1 to ${MAX_VILLAGES_PER_MUTATION} villages; for more, use importVillages or the import endpoint.` })
  @ArrayNotEmpty()
  @ArrayMaxSize(MAX_VILLAGES_PER_MUTATION)
  @ValidateNested({ each: true })
  villages: VillageInput[];

  @Field(() => WriteMode, { defaultValue: WriteMode.ALL_OR_NOTHING })
  @IsEnum(WriteMode)
  mode: WriteMode;
}
