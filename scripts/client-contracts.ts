/**
 * `npm run client:contracts`: writes client/contracts.ts, the route contracts the client package
 * types its calls from and parses answers with, generated from the one source
 * (lambdas/handlers/contract/route-contracts.ts) so the package imports nothing outside itself.
 * `-- --check` only compares (CI, and test/unit/contract/client-contracts.test.ts).
 *
 * The way there is the JSON Schema zod itself emits (as for docs/openapi.json), written back as
 * zod source: the shapes, optionality, enums and nullability survive; string formats, patterns and
 * bounds are left to the server, which checks what it receives, and objects are not strict, so an
 * answer with a field added later still parses in an older client.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import { type RouteContract, routeContracts } from '../lambdas/handlers/contract/route-contracts.js';
import {
  apiErrorSchema,
  gatewayErrorSchema,
  recordEnvelopeSchema,
} from '../lambdas/handlers/contract/schemas.js';
import { defineCommand, parseCommandLine } from './support/command-line.js';

export const clientContractsFile = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../client/contracts.ts',
);

interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | JsonSchema;
  readonly propertyNames?: JsonSchema;
  readonly items?: JsonSchema;
  readonly enum?: readonly (string | number | boolean | null)[];
  readonly const?: string | number | boolean | null;
  readonly anyOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
  readonly allOf?: readonly JsonSchema[];
  readonly $ref?: string;
  readonly $defs?: Readonly<Record<string, JsonSchema>>;
}

const identifier = (id: string) => `${id.replace(/[^A-Za-z0-9_]/g, '_')}Schema`;
const literal = (value: unknown) => JSON.stringify(value);
const key = (name: string) => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name));

/** zod source for a JSON Schema of the kinds zod emits; anything else fails the generation loudly. */
function source(schema: JsonSchema): string {
  if (schema.$ref) return identifier(schema.$ref.replace('#/$defs/', ''));
  if (schema.const !== undefined) return `z.literal(${literal(schema.const)})`;
  if (schema.enum) {
    return schema.enum.every((value) => typeof value === 'string')
      ? `z.enum(${literal(schema.enum)})`
      : `z.union([${schema.enum.map((value) => `z.literal(${literal(value)})`).join(', ')}])`;
  }
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) {
    const nonNull = alternatives.filter((alternative) => alternative.type !== 'null');
    const inner = nonNull.length === 1 ? source(nonNull[0]!) : `z.union([${nonNull.map(source).join(', ')}])`;
    return nonNull.length < alternatives.length ? `${inner}.nullable()` : inner;
  }
  if (schema.allOf) return schema.allOf.map(source).reduce((a, b) => `z.intersection(${a}, ${b})`);
  if (Array.isArray(schema.type)) {
    const types = schema.type as readonly string[];
    const inner = source({ ...schema, type: types.find((t) => t !== 'null') });
    return types.includes('null') ? `${inner}.nullable()` : inner;
  }
  switch (schema.type) {
    case 'string':
      return 'z.string()';
    case 'integer':
      return 'z.number().int()';
    case 'number':
      return 'z.number()';
    case 'boolean':
      return 'z.boolean()';
    case 'null':
      return 'z.null()';
    case 'array':
      return `z.array(${schema.items ? source(schema.items) : 'z.unknown()'})`;
    case 'object':
      return objectSource(schema);
    case undefined:
      // What zod emits for a transform or z.unknown(): anything.
      return 'z.unknown()';
    default:
      throw new Error(`client/contracts.ts: no zod form for JSON Schema type ${String(schema.type)}`);
  }
}

function objectSource(schema: JsonSchema): string {
  const extra = schema.additionalProperties;
  if (!schema.properties && extra && typeof extra === 'object') {
    // A map: keys from an enum are each optional, as zod's partialRecord.
    const keys = schema.propertyNames?.enum;
    return keys
      ? `z.partialRecord(z.enum(${literal(keys)}), ${source(extra)})`
      : `z.record(z.string(), ${source(extra)})`;
  }
  const shape = shapeSource(schema, Object.keys(schema.properties ?? {}));
  // Fields beyond the named ones: kept as they are (zod's looseObject), or each of one schema.
  if (extra === true || (typeof extra === 'object' && Object.keys(extra).length === 0))
    return `z.looseObject(${shape})`;
  if (extra && typeof extra === 'object') return `z.object(${shape}).catchall(${source(extra)})`;
  return `z.object(${shape})`;
}

/** The zod shape of some of an object's properties, each optional unless the schema requires it. */
const shapeSource = (schema: JsonSchema, names: readonly string[]): string => {
  const required = new Set(schema.required ?? []);
  const field = (name: string) =>
    `${key(name)}: ${source(schema.properties![name]!)}${required.has(name) ? '' : '.optional()'}`;
  return `{ ${names.map(field).join(', ')} }`;
};

/** A property as the generated source states it: its schema and whether it is required. */
const fieldOf = (schema: JsonSchema, name: string): string =>
  JSON.stringify([schema.properties?.[name], (schema.required ?? []).includes(name)]);

/**
 * Whether `derived` is `base` with further properties after base's own (zod's `.extend()`): the
 * same leading properties, each the same and as required, and the same rule for unnamed ones.
 */
const extendsSchema = (derived: JsonSchema, base: JsonSchema): boolean => {
  const baseNames = Object.keys(base.properties ?? {});
  const derivedNames = Object.keys(derived.properties ?? {});
  return (
    base.type === 'object' &&
    derived.type === 'object' &&
    baseNames.length > 0 &&
    baseNames.length < derivedNames.length &&
    baseNames.every(
      (name, index) => derivedNames[index] === name && fieldOf(derived, name) === fieldOf(base, name),
    ) &&
    JSON.stringify(base.additionalProperties) === JSON.stringify(derived.additionalProperties)
  );
};

