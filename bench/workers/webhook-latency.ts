/**
 * P4: latency of the webhook path invoked in process, per transport, next to a bare handler of
 * the same transport that only parses the delivery and PutItems it:
 * - HTTPS: the webhook handler (signature, parse, dedupe, conditional write against DynamoDB Local);
 * - EventBridge: the ingest with an SQS batch of one event (parse of the raw text, the same core).
 * Runs in its own process with the deployed log level, so logging is part of the measured cost.
 */
import { SHOPIFY_API_VERSION } from '../../lambdas/shopify/api-version.js';
import { resourceTopics } from '../../lambdas/core/webhooks/resource-topics.js';
import { customersResource } from '../../lambdas/resources/customers/index.js';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, Context, SQSEvent } from 'aws-lambda';
import { createRecordStore } from '../../lambdas/adapters/dynamodb/record-store.js';
import { createWebhookEventsHandler } from '../../lambdas/handlers/webhook-events.js';
import { createBenchTables } from '../support/environment.js';
import {
  benchIngest,
  type LatencyStats,
  latencyStats as stats,
  signedDelivery,
} from '../support/webhook-bench.js';

export interface LatencyJob {
  readonly dynamoEndpoint: string;
  readonly invocations: number;
  readonly warmup: number;
}

export type { LatencyStats };

export interface LatencyResult {
  readonly webhook: LatencyStats;
  readonly bare: LatencyStats;
  readonly statuses: Record<string, number>;
  /** The EventBridge transport, and its bare baseline (parse the SQS record, PutItem). */
  readonly eventBridge: LatencyStats;
  readonly bareEventBridge: LatencyStats;
  /** Events the ingest applied without reporting a batch item failure. */
  readonly eventBridgeApplied: number;
}

const eventSource = 'aws.partner/shopify.com/1000001/bench';
const lambdaContext = { getRemainingTimeInMillis: () => 60_000 } as Context;

