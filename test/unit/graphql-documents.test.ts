import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { NoDeprecatedCustomRule, parse, specifiedRules, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { SHOPIFY_API_VERSION } from '../../lambdas/shopify/api-version.js';
import { adminSchema, knownApiVersions } from '../../local/shopify-simulator/schema.js';

const QUERIES_DIR = join(process.cwd(), 'lambdas/shopify/queries');
/** Each resource's Shopify documents (resources/<name>/shopify/documents.ts). */
const RESOURCES_DIR = join(process.cwd(), 'lambdas/resources');

/** The vendored official schema of the pinned version (schema/, npm run schema:refresh). */
const schema = adminSchema(SHOPIFY_API_VERSION);

/**
 * Every exported string that is a GraphQL operation, of every module under lambdas/shopify/queries
 * (the lifecycle's documents) and lambdas/resources (each resource's shopify/documents.ts).
 */
async function collectDocuments(): Promise<{ name: string; source: string }[]> {
  const modulesUnder = (dir: string) =>
    readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
      .map((file) => ({ file, path: join(dir, file) }));
  const documents: { name: string; source: string }[] = [];
  for (const { file, path } of [...modulesUnder(QUERIES_DIR), ...modulesUnder(RESOURCES_DIR)]) {
    const module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
    for (const [exportName, value] of Object.entries(module)) {
      if (typeof value === 'string' && /^\s*(query|mutation|subscription|fragment)\b/.test(value)) {
        documents.push({ name: `${file}#${exportName}`, source: value });
      }
    }
  }
  return documents;
}

const documents = await collectDocuments();

describe(`GraphQL documents against the Admin API ${SHOPIFY_API_VERSION} schema`, () => {
  it('schema/ vendors the pinned version, and only it (docs/upgrading-shopify-api.md)', () => {
    expect(knownApiVersions()).toEqual([SHOPIFY_API_VERSION]);
  });

  it('finds the documents to check', () => {
    const names = documents.map((d) => d.name);
    expect(names).toContain('customers/shopify/documents.ts#customersPageQuery');
    expect(names).toContain('orders/shopify/documents.ts#orderLineItemsQuery');
    expect(names).toContain('lifecycle.ts#webhookSubscriptionsQuery');
    expect(names).toEqual(
      expect.arrayContaining([
        'locations/shopify/documents.ts#locationsPageQuery',
        'inventory-items/shopify/documents.ts#inventoryItemsPageQuery',
        'inventory-levels/shopify/documents.ts#inventoryLevelsPageQuery',
        'inventory-levels/shopify/documents.ts#inventoryLevelsBulkQuery',
        'inventory-levels/shopify/documents.ts#inventoryLevelKeysQuery',
        'inventory-levels/shopify/documents.ts#inventoryLevelKeysByItemQuery',
        'inventory-levels/shopify/documents.ts#inventoryLevelKeysBulkQuery',
        'collections/shopify/documents.ts#collectionsPageQuery',
        'collections/shopify/documents.ts#collectionProductsQuery',
        'collections/shopify/documents.ts#collectionsBulkQuery',
      ]),
    );
  });

  it.each(documents)('$name is valid and uses no deprecated field, argument or enum value', ({ source }) => {
    const errors = validate(schema, parse(source), [...specifiedRules, NoDeprecatedCustomRule]);
    expect(errors.map((e) => e.message)).toEqual([]);
  });

  it('the deprecation rule catches a deprecated field (guards the guard)', () => {
    const errors = validate(schema, parse('query { customers(first: 1) { nodes { email } } }'), [
      NoDeprecatedCustomRule,
    ]);
    expect(errors.map((e) => e.message).join()).toMatch(/Customer\.email is deprecated/);
  });
});
