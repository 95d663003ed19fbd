import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { buildClientSchema, type GraphQLSchema, type IntrospectionQuery } from 'graphql';
import { SHOPIFY_API_VERSION } from '../../lambdas/shopify/api-version.js';

/**
 * Shopify's official Admin GraphQL schemas, vendored in `schema/` by `npm run schema:refresh`
 * (from the introspection that ships with @shopify/dev-mcp, descriptions dropped). The
 * simulator answers with them and the documents are validated against them.
 */
const schemaDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../schema');

export const schemaFile = (version: string): string => path.join(schemaDir, `admin-${version}.json.gz`);

/** The versions vendored in `schema/`: the simulator serves these and no others. */
export const knownApiVersions = (): string[] =>
  readdirSync(schemaDir)
    .map((name) => /^admin-(\d{4}-\d{2})\.json\.gz$/.exec(name)?.[1])
    .filter((version): version is string => version !== undefined)
    .sort();

export const defaultApiVersion = SHOPIFY_API_VERSION;

const cache = new Map<string, GraphQLSchema>();

/**
 * Shopify's official Admin GraphQL schema for a version, built once per process: parsing the
 * introspection result takes a few hundred milliseconds.
 */
export function adminSchema(version: string): GraphQLSchema {
  const cached = cache.get(version);
  if (cached) return cached;
  const file = schemaFile(version);
  if (!existsSync(file)) {
    throw new Error(
      `No Admin GraphQL schema for API version ${version} in schema/ (vendored: ${knownApiVersions().join(', ')}); ` +
        `npm run schema:refresh -- --version ${version}`,
    );
  }
  const parsed = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as { data: IntrospectionQuery };
  const schema = buildClientSchema(parsed.data);
  cache.set(version, schema);
  return schema;
}
