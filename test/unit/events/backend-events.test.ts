import { readFileSync } from 'node:fs';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventBridgeEvents } from '../../../lambdas/adapters/events/eventbridge-events.js';
import {
  announce,
  type BackendEvent,
  backendEventsJsonSchema,
  backendEventDetails,
} from '../../../lambdas/core/events/backend-events.js';
import { createLocalEventBridge, type LocalEventBridge } from '../../../local/aws/eventbridge-endpoint.js';
import { type AwsEndpoint, AwsServiceError, startAwsJsonEndpoint } from '../../../local/aws/json-protocol.js';

let endpoint: AwsEndpoint;
let bus: LocalEventBridge;
let client: EventBridgeClient;
beforeAll(async () => {
  bus = createLocalEventBridge(() => undefined);
  endpoint = await startAwsJsonEndpoint([bus.service]);
  client = new EventBridgeClient({
    endpoint: endpoint.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  client?.destroy();
  await endpoint?.stop();
});

const completed = (n: number): BackendEvent => ({
  type: 'Sync Completed',
  detail: {
    integrationId: `int-${n}`,
    organizationId: 'org-1',
    shopDomain: 'a.myshopify.com',
    runId: `run-${n}`,
    trigger: 'schedule',
    startedAt: '2026-11-30T01:00:00.000Z',
    finishedAt: '2026-11-30T01:00:05.000Z',
    recordsSeen: 3,
    recordsWritten: 2,
    healedBySync: 2,
  },
});

describe('backend events', () => {
  it('docs/events.schema.json is the schema the code publishes against', () => {
    const published = JSON.parse(
      readFileSync(new URL('../../../docs/events.schema.json', import.meta.url), 'utf8'),
    );
    expect(published).toEqual(backendEventsJsonSchema());
    expect(Object.keys(published.$defs)).toEqual([
      'IntegrationNeedsAttention',
      'IntegrationRecovered',
      'SyncCompleted',
      'SyncFailed',
      'WebhooksUnhealthy',
    ]);
  });

  it('puts every event on the configured bus, ten entries per PutEvents call, with source and detail-type', async () => {
    const events = createEventBridgeEvents({ client, eventBusName: 'shopify-sync-test' });
    await events.publish(Array.from({ length: 23 }, (_, n) => completed(n)));

    expect(bus.events).toHaveLength(23);
    for (const [n, event] of bus.events.entries()) {
      expect(event).toMatchObject({
        eventBusName: 'shopify-sync-test',
        source: 'shopify-sync',
        detailType: 'Sync Completed',
      });
      expect(backendEventDetails['Sync Completed'].parse(event.detail)).toMatchObject({ runId: `run-${n}` });
    }
  });

  it('a bus that refuses never fails the work: the failure is logged with the event types only', async () => {
    endpoint.injectFault('AWSEvents.PutEvents', new AwsServiceError('InternalException', 'down', 500));
    const warnings: unknown[][] = [];
    const logger = { debug() {}, info() {}, error() {}, warn: (...args: unknown[]) => warnings.push(args) };

    await expect(
      announce(createEventBridgeEvents({ client, eventBusName: 'default' }), logger, completed(99)),
    ).resolves.toBeUndefined();
    expect(warnings).toEqual([
      ['Backend events not published', { types: ['Sync Completed'], error: expect.stringContaining('down') }],
    ]);
    expect(JSON.stringify(warnings)).not.toContain('a.myshopify.com');
  });
});
