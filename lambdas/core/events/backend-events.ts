/**
 * Events for the SaaS backend that owns the stores: what changed about an integration, without
 * polling. The core announces them through the `BackendEvents` port; adapters/events puts them on
 * EventBridge, the local runtime records and prints them. Details carry ids, states and counts,
 * never personal data or credentials. docs/events.schema.json is generated from these schemas
 * (test/unit/events/events-schema.test.ts keeps it in step).
 */
import * as z from 'zod';
import type { Logger } from '../logger.js';

/** EventBridge `source` of every event this stack publishes. */
export const EVENT_SOURCE = 'shopify-sync';

const store = {
  integrationId: z.string(),
  organizationId: z.string(),
  shopDomain: z.string(),
};
const timestamp = z.iso.datetime().describe('UTC, ISO 8601');
const missingScopes = z
  .record(z.string(), z.array(z.string()))
  .describe('Per resource (orders, products, ...), the access scopes it needs that Shopify did not grant');

export const backendEventDetails = {
  'Integration Needs Attention': z
    .object({
      ...store,
      reason: z
        .string()
        .describe(
          'Why: e.g. SHOPIFY_UNAUTHORIZED (Shopify refused the token: syncing stopped), or MISSING_SCOPE (some resources lack their access scopes: those are not synced, the others are)',
        ),
      missingScopes: missingScopes
        .optional()
        .describe('With MISSING_SCOPE: per resource, the access scopes the merchant must grant'),
      at: timestamp,
      runId: z.string().optional().describe('The sync run that found the problem'),
    })
    .describe(
      'A person must act on this store. Most reasons stop its syncing until it is reconnected (POST /integrations again); MISSING_SCOPE stops only the resources listed in missingScopes, until the merchant grants those scopes (the next sync or connect sees the grant).',
    ),
  'Integration Recovered': z
    .object({
      ...store,
      previousStatus: z.enum(['NEEDS_ATTENTION', 'INACTIVE']),
      previousReason: z.string().optional(),
      at: timestamp,
    })
    .describe('A store that needed attention (or was disconnected) is active again.'),
  'Sync Completed': z
    .object({
      ...store,
      runId: z.string(),
      trigger: z.enum(['schedule', 'manual', 'initial']),
      startedAt: timestamp,
      finishedAt: timestamp,
      recordsSeen: z.int().nonnegative(),
      recordsWritten: z.int().nonnegative(),
      healedBySync: z
        .int()
        .nonnegative()
        .describe('Records written because they were newer than the mirror: changes no webhook delivered'),
      resources: z
        .record(
          z.string(),
          z.object({
            seen: z.int().nonnegative(),
            written: z.int().nonnegative(),
            healedBySync: z.int().nonnegative(),
          }),
        )
        .optional()
        .describe('The same counts per resource (customers, orders, products)'),
      resourceAttention: z
        .record(z.string(), z.string())
        .optional()
        .describe(
          'Resources this run did not sync, with why: MISSING_SCOPE (not granted; see missingScopes) or ACCESS_DENIED (refused by Shopify). Absent when every resource synced.',
        ),
      missingScopes: missingScopes.optional(),
    })
    .describe(
      'A sync run finished and advanced the watermarks of the resources it synced. With resourceAttention, some resources were not synced: the run is not a clean success.',
    ),
  'Sync Failed': z
    .object({
      ...store,
      runId: z.string(),
      trigger: z.enum(['schedule', 'manual', 'initial']),
      error: z.string().describe('Error name and message, never a payload or a stack'),
      finishedAt: timestamp,
    })
    .describe('A sync run gave up (after its last retry, or because the store needs attention).'),
  'Webhooks Unhealthy': z
    .object({
      ...store,
      reason: z.enum(['SUBSCRIPTIONS_UNVERIFIED', 'DELIVERIES_STOPPED']),
      lastWebhookAt: timestamp.optional().describe('Last verified delivery from this store'),
      healedBySync: z.int().nonnegative().optional(),
      error: z.string().optional(),
      at: timestamp,
    })
    .describe(
      'Shopify’s webhooks for this store are not arriving (sync keeps finding changes no webhook delivered) or its subscriptions could not be verified.',
    ),
} as const;

export type BackendEventType = keyof typeof backendEventDetails;
export const backendEventTypes = Object.keys(backendEventDetails) as BackendEventType[];

export type BackendEvent = {
  [T in BackendEventType]: { readonly type: T; readonly detail: z.input<(typeof backendEventDetails)[T]> };
}[BackendEventType];

/** Where the core announces events (EventBridge in AWS; recorded in memory locally and in tests). */
export interface BackendEvents {
  publish(events: readonly BackendEvent[]): Promise<void>;
}

export const noBackendEvents: BackendEvents = { publish: async () => {} };

/**
 * Best effort: an event that cannot be published is logged (ids only) and never fails the work
 * it reports on. A sync must not be retried, nor a webhook refused, because EventBridge blinked.
 */
export const announce = async (
  events: BackendEvents | undefined,
  logger: Logger,
  ...batch: BackendEvent[]
): Promise<void> => {
  if (!events || batch.length === 0) return;
  try {
    await events.publish(batch);
  } catch (error) {
    logger.warn('Backend events not published', {
      types: batch.map((event) => event.type),
      error: error instanceof Error ? `${error.name}: ${error.message}` : 'Unknown error',
    });
  }
};

/**
 * The published contract: one JSON Schema (draft 2020-12) per detail-type, under `$defs`, and the
 * EventBridge envelope fields a rule matches on. docs/events.schema.json is this, written by
 * `npm run docs:events`.
 */
export const backendEventsJsonSchema = () => ({
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://github.com/shopify-sync/shopify-sync/docs/events.schema.json',
  title: 'shopify-sync backend events',
  description:
    'EventBridge events published by shopify-sync. Every event has `source: "shopify-sync"`; `detail-type` names the event, and `detail` follows the schema of that name under $defs. Details carry ids, states and counts only: never personal data or credentials.',
  type: 'object',
  required: ['source', 'detail-type', 'detail'],
  properties: {
    source: { const: EVENT_SOURCE },
    'detail-type': { enum: backendEventTypes },
    detail: { type: 'object' },
  },
  oneOf: backendEventTypes.map((type) => ({
    properties: { 'detail-type': { const: type }, detail: { $ref: `#/$defs/${type.replaceAll(' ', '')}` } },
  })),
  $defs: Object.fromEntries(
    backendEventTypes.map((type) => {
      const { $schema: _draft, ...schema } = z.toJSONSchema(backendEventDetails[type]) as Record<
        string,
        unknown
      >;
      return [type.replaceAll(' ', ''), schema];
    }),
  ),
});
