import { IsOptional, Min } from 'class-validator';
import { ArgsType, Field, Int } from 'type-graphql';

@ArgsType()
export class ConnectionArgs {
  @Field(() => Int, { nullable: true, description: 'Page size: default DEFAULT_PAGE_SIZE (20), at most MAX_PAGE_SIZE (500).' })
  @IsOptional()
  @Min(0)
  first?: number;

  @Field(() => String, { nullable: true, description: 'Cursor from a previous page (pageInfo.endCursor).' })
  @IsOptional()
  after?: string;
}
