import { GraphQLError, type GraphQLFieldResolver } from 'graphql';

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
