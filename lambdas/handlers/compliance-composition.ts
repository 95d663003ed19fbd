/**
 * The uninstall and privacy topics with their adapters, for the webhook's composition
 * (webhook-composition.ts): they reach every registered resource's table and the lifecycle records.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDataExportStore } from '../adapters/dynamodb/data-export-store.js';
import { createIntegrationLifecycleStore } from '../adapters/dynamodb/integration-lifecycle-store.js';
import type { IntegrationStore } from '../adapters/dynamodb/integration-store.js';
import { createRecordErasureStore } from '../adapters/dynamodb/record-erasure-store.js';
import { createRecordQueryStore } from '../adapters/dynamodb/record-query-store.js';
import { createRecordStore } from '../adapters/dynamodb/record-store.js';
import { createRedactionLedger } from '../adapters/dynamodb/redaction-ledger.js';
import { complianceTopics } from '../core/compliance/compliance-topics.js';
import type { Logger } from '../core/logger.js';
import { type RecordOfTable, registeredResources } from '../resources/registry.js';
import type { LambdaSettings } from './environment.js';

export const complianceTopicsOf = ({
  doc,
  settings,
  integrations,
  logger,
}: {
  readonly doc: DynamoDBDocumentClient;
  readonly settings: LambdaSettings;
  readonly integrations: IntegrationStore;
  readonly logger: Logger;
}) => {
  const { tables } = settings;
  return complianceTopics({
    integrations,
    records: createIntegrationLifecycleStore(doc, tables.Integrations),
    // Erasure reaches every registered resource's table: data mirrored before a resource was
    // deselected is personal data all the same.
    mirrors: registeredResources.map((definition) => ({
      name: definition.name,
      inventory: createRecordQueryStore(doc, tables[definition.table.id]),
      erasure: createRecordErasureStore(doc, tables[definition.table.id], definition),
    })),
    // The customer table's reads, for customers/data_request (mirrored or not, it may hold data).
    customers: createRecordStore<RecordOfTable<'Customers'>>(doc, tables.Customers),
    orders: createRecordStore<RecordOfTable<'Orders'>>(doc, tables.Orders),
    exports: createDataExportStore(doc, tables.Integrations, {
      retentionDays: settings.DATA_EXPORT_RETENTION_DAYS,
    }),
    ledger: createRedactionLedger(doc, tables),
    logger,
  });
};
