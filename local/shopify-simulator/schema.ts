import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { buildClientSchema, type GraphQLSchema, type IntrospectionQuery } from 'graphql';

/** Versions whose official introspection result ships with @shopify/dev-mcp. */
export const knownApiVersions = ['2025-10', '2026-01', '2026-04', '2026-07', '2026-10'] as const;
export const defaultApiVersion = '2026-10';

const cache = new Map<string, GraphQLSchema>();

const dataDir = (): string => {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [
    path.resolve(here, '../../node_modules/@shopify/dev-mcp/dist/data'),
    path.resolve(process.cwd(), 'node_modules/@shopify/dev-mcp/dist/data'),
  ];
  const found = candidates.find((dir) => existsSync(dir));
  if (!found) throw new Error(`Shopify Admin schema data not found (looked in ${candidates.join(', ')})`);
  return found;
};

/**
 * Shopify's official Admin GraphQL schema for a version, built once per process: parsing the
 * ~900 KB gzip'd introspection result takes a few hundred milliseconds.
 */
export function adminSchema(version: string): GraphQLSchema {
  const cached = cache.get(version);
  if (cached) return cached;
  const file = path.join(dataDir(), `admin_${version}.json.gz`);
  if (!existsSync(file)) throw new Error(`No Admin GraphQL schema for API version ${version}`);
  const parsed = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as { data: IntrospectionQuery };
  const schema = buildClientSchema(parsed.data);
  cache.set(version, schema);
  return schema;
}
