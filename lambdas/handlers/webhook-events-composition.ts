/**
 * The EventBridge ingest's adapters: the webhook path's own (webhook-composition.ts), plus what
 * reads a body too large for EventBridge from the store's Admin API (the stored token, decrypted
 * by KMS, and the Admin client). Apart from the HTTPS handler's composition so that its bundle and
 * cold start never carry the Admin client.
 */
import { KMSClient } from '@aws-sdk/client-kms';
import { createDocumentClient, createDynamoDbClient } from '../adapters/dynamodb/document-client.js';
import { traced, tracedGraphql } from '../adapters/observability.js';
import { createKmsTokenCipher } from '../adapters/secrets/token-cipher.js';
import { ShopifyAdminClient } from '../adapters/shopify/admin-client.js';
import { createRecordFetcher } from '../core/webhooks/oversized-payload.js';
import { parseLambdaEnvironment } from './environment.js';
import { webhookIngestDeps } from './webhook-composition.js';

/** `…::event-source/aws.partner/shopify.com/1/name` → `aws.partner/shopify.com/1/name`. */
const sourceNameOf = (arn: string): string | undefined => arn.split('::event-source/')[1];

export const webhookEventsDeps = (env: Readonly<Record<string, string | undefined>> = process.env) => {
  const settings = parseLambdaEnvironment(env);
  const doc = createDocumentClient(traced(createDynamoDbClient()));
  const fetchRecord = createRecordFetcher({
    cipher: createKmsTokenCipher({ keyId: settings.TOKEN_KEY_ID, client: traced(new KMSClient({})) }),
    shopify: (shopDomain, accessToken) =>
      tracedGraphql(
        new ShopifyAdminClient({
          shopDomain,
          accessToken,
          apiVersion: settings.SHOPIFY_API_VERSION,
          urlTemplate: settings.SHOPIFY_ADMIN_URL_TEMPLATE,
        }),
        'Admin GraphQL',
      ),
  });
  const eventSource = sourceNameOf(settings.SHOPIFY_EVENT_SOURCE_ARN);
  return {
    ...webhookIngestDeps(settings, doc, fetchRecord),
    ...(eventSource !== undefined && { eventSource }),
  };
};
