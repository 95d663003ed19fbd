import { createRecordErasureStore } from '../../lambdas/adapters/dynamodb/record-erasure-store.js';
import { createKnownVersions } from '../../lambdas/adapters/dynamodb/known-versions.js';
import { createRecordStore } from '../../lambdas/adapters/dynamodb/record-store.js';
import type { CustomerRecord } from '../../lambdas/resources/customers/record.js';
import { customersResource } from '../../lambdas/resources/customers/index.js';
import { writeRulesOf } from '../../lambdas/handlers/mirror-stores.js';
import type { OrderRecord } from '../../lambdas/resources/orders/record.js';
import { ordersResource } from '../../lambdas/resources/orders/index.js';
import { useTestTables } from '../support/dynamo.js';
import { recordStoreContract } from '../support/record-store-contract.js';

const tables = useTestTables();

recordStoreContract('DynamoDB', () => ({
  store: createRecordStore<CustomerRecord>(tables.doc, tables.names.Customers, {
    sparseAttributes: customersResource.table.lookups.map((lookup) => lookup.attribute),
    receipts: { tableName: tables.names.Idempotency },
  }),
  erasure: createRecordErasureStore(tables.doc, tables.names.Customers, customersResource),
  reusedKeys: createRecordStore<CustomerRecord>(tables.doc, tables.names.Customers, {
    receipts: { tableName: tables.names.Idempotency },
    reusedKeys: true,
  }),
  orders: createRecordStore<OrderRecord>(tables.doc, tables.names.Orders, {
    ...writeRulesOf(ordersResource),
    receipts: { tableName: tables.names.Idempotency },
  }),
}));

// The same rules with the versions seen stored remembered (known-versions.ts): a write it knows
// to be stale records only its receipt, and every outcome stays the transaction's.
recordStoreContract('DynamoDB, remembering versions seen stored', () => ({
  store: createRecordStore<CustomerRecord>(tables.doc, tables.names.Customers, {
    sparseAttributes: customersResource.table.lookups.map((lookup) => lookup.attribute),
    receipts: { tableName: tables.names.Idempotency },
    knownVersions: createKnownVersions(),
  }),
  erasure: createRecordErasureStore(tables.doc, tables.names.Customers, customersResource),
  reusedKeys: createRecordStore<CustomerRecord>(tables.doc, tables.names.Customers, {
    receipts: { tableName: tables.names.Idempotency },
    reusedKeys: true,
    knownVersions: createKnownVersions(),
  }),
  orders: createRecordStore<OrderRecord>(tables.doc, tables.names.Orders, {
    ...writeRulesOf(ordersResource),
    receipts: { tableName: tables.names.Idempotency },
    knownVersions: createKnownVersions(),
  }),
}));
