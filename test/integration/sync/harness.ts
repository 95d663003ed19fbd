import { SHOPIFY_API_VERSION } from '../../../lambdas/shopify/api-version.js';
import { createJsonlReader } from '../../../lambdas/adapters/shopify/jsonl-lines.js';
/**
 * Wiring for the sync integration tests: the real worker handler, DynamoDB Local stores and the
 * Shopify simulator over HTTP. Only the queue is in-memory (a SyncQueue that delivers to the
 * handler with SQS's at-least-once semantics: failed records come back with receiveCount + 1).
 */
import type { ProductRecord } from '../../../lambdas/resources/products/record.js';
import { productsResource } from '../../../lambdas/resources/products/index.js';
import type { OrderRecord } from '../../../lambdas/resources/orders/record.js';
import { ordersResource } from '../../../lambdas/resources/orders/index.js';
import { writeRulesOf } from '../../../lambdas/handlers/mirror-stores.js';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import type { AnyResourceDefinition } from '../../../lambdas/resources/registry.js';
import type { RecordOwner } from '../../../lambdas/resources/kit/mirrored-record.js';
import { startShopifySimulator } from '../../../local/shopify-simulator/index.js';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createRecordStore } from '../../../lambdas/adapters/dynamodb/record-store.js';
import { createIntegrationStore } from '../../../lambdas/adapters/dynamodb/integration-store.js';
import { createSyncRunStore } from '../../../lambdas/adapters/dynamodb/sync-run-store.js';
import { createSyncStateStore } from '../../../lambdas/adapters/dynamodb/sync-state-store.js';
import {
  ShopifyAdminClient,
  type ShopifyAdminClientOptions,
} from '../../../lambdas/adapters/shopify/admin-client.js';
import type { CustomerRecord } from '../../../lambdas/resources/customers/record.js';
import { fromWebhook } from '../../../lambdas/resources/customers/shopify/mapping.js';
import type { Integration } from '../../../lambdas/core/integrations/integration.js';
import { customersResource } from '../../../lambdas/resources/customers/index.js';
import type { RecordWriter } from '../../../lambdas/resources/kit/definition.js';
import { type SendOptions, type SendResult, type SyncQueue } from '../../../lambdas/core/sync/ports.js';
import { silentLogger } from '../../../lambdas/core/logger.js';
import { defaultSyncConfig, type SyncConfig } from '../../../lambdas/core/sync-config.js';
import { type SyncedResource, syncedResource } from '../../../lambdas/core/sync/resource-loop.js';
import type { SyncDeps } from '../../../lambdas/core/sync/run-sync.js';
import type { SyncMessage } from '../../../lambdas/core/sync/sync-run.js';
import { createSyncWorkerHandler } from '../../../lambdas/handlers/sync-worker.js';
import { customerPayloadSchema } from '../../../lambdas/resources/customers/shopify/payloads.js';
import { parseShopifyJson } from '../../../lambdas/core/webhooks/shopify-json.js';
import { parseWith } from '../../../lambdas/core/validation.js';
import type {
  CreateShopOptions,
  ShopifySimulator,
  SimulatedShop,
  SimCustomer,
} from '../../../local/shopify-simulator/index.js';
import { customerPayload } from '../../../local/shopify-simulator/webhook-payload.js';
import { organizationItems, type TestTables } from '../../support/dynamo.js';

export interface QueuedMessage {
  readonly messageId: string;
  readonly message: SyncMessage;
  readonly sentAt: number;
  receiveCount: number;
}

/** An in-memory SyncQueue: what the fan-out, the API and continuations sent. */
export class CapturingQueue implements SyncQueue {
  readonly pending: QueuedMessage[] = [];
  readonly sent: SyncMessage[] = [];
  /** The delay each sent message asked for (delivered at once all the same: tests order them). */
  readonly delays: (number | undefined)[] = [];
  async send(messages: readonly SyncMessage[], options: SendOptions = {}): Promise<SendResult> {
    for (const message of messages) {
      this.sent.push(message);
      this.delays.push(options.delaySeconds);
      this.pending.push({ messageId: randomUUID(), message, sentAt: Date.now(), receiveCount: 0 });
    }
    return { sent: messages.length, failed: [] };
  }
}

process.env.POWERTOOLS_METRICS_DISABLED = 'true';
export const metricsOff = new Metrics({ namespace: 'Test', serviceName: 'test' });

