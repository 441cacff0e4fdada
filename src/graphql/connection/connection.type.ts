import { type ClassType, Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'Relay page information.' })
export class PageInfo {
  @Field()
  hasNextPage: boolean;

  @Field({ description: 'Always false: pagination is forward-only (first/after).' })
  hasPreviousPage: boolean;

  @Field(() => String, { nullable: true })
  startCursor: string | null;

  @Field(() => String, { nullable: true })
  endCursor: string | null;
}

/** What resolvers return for a connection; `totalCount` is a lazy getter, so the COUNT runs only when asked for. */
export interface Page<TEdge> {
  readonly edges: TEdge[];
  readonly pageInfo: PageInfo;
  readonly totalCount: Promise<number>;
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

/** Turns rows fetched with `limit + 1` into a page: the extra row only tells that a next page exists. */
export function toPage<TRow, TEdge extends { cursor: string }>(
  rows: TRow[],
  limit: number,
  toEdge: (row: TRow) => TEdge,
  countTotal: () => Promise<number>,
): Page<TEdge> {
  const edges = rows.slice(0, limit).map(toEdge);
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > limit,
      hasPreviousPage: false,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
    get totalCount() {
      return countTotal();
    },
  };
}
