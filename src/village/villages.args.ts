import { IsOptional, Matches, MaxLength, Min, ValidateNested } from 'class-validator';
import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { AREA_CODE_PATTERN } from '../common/codes';
import { ConnectionArgs } from '../graphql/connection/connection.args';

@InputType({ description: 'All given conditions must hold.' })
export class VillageFilter {
  @Field(() => ID, { nullable: true, description: 'Villages in this area (2, 4, 6 or 9-digit code).' })
  @IsOptional()
  @Matches(AREA_CODE_PATTERN, { message: 'areaCode must be an official area code of 2, 4, 6 or 9 digits' })
  areaCode?: string;

  @Field({ nullable: true, description: 'Part of the name, e.g. 村 or 社区.' })
  @IsOptional()
  @MaxLength(50)
  nameContains?: string;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Min(0)
  minPopulation?: number;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Min(0)
  maxPopulation?: number;
}

@ArgsType()
export class VillagesArgs extends ConnectionArgs {
  @Field(() => VillageFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  filter?: VillageFilter;
}
