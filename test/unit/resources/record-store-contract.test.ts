import { createInMemoryRecordStore } from '../../../lambdas/adapters/memory/record-store.js';
import type { CustomerRecord } from '../../../lambdas/resources/customers/record.js';
import { customersResource } from '../../../lambdas/resources/customers/index.js';
import { recordStoreContract } from '../../support/record-store-contract.js';

recordStoreContract('in memory', () => {
  const store = createInMemoryRecordStore<CustomerRecord>({ definition: customersResource });
  const reusedKeys = createInMemoryRecordStore<CustomerRecord>({
    definition: customersResource,
    reusedKeys: true,
  });
  return { store, erasure: store, reusedKeys };
});