/** Every named schema (zod `meta({ id })`) once, in an order where each comes after those it uses. */
class NamedSchemas {
  private readonly definitions = new Map<string, JsonSchema>();

  convert(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
    const { $defs = {}, ...rest } = z.toJSONSchema(schema, {
      target: 'draft-2020-12',
      io,
      unrepresentable: 'any',
    }) as JsonSchema & { $schema?: string };
    for (const [id, definition] of Object.entries($defs)) {
      const known = this.definitions.get(id);
      if (known && JSON.stringify(known) !== JSON.stringify(definition))
        throw new Error(`Two different schemas share the meta id ${id}`);
      this.definitions.set(id, definition);
    }
    const { $schema: _dialect, ...converted } = rest as JsonSchema & { $schema?: string };
    return converted;
  }

  declarations(): string[] {
    const emitted = new Set<string>();
    const lines: string[] = [];
    const visit = (id: string, trail: readonly string[]) => {
      if (emitted.has(id)) return;
      if (trail.includes(id))
        throw new Error(`Recursive schema ${[...trail, id].join(' → ')} has no generated form`);
      const definition = this.definitions.get(id)!;
      for (const [, used] of JSON.stringify(definition).matchAll(/"#\/\$defs\/([^"]+)"/g))
        visit(used!, [...trail, id]);
      const base = this.baseOf(definition);
      if (base) visit(base, [...trail, id]);
      emitted.add(id);
      lines.push(
        `export const ${identifier(id)} = ${base ? this.extension(base, definition) : source(definition)};`,
      );
    };
    for (const id of [...this.definitions.keys()].sort()) visit(id, []);
    return lines;
  }

  /** The named schema this one extends with the most of its properties, if any (one statement of the shared ones). */
  private baseOf(definition: JsonSchema): string | undefined {
    const bases = [...this.definitions].filter(([, base]) => extendsSchema(definition, base));
    const size = (base: JsonSchema) => Object.keys(base.properties ?? {}).length;
    return bases.sort(([, a], [, b]) => size(b) - size(a))[0]?.[0];
  }

  private extension(base: string, definition: JsonSchema): string {
    const inherited = Object.keys(this.definitions.get(base)!.properties ?? {}).length;
    return `${identifier(base)}.extend(${shapeSource(definition, Object.keys(definition.properties!).slice(inherited))})`;
  }
}

export function clientContractsSource(): string {
  const named = new NamedSchemas();
  const operations = (Object.entries(routeContracts) as [string, RouteContract][])
    .filter(([operation]) => operation !== 'receiveWebhook')
    .map(([operation, contract]) => {
      const parts = [`route: ${literal(contract.route)}`];
      for (const part of ['path', 'query', 'body'] as const) {
        const schema = contract[part];
        if (schema) parts.push(`${part}: ${source(named.convert(schema, 'input'))}`);
      }
      const responses = Object.entries(contract.responses).map(
        ([status, answer]) => `${status}: { body: ${source(named.convert(answer.body, 'output'))} }`,
      );
      parts.push(`responses: { ${responses.join(', ')} }`);
      return `  ${operation}: { ${parts.join(', ')} },`;
    });
  // Named before the records that extend it, so their shared fields are stated once.
  named.convert(recordEnvelopeSchema, 'output');
  const errors = [
    `export const apiErrorSchema = ${source(named.convert(apiErrorSchema, 'output'))};`,
    `export const gatewayErrorSchema = ${source(named.convert(gatewayErrorSchema, 'output'))};`,
  ];
  return [
    '// Generated by `npm run client:contracts` from lambdas/handlers/contract/route-contracts.ts: do not edit.',
    '// `npm run client:contracts -- --check` fails when it is stale.',
    "import * as z from 'zod';",
    '',
    ...named.declarations(),
    ...errors,
    '',
    '/** Each operation your backend may call: its route, what it takes, and each success answer. */',
    'export const routeContracts = {',
    ...operations,
    '} as const;',
    '',
  ].join('\n');
}

/** The file as it should be: the source, formatted as the repository formats it. */
export async function generatedClientContracts(): Promise<string> {
  const { format, resolveConfig } = await import('prettier');
  return format(clientContractsSource(), {
    ...(await resolveConfig(clientContractsFile)),
    filepath: clientContractsFile,
  });
}

const isMain = process.argv[1] === fileURLToPath(import.meta.url);
if (isMain) {
  const values = parseCommandLine(
    defineCommand({
      usage: 'npm run client:contracts [-- --check]',
      summary:
        "Writes client/contracts.ts (the client package's route contracts) from lambdas/handlers/contract/route-contracts.ts.",
      options: {
        check: { type: 'boolean', description: 'Only compare: exit 1 when client/contracts.ts is stale' },
      },
    }),
  );
  const generated = await generatedClientContracts();
  if (values.check) {
    let committed = '';
    try {
      committed = readFileSync(clientContractsFile, 'utf8');
    } catch {
      // A missing file is stale too.
    }
    if (committed !== generated) {
      console.error('client/contracts.ts is stale: run `npm run client:contracts` and commit the result.');
      process.exit(1);
    }
    console.log('client/contracts.ts is current.');
  } else {
    writeFileSync(clientContractsFile, generated);
    console.log(`Wrote ${path.relative(process.cwd(), clientContractsFile)}`);
  }
}
