import { InMemoryIntegrations, InMemorySyncRuns } from '../../../lambdas/adapters/memory/sync-stores.js';
import { syncPortsContract } from '../../support/sync-ports-contract.js';

syncPortsContract('in memory', () => {
  const integrations = new InMemoryIntegrations();
  return {
    integrations,
    state: integrations,
    runs: new InMemorySyncRuns(),
    put: async (integration) => integrations.put(integration),
  };
});
