/**
 * A REST body names its record twice: `id` (a bare JSON number) and `admin_graphql_api_id` (a
 * string). Ids are 64-bit; a body that went through a plain `JSON.parse` on its way (the Lambda
 * runtime parses every event it hands a function, EventBridge's input transformers do too) has
 * its `id` rounded to the nearest double while the GraphQL id kept every digit. The GraphQL id is
 * the one to trust: when the two name the same double, the record takes the GraphQL id's digits;
 * when they name different records, the schemas' agreement check still refuses the body.
 */
import * as z from 'zod';

const digitsOf = (gid: unknown, type: string): string | undefined =>
  typeof gid === 'string' ? new RegExp(`^gid://shopify/${type}/(\\d+)$`).exec(gid)?.[1] : undefined;

const roundedTo = (id: unknown, digits: string): boolean =>
  (typeof id === 'string' || typeof id === 'number') && id !== digits && Number(id) === Number(digits);

/**
 * Wraps a payload schema so that a rounded `id` is read from `admin_graphql_api_id` instead (a
 * body without a GraphQL id, as `products/delete`, is passed on as it is).
 */
export const preferGraphqlId = <T extends z.ZodType>(type: string, schema: T) =>
  z.preprocess((body) => {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
    const { id, admin_graphql_api_id: gid } = body as { id?: unknown; admin_graphql_api_id?: unknown };
    const digits = digitsOf(gid, type);
    return digits !== undefined && roundedTo(id, digits) ? { ...body, id: digits } : body;
  }, schema);
