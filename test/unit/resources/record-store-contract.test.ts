import { createInMemoryRecordStore } from '../../../lambdas/adapters/memory/record-store.js';
import type { CustomerRecord } from '../../../lambdas/core/customers/customer-record.js';
import { customersResource } from '../../../lambdas/core/resources/customers.js';
import { recordStoreContract } from '../../support/record-store-contract.js';

recordStoreContract('in memory', () => {
  const store = createInMemoryRecordStore<CustomerRecord>({ definition: customersResource });
  return { store, erasure: store };
});
