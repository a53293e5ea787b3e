/**
 * What a query asks of the object a resolver returns, read from the resolver's `info` before
 * the object is loaded, so that one statement can fetch what the fields below would otherwise
 * fetch one round trip at a time.
 */
import { FieldNode, GraphQLResolveInfo, Kind, SelectionSetNode, valueFromASTUntyped } from 'graphql';

/**
 * The names of the fields selected directly on the returned object when it is of type
 * `typeName`: through inline fragments and named fragments on that type (or without a type
 * condition). Directives are not evaluated: a field under @skip still counts, which can only
 * make a read fetch more than it needed.
 */
export function selectedFields(info: GraphQLResolveInfo, typeName: string): Set<string> {
  return new Set(selectedFieldNodes(info, typeName).map((f) => f.name.value));
}

/**
 * The arguments of each selection of `field` on the returned object, variables substituted (an
 * argument left out is absent: its schema default applies).
 */
export function fieldArguments(info: GraphQLResolveInfo, typeName: string, field: string): Record<string, unknown>[] {
  return selectedFieldNodes(info, typeName)
    .filter((f) => f.name.value === field)
    .map((f) =>
      Object.fromEntries(
        (f.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value, info.variableValues)]),
      ),
    );
}

function selectedFieldNodes(info: GraphQLResolveInfo, typeName: string): FieldNode[] {
  const fields: FieldNode[] = [];
  const visit = (set: SelectionSetNode | undefined) => {
    for (const selection of set?.selections ?? []) {
      if (selection.kind === Kind.FIELD) fields.push(selection);
      else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (!selection.typeCondition || selection.typeCondition.name.value === typeName) visit(selection.selectionSet);
      } else {
        const fragment = info.fragments[selection.name.value];
        if (fragment && fragment.typeCondition.name.value === typeName) visit(fragment.selectionSet);
      }
    }
  };
  for (const node of info.fieldNodes) visit(node.selectionSet);
  return fields;
}
