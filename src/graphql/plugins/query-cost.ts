import { getNamedType, getNullableType, isCompositeType, isLeafType, isListType, type DocumentNode, type GraphQLSchema } from 'graphql';
import {
  fieldExtensionsEstimator,
  getComplexity,
  simpleEstimator,
  type ComplexityEstimator,
  type ComplexityEstimatorArgs,
} from 'graphql-query-complexity';

/**
 * The cost model (README "Security and operations"): an object field costs 1, a scalar or enum field 0 (it comes
 * with its object's row), and lists multiply: a field taking `first` counts its selection once per item of the
 * page (the default page when `first` is left out; at most MAX_PAGE_SIZE), another list of objects counts
 * `listSize` items. The lists inside a paged result (`edges`, `villages`, `options`) are that page, counted once.
 * Expensive fields add their own cost with type-graphql's `complexity` option.
 */
export interface CostModel {
  /** Items assumed for a field with a `first` argument that the query leaves out. */
  readonly defaultPageSize: number;
  /** `first` above this is refused by the resolver anyway (BAD_USER_INPUT); it counts as this many. */
  readonly maxPageSize: number;
  /** Items assumed for a list without `first` (an area's children, a point's items, the catalogue). */
  readonly listSize: number;
}

export const DEFAULT_LIST_SIZE = 10;

/** What `queryCost` hands every estimator through graphql-query-complexity's `context`. */
interface CostContext {
  readonly model: CostModel;
  readonly paged: ReadonlySet<string>;
}
const COST_CONTEXT = 'serviceCircleCost';

/** Return types of fields that take `first`: their lists (edges, villages, options) are that page. */
const pagedTypesBySchema = new WeakMap<GraphQLSchema, ReadonlySet<string>>();
export function pagedTypes(schema: GraphQLSchema): ReadonlySet<string> {
  let names = pagedTypesBySchema.get(schema);
  if (!names) {
    const found = new Set<string>();
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__') || !isCompositeType(type) || !('getFields' in type)) continue;
      for (const field of Object.values(type.getFields())) {
        if (field.args.some((a) => a.name === 'first')) found.add(getNamedType(field.type).name);
      }
    }
    names = found;
    pagedTypesBySchema.set(schema, names);
  }
  return names;
}

function costContext(args: ComplexityEstimatorArgs): CostContext {
  return args.context![COST_CONTEXT] as CostContext; // queryCost always passes it
}

/** How many times a field's selection counts: its page, a list's assumed length, or once. */
function itemsOf({ type, field, args }: ComplexityEstimatorArgs, { model, paged }: CostContext): number {
  if (field.args.some((a) => a.name === 'first')) {
    const first = typeof args.first === 'number' ? args.first : model.defaultPageSize;
    return Math.min(Math.max(first, 0), model.maxPageSize);
  }
  const nullable = getNullableType(field.type);
  if (isListType(nullable) && isCompositeType(getNamedType(nullable)) && !paged.has(type.name)) return model.listSize;
  return 1;
}

/** Pages and lists: 1 + items × selection. Other fields fall through to the next estimator. */
const listEstimator: ComplexityEstimator = (args) => {
  const context = costContext(args);
  const isPage = args.field.args.some((a) => a.name === 'first');
  const items = itemsOf(args, context);
  return isPage || items !== 1 ? 1 + items * args.childComplexity : undefined;
};

/**
 * Introspection (`__schema`, `__type`), when INTROSPECTION allows it, costs 1 whatever it selects: its size is the
 * schema's, not the data's (GraphiQL's introspection query would otherwise count its nested lists ×10 each).
 */
const introspectionEstimator: ComplexityEstimator = ({ field }) => (field.name === '__schema' || field.name === '__type' ? 1 : undefined);

/** Scalars and enums cost nothing of their own: they come with the row their object was read from. */
const leafEstimator: ComplexityEstimator = ({ field }) => (isLeafType(getNamedType(field.type)) ? 0 : undefined);

/**
 * For `@Field/@Query({ complexity: ownCost(...) })`: the field costs `own(args)` instead of 1, and its selection still
 * counts once per item of its page or list. (A plain number, `complexity: 100`, is the same for a field that is no list.)
 */
export function ownCost(own: (args: Record<string, unknown>) => number): ComplexityEstimator {
  return (args) => own(args.args) + itemsOf(args, costContext(args)) * args.childComplexity;
}

/**
 * Estimators in order: introspection, a field's own `complexity` (type-graphql's option, read by
 * graphql-query-complexity's fieldExtensionsEstimator), then pages and lists, then leaves (0), then 1 per object
 * field (simpleEstimator).
 */
const COST_ESTIMATORS: readonly ComplexityEstimator[] = [
  introspectionEstimator,
  fieldExtensionsEstimator(),
  listEstimator,
  leafEstimator,
  simpleEstimator({ defaultComplexity: 1 }),
];

/**
 * The cost of the operation `operationName` (or the only one) in `document`, with its variables.
 * Throws a GraphQLError when the variables do not fit the operation (execution would refuse them as well).
 */
export function queryCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  options: { model: CostModel; operationName?: string | null; variables?: Record<string, unknown> | null },
): number {
  const context: CostContext = { model: options.model, paged: pagedTypes(schema) };
  return getComplexity({
    schema,
    query: document,
    operationName: options.operationName ?? undefined,
    variables: options.variables ?? {},
    estimators: [...COST_ESTIMATORS],
    context: { [COST_CONTEXT]: context },
  });
}
