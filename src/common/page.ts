/** Relay page information as plain values (the GraphQL type, PageInfo, is in graphql/connection). */
export interface PageInfoValues {
  hasNextPage: boolean;
  /** Always false: pagination is forward-only (first/after). */
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

/** What resolvers return for a connection; `totalCount` is a lazy getter, so the COUNT runs only when asked for. */
export interface Page<TEdge> {
  readonly edges: TEdge[];
  readonly pageInfo: PageInfoValues;
  readonly totalCount: Promise<number>;
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
