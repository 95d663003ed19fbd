/**
 * What the HTTP API answers, as zod schemas. The OpenAPI document (contract/openapi.ts) and the
 * typed client (client/) are both generated from these, and the client parses every answer with
 * them, so a handler that drifts from its documented shape fails the client's tests.
 *
 * Answers are loose objects: a field added later reaches old clients untouched instead of
 * breaking them. Requests stay strict (their schemas live with the routes that parse them).
 */
import * as z from 'zod';
import { mirroredRecordSchema } from '../../resources/kit/mirrored-record.js';
import { recordStatusSchema } from '../../core/read-api/record-listing.js';
import { runStatuses, runTriggers } from '../../core/sync/sync-run.js';

const timestamp = z.string().meta({ format: 'date-time', description: 'UTC ISO-8601' });

/** Every error the handlers raise: a stable code and a message that never carries secrets or data. */
export const apiErrorSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ examples: ['VALIDATION_FAILED', 'NOT_FOUND', 'SYNC_IN_PROGRESS'] }),
      message: z.string(),
    }),
  })
  .meta({ id: 'ApiError', description: 'An error answered by a handler' });

/** What API Gateway itself answers (unknown route, IAM refusal, payload over 10 MB, a failed integration). */
export const gatewayErrorSchema = z
  .object({ message: z.string() })
  .meta({ id: 'GatewayError', description: 'An error answered by API Gateway before any handler ran' });

export const integrationStatusSchema = z.enum(['ACTIVE', 'INACTIVE', 'NEEDS_ATTENTION']);

export const webhookHealthSchema = z
  .looseObject({
    checkedAt: timestamp,
    healthy: z.boolean(),
    repaired: z.array(z.string()).meta({ description: 'Subscriptions re-created by this check' }),
    error: z.string().optional(),
  })
  .meta({ id: 'WebhookHealth' });

export const integrationSchema = z
  .looseObject({
    integrationId: z.string(),
    organizationId: z.string(),
    shopDomain: z.string().meta({ examples: ['my-store.myshopify.com'] }),
    status: integrationStatusSchema,
    statusReason: z.string().optional().meta({ description: 'Why the integration is not ACTIVE' }),
    createdAt: timestamp,
    updatedAt: timestamp,
    uninstalledAt: timestamp.optional(),
    uninstallClaimedAt: timestamp.optional().meta({
      description:
        'An app/uninstalled was received and awaits confirmation: the next sync asks Shopify whether the token still works',
    }),
    lastSuccessfulSyncAt: timestamp
      .optional()
      .meta({ description: 'Start of the last sync that completed; the next one reads from here' }),
    lastSyncRunId: z.string().optional().meta({
      description:
        'The run of the last sync that completed: its `finishedAt` is when it finished (lastSuccessfulSyncAt is its start)',
    }),
    webhookHealth: webhookHealthSchema.optional(),
    shopifyShopId: z.string().optional(),
    redactedAt: timestamp.optional(),
    lastReconciledAt: timestamp
      .optional()
      .meta({ description: 'Last completed reconcile of any resource (see resourceReconciledAt)' }),
    resourceReconciledAt: z
      .record(z.string(), timestamp)
      .optional()
      .meta({
        description: 'Per resource: when its last reconcile (id sets compared with Shopify) completed',
        examples: [{ customers: '2026-11-30T04:00:00.000Z', orders: '2026-11-30T04:00:02.000Z' }],
      }),
    resourceAttention: z
      .record(z.string(), z.string())
      .optional()
      .meta({
        description:
          'Resources the last sync (or scope check) could not mirror, with why: MISSING_SCOPE (the app lacks the access scopes in missingScopes: the merchant must grant them; the other resources keep syncing) or ACCESS_DENIED (Shopify refused the resource although its scopes look granted)',
        examples: [{ orders: 'MISSING_SCOPE', products: 'MISSING_SCOPE' }],
      }),
    grantedScopes: z
      .array(z.string())
      .optional()
      .meta({
        description: 'The access scopes Shopify last reported granted to the app on this store',
        examples: [['read_customers']],
      }),
    missingScopes: z
      .record(z.string(), z.array(z.string()))
      .optional()
      .meta({
        description:
          'Per mirrored resource, the access scopes it needs that are not granted (what to ask the merchant for); empty when nothing is missing',
        examples: [{ orders: ['read_orders'], products: ['read_products'] }],
      }),
    hasCustomWebhookSecret: z.boolean(),
    // Always sent; optional only so a client stays compatible with a stack from before kinds existed.
    credentialKind: z
      .enum(['expiring', 'static', 'client-credentials'])
      .optional()
      .meta({
        description:
          'expiring: an offline token that refreshes itself (install flow, or a migrated static token); ' +
          'static: a non-expiring token (custom apps); client-credentials: a Dev Dashboard app of your own',
      }),
    credentialExpiresAt: timestamp.optional().meta({ description: 'When the current access token expires' }),
    refreshTokenExpiresAt: timestamp.optional(),
    reinstall: z
      .looseObject({
        method: z.literal('POST'),
        path: z.string(),
        body: z.looseObject({ shopDomain: z.string() }),
      })
      .optional()
      .meta({
        description:
          'Present while statusReason is REAUTHORIZE: the call that starts a re-install (its answer is the URL the merchant opens)',
      }),
  })
  .meta({ id: 'Integration', description: 'A connected store. Never carries a token or secret.' });

