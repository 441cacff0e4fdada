import {
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isUnionType,
  Kind,
  valueFromASTUntyped,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLArgument,
  type GraphQLDirective,
  type GraphQLField,
  type GraphQLInputField,
  type GraphQLSchema,
  type GraphQLType,
  type SelectionSetNode,
} from 'graphql';

interface Walk {
  readonly schema: GraphQLSchema;
  readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  readonly variables: Record<string, unknown>;
  /** Counts already made: (selection set, type) → objects. The answer is a function of both. */
  readonly memo: Map<SelectionSetNode, Map<unknown, number>>;
  /** Counting stops past this (the operation is refused anyway). */
  readonly cap: number;
}

/** The fields of a selection set through fragments and @skip/@include, with their selection sets. */
function fieldsOf(walk: Walk, set: SelectionSetNode | undefined, out: FieldNode[] = [], seen = new Set<string>()): FieldNode[] {
  for (const sel of set?.selections ?? []) {
    const skipped = sel.directives?.some((d) => {
      const value = d.arguments?.find((a) => a.name.value === 'if');
      const flag = value ? Boolean(valueFromASTUntyped(value.value, walk.variables)) : false;
      return (d.name.value === 'skip' && flag) || (d.name.value === 'include' && !flag);
    });
    if (skipped) continue;
    if (sel.kind === Kind.FIELD) out.push(sel);
    else if (sel.kind === Kind.INLINE_FRAGMENT) fieldsOf(walk, sel.selectionSet, out, seen);
    else if (!seen.has(sel.name.value)) {
      seen.add(sel.name.value);
      fieldsOf(walk, walk.fragments.get(sel.name.value)?.selectionSet, out, seen);
    }
  }
  return out;
}

function argument(walk: Walk, field: FieldNode, name: string): unknown {
  const node = field.arguments?.find((a) => a.name.value === name);
  return node ? valueFromASTUntyped(node.value, walk.variables) : undefined;
}

/** Objects in a list of `items`, each 1 plus what its selection holds. */
function each<T>(walk: Walk, items: readonly T[], set: SelectionSetNode | undefined, count: (set: SelectionSetNode | undefined, item: T) => number): number {
  let total = 0;
  for (const item of items) {
    total += 1 + count(set, item);
    if (total > walk.cap) return total;
  }
  return total;
}

function memoized(walk: Walk, set: SelectionSetNode | undefined, key: unknown, count: () => number): number {
  if (!set) return 0;
  let byKey = walk.memo.get(set);
  if (!byKey) walk.memo.set(set, (byKey = new Map()));
  let n = byKey.get(key);
  if (n === undefined) {
    n = count();
    byKey.set(key, n);
  }
  return n;
}

function typeObjects(walk: Walk, set: SelectionSetNode | undefined, type: GraphQLType): number {
  return memoized(walk, set, type, () => {
    let total = 0;
    for (const f of fieldsOf(walk, set)) {
      const sub = f.selectionSet;
      switch (f.name.value) {
        case 'ofType':
          if (isListType(type) || isNonNullType(type)) total += 1 + typeObjects(walk, sub, type.ofType);
          break;
        case 'fields':
          if (isObjectType(type) || isInterfaceType(type)) {
            const fields = Object.values(type.getFields()).filter((x) => argument(walk, f, 'includeDeprecated') === true || !x.deprecationReason);
            total += each(walk, fields, sub, (s, x: GraphQLField<unknown, unknown>) => fieldObjects(walk, s, x));
          }
          break;
        case 'inputFields':
          if (isInputObjectType(type)) total += each(walk, Object.values(type.getFields()), sub, (s, x: GraphQLInputField) => inputObjects(walk, s, x));
          break;
        case 'interfaces':
          if (isObjectType(type) || isInterfaceType(type)) total += each(walk, type.getInterfaces(), sub, (s, x) => typeObjects(walk, s, x));
          break;
        case 'possibleTypes':
          if (isInterfaceType(type) || isUnionType(type)) total += each(walk, walk.schema.getPossibleTypes(type), sub, (s, x) => typeObjects(walk, s, x));
          break;
        case 'enumValues':
          if (isEnumType(type)) total += type.getValues().length;
          break;
      }
      if (total > walk.cap) return total;
    }
    return total;
  });
}

function fieldObjects(walk: Walk, set: SelectionSetNode | undefined, field: GraphQLField<unknown, unknown>): number {
  return memoized(walk, set, field, () => {
    let total = 0;
    for (const f of fieldsOf(walk, set)) {
      if (f.name.value === 'args') total += each(walk, field.args, f.selectionSet, (s, a: GraphQLArgument) => inputObjects(walk, s, a));
      else if (f.name.value === 'type') total += 1 + typeObjects(walk, f.selectionSet, field.type);
    }
    return total;
  });
}

function inputObjects(walk: Walk, set: SelectionSetNode | undefined, input: GraphQLArgument | GraphQLInputField): number {
  return memoized(walk, set, input, () => fieldsOf(walk, set).reduce((n, f) => n + (f.name.value === 'type' ? 1 + typeObjects(walk, f.selectionSet, input.type) : 0), 0));
}

function directiveObjects(walk: Walk, set: SelectionSetNode | undefined, directive: GraphQLDirective): number {
  return fieldsOf(walk, set).reduce((n, f) => n + (f.name.value === 'args' ? each(walk, directive.args, f.selectionSet, (s, a: GraphQLArgument) => inputObjects(walk, s, a)) : 0), 0);
}

/**
 * How many objects the answer to an introspection field (`__schema` or `__type(name)`) holds, counted over the
 * schema itself by following the field's selection (fragments, @skip/@include and `includeDeprecated` included),
 * without building the answer. Counts are kept per (selection, type), so a recursive selection is counted in time
 * proportional to the schema, not to the answer; past `cap` counting stops.
 */
export function introspectionObjects(
  schema: GraphQLSchema,
  field: FieldNode,
  options: { fragments: ReadonlyMap<string, FragmentDefinitionNode>; variables: Record<string, unknown>; cap: number },
): number {
  const walk: Walk = { schema, fragments: options.fragments, variables: options.variables, memo: new Map(), cap: options.cap };
  if (field.name.value === '__type') {
    const name = argument(walk, field, 'name');
    const type = typeof name === 'string' ? schema.getType(name) : undefined;
    return type ? 1 + typeObjects(walk, field.selectionSet, type) : 0;
  }
  let total = 1;
  for (const f of fieldsOf(walk, field.selectionSet)) {
    const sub = f.selectionSet;
    switch (f.name.value) {
      case 'types':
        total += each(walk, Object.values(schema.getTypeMap()), sub, (s, t) => typeObjects(walk, s, t));
        break;
      case 'queryType':
      case 'mutationType':
      case 'subscriptionType': {
        const root = f.name.value === 'queryType' ? schema.getQueryType() : f.name.value === 'mutationType' ? schema.getMutationType() : schema.getSubscriptionType();
        if (root) total += 1 + typeObjects(walk, sub, root);
        break;
      }
      case 'directives':
        total += each(walk, schema.getDirectives(), sub, (s, d) => directiveObjects(walk, s, d));
        break;
    }
    if (total > walk.cap) return total;
  }
  return total;
}
