import { IsEnum, IsOptional } from 'class-validator';
import { ArgsType, Field } from 'type-graphql';
import { DelegationLevel } from './delegation-level.enum';

@ArgsType()
export class DelegationLevelArgs {
  @Field(() => DelegationLevel, { nullable: true, description: 'Only items delegated to this level.' })
  @IsOptional()
  @IsEnum(DelegationLevel)
  level?: DelegationLevel;
}
