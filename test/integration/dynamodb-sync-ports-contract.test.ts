import { createIntegrationStore } from '../../lambdas/adapters/dynamodb/integration-store.js';
import { createSyncRunStore } from '../../lambdas/adapters/dynamodb/sync-run-store.js';
import { createSyncStateStore } from '../../lambdas/adapters/dynamodb/sync-state-store.js';
import { useTestTables } from '../support/dynamo.js';
import { syncPortsContract } from '../support/sync-ports-contract.js';

const tables = useTestTables();

syncPortsContract('DynamoDB', () => {
  const integrations = createIntegrationStore(tables.doc, tables.names.Integrations);
  return {
    integrations,
    state: createSyncStateStore(tables.doc, tables.names.Integrations),
    runs: createSyncRunStore(tables.doc, tables.names.SyncRuns),
    put: (integration) => integrations.put(integration),
  };
});
