import { createInMemoryRecordStore } from '../../../lambdas/adapters/memory/record-store.js';
import type { CustomerRecord } from '../../../lambdas/resources/customers/record.js';
import { customersResource } from '../../../lambdas/resources/customers/index.js';
import { writeRulesOf } from '../../../lambdas/handlers/mirror-stores.js';
import type { OrderRecord } from '../../../lambdas/resources/orders/record.js';
import { ordersResource } from '../../../lambdas/resources/orders/index.js';
import { recordStoreContract } from '../../support/record-store-contract.js';

recordStoreContract('in memory', () => {
  const store = createInMemoryRecordStore<CustomerRecord>({ definition: customersResource });
  const reusedKeys = createInMemoryRecordStore<CustomerRecord>({
    definition: customersResource,
    reusedKeys: true,
  });
  const orders = createInMemoryRecordStore<OrderRecord>({
    definition: ordersResource,
    ...writeRulesOf(ordersResource),
  });
  return { store, erasure: store, reusedKeys, orders };
});
