import { type ClassType, Field, Int, ObjectType } from 'type-graphql';
import type { PageInfoValues } from '../../common/page';

@ObjectType({ description: 'Relay page information.' })
export class PageInfo implements PageInfoValues {
  @Field()
  hasNextPage: boolean;

  @Field({ description: 'Always false: pagination is forward-only (first/after).' })
  hasPreviousPage: boolean;

  @Field(() => String, { nullable: true })
  startCursor: string | null;

  @Field(() => String, { nullable: true })
  endCursor: string | null;
}

/** Builds `<Name>Connection` with `totalCount`, `edges` and `pageInfo` for an edge type (type-graphql generic types). */
export function Connection<TEdge extends object>(EdgeClass: ClassType<TEdge>) {
  @ObjectType()
  abstract class ConnectionClass {
    @Field(() => Int, { description: 'Number of items matching the filter, over all pages.' })
    totalCount: number;

    @Field(() => [EdgeClass])
    edges: TEdge[];

    @Field(() => PageInfo)
    pageInfo: PageInfo;
  }
  return ConnectionClass;
}