async function measure(job: LatencyJob): Promise<LatencyResult> {
  const tables = await createBenchTables(job.dynamoEndpoint, 'lat');
  const store = {
    shop: 'latency.myshopify.com',
    organizationId: 'org-latency',
    appSecret: `bench-secret-${randomUUID()}`,
  };
  const shop = store.shop;
  const { ingestDeps, webhook } = await benchIngest(
    tables,
    store,
    resourceTopics(
      customersResource,
      createRecordStore(tables.doc, tables.names.Customers, {
        receipts: { tableName: tables.names.Idempotency },
      }),
    ),
  );
  const ingestEvents = createWebhookEventsHandler({ ...ingestDeps, eventSource });
  let eventBridgeApplied = 0;
  const eventBridge = async (event: SQSEvent) => {
    const response = await ingestEvents(event, lambdaContext);
    if (response.batchItemFailures.length === 0) eventBridgeApplied += 1;
    return { statusCode: response.batchItemFailures.length === 0 ? 200 : 500 };
  };
  const bareEventBridge = async (event: SQSEvent) => {
    const parsed = JSON.parse(event.Records[0]!.body) as {
      detail: { payload: { admin_graphql_api_id: string; updated_at: string } };
    };
    const { payload } = parsed.detail;
    await tables.doc.send(
      new PutCommand({
        TableName: tables.names.Customers,
        Item: {
          organizationId: 'org-bare-eventbridge',
          shopifyId: payload.admin_graphql_api_id,
          updatedAt: payload.updated_at,
          body: JSON.stringify(payload),
        },
      }),
    );
    return { statusCode: 200 };
  };
  const bare = async (event: APIGatewayProxyEventV2) => {
    const body = JSON.parse(event.body ?? '{}') as { admin_graphql_api_id: string; updated_at: string };
    await tables.doc.send(
      new PutCommand({
        TableName: tables.names.Customers,
        Item: {
          organizationId: 'org-bare',
          shopifyId: body.admin_graphql_api_id,
          updatedAt: body.updated_at,
          body: event.body,
        },
      }),
    );
    return { statusCode: 200 };
  };

  let sequence = 0;
  const customerBody = (): string => {
    sequence += 1;
    const id = 7_100_000_000_000_000_000n + BigInt(sequence % 500);
    const updatedAt = new Date(Date.parse('2026-01-01T00:00:00Z') + sequence * 1000).toISOString();
    return `{"id":${id},"email":"c${sequence}@example.com","created_at":"2025-12-01T00:00:00Z","updated_at":"${updatedAt}","first_name":"Ada","last_name":"Lovelace","state":"enabled","note":null,"verified_email":true,"multipass_identifier":null,"tax_exempt":false,"phone":null,"currency":"USD","addresses":[],"tax_exemptions":[],"admin_graphql_api_id":"gid://shopify/Customer/${id}","default_address":null}`;
  };
  /** One event as the webhook queue holds it (the rule's SQS target), in a batch of one. */
  const event = (): SQSEvent => {
    const metadata = {
      'X-Shopify-Topic': 'customers/update',
      'X-Shopify-Shop-Domain': shop,
      'X-Shopify-Webhook-Id': randomUUID(),
      'X-Shopify-Event-Id': randomUUID(),
      'X-Shopify-Triggered-At': new Date().toISOString(),
      'X-Shopify-API-Version': SHOPIFY_API_VERSION,
    };
    const body =
      `{"version":"0","id":"${randomUUID()}","detail-type":"shopifyWebhook","source":"${eventSource}",` +
      `"account":"000000000000","time":"${new Date().toISOString()}","region":"us-east-1","resources":[],` +
      `"detail":{"payload":${customerBody()},"metadata":${JSON.stringify(metadata)}}}`;
    return {
      Records: [
        {
          messageId: randomUUID(),
          receiptHandle: 'r',
          body,
          attributes: {
            ApproximateReceiveCount: '1',
            SentTimestamp: String(Date.now()),
            SenderId: 'AIDA',
            ApproximateFirstReceiveTimestamp: String(Date.now()),
          },
          messageAttributes: {},
          md5OfBody: '',
          eventSource: 'aws:sqs',
          eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:webhooks',
          awsRegion: 'us-east-1',
        },
      ],
    };
  };
  const delivery = (): APIGatewayProxyEventV2 => signedDelivery(store, 'customers/update', customerBody());

  const statuses: Record<string, number> = {};
  const run = async <E>(
    handler: (event: E) => Promise<{ statusCode?: number }>,
    count: number,
    record: boolean,
    next: () => E,
  ) => {
    const samples: number[] = [];
    for (let i = 0; i < count; i += 1) {
      const input = next();
      const started = performance.now();
      const response = await handler(input);
      samples.push(performance.now() - started);
      if (record) statuses[String(response.statusCode)] = (statuses[String(response.statusCode)] ?? 0) + 1;
    }
    return samples;
  };
  // Warm-up, then one of each per round, in alternating order: a burst of noise on the shared
  // machine (GC, another process, DynamoDB Local's own pauses) lands on both handlers alike,
  // where blocks of 100 let one burst inflate only one side's p99.
  const contenders = {
    webhook: () => run(webhook, 1, true, delivery),
    bare: () => run(bare, 1, false, delivery),
    eventBridge: () => run(eventBridge, 1, false, event),
    bareEventBridge: () => run(bareEventBridge, 1, false, event),
  };
  type Contender = keyof typeof contenders;
  const order = Object.keys(contenders) as Contender[];
  for (let i = 0; i < job.warmup; i += 1) for (const name of order) await contenders[name]();
  for (const key of Object.keys(statuses)) delete statuses[key];
  eventBridgeApplied = 0;
  const samples: Record<Contender, number[]> = {
    webhook: [],
    bare: [],
    eventBridge: [],
    bareEventBridge: [],
  };
  for (let round = 0; round < job.invocations; round += 1) {
    // A rotating order: a burst of noise lands on every contender alike.
    for (let k = 0; k < order.length; k += 1) {
      const name = order[(round + k) % order.length]!;
      samples[name].push(...(await contenders[name]()));
    }
  }
  await tables.drop();
  return {
    webhook: stats(samples.webhook),
    bare: stats(samples.bare),
    statuses,
    eventBridge: stats(samples.eventBridge),
    bareEventBridge: stats(samples.bareEventBridge),
    eventBridgeApplied,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  measure(JSON.parse(process.argv[2] ?? '{}') as LatencyJob)
    .then((result) => process.stdout.write(`\n${JSON.stringify(result)}\n`))
    .catch((error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    });
}
