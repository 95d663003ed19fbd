import {
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLError,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ASTNode,
  executeSync,
  getOperationAST,
  getVariableValues,
  Kind,
  parse,
  validate,
  visit,
  OperationTypeNode,
} from 'graphql';
import { bulkRootFields } from './bulk-operations.js';
import { maxQueryCost, queryCost } from './cost.js';
import { deprecatedUsages } from './deprecations.js';
import { rootValueFor, simulatorFieldResolver } from './resolvers.js';
import type { SimulatedShop } from './shop.js';
import type { ThrottleStatus } from './rate-limiter.js';

export interface GraphQLRequestBody {
  readonly query: string;
  readonly variables?: Record<string, unknown> | null;
  readonly operationName?: string | null;
}

export interface ShopifyGraphQLError {
  readonly message: string;
  readonly locations?: readonly { line: number; column: number }[];
  readonly path?: readonly (string | number)[];
  readonly extensions?: Record<string, unknown>;
}

export interface QueryCostExtension {
  readonly requestedQueryCost: number;
  readonly actualQueryCost: number | null;
  readonly throttleStatus: ThrottleStatus;
}

export interface ShopifyGraphQLResponse {
  readonly data?: Record<string, unknown> | null;
  readonly errors?: readonly ShopifyGraphQLError[];
  readonly extensions: { readonly cost: QueryCostExtension };
}

export interface ExecutionSummary {
  readonly response: ShopifyGraphQLResponse;
  readonly operationName: string | null;
  readonly rootFields: readonly string[];
  readonly errorCodes: readonly string[];
}

const rateLimitDocs = 'https://shopify.dev/api/usage/rate-limits';

const locationsOf = (error: GraphQLError) => error.locations?.map(({ line, column }) => ({ line, column }));

/** The path Shopify reports for a validation error: operation, then the fields leading to the node. */
function pathTo(document: DocumentNode, target: ASTNode | undefined): (string | number)[] | undefined {
  if (!target) return undefined;
  let found: (string | number)[] | undefined;
  visit(document, {
    enter(node, _key, _parent, _path, ancestors) {
      if (found || node !== target) return undefined;
      const chain = [...ancestors, node].filter(
        (item): item is ASTNode =>
          typeof item === 'object' && item !== null && 'kind' in item && !Array.isArray(item),
      );
      found = chain.flatMap((item): (string | number)[] => {
        if (item.kind === Kind.OPERATION_DEFINITION)
          return [item.name ? `${item.operation} ${item.name.value}` : item.operation];
        if (item.kind === Kind.FRAGMENT_DEFINITION) return [`fragment ${item.name.value}`];
        if (item.kind === Kind.FIELD) return [item.alias?.value ?? item.name.value];
        if (item.kind === Kind.ARGUMENT) return [item.name.value];
        return [];
      });
      return false;
    },
  });
  return found;
}

/** graphql-js validation messages rewritten to the GraphQL-Ruby wording and codes Shopify returns. */
function shopifyValidationError(document: DocumentNode, error: GraphQLError): ShopifyGraphQLError {
  const base = { locations: locationsOf(error), path: pathTo(document, error.nodes?.[0]) };
  const undefinedField = /^Cannot query field "([^"]+)" on type "([^"]+)"/.exec(error.message);
  if (undefinedField) {
    const [, fieldName, typeName] = undefinedField;
    return {
      message: `Field '${fieldName}' doesn't exist on type '${typeName}'`,
      ...base,
      extensions: { code: 'undefinedField', typeName, fieldName },
    };
  }
  const unknownArgument = /^Unknown argument "([^"]+)" on field "([^".]+)\.([^"]+)"/.exec(error.message);
  if (unknownArgument) {
    const [, argumentName, , fieldName] = unknownArgument;
    return {
      message: `Field '${fieldName}' doesn't accept argument '${argumentName}'`,
      ...base,
      extensions: { code: 'argumentNotAccepted', name: fieldName, typeName: 'Field', argumentName },
    };
  }
  const missingArgument = /^Field "([^"]+)" argument "([^"]+)" of type "([^"]+)" is required/.exec(
    error.message,
  );
  if (missingArgument) {
    const [, fieldName, argumentName] = missingArgument;
    return {
      message: `Field '${fieldName}' is missing required arguments: ${argumentName}`,
      ...base,
      extensions: {
        code: 'missingRequiredArguments',
        className: 'Field',
        name: fieldName,
        arguments: argumentName,
      },
    };
  }
  return { message: error.message, ...base, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } };
}

const formatExecutionError = (error: GraphQLError): ShopifyGraphQLError => ({
  message: error.message,
  ...(error.locations ? { locations: locationsOf(error) } : {}),
  ...(error.path ? { path: error.path } : {}),
  ...(error.extensions && Object.keys(error.extensions).length > 0
    ? { extensions: { ...error.extensions } }
    : {}),
});

