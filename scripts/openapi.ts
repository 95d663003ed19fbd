/**
 * `npm run openapi`: writes docs/openapi.json from the route table and its zod contracts.
 * `npm run openapi -- --check` only compares, and fails when the file is stale (CI runs the same
 * comparison as a test: test/unit/contract/openapi.test.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openApiJson } from '../lambdas/handlers/contract/openapi.js';
import { defineCommand, parseCommandLine } from './support/command-line.js';

export const openApiFile = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../docs/openapi.json');

const values = parseCommandLine(
  defineCommand({
    usage: 'npm run openapi [-- --check]',
    summary: 'Writes docs/openapi.json from the route table and its zod contracts.',
    options: {
      check: {
        type: 'boolean',
        description: 'Only compare: exit 1 when docs/openapi.json is not what the contracts give',
      },
    },
  }),
);
const generated = openApiJson();
if (values.check) {
  let committed = '';
  try {
    committed = readFileSync(openApiFile, 'utf8');
  } catch {
    // A missing file is stale too.
  }
  if (committed !== generated) {
    console.error('docs/openapi.json is stale: run `npm run openapi` and commit the result.');
    process.exit(1);
  }
  console.log('docs/openapi.json is current.');
} else {
  writeFileSync(openApiFile, generated);
  console.log(`Wrote ${path.relative(process.cwd(), openApiFile)}`);
}
