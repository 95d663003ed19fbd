import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { apiRoutes } from '../../../lambdas/handlers/catalog.js';
import {
  buildOpenApiDocument,
  MissingContractError,
  openApiJson,
} from '../../../lambdas/handlers/contract/openapi.js';
import { contractByRoute } from '../../../lambdas/handlers/contract/route-contracts.js';

const committed = readFileSync(new URL('../../../docs/openapi.json', import.meta.url), 'utf8');

describe('the OpenAPI document', () => {
  it('docs/openapi.json is what `npm run openapi` generates now (regenerate and commit it when this fails)', () => {
    expect(committed).toBe(openApiJson());
  });

  it('validates as OpenAPI 3.1, and every $ref resolves', async () => {
    const validator = new Validator();
    const result = await validator.validate(JSON.parse(committed) as Parameters<Validator['validate']>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    expect(() => validator.resolveRefs()).not.toThrow();
    const unresolved = JSON.stringify(validator.resolveRefs()).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(unresolved.filter((ref) => !ref.includes('#/components/schemas/'))).toEqual([]);
  });

  it('has one operation per catalog route, and no contract for a route that does not exist', () => {
    const document = buildOpenApiDocument();
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const routes = apiRoutes.map((route) => `${route.method} ${route.path}`);
    expect(operations.sort()).toEqual([...routes].sort());
    expect([...contractByRoute.keys()].sort()).toEqual([...routes].sort());
  });

  it('secures IAM routes with SigV4 and the webhook with its HMAC, and documents their errors', () => {
    const document = buildOpenApiDocument();
    for (const route of apiRoutes) {
      const operation = (document.paths[route.path] as Record<string, Record<string, unknown>>)[
        route.method.toLowerCase()
      ]!;
      expect(operation.security).toEqual([route.auth === 'IAM' ? { sigv4: [] } : { shopifyHmac: [] }]);
      const responses = operation.responses as Record<string, unknown>;
      expect(Object.keys(responses)).toContain('500');
      if (route.auth === 'IAM') expect(Object.keys(responses)).toContain('403');
      for (const name of route.path.matchAll(/\{(\w+)\}/g)) {
        expect(operation.parameters).toContainEqual(expect.objectContaining({ name: name[1], in: 'path' }));
      }
    }
    expect(document.components.securitySchemes.sigv4['x-amazon-apigateway-authtype']).toBe('awsSigv4');
  });

  it('documents both listings with a nextCursor that is present and may be null', () => {
    const schemas = buildOpenApiDocument().components.schemas as Record<
      string,
      { required?: string[]; properties?: Record<string, { type?: unknown }> }
    >;
    for (const listing of ['CustomerList', 'SyncRunList']) {
      expect(schemas[listing]?.required).toContain('nextCursor');
      expect(schemas[listing]?.properties?.nextCursor?.type).toEqual(['string', 'null']);
    }
  });

  it('refuses to build for a route that has no contract, naming the route', () => {
    expect(() =>
      buildOpenApiDocument({
        routes: [
          ...apiRoutes,
          { method: 'GET', path: '/organizations/{organizationId}/invoices', lambda: 'api', auth: 'IAM' },
        ],
      }),
    ).toThrow(
      new MissingContractError(
        'Route GET /organizations/{organizationId}/invoices has no contract: add its schemas to lambdas/handlers/contract/route-contracts.ts',
      ),
    );
  });
});
