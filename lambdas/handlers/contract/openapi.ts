/**
 * The OpenAPI 3.1 document of the HTTP API, built from the route table (`catalog.ts` apiRoutes)
 * and each route's contract (route-contracts.ts): the same zod schemas the handlers parse with.
 * `npm run openapi` writes it to docs/openapi.json; a test fails when that file is stale, and the
 * local runtime serves it live at /openapi.json.
 */
import * as z from 'zod';
import { type ApiRoute, apiRoutes } from '../catalog.js';
import { type ErrorStatus, contractByRoute, type RouteContract } from './route-contracts.js';
import { apiErrorSchema, gatewayErrorSchema } from './schemas.js';

type JsonSchema = Record<string, unknown>;

export class MissingContractError extends Error {
  override readonly name = 'MissingContractError';
}

/**
 * zod emits each schema with its own `$defs` (every schema with a `meta({ id })` becomes one);
 * OpenAPI wants them once, under components.schemas. Conversion collects and re-points them.
 */
class ComponentSchemas {
  readonly schemas: Record<string, JsonSchema> = {};

  convert(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
    const {
      $schema: _dialect,
      $defs = {},
      ...converted
    } = z.toJSONSchema(schema, {
      target: 'draft-2020-12',
      io,
      // Transforms and preprocessors have no JSON form; what they accept is documented by the rest.
      unrepresentable: 'any',
    }) as JsonSchema & { $defs?: Record<string, JsonSchema> };
    for (const [id, definition] of Object.entries($defs)) {
      const pointed = repoint(definition);
      const existing = this.schemas[id];
      if (existing && JSON.stringify(existing) !== JSON.stringify(pointed)) {
        throw new Error(`Two different schemas (or one read as input and output) share the meta id ${id}`);
      }
      this.schemas[id] = pointed;
    }
    return repoint(converted);
  }

  ref(schema: z.ZodType, id: string): JsonSchema {
    this.convert(schema, 'output');
    return { $ref: `#/components/schemas/${id}` };
  }
}

const repoint = (value: JsonSchema): JsonSchema =>
  JSON.parse(JSON.stringify(value).replaceAll('"#/$defs/', '"#/components/schemas/')) as JsonSchema;

const errorMeaning: Record<ErrorStatus | 403 | 500, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'The call is not SigV4-signed, or IAM does not allow it (answered by API Gateway)',
  404: 'Not found',
  409: 'Conflict',
  413: 'Payload too large',
  422: 'Unprocessable',
  500: 'An internal error; the answer reveals nothing and the handler logs it',
};

const parametersOf = (
  components: ComponentSchemas,
  where: 'path' | 'query' | 'header',
  schema: z.ZodObject | undefined,
) => {
  if (!schema) return [];
  const converted = components.convert(schema, 'input') as {
    properties?: Record<string, JsonSchema>;
    required?: string[];
  };
  return Object.entries(converted.properties ?? {}).map(([name, property]) => {
    const { description, ...propertySchema } = property;
    return {
      name,
      in: where,
      required: where === 'path' || (converted.required ?? []).includes(name),
      ...(typeof description === 'string' && { description }),
      schema: propertySchema,
    };
  });
};

const jsonContent = (schema: JsonSchema) => ({ content: { 'application/json': { schema } } });

