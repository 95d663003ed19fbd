import { GraphQLError, type GraphQLFieldResolver } from 'graphql';

/** The root value's resolver of an owner's `metafields` connection (resources/metafields.ts). */
export const ownerMetafieldsHook = Symbol('ownerMetafields');
export type OwnerMetafieldsHook = (owner: object, args: Record<string, unknown>) => unknown;

/**
 * Reads fields from plain view objects (calling functions with the field's arguments). A field the
 * simulator does not model fails loudly instead of returning a misleading null.
 */
export const simulatorFieldResolver: GraphQLFieldResolver<unknown, unknown> = (
  source,
  args,
  context,
  info,
) => {
  if (source === null || typeof source !== 'object') return null;
  const value = (source as Record<string, unknown>)[info.fieldName];
  // Metafields belong to every HasMetafields owner, so one hook of the root serves all of them.
  const ownerMetafields = (info.rootValue as { [ownerMetafieldsHook]?: OwnerMetafieldsHook } | undefined)?.[
    ownerMetafieldsHook
  ];
  if (value === undefined && info.fieldName === 'metafields' && ownerMetafields)
    return ownerMetafields(source, args as Record<string, unknown>);
  if (value === undefined) {
    throw new GraphQLError(
      `${info.parentType.name}.${info.fieldName} is not implemented by the Shopify simulator`,
      {
        extensions: { code: 'NOT_IMPLEMENTED_IN_SIMULATOR' },
      },
    );
  }
  return typeof value === 'function' ? (value as (a: unknown, c: unknown) => unknown)(args, context) : value;
};
