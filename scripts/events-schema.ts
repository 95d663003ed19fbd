/** Writes docs/events.schema.json from the event definitions (core/events/backend-events.ts). */
import { writeFileSync } from 'node:fs';
import { backendEventsJsonSchema } from '../lambdas/core/events/backend-events.js';

const target = new URL('../docs/events.schema.json', import.meta.url);
writeFileSync(target, `${JSON.stringify(backendEventsJsonSchema(), null, 2)}\n`);
console.log(`wrote ${target.pathname}`);
