import { type DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import type { CensusFields } from '../../core/integrations/store-census.js';

/**
 * Every integration's state fields, for the hourly store census. A Scan, because the census
 * needs every status (the sparse due index holds only ACTIVE ones); the table holds one item per
 * store plus a few bookkeeping items, so an hourly pass costs cents a month (docs/cost.md).
 */
export const scanIntegrationStates = (
  doc: DynamoDBDocumentClient,
  tableName: string,
): AsyncIterable<readonly CensusFields[]> => ({
  async *[Symbol.asyncIterator]() {
    const pages = paginateScan(
      { client: doc },
      {
        TableName: tableName,
        // Integration items only: shop claims, data-request exports (`recordType`) and the purge
        // list carry no shopDomain.
        FilterExpression:
          'attribute_exists(shopDomain) AND attribute_exists(#status) AND attribute_not_exists(recordType)',
        ProjectionExpression:
          '#status, createdAt, lastSuccessfulSyncAt, lastWebhookAt, lastHealedAt, missingScopes',
        ExpressionAttributeNames: { '#status': 'status' },
      },
    );
    for await (const page of pages) yield (page.Items ?? []) as CensusFields[];
  },
});