const operationOf = (
  components: ComponentSchemas,
  route: ApiRoute,
  operationId: string,
  contract: RouteContract,
) => {
  const pathNames = [...route.path.matchAll(/\{([^}+]+)\+?\}/g)].map((match) => match[1]);
  const declared = Object.keys(contract.path?.shape ?? {});
  if (pathNames.join() !== declared.join()) {
    throw new MissingContractError(
      `${route.method} ${route.path}: its contract declares path parameters [${declared.join(', ')}], the path has [${pathNames.join(', ')}]`,
    );
  }
  const responses: Record<string, unknown> = {};
  for (const [status, answer] of Object.entries(contract.responses)) {
    responses[status] = {
      description: answer.description,
      ...jsonContent(components.convert(answer.body, 'output')),
    };
  }
  const errorRef = components.ref(apiErrorSchema, 'ApiError');
  const gatewayRef = components.ref(gatewayErrorSchema, 'GatewayError');
  for (const [status, meaning] of Object.entries(contract.errors)) {
    responses[status] = { description: meaning, ...jsonContent(errorRef) };
  }
  if (route.auth === 'IAM') responses['403'] = { description: errorMeaning[403], ...jsonContent(gatewayRef) };
  responses['500'] = { description: errorMeaning[500], ...jsonContent(errorRef) };

  return {
    operationId,
    tags: [contract.tag],
    summary: contract.summary,
    ...(contract.description && { description: contract.description }),
    security: [route.auth === 'IAM' ? { sigv4: [] } : { shopifyHmac: [] }],
    parameters: [
      ...parametersOf(components, 'path', contract.path),
      ...parametersOf(components, 'query', contract.query),
      ...parametersOf(components, 'header', contract.headers),
    ],
    ...(contract.body && {
      requestBody: { required: true, ...jsonContent(components.convert(contract.body, 'input')) },
    }),
    responses,
  };
};

export interface OpenApiOptions {
  readonly routes?: readonly ApiRoute[];
  /** `servers[0].url`; the deployed ApiUrl stack output by default. */
  readonly serverUrl?: string;
}

export function buildOpenApiDocument(options: OpenApiOptions = {}) {
  const routes = options.routes ?? apiRoutes;
  const components = new ComponentSchemas();
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const key = `${route.method} ${route.path}`;
    const entry = contractByRoute.get(key);
    if (!entry) {
      throw new MissingContractError(
        `Route ${key} has no contract: add its schemas to lambdas/handlers/contract/route-contracts.ts`,
      );
    }
    const [operationId, contract] = entry;
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operationOf(
      components,
      route,
      operationId,
      contract,
    );
  }
  return {
    openapi: '3.1.1',
    info: {
      title: 'shopify-sync',
      version: '1.0.0',
      summary: "Mirror of connected Shopify stores' customers in DynamoDB",
      description:
        'Every route but the webhook is IAM-authorised: sign calls with SigV4 (service `execute-api`). ' +
        'Errors from handlers are `{ "error": { "code", "message" } }`; API Gateway itself answers ' +
        '`{ "message" }` (403 unsigned, 404 unknown route, 413 over 10 MB).',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [
      {
        url: options.serverUrl ?? '{apiUrl}',
        ...(options.serverUrl
          ? { description: 'This local runtime' }
          : {
              description: 'The deployed stack',
              variables: {
                apiUrl: { default: 'http://127.0.0.1:3000', description: 'The ApiUrl output of the stack' },
              },
            }),
      },
    ],
    tags: [
      { name: 'Integrations', description: 'Connect, inspect and disconnect stores' },
      { name: 'Sync', description: 'Sync now, and the history of runs' },
      { name: 'Records', description: 'The mirrored records of each resource (customers, ...)' },
      { name: 'Webhooks', description: 'Called by Shopify' },
    ],
    paths,
    components: {
      schemas: Object.fromEntries(Object.entries(components.schemas).sort(([a], [b]) => a.localeCompare(b))),
      securitySchemes: {
        sigv4: {
          type: 'apiKey',
          in: 'header',
          name: 'Authorization',
          description:
            'AWS Signature Version 4 (IAM), service `execute-api`. Grant `execute-api:Invoke` on the routes ' +
            'the caller may use (see the README for a per-organization policy).',
          'x-amazon-apigateway-authtype': 'awsSigv4',
        },
        shopifyHmac: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Shopify-Hmac-Sha256',
          description: "Base64 HMAC-SHA256 of the raw body with the Shopify app's client secret",
        },
      },
    },
  };
}

/** The file `npm run openapi` writes: stable key order and a final newline, so the CI diff is exact. */
export const openApiJson = (options: OpenApiOptions = {}): string =>
  `${JSON.stringify(buildOpenApiDocument(options), null, 2)}\n`;