export const installCallbackAnswerSchema = z
  .looseObject({
    connected: z.literal(true),
    integrationId: z.string(),
    shop: z.string(),
    runId: z.string(),
  })
  .meta({ id: 'InstallCallbackAnswer' });

export const integrationDetailsSchema = integrationSchema
  .extend({
    recordCounts: z
      .record(
        z.string(),
        z.looseObject({ ACTIVE: z.number().int(), INACTIVE: z.number().int(), REDACTED: z.number().int() }),
      )
      .meta({
        description: 'Mirrored records by resource and status',
        examples: [{ customers: { ACTIVE: 250, INACTIVE: 0, REDACTED: 0 } }],
      }),
  })
  .meta({ id: 'IntegrationDetails' });

export const connectResultSchema = z
  .looseObject({
    integration: integrationSchema,
    runId: z.string().meta({ description: 'The initial (or reconnect) sync run, queued' }),
  })
  .meta({ id: 'ConnectResult' });

export const disconnectResultSchema = z
  .looseObject({
    integration: integrationSchema,
    webhookSubscriptionsRemoved: z.number().int(),
    webhookCleanupError: z.string().optional(),
    purge: z
      .looseObject({
        deleted: z
          .record(z.string(), z.number().int())
          .meta({ description: 'Records deleted, per resource' }),
        complete: z.boolean().meta({ description: 'False: the daily job finishes the purge (202)' }),
      })
      .optional(),
  })
  .meta({ id: 'DisconnectResult' });

export const integrationListSchema = z
  .looseObject({ items: z.array(integrationSchema) })
  .meta({ id: 'IntegrationList' });

export const shopCountsSchema = z
  .looseObject({
    counts: z.record(z.string(), z.number().int()).meta({
      description: "Shopify's own count of each resource, by resource name",
      examples: [{ customers: 250 }],
    }),
    countedAt: timestamp,
  })
  .meta({ id: 'ShopCounts', description: 'What the store holds now, as Shopify counts it' });

const count = z.number().int().min(0);

export const resourceProgressSchema = z
  .looseObject({
    status: z.enum(['pending', 'syncing', 'completed', 'needs-attention']),
    pages: count,
    seen: count.meta({ description: 'Nodes Shopify returned (a few may be re-read at a slice boundary)' }),
    written: count,
    stale: count.meta({ description: 'Older than the stored version: something newer was already written' }),
    redacted: count.meta({ description: 'Erased by a GDPR redact; never resurrected' }),
    invalid: count.meta({ description: 'Failed validation; logged by id' }),
    attentionReason: z.string().optional().meta({
      description:
        'With needs-attention: MISSING_SCOPE (its access scopes are not granted, so it was not queried) or ACCESS_DENIED (Shopify refused it)',
    }),
    missingScopes: z
      .array(z.string())
      .optional()
      .meta({ description: 'With MISSING_SCOPE: the access scopes to grant', examples: [['read_orders']] }),
    checkpoint: z.looseObject({}).optional().meta({ description: 'Where a running sync resumes' }),
  })
  .meta({ id: 'ResourceProgress' });

export const callCountersSchema = z
  .looseObject({
    shopifyCostUsed: z.number(),
    throttleWaits: count,
    throttleWaitMs: z.number(),
    throttledResponses: count,
    retries: count,
  })
  .meta({ id: 'CallCounters', description: "What the run's Shopify calls cost, over all resources" });

export const syncRunSchema = z
  .looseObject({
    integrationId: z.string(),
    runId: z.string().meta({ description: 'A ULID: newer runs sort after older ones' }),
    trigger: z.enum(runTriggers),
    status: z.enum(runStatuses),
    queuedAt: timestamp,
    startedAt: timestamp.optional(),
    finishedAt: timestamp.optional(),
    invocations: count.optional(),
    skipReason: z.string().optional(),
    lastError: z.string().optional().meta({ description: 'A message only: never a token or payload' }),
    resources: z
      .record(z.string(), resourceProgressSchema)
      .optional()
      .meta({ description: 'Per resource (customers, ...), synced one after another' }),
    calls: callCountersSchema.optional(),
    resourceAttention: z
      .record(z.string(), z.string())
      .optional()
      .meta({
        description:
          'On a succeeded run that did not sync every resource: each one left out, with why (MISSING_SCOPE, ACCESS_DENIED; details under resources). Absent when the run synced everything.',
        examples: [{ orders: 'MISSING_SCOPE' }],
      }),
  })
  .meta({ id: 'SyncRun' });

