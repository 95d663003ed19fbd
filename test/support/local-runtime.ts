import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';

/**
 * What every test's local runtime shares: free ports for the API, the AWS endpoints and the
 * Shopify simulator, the suite's one DynamoDB Local, and tables of its own (a random prefix), so
 * test files running side by side never see each other's items.
 */
export const isolatedRuntime = (tablePrefix: string) => ({
  apiPort: 0,
  awsPort: 0,
  shopifySimulatorPort: 0,
  dynamoEndpoint: inject('dynamoEndpoint'),
  tablePrefix: `${tablePrefix}${randomUUID().slice(0, 8)}-`,
});
