/**
 * The EventBridge ingest's adapters: the webhook path's own (webhook-composition.ts), plus what
 * reads a body too large for EventBridge from the store's Admin API (through the token provider,
 * as every other Admin API caller: openShop renews an expiring or client-credentials token and
 * migrates a static one, and the Admin client). Apart from the HTTPS handler's composition so that its bundle and
 * cold start never carry the Admin client.
 */
import { KMSClient } from '@aws-sdk/client-kms';
import { createDocumentClient, createDynamoDbClient } from '../adapters/dynamodb/document-client.js';
import { traced } from '../adapters/observability.js';
import { createKmsTokenCipher } from '../adapters/secrets/token-cipher.js';
import { createRecordFetcher } from '../core/webhooks/oversized-payload.js';
import { adminAccessOf } from './admin-access-composition.js';
import { parseLambdaEnvironment } from './environment.js';
import { webhookIngestDeps } from './webhook-composition.js';

/** `…::event-source/aws.partner/shopify.com/1/name` → `aws.partner/shopify.com/1/name`. */
const sourceNameOf = (arn: string): string | undefined => arn.split('::event-source/')[1];

export const webhookEventsDeps = (env: Readonly<Record<string, string | undefined>> = process.env) => {
  const settings = parseLambdaEnvironment(env);
  const doc = createDocumentClient(traced(createDynamoDbClient()));
  const cipher = createKmsTokenCipher({ keyId: settings.TOKEN_KEY_ID, client: traced(new KMSClient({})) });
  // The same token provider and Admin client as the sync worker's (admin-access-composition.ts).
  const { tokens, shopify } = adminAccessOf(settings, doc, cipher);
  const fetchRecord = createRecordFetcher({ cipher, tokens, shopify });
  const eventSource = sourceNameOf(settings.SHOPIFY_EVENT_SOURCE_ARN);
  return {
    ...webhookIngestDeps(settings, doc, fetchRecord),
    ...(eventSource !== undefined && { eventSource }),
  };
};
