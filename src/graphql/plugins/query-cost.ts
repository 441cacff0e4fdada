import {
  getNamedType,
  getNullableType,
  isCompositeType,
  isLeafType,
  isListType,
  Kind,
  valueFromASTUntyped,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { AreaSizes } from '../../common/area-sizes';
import { introspectionObjects } from './introspection-cost';
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

/** What the data holds now, for pricing lists and collections by the items they can return. */
export interface CostInputs {
  readonly sizes: AreaSizes;
  /** Geodesic radius (m) of a travel mode and budget as the coverage queries use it (null: the defaults). */
  readonly radiusMeters: (mode: unknown, minutes: unknown) => number;
}

/** What the introspection estimator needs of the document. */
interface Introspectable {
  readonly schema: GraphQLSchema;
  readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  readonly variables: Record<string, unknown>;
  /** Counting may stop here: beyond it the operation is refused anyway. */
  readonly cap: number;
}

/** What `queryCost` hands every estimator through graphql-query-complexity's `context`. */
export interface CostContext extends CostInputs {
  readonly model: CostModel;
  readonly paged: ReadonlySet<string>;
  /** For fields right under one that names an area (`area(code)`, `coverage(areaCode)`, …): that area's codes. */
  readonly scopes: ReadonlyMap<FieldNode, readonly string[]>;
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

/**
 * The area a field's items belong to: the code its parent field names (`coverage(areaCode)` for
 * `villagesFeatureCollection`, `area(code)` for `children`), the largest of them when a fragment is shared; null
 * when its parent names none (nested under a list).
 */
export function scopeSize(args: ComplexityEstimatorArgs, measure: (size: ReturnType<AreaSizes['of']>) => number): number | null {
  const context = costContext(args);
  const codes = context.scopes.get(args.node);
  if (!codes?.length) return null;
  return Math.max(...codes.map((code) => measure(context.sizes.of(code))));
}

/** Arguments that name the area the field's own children belong to. */
const SCOPE_ARGUMENTS: Readonly<Record<string, string>> = { area: 'code', coverage: 'areaCode', coverageGaps: 'areaCode', delegationMatrix: 'areaCode' };

/** Maps each field right under a scope-naming field to the area code(s) named (see scopeSize). */
function areaScopes(document: DocumentNode, operationName: string | null | undefined, variables: Record<string, unknown>): Map<FieldNode, string[]> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  const operations: OperationDefinitionNode[] = [];
  for (const d of document.definitions) {
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
    else if (d.kind === Kind.OPERATION_DEFINITION && (!operationName || d.name?.value === operationName)) operations.push(d);
  }
  const scopes = new Map<FieldNode, string[]>();
  /** The fields of a selection set, through fragments (each fragment once per walk, as validation forbids cycles). */
  const fieldsOf = (set: SelectionSetNode | undefined, seen: Set<string>, out: FieldNode[] = []): FieldNode[] => {
    for (const sel of set?.selections ?? []) {
      if (sel.kind === Kind.FIELD) out.push(sel);
      else if (sel.kind === Kind.INLINE_FRAGMENT) fieldsOf(sel.selectionSet, seen, out);
      else if (!seen.has(sel.name.value)) {
        seen.add(sel.name.value);
        fieldsOf(fragments.get(sel.name.value)?.selectionSet, seen, out);
      }
    }
    return out;
  };
  const walk = (set: SelectionSetNode | undefined, seen: Set<string>) => {
    for (const field of fieldsOf(set, seen)) {
      const argument = SCOPE_ARGUMENTS[field.name.value];
      const node = argument ? field.arguments?.find((a) => a.name.value === argument) : undefined;
      const code = node ? valueFromASTUntyped(node.value, variables) : undefined;
      if (typeof code === 'string') {
        for (const child of fieldsOf(field.selectionSet, new Set())) scopes.set(child, [...(scopes.get(child) ?? []), code]);
      }
      walk(field.selectionSet, new Set(seen));
    }
  };
  for (const operation of operations) walk(operation.selectionSet, new Set());
  return scopes;
}

/**
 * Lists without `first`, by the number of items they can hold in the data as it is: the catalogue, an area's
 * children or townships, a village's points. A list of objects missing here counts `listSize` items (a unit test
 * lists the schema's lists, so a new one is priced on purpose).
 */
export const SIZED_LISTS: Readonly<Record<string, (args: ComplexityEstimatorArgs, context: CostContext) => number>> = {
  'Query.serviceItems': (_a, { sizes }) => sizes.items,
  'Area.serviceItems': (_a, { sizes }) => sizes.items,
  'ServicePoint.items': (_a, { sizes }) => sizes.items,
  'ServicePoint.assistedItems': (_a, { sizes }) => sizes.items,
  // A rule lists at most 10 channels (handling-rule.type.ts MAX_ONLINE_CHANNELS).
  'HandlingRule.onlineChannels': () => 10,
  'DelegationMatrixRow.onlineChannels': () => 10,
  // With a code: its own rules and its ancestors' (5 codes at most) for each item; without, every rule, priced as 1,000.
  'Query.handlingRules': ({ args }, { sizes }) => (typeof args.areaCode === 'string' ? 5 * (typeof args.itemCode === 'string' ? 1 : sizes.items) : 1000),
  'DelegationMatrix.rows': (_a, { sizes }) => sizes.items,
  // At most 50 sites (suggestSites' count); FEWEST_SITES may choose more, and its answer is priced as 50.
  'SiteSuggestions.sites': () => 50,
  'Area.children': (a, { sizes }) => scopeSize(a, (s) => s.children) ?? sizes.maxChildren,
  'Coverage.byTownship': (a, { sizes }) => scopeSize(a, (s) => s.townships) ?? sizes.of('').townships,
  'Village.servicePoints': (_a, { sizes }) => sizes.maxPointsPerVillage,
  'Query.apiKeys': (_a, { sizes }) => sizes.apiKeys,
  // A write's report: priced with its mutation, by the size of the content sent (importCost).
  'WriteReport.problems': () => 1,
};

/** How many times a field's selection counts: its page, a list's length in the data (or listSize), or once. */
function itemsOf(estimator: ComplexityEstimatorArgs, context: CostContext): number {
  const { type, field, args } = estimator;
  const { model, paged } = context;
  if (field.args.some((a) => a.name === 'first')) {
    const first = typeof args.first === 'number' ? args.first : model.defaultPageSize;
    return Math.min(Math.max(first, 0), model.maxPageSize);
  }
  const nullable = getNullableType(field.type);
  if (isListType(nullable) && isCompositeType(getNamedType(nullable)) && !paged.has(type.name)) {
    const sized = SIZED_LISTS[`${type.name}.${field.name}`];
    return sized ? sized(estimator, context) : model.listSize;
  }
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
 * Introspection (`__schema`, `__type`), when INTROSPECTION allows it, costs the objects its answer holds, counted
 * over the schema along its selection (introspection-cost.ts): GraphiQL's introspection query is about a third of
 * MAX_QUERY_COST, and a selection that recurses through types and fields costs what it would return.
 */
const introspectionEstimator: ComplexityEstimator = ({ field, node, context }) => {
  if (field.name !== '__schema' && field.name !== '__type') return undefined;
  const c = context![COST_CONTEXT] as CostContext & Introspectable;
  return introspectionObjects(c.schema, node, { fragments: c.fragments, variables: c.variables, cap: c.cap });
};

/** Scalars and enums cost nothing of their own: they come with the row their object was read from. */
const leafEstimator: ComplexityEstimator = ({ field }) => (isLeafType(getNamedType(field.type)) ? 0 : undefined);

/**
 * For `@Field/@Query({ complexity: ownCost(...) })`: the field costs `own(args)` instead of 1, and its selection still
 * counts once per item of its page or list. (A plain number, `complexity: 100`, is the same for a field that is no list.)
 */
export function ownCost(own: (args: Record<string, unknown>, context: CostContext, estimator: ComplexityEstimatorArgs) => number): ComplexityEstimator {
  return (args) => {
    const context = costContext(args);
    return Math.ceil(own(args.args, context, args)) + itemsOf(args, context) * args.childComplexity;
  };
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
  options: { model: CostModel; inputs?: CostInputs; operationName?: string | null; variables?: Record<string, unknown> | null; cap?: number },
): number {
  const inputs = options.inputs ?? { sizes: AreaSizes.empty(), radiusMeters: () => 0 };
  const variables = options.variables ?? {};
  const context: CostContext & Introspectable = {
    ...inputs,
    model: options.model,
    paged: pagedTypes(schema),
    scopes: areaScopes(document, options.operationName, variables),
    schema,
    fragments: new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : []))),
    variables,
    cap: options.cap ?? Number.MAX_SAFE_INTEGER,
  };
  return getComplexity({
    schema,
    query: document,
    operationName: options.operationName ?? undefined,
    variables: options.variables ?? {},
    estimators: [...COST_ESTIMATORS],
    context: { [COST_CONTEXT]: context },
  });
}
