/**
 * The one description of every table's keys and indexes. The CDK storage construct and the
 * local runtime (and the tests) both build their tables from this, so they cannot drift.
 */
export type KeyType = 'S' | 'N';

export interface KeyAttribute {
  readonly name: string;
  readonly type: KeyType;
}

export interface IndexDefinition {
  readonly indexName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  /** Omitted means ALL. */
  readonly projection?:
    { readonly type: 'KEYS_ONLY' } | { readonly type: 'INCLUDE'; readonly attributes: readonly string[] };
}

export interface TableDefinition {
  /** Logical id, also the suffix of the physical name. */
  readonly id: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  readonly globalSecondaryIndexes: readonly IndexDefinition[];
  readonly timeToLiveAttribute?: string;
  /** Holds customer data or secrets: retained on stack deletion by default. */
  readonly holdsCustomerData: boolean;
}

export const customersTable = {
  id: 'Customers',
  partitionKey: { name: 'organizationId', type: 'S' },
  sortKey: { name: 'shopifyId', type: 'S' },
  globalSecondaryIndexes: [
    {
      // Per-store work (shop redact, deletion reconcile, counts) without scanning other tenants.
      indexName: 'byIntegration',
      partitionKey: { name: 'integrationId', type: 'S' },
      sortKey: { name: 'shopifyId', type: 'S' },
      projection: { type: 'INCLUDE', attributes: ['status', 'shopifyUpdatedAt', 'deletedAt', 'redactedAt'] },
    },
    {
      // The read API's `updatedSince` listing: a Query, never a Scan.
      indexName: 'byOrganizationUpdatedAt',
      partitionKey: { name: 'organizationId', type: 'S' },
      sortKey: { name: 'shopifyUpdatedAt', type: 'S' },
    },
  ],
  holdsCustomerData: true,
} as const satisfies TableDefinition;

export const integrationsTable = {
  id: 'Integrations',
  partitionKey: { name: 'integrationId', type: 'S' },
  globalSecondaryIndexes: [
    { indexName: 'byShopDomain', partitionKey: { name: 'shopDomain', type: 'S' } },
    {
      indexName: 'byOrganization',
      partitionKey: { name: 'organizationId', type: 'S' },
      sortKey: { name: 'shopDomain', type: 'S' },
    },
    {
      // Sparse: only active integrations carry `activePartition`. Sorting on the last sync start
      // lets the fan-out read just the integrations that are due.
      indexName: 'activeBySyncDue',
      partitionKey: { name: 'activePartition', type: 'S' },
      sortKey: { name: 'syncDueKey', type: 'S' },
    },
  ],
  // Data-request exports (and their per-shop index) expire: personal data kept no longer than asked.
  timeToLiveAttribute: 'expiresAt',
  holdsCustomerData: true,
} as const satisfies TableDefinition;

export const syncRunsTable = {
  id: 'SyncRuns',
  partitionKey: { name: 'integrationId', type: 'S' },
  sortKey: { name: 'runId', type: 'S' },
  globalSecondaryIndexes: [],
  timeToLiveAttribute: 'expiresAt',
  holdsCustomerData: false,
} as const satisfies TableDefinition;

/** Webhook de-duplication records (Powertools idempotency layout: `id` + TTL `expiration`). */
export const idempotencyTable = {
  id: 'Idempotency',
  partitionKey: { name: 'id', type: 'S' },
  globalSecondaryIndexes: [],
  timeToLiveAttribute: 'expiration',
  holdsCustomerData: false,
} as const satisfies TableDefinition;

export const tableDefinitions = [customersTable, integrationsTable, syncRunsTable, idempotencyTable] as const;

export type TableId = (typeof tableDefinitions)[number]['id'];

/** Environment variable through which each Lambda receives a table's physical name. */
export const tableEnvVar: Record<TableId, string> = {
  Customers: 'CUSTOMERS_TABLE',
  Integrations: 'INTEGRATIONS_TABLE',
  SyncRuns: 'SYNC_RUNS_TABLE',
  Idempotency: 'IDEMPOTENCY_TABLE',
};

export type TableNames = Record<TableId, string>;

export const tableNamesWithPrefix = (prefix: string): TableNames =>
  Object.fromEntries(tableDefinitions.map(({ id }) => [id, `${prefix}${id}`])) as TableNames;
