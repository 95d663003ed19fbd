/** Writes docs/events.schema.json from the event definitions (core/events/backend-events.ts). */
import { writeFileSync } from 'node:fs';
import { backendEventsJsonSchema } from '../lambdas/core/events/backend-events.js';
import { defineCommand, parseCommandLine } from './support/command-line.js';

parseCommandLine(
  defineCommand({
    usage: 'npm run docs:events',
    summary: 'Writes docs/events.schema.json from the backend event definitions.',
    options: {},
  }),
);

const target = new URL('../docs/events.schema.json', import.meta.url);
writeFileSync(target, `${JSON.stringify(backendEventsJsonSchema(), null, 2)}\n`);
console.log(`wrote ${target.pathname}`);
