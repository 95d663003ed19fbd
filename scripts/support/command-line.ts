/**
 * One way for every script to read its command line: `node:util` parseArgs over option
 * definitions that also carry their help, so `--help` is generated from what is parsed and cannot
 * drift from it, and a mistyped option ends with a one-line error and the usage (exit 2) instead
 * of parseArgs' stack trace. Environment settings are documented from their zod schema
 * (`.describe()` and defaults), the same schema that parses them.
 */
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import * as z from 'zod';

export interface OptionDefinition {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly multiple?: boolean;
  readonly default?: string | boolean | string[] | boolean[];
  /** One line (or a few) saying what it does; shown by --help. */
  readonly description: string;
  /** How the help names a string option's value: `--port <port>`. */
  readonly valueName?: string;
}

export type OptionDefinitions = Readonly<Record<string, OptionDefinition>>;

export interface CommandDefinition<O extends OptionDefinitions> {
  /** How to run it, e.g. `npm start -- [options]`. */
  readonly usage: string;
  /** What it does, in a sentence or two. */
  readonly summary: string;
  readonly options: O;
  /** Environment settings it reads: a zod object whose fields carry `.describe()`. */
  readonly environment?: z.ZodObject;
  readonly examples?: readonly string[];
}

/** Keeps the options' literal types, so parseCommandLine's result is typed from them. */
export const defineCommand = <O extends OptionDefinitions>(
  command: CommandDefinition<O>,
): CommandDefinition<O> => command;

/** What parseArgs gives for these options (booleans and strings, arrays where `multiple`). */
export type OptionValues<O extends OptionDefinitions> = {
  -readonly [K in keyof O]: O[K] extends { readonly multiple: true }
    ? O[K]['type'] extends 'boolean'
      ? boolean[]
      : string[]
    : O[K]['type'] extends 'boolean'
      ? O[K] extends { readonly default: boolean }
        ? boolean
        : boolean | undefined
      : O[K] extends { readonly default: string }
        ? string
        : string | undefined;
};

const helpOption: OptionDefinition = { type: 'boolean', short: 'h', description: 'Show this help and exit.' };

const flagOf = (name: string, option: OptionDefinition): string =>
  [
    option.short ? `-${option.short}, ` : '    ',
    `--${name}`,
    option.type === 'string' ? ` <${option.valueName ?? 'value'}>` : '',
    option.multiple ? ' ...' : '',
  ].join('');

const describeDefault = (value: unknown): string =>
  value === undefined || value === false
    ? ''
    : ` (default: ${Array.isArray(value) ? value.join(', ') : JSON.stringify(value).replace(/^"(.*)"$/, '$1')})`;

/** Two columns: the name, and its description indented under itself when it wraps. */
const columns = (rows: readonly (readonly [string, string])[]): string[] => {
  const width = Math.min(32, Math.max(...rows.map(([name]) => name.length)) + 2);
  return rows.flatMap(([name, text]) => {
    const [first = '', ...rest] = text.split('\n');
    const head =
      name.length + 2 > width
        ? [`  ${name}`, `  ${' '.repeat(width)}${first}`]
        : [`  ${name.padEnd(width)}${first}`];
    return [...head, ...rest.map((line) => `  ${' '.repeat(width)}${line}`)];
  });
};

interface JsonSchemaProperty {
  readonly description?: string;
  readonly default?: unknown;
  readonly enum?: readonly unknown[];
  readonly type?: string;
}

const environmentRows = (schema: z.ZodObject): [string, string][] => {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, JsonSchemaProperty>;
  };
  return Object.entries(json.properties ?? {}).map(([name, property]) => [
    name,
    `${property.description ?? ''}${property.enum ? ` (one of ${property.enum.join(', ')})` : ''}${describeDefault(property.default)}`,
  ]);
};

/** The text `--help` prints. */
export function helpText<O extends OptionDefinitions>(command: CommandDefinition<O>): string {
  const options = { ...command.options, help: helpOption };
  const lines = [
    `Usage: ${command.usage}`,
    '',
    command.summary,
    '',
    'Options:',
    ...columns(
      Object.entries(options).map(([name, option]) => [
        flagOf(name, option),
        `${option.description}${describeDefault(option.default)}`,
      ]),
    ),
  ];
  if (command.environment) {
    lines.push('', 'Environment:', ...columns(environmentRows(command.environment)));
  }
  if (command.examples?.length) lines.push('', 'Examples:', ...command.examples.map((e) => `  ${e}`));
  return `${lines.join('\n')}\n`;
}

/** Prints a command-line problem and the usage to stderr and exits 2, as command-line tools do. */
export function exitWithUsage(
  command: Pick<CommandDefinition<OptionDefinitions>, 'usage'>,
  problem: string,
): never {
  process.stderr.write(`${problem}\n\nUsage: ${command.usage}\nRun with --help for every option.\n`);
  process.exit(2);
}

/**
 * Parses `args` (the process's by default) against the command's options. `--help` prints the
 * help and exits 0; an unknown option, a missing value or a stray argument prints the problem and
 * the usage (exit 2).
 */
export function parseCommandLine<O extends OptionDefinitions>(
  command: CommandDefinition<O>,
  args: readonly string[] = process.argv.slice(2),
): OptionValues<O> {
  const config: ParseArgsOptionsConfig = {};
  for (const [name, option] of Object.entries({ ...command.options, help: helpOption })) {
    config[name] = {
      type: option.type,
      ...(option.short !== undefined && { short: option.short }),
      ...(option.multiple !== undefined && { multiple: option.multiple }),
      ...(option.default !== undefined && { default: option.default }),
    };
  }
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({ args: [...args], options: config, strict: true, allowPositionals: false }));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (!code?.startsWith('ERR_PARSE_ARGS_')) throw error;
    exitWithUsage(command, (error as Error).message);
  }
  if (values.help) {
    process.stdout.write(helpText(command));
    process.exit(0);
  }
  const { help: _help, ...rest } = values;
  return rest as OptionValues<O>;
}

/** A whole-number option's value, or exit 2 naming the option. */
export function integerOption(
  command: Pick<CommandDefinition<OptionDefinitions>, 'usage'>,
  name: string,
  value: string,
  limits: { readonly min?: number; readonly max?: number } = {},
): number {
  const number = Number(value);
  if (Number.isInteger(number) && number >= (limits.min ?? -Infinity) && number <= (limits.max ?? Infinity))
    return number;
  const range =
    limits.min !== undefined && limits.max !== undefined
      ? ` from ${limits.min} to ${limits.max}`
      : limits.min !== undefined
        ? ` of at least ${limits.min}`
        : '';
  exitWithUsage(command, `--${name} takes a whole number${range}, not "${value}"`);
}
