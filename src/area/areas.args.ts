import { IsEnum, IsOptional, Matches } from 'class-validator';
import { ArgsType, Field, ID } from 'type-graphql';
import { AREA_CODE_PATTERN } from '../common/codes';
import { AreaLevel } from './area-level.enum';

@ArgsType()
export class AreasArgs {
  @Field(() => AreaLevel, { nullable: true })
  @IsOptional()
  @IsEnum(AreaLevel)
  level?: AreaLevel;

  @Field(() => ID, { nullable: true, description: 'Only the direct children of this area.' })
  @IsOptional()
  @Matches(AREA_CODE_PATTERN, { message: 'parentCode must be an official area code of 2, 4, 6 or 9 digits' })
  parentCode?: string;
}