/** Every listing of this API: `nextCursor` is always present, and null on the last page. */
export const listing = <T extends z.ZodType>(item: T, id: string) =>
  z
    .looseObject({
      items: z.array(item),
      nextCursor: z.string().nullable().meta({
        description: 'Pass as `cursor` for the next page; null at the end. A short page may continue.',
      }),
    })
    .meta({ id });

export const syncRunListSchema = listing(syncRunSchema, 'SyncRunList');

export const webhookDeliveriesSchema = z
  .looseObject({
    hours: z.array(
      z.looseObject({
        hour: timestamp.meta({ description: 'Start of the UTC hour' }),
        deliveries: count.meta({ description: 'Verified deliveries from the store, duplicates included' }),
      }),
    ),
  })
  .meta({
    id: 'WebhookDeliveries',
    description: 'Verified webhook deliveries per UTC hour, oldest first; an hour without any is 0',
  });

export const manualSyncAnswerSchema = z
  .discriminatedUnion('status', [
    z.looseObject({ status: z.literal('queued'), runId: z.string() }),
    z.looseObject({
      status: z.literal('skipped'),
      reason: z.literal('RECENTLY_SYNCED'),
      lastSuccessfulSyncAt: timestamp,
      nextEligibleAt: timestamp,
    }),
  ])
  .meta({ id: 'ManualSyncAnswer' });

/** What every mirrored record shares, whatever its resource (a tombstone keeps only the ids). */
const mirroredFields = {
  organizationId: z.string(),
  shopifyId: z.string().meta({
    description:
      "Numeric Shopify id as a decimal string (64-bit); an inventory level's is `<inventoryItemId>:<locationId>`",
  }),
  status: recordStatusSchema,
  integrationId: z.string().optional(),
  shopDomain: z.string().optional(),
  shopifyGid: z.string().optional(),
  shopifyUpdatedAt: timestamp.optional(),
  deletedAt: timestamp.optional(),
  deleteReason: z.enum(['webhook', 'reconciled']).optional(),
  redactedAt: timestamp.optional(),
};

/**
 * The fields of every record answer, named: no route answers it alone, but the generated client
 * (scripts/client-contracts.ts) states it once and extends it with each resource's own fields.
 */
export const recordEnvelopeSchema = z.looseObject(mirroredFields).meta({
  id: 'RecordEnvelope',
  description: "What every mirrored record's answer has, whatever its resource",
});

/**
 * The read API's answer for one resource's records: the lifecycle fields every record has, then
 * the resource's own fields from its record schema (resources/<name>/record.ts, the one statement
 * of its shape), each optional because a deleted or redacted record keeps only its ids.
 */
export const recordAnswerSchema = (id: string, recordSchema: z.ZodObject) => {
  const ownFields = Object.entries(recordSchema.shape as Record<string, z.ZodType>)
    .filter(([field]) => !(field in mirroredRecordSchema.shape))
    .map(([field, schema]) => [field, schema instanceof z.ZodOptional ? schema : schema.optional()]);
  return z
    .looseObject({ ...mirroredFields, ...(Object.fromEntries(ownFields) as z.ZodRawShape) })
    .meta({ id, description: recordSchema.description });
};

export const webhookAnswerSchema = z
  .looseObject({
    outcome: z.enum(['written', 'stale', 'ignored', 'duplicate']),
    reason: z.string().optional(),
  })
  .meta({ id: 'WebhookOutcome', description: 'Any 2xx tells Shopify the delivery is done' });

/** Any JSON object Shopify sends; the handler parses it per topic after the HMAC matched. */
export const webhookPayloadSchema = z
  .looseObject({})
  .meta({ id: 'WebhookPayload', description: 'The topic payload, exactly as Shopify signed it' });

export const webhookHeadersSchema = z.object({
  'X-Shopify-Hmac-Sha256': z.string().meta({ description: 'Base64 HMAC-SHA256 of the raw body' }),
  'X-Shopify-Topic': z.string().meta({ examples: ['customers/update'] }),
  'X-Shopify-Shop-Domain': z.string(),
  'X-Shopify-Webhook-Id': z.string(),
  'X-Shopify-Triggered-At': z.string().optional(),
});
