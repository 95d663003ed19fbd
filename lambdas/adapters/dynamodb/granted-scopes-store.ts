/**
 * A scope check on the integration's item (core/integrations/granted-scopes.ts): what Shopify
 * granted, what each mirrored resource lacks, and the resources' attention, in one UpdateItem.
 * `resourceAttention` is otherwise written by the sync's completeSync; both derive it from what
 * Shopify said last, so whichever lands second is as true as the first.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { GrantedScopesStore } from '../../core/integrations/granted-scopes.js';
import { integrationItemUpdate } from './integration-item.js';

export const createGrantedScopesStore = (
  doc: DynamoDBDocumentClient,
  tableName: string,
): GrantedScopesStore => ({
  async recordGrantedScopes(integrationId, update) {
    await integrationItemUpdate(doc, tableName)(integrationId, {
      UpdateExpression:
        'SET grantedScopes = :granted, missingScopes = :missing, resourceAttention = :attention',
      // Never creates an item: an integration deleted meanwhile stays deleted.
      ConditionExpression: 'attribute_exists(integrationId)',
      ExpressionAttributeValues: {
        ':granted': update.grantedScopes,
        ':missing': update.missingScopes,
        ':attention': update.resourceAttention,
      },
    });
  },
});