const codesOf = (errors: readonly ShopifyGraphQLError[] | undefined): string[] =>
  (errors ?? []).map((e) => {
    const code = e.extensions?.['code'];
    return typeof code === 'string' ? code : 'UNKNOWN';
  });

/**
 * Runs one Admin GraphQL request for a shop the way Shopify does: parse, validate against the
 * official schema, price it, charge the shop's bucket (or throttle), execute, refund to actual cost.
 */
export function executeAdminGraphQL(
  schema: GraphQLSchema,
  shop: SimulatedShop,
  apiVersion: string,
  request: GraphQLRequestBody,
): ExecutionSummary {
  const freeResponse = (errors: ShopifyGraphQLError[], requested = 0): ExecutionSummary => ({
    response: {
      errors,
      extensions: {
        cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: shop.throttleStatus() },
      },
    },
    operationName: request.operationName ?? null,
    rootFields: [],
    errorCodes: codesOf(errors),
  });

  let document: DocumentNode;
  try {
    document = parse(request.query);
  } catch (error) {
    const syntax = error as GraphQLError;
    return freeResponse([
      { message: syntax.message, locations: locationsOf(syntax), extensions: { code: 'syntaxError' } },
    ]);
  }

  shop.recordDeprecations(deprecatedUsages(schema, document));

  const validationErrors = validate(schema, document);
  if (validationErrors.length > 0)
    return freeResponse(validationErrors.map((e) => shopifyValidationError(document, e)));

  const operation = getOperationAST(document, request.operationName ?? undefined);
  if (!operation) {
    return freeResponse([
      {
        message: 'An operation name is required when the document has several operations',
        extensions: { code: 'OPERATION_NOT_FOUND' },
      },
    ]);
  }
  const variables = getVariableValues(schema, operation.variableDefinitions ?? [], request.variables ?? {});
  if (variables.errors) {
    return freeResponse(
      variables.errors.map((e) => ({
        message: e.message,
        locations: locationsOf(e),
        extensions: { code: 'INVALID_VARIABLE' },
      })),
    );
  }

  const rootType =
    operation.operation === OperationTypeNode.MUTATION ? schema.getMutationType() : schema.getQueryType();
  if (!rootType)
    return freeResponse([
      { message: `${operation.operation} is not supported`, extensions: { code: 'BAD_REQUEST' } },
    ]);
  const costContext = {
    operation,
    fragments: fragmentsOf(document),
    variables: variables.coerced,
    rootType,
  };
  const rootFields = rootFieldNames(operation);
  const summary = (response: ShopifyGraphQLResponse): ExecutionSummary => ({
    response,
    operationName: operation.name?.value ?? null,
    rootFields,
    errorCodes: codesOf(response.errors),
  });

  const requested = queryCost(costContext);
  if (requested > maxQueryCost) {
    return summary(
      freeResponse(
        [
          {
            message: `Query cost is ${requested}, which exceeds the single query max cost limit (${maxQueryCost}).\n\nSee ${rateLimitDocs} for more information on how the\ncost of a query is calculated.\n\nTo query larger amounts of data with fewer limits, bulk operations should be used instead.\nSee https://shopify.dev/docs/api/usage/bulk-operations/queries for usage details.\n`,
            extensions: {
              code: 'MAX_COST_EXCEEDED',
              cost: requested,
              maxCost: maxQueryCost,
              documentation: rateLimitDocs,
            },
          },
        ],
        requested,
      ).response,
    );
  }

  if (!shop.bucket.tryTake(requested)) {
    return summary(
      freeResponse(
        [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: rateLimitDocs } }],
        requested,
      ).response,
    );
  }

  const result = executeSync({
    schema,
    document,
    rootValue: { ...rootValueFor(shop, apiVersion), ...bulkRootFields(shop, shop.bulk, schema, apiVersion) },
    variableValues: request.variables ?? {},
    operationName: request.operationName ?? undefined,
    fieldResolver: simulatorFieldResolver,
  });
  const actual = queryCost(costContext, result.data ?? null);
  shop.bucket.refund(requested - actual);
  return summary({
    data: result.data ?? null,
    ...(result.errors ? { errors: result.errors.map(formatExecutionError) } : {}),
    extensions: {
      cost: { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: shop.throttleStatus() },
    },
  });
}

function fragmentsOf(document: DocumentNode): Record<string, FragmentDefinitionNode> {
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  }
  return fragments;
}

function rootFieldNames(operation: OperationDefinitionNode): string[] {
  return operation.selectionSet.selections.flatMap((selection) =>
    selection.kind === Kind.FIELD ? [selection.name.value] : [],
  );
}
