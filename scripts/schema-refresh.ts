/**
 * `npm run schema:refresh -- [--version YYYY-MM] [--check]`: vendors Shopify's official Admin
 * GraphQL introspection for one API version into `schema/admin-<version>.json.gz`, from the copy
 * that ships in the `@shopify/dev-mcp` package. The repository's GraphQL documents are validated
 * against the vendored file (test/unit/graphql-documents.test.ts), and the simulator serves it, so
 * validation never depends on a private path inside a dependency.
 *
 * Descriptions are dropped (they are two thirds of the file and no validation rule reads them);
 * types, fields, arguments, enum values and every `deprecationReason` are kept as Shopify ships
 * them. The output is deterministic: the same input gives the same bytes.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gunzipSync, gzipSync } from 'node:zlib';
import { apiVersionPattern, SHOPIFY_API_VERSION } from '../lambdas/shopify/api-version.js';
import { schemaFile } from '../local/shopify-simulator/schema.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sourceDir = path.join(root, 'node_modules/@shopify/dev-mcp/dist/data');

const options = {
  version: {
    type: 'string',
    default: SHOPIFY_API_VERSION,
    description: `Admin API version to vendor (default: the pinned ${SHOPIFY_API_VERSION})`,
  },
  check: {
    type: 'boolean',
    default: false,
    description: 'Only compare: fail when the vendored file differs from @shopify/dev-mcp',
  },
  help: { type: 'boolean', short: 'h', default: false, description: 'Show this help' },
} as const;

const usage = (): string =>
  [
    'Usage: npm run schema:refresh -- [--version YYYY-MM] [--check]',
    '',
    'Writes schema/admin-<version>.json.gz from the Admin GraphQL introspection in @shopify/dev-mcp.',
    'For a version the installed package lacks: npm install -D @shopify/dev-mcp@latest first.',
    '',
    'Options:',
    ...Object.entries(options).map(([name, option]) => {
      const flag = `--${name}${'short' in option ? `, -${option.short}` : ''}${option.type === 'string' ? ' <value>' : ''}`;
      return `  ${flag.padEnd(22)}${option.description}`;
    }),
    '',
    'Then: docs/upgrading-shopify-api.md.',
  ].join('\n');

class SchemaRefreshError extends Error {
  override readonly name = 'SchemaRefreshError';
}

/** Every `description` removed, everything else kept in its order. */
const withoutDescriptions = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(withoutDescriptions);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== 'description')
      .map(([key, inner]) => [key, withoutDescriptions(inner)]),
  );
};

const availableVersions = (): string[] =>
  existsSync(sourceDir)
    ? readdirSync(sourceDir)
        .map((name) => /^admin_(.+)\.json\.gz$/.exec(name)?.[1])
        .filter((version): version is string => version !== undefined)
    : [];

/** The vendored bytes for `version`, built from @shopify/dev-mcp's copy. */
const vendoredSchema = (version: string): Buffer => {
  if (!apiVersionPattern.test(version))
    throw new SchemaRefreshError(`--version must be a quarterly release YYYY-01/04/07/10, got "${version}"`);
  const source = path.join(sourceDir, `admin_${version}.json.gz`);
  if (!existsSync(source)) {
    const known = availableVersions();
    throw new SchemaRefreshError(
      `@shopify/dev-mcp has no Admin schema for ${version} (it has: ${known.join(', ') || 'none; run npm ci'}). ` +
        'Install a newer one: npm install -D @shopify/dev-mcp@latest',
    );
  }
  const parsed = JSON.parse(gunzipSync(readFileSync(source)).toString('utf8')) as { data?: unknown };
  if (!parsed.data || typeof parsed.data !== 'object' || !('__schema' in parsed.data))
    throw new SchemaRefreshError(`${source} is not an introspection result (no data.__schema)`);
  return gzipSync(JSON.stringify({ data: withoutDescriptions(parsed.data) }), { level: 9 });
};

const main = () => {
  const { values } = parseArgs({ options, strict: true });
  if (values.help) {
    console.log(usage());
    return;
  }
  const version = values.version;
  const target = schemaFile(version);
  const relative = path.relative(process.cwd(), target);
  const bytes = vendoredSchema(version);
  if (values.check) {
    if (!existsSync(target) || !readFileSync(target).equals(bytes)) {
      console.error(
        `${relative} differs from @shopify/dev-mcp's ${version} schema: run npm run schema:refresh.`,
      );
      process.exitCode = 1;
      return;
    }
    console.log(`${relative} matches @shopify/dev-mcp's ${version} schema.`);
    return;
  }
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, bytes);
  console.log(`Wrote ${relative} (${Math.round(bytes.length / 1024)} KiB).`);
  if (version !== SHOPIFY_API_VERSION)
    console.log(`Next: docs/upgrading-shopify-api.md (the pinned version is still ${SHOPIFY_API_VERSION}).`);
};

try {
  main();
} catch (error) {
  if (error instanceof SchemaRefreshError) console.error(error.message);
  else if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))
    console.error(`${(error as Error).message}\n\n${usage()}`);
  else throw error;
  process.exitCode = 2;
}