export const fakeContext = (remainingMs: () => number = () => 900_000): Context =>
  ({
    getRemainingTimeInMillis: remainingMs,
    functionName: 'sync-worker',
    awsRequestId: randomUUID(),
  }) as unknown as Context;

export const sqsEvent = (entries: readonly QueuedMessage[]): SQSEvent => ({
  Records: entries.map((entry) => ({
    messageId: entry.messageId,
    receiptHandle: randomUUID(),
    body: JSON.stringify(entry.message),
    attributes: {
      ApproximateReceiveCount: String(entry.receiveCount),
      SentTimestamp: String(entry.sentAt),
      SenderId: 'test',
      ApproximateFirstReceiveTimestamp: String(entry.sentAt),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:local:000000000000:sync',
    awsRegion: 'local',
  })),
});

/** Test cipher: the "ciphertext" is the token with a prefix (KMS is covered by the secrets tests). */
export const testTokens = { decrypt: async (ciphertext: string) => ciphertext.replace(/^enc:/, '') };

export function syncHarness(tables: TestTables, simulator: () => ShopifySimulator) {
  // Webhook writes carry a receipt of their body (the replay guard).
  const receipts = {
    get tableName() {
      return tables.names.Idempotency;
    },
  };
  const stores = () => ({
    integrations: createIntegrationStore(tables.doc, tables.names.Integrations),
    customers: createRecordStore<CustomerRecord>(tables.doc, tables.names.Customers, { receipts }),
    orders: createRecordStore<OrderRecord>(tables.doc, tables.names.Orders, {
      ...writeRulesOf(ordersResource),
      receipts,
    }),
    products: createRecordStore<ProductRecord>(tables.doc, tables.names.Products, { receipts }),
    runs: createSyncRunStore(tables.doc, tables.names.SyncRuns),
    state: createSyncStateStore(tables.doc, tables.names.Integrations),
  });

  /** A simulated shop and its ACTIVE integration. */
  const connect = async (
    shop: Omit<CreateShopOptions, 'accessToken'>,
    integration: Partial<Integration> = {},
  ) => {
    const accessToken = `shpat_${randomUUID()}`;
    const simulated = simulator().createShop({ ...shop, accessToken });
    const now = new Date().toISOString();
    const record: Integration = {
      integrationId: `int-${randomUUID().slice(0, 8)}`,
      organizationId: `org-${randomUUID().slice(0, 8)}`,
      shopDomain: shop.shopDomain,
      status: 'ACTIVE',
      encryptedAccessToken: `enc:${accessToken}`,
      createdAt: now,
      updatedAt: now,
      ...integration,
    };
    await stores().integrations.put(record);
    return { shop: simulated, integration: record };
  };

  const worker = (
    queue: SyncQueue,
    options: {
      config?: Partial<SyncConfig>;
      client?: Partial<ShopifyAdminClientOptions>;
      pauseMarginMs?: number;
      /** Wraps the customer store, e.g. to inject a crash after N pages. */
      writer?: (store: RecordWriter<CustomerRecord>) => RecordWriter<CustomerRecord>;
      /** Wraps the order store, like `writer`. */
      orderWriter?: (store: RecordWriter<OrderRecord>) => RecordWriter<OrderRecord>;
      afterSync?: SyncDeps['afterSync'];
      /** Full syncs above `config.bulkThreshold` run as bulk operations (JSONL over HTTP). */
      bulk?: boolean;
      /** Mirror orders too (after customers, as the registry orders them). */
      withOrders?: boolean;
      withProducts?: boolean;
      /** Further resources, synced after those (locations and inventory). */
      extra?: readonly SyncedResource[];
      /** The granted-scopes check of each invocation (MISSING_SCOPE); without it, none. */
      scopes?: SyncDeps['scopes'];
      /** The resources synced, instead of customers and the ones chosen above (configured definitions). */
      resources?: readonly SyncedResource[];
    } = {},
  ) => {
    const s = stores();
    return createSyncWorkerHandler({
      integrations: s.integrations,
      runs: s.runs,
      state: s.state,
      queue,
      tokens: testTokens,
      graphqlFor: (integration, accessToken) =>
        new ShopifyAdminClient({
          shopDomain: integration.shopDomain,
          accessToken,
          apiVersion: SHOPIFY_API_VERSION,
          urlTemplate: simulator().adminUrlTemplate,
          backoffBaseMs: 20,
          backoffMaxMs: 200,
          requestTimeoutMs: 5_000,
          ...options.client,
        }),
      resources: options.resources ?? [
        syncedResource(customersResource, options.writer ? options.writer(s.customers) : s.customers),
        ...(options.withOrders
          ? [syncedResource(ordersResource, options.orderWriter ? options.orderWriter(s.orders) : s.orders)]
          : []),
        ...(options.withProducts ? [syncedResource(productsResource, s.products)] : []),
        ...(options.extra ?? []),
      ],
      config: { ...defaultSyncConfig, ...options.config },
      logger: silentLogger,
      metrics: metricsOff,
      pauseMarginMs: options.pauseMarginMs,
      afterSync: options.afterSync,
      ...(options.scopes && { scopes: options.scopes }),
      ...(options.bulk && { bulkResults: createJsonlReader(), bulkPollDelayMs: 5 }),
    });
  };

  /**
   * Delivers queued messages one per invocation until the queue is empty, like SQS with a
   * zero visibility timeout: a reported failure comes back with its receive count increased.
   */
  const drain = async (
    handler: ReturnType<typeof worker>,
    queue: CapturingQueue,
    options: { context?: () => Context; maxInvocations?: number; maxReceives?: number } = {},
  ) => {
    const outcomes: { entry: QueuedMessage; response: SQSBatchResponse }[] = [];
    const deadLetters: QueuedMessage[] = [];
    for (let i = 0; queue.pending.length > 0; i++) {
      if (i >= (options.maxInvocations ?? 500)) throw new Error('queue did not drain');
      const entry = queue.pending.shift()!;
      entry.receiveCount += 1;
      const response = await handler(sqsEvent([entry]), options.context?.() ?? fakeContext());
      outcomes.push({ entry, response });
      if (response.batchItemFailures.length > 0) {
        if (entry.receiveCount >= (options.maxReceives ?? 5)) deadLetters.push(entry);
        else queue.pending.push(entry);
      }
    }
    return { outcomes, deadLetters };
  };

  /** Every item stored for an organization. */
  const storedCustomers = (organizationId: string) =>
    organizationItems(tables.doc, tables.names.Customers, organizationId);

  /** What the webhook path would store for this customer: the oracle the sync must match. */
  const webhookRecord = (
    customer: SimCustomer,
    shop: SimulatedShop,
    integration: Integration,
  ): CustomerRecord =>
    fromWebhook(
      parseWith(customerPayloadSchema, parseShopifyJson(customerPayload(customer, shop)), 'customer'),
      integration,
    );

  /** The mirror holds exactly the shop's customers, each as the webhook path would have stored it. */
  const expectedMirror = (shop: SimulatedShop, integration: Integration) =>
    shop.resources.customers
      .list()
      .map((c) => ({ ...webhookRecord(c, shop, integration), status: 'ACTIVE' }))
      .sort((a, b) => a.shopifyId.localeCompare(b.shopifyId));

  const mirror = async (integration: Integration) =>
    (await storedCustomers(integration.organizationId)).sort((a, b) =>
      String(a.shopifyId).localeCompare(String(b.shopifyId)),
    );

  return { stores, connect, worker, drain, storedCustomers, webhookRecord, expectedMirror, mirror };
}

/** A simulator for the calling test file, started before its tests and stopped after them. */
export const useSimulator = (): (() => ShopifySimulator) => {
  let simulator: ShopifySimulator | undefined;
  beforeAll(async () => {
    simulator = await startShopifySimulator();
  });
  afterAll(() => simulator?.stop());
  return () => simulator!;
};

/** What the webhook path stores for one REST payload of a resource: the oracle the sync must match. */
export const webhookOracle = (definition: AnyResourceDefinition, payload: string, owner: RecordOwner) =>
  definition.webhooks.toRecord(
    parseWith(definition.webhooks.payloadSchema, parseShopifyJson(payload), definition.name),
    owner,
  );

/** The table an exact mirror holds: every record as its webhook stores it, ACTIVE, in key order. */
export const expectedMirror = (
  definition: AnyResourceDefinition,
  payloads: readonly string[],
  owner: RecordOwner,
) =>
  payloads
    .map((payload) => ({ ...webhookOracle(definition, payload, owner), status: 'ACTIVE' }))
    .sort((a, b) => a.shopifyId.localeCompare(b.shopifyId));
