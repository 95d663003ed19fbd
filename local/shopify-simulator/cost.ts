import {
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLObjectType,
  type OperationDefinitionNode,
  type SelectionSetNode,
  getArgumentValues,
  getNamedType,
  isCompositeType,
  isObjectType,
  isUnionType,
  Kind,
  OperationTypeNode,
} from 'graphql';

/** Shopify's flat price of a mutation. */
export const mutationCost = 10;
/** Shopify rejects a single query whose requested cost exceeds this. */
export const maxQueryCost = 1000;

export interface CostContext {
  readonly operation: OperationDefinitionNode;
  readonly fragments: Readonly<Record<string, FragmentDefinitionNode>>;
  readonly variables: Readonly<Record<string, unknown>>;
  readonly rootType: GraphQLObjectType;
}

type Data = Record<string, unknown>;

const isConnectionType = (type: GraphQLCompositeType): type is GraphQLObjectType =>
  isObjectType(type) && type.name.endsWith('Connection') && 'pageInfo' in type.getFields();

/** Fields of a selection set, with fragments flattened. Type conditions are ignored: the cost is an upper bound. */
function collectFields(
  selectionSet: SelectionSetNode,
  context: CostContext,
  into: FieldNode[] = [],
): FieldNode[] {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) into.push(selection);
    else if (selection.kind === Kind.INLINE_FRAGMENT) collectFields(selection.selectionSet, context, into);
    else {
      const fragment = context.fragments[selection.name.value];
      if (fragment) collectFields(fragment.selectionSet, context, into);
    }
  }
  return into;
}

const fieldDefinition = (
  parent: GraphQLCompositeType,
  name: string,
): GraphQLField<unknown, unknown> | undefined => {
  if (isUnionType(parent)) {
    // Union members share no fields; price the field as the most expensive member would.
    for (const member of parent.getTypes()) {
      const field = member.getFields()[name];
      if (field) return field;
    }
    return undefined;
  }
  return parent.getFields()[name];
};

/**
 * Shopify's calculated query cost. Without `data` it is the requested cost (connections sized by
 * `first`/`last`); with the response `data` it is the actual cost (connections sized by what came back).
 * Scalars and enums cost 0, objects 1, connections 2 + size × node cost, each mutation field 10.
 */
export function queryCost(context: CostContext, data?: Data | null): number {
  if (context.operation.operation === OperationTypeNode.MUTATION) {
    return (
      collectFields(context.operation.selectionSet, context).filter((f) => !f.name.value.startsWith('__'))
        .length * mutationCost
    );
  }
  return selectionCost(context.rootType, context.operation.selectionSet, context, data);
}

function selectionCost(
  parent: GraphQLCompositeType,
  selectionSet: SelectionSetNode,
  context: CostContext,
  data: Data | null | undefined,
): number {
  let total = 0;
  for (const node of collectFields(selectionSet, context)) {
    if (node.name.value.startsWith('__')) continue;
    const field = fieldDefinition(parent, node.name.value);
    if (!field) continue;
    const type = getNamedType(field.type);
    if (!isCompositeType(type) || !node.selectionSet) continue;
    const value = data === undefined ? undefined : data?.[node.alias?.value ?? node.name.value];
    if (data !== undefined && (value === null || value === undefined)) continue;
    if (isConnectionType(type)) {
      total += connectionCost(type, field, node, context, value as Data | undefined);
    } else {
      const sample = Array.isArray(value) ? (value[0] as Data | undefined) : (value as Data | undefined);
      total +=
        1 +
        selectionCost(type, node.selectionSet, context, value === undefined ? undefined : (sample ?? null));
    }
  }
  return total;
}

function connectionCost(
  type: GraphQLObjectType,
  field: GraphQLField<unknown, unknown>,
  node: FieldNode,
  context: CostContext,
  value: Data | undefined,
): number {
  const nodesField = type.getFields()['nodes'];
  const nodeType = nodesField ? getNamedType(nodesField.type) : undefined;
  if (!node.selectionSet || !nodeType || !isCompositeType(nodeType)) return 2;

  // One item's cost: the node object (1) and what is selected inside it, via `nodes` or `edges.node`.
  const itemCost = (index: number | undefined): number => {
    let cost = 0;
    for (const child of collectFields(node.selectionSet as SelectionSetNode, context)) {
      const key = child.alias?.value ?? child.name.value;
      if (child.name.value === 'nodes' && child.selectionSet) {
        const item =
          index === undefined ? undefined : ((value?.[key] as Data[] | undefined)?.[index] ?? null);
        if (item !== null) cost += 1 + selectionCost(nodeType, child.selectionSet, context, item);
      } else if (child.name.value === 'edges' && child.selectionSet) {
        const edge =
          index === undefined ? undefined : ((value?.[key] as Data[] | undefined)?.[index] ?? null);
        for (const edgeField of collectFields(child.selectionSet, context)) {
          if (edgeField.name.value !== 'node' || !edgeField.selectionSet) continue;
          const item =
            edge === undefined
              ? undefined
              : ((edge?.[edgeField.alias?.value ?? 'node'] as Data | null) ?? null);
          if (item !== null) cost += 1 + selectionCost(nodeType, edgeField.selectionSet, context, item);
        }
      }
    }
    return cost;
  };

  if (value === undefined) {
    const args = getArgumentValues(field, node, context.variables);
    const size = Number(args['first'] ?? args['last'] ?? 0);
    return 2 + Math.max(0, size) * itemCost(undefined);
  }
  const count = collectFields(node.selectionSet, context).reduce((max, child) => {
    const list = value[child.alias?.value ?? child.name.value];
    return Array.isArray(list) ? Math.max(max, list.length) : max;
  }, 0);
  let total = 2;
  for (let index = 0; index < count; index += 1) total += itemCost(index);
  return total;
}
