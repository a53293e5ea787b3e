/**
 * What a query asks of the object a resolver returns, read from the resolver's `info` before
 * the object is loaded, so that one statement can fetch what the fields below would otherwise
 * fetch one round trip at a time.
 */
import { GraphQLResolveInfo, Kind, SelectionSetNode } from 'graphql';

/**
 * The names of the fields selected directly on the returned object when it is of type
 * `typeName`: through inline fragments and named fragments on that type (or without a type
 * condition). Directives are not evaluated: a field under @skip still counts, which can only
 * make a read fetch more than it needed.
 */
export function selectedFields(info: GraphQLResolveInfo, typeName: string): Set<string> {
  const names = new Set<string>();
  const visit = (set: SelectionSetNode | undefined) => {
    for (const selection of set?.selections ?? []) {
      if (selection.kind === Kind.FIELD) names.add(selection.name.value);
      else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (!selection.typeCondition || selection.typeCondition.name.value === typeName) visit(selection.selectionSet);
      } else {
        const fragment = info.fragments[selection.name.value];
        if (fragment && fragment.typeCondition.name.value === typeName) visit(fragment.selectionSet);
      }
    }
  };
  for (const node of info.fieldNodes) visit(node.selectionSet);
  return names;
}
