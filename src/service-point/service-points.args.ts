import { IsOptional, ValidateNested } from 'class-validator';
import { ArgsType, Field } from 'type-graphql';
import { ConnectionArgs } from '../graphql/connection/connection.args';
import { ServicePointFilter } from './service-point.filter.input';

@ArgsType()
export class ServicePointsArgs extends ConnectionArgs {
  @Field(() => ServicePointFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  filter?: ServicePointFilter;
}

@ArgsType()
export class ServicePointsFilterArgs {
  @Field(() => ServicePointFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  filter?: ServicePointFilter;
}
