/**
 * The one description of every table's keys and indexes. The CDK storage construct and the
 * local runtime (and the tests) both build their tables from this, so they cannot drift. Each
 * registered resource gets its table from its definition.
 */
import type { ResourceTableId } from '../../resources/registry.js';
import { resourceDefinitions } from '../../resources/registry.js';
import type { RecordLookup } from '../../resources/kit/definition.js';
import { SHARDED_UPDATED_INDEX, UNSHARDED_UPDATED_INDEX, UPDATED_SHARD_ATTRIBUTE } from './updated-shards.js';
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

export interface TableDefinition<TId extends string = string> {
  /** Logical id, also the suffix of the physical name. */
  readonly id: TId;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  readonly globalSecondaryIndexes: readonly IndexDefinition[];
  readonly timeToLiveAttribute?: string;
  /** Holds customer data or secrets: retained on stack deletion by default. */
  readonly holdsCustomerData: boolean;
}

/**
 * Where a deployment is in the move from the one-key-per-organization `updatedSince` index to
 * the write-sharded one (updated-shards.ts), one CDK deploy per step (docs/upgrading.md):
 *
 *   unsharded        the old index only; reads use it (deployments from before the sharded index)
 *   adding-sharded   both indexes; reads use the old one while the new one builds and is backfilled
 *   reading-sharded  both indexes; reads use the sharded one (the old one is still there to go back to)
 *   sharded          the sharded index only (the default: a new deployment starts here)
 *
 * Every release writes `updatedShard` whatever the step, so items written since the first
 * deploy need no backfill. CloudFormation adds or removes one index per table per update, which
 * is why the steps cannot be folded into one.
 */
export const updatedSinceIndexSteps = ['unsharded', 'adding-sharded', 'reading-sharded', 'sharded'] as const;
export type UpdatedSinceIndexStep = (typeof updatedSinceIndexSteps)[number];
export const DEFAULT_UPDATED_SINCE_INDEX_STEP: UpdatedSinceIndexStep = 'sharded';

/** Whether the read API lists `updatedSince` from the sharded index at this step. */
export const readsShardedIndex = (step: UpdatedSinceIndexStep): boolean =>
  step === 'reading-sharded' || step === 'sharded';

/** The `updatedSince` indexes a resource table has at this step. */
const updatedSinceIndexes = (step: UpdatedSinceIndexStep): IndexDefinition[] => [
  ...(step === 'sharded'
    ? []
    : [
        {
          // The read API's `updatedSince` listing before the shards: one key per organization.
          indexName: UNSHARDED_UPDATED_INDEX,
          partitionKey: { name: 'organizationId', type: 'S' as const },
          sortKey: { name: 'shopifyUpdatedAt', type: 'S' as const },
        },
      ]),
  ...(step === 'unsharded'
    ? []
    : [
        {
          // The read API's `updatedSince` listing: a Query per shard, merged in order, never a Scan.
          indexName: SHARDED_UPDATED_INDEX,
          partitionKey: { name: UPDATED_SHARD_ATTRIBUTE, type: 'S' as const },
          sortKey: { name: 'shopifyUpdatedAt', type: 'S' as const },
        },
      ]),
];

/**
 * The table of one resource's records, the same shape for every resource: keyed on
 * (organizationId, shopifyId), with the per-store index (redact, reconcile, counts), the read
 * API's `updatedSince` index (sharded; see the steps above), and one index per declared lookup
 * (orders by customerId).
 */
export const resourceTable = <TId extends string>(
  definition: {
    readonly table: { readonly id: TId; readonly lookups: readonly RecordLookup[] };
  },
  step: UpdatedSinceIndexStep = DEFAULT_UPDATED_SINCE_INDEX_STEP,
) =>
  ({
    id: definition.table.id,
    partitionKey: { name: 'organizationId', type: 'S' },
    sortKey: { name: 'shopifyId', type: 'S' },
    globalSecondaryIndexes: [
      {
        // Per-store work (shop redact, deletion reconcile, counts) without scanning other tenants.
        indexName: 'byIntegration',
        partitionKey: { name: 'integrationId', type: 'S' },
        sortKey: { name: 'shopifyId', type: 'S' },
        projection: {
          type: 'INCLUDE',
          attributes: ['status', 'shopifyUpdatedAt', 'deletedAt', 'redactedAt'],
        },
      },
      ...updatedSinceIndexes(step),
      ...definition.table.lookups.map((lookup) => ({
        indexName: lookupIndexName(lookup.attribute),
        partitionKey: { name: 'organizationId', type: 'S' as const },
        sortKey: { name: lookup.attribute, type: 'S' as const },
      })),
    ],
    holdsCustomerData: true,
  }) satisfies TableDefinition;

/** `customerId` → `byOrganizationCustomerId`: scoped by organization like every listing. */
export const lookupIndexName = (attribute: string): string =>
  `byOrganization${attribute[0]!.toUpperCase()}${attribute.slice(1)}`;

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

/**
 * The redaction ledger (redaction-ledger.ts): one item per redacted id, `(shopDomain,
 * "<resource>#<id>")`, ids only. A shop's ledger is one Query, and it has no size ceiling.
 */
export const redactionsTable = {
  id: 'Redactions',
  partitionKey: { name: 'shopDomain', type: 'S' },
  sortKey: { name: 'recordKey', type: 'S' },
  globalSecondaryIndexes: [],
  holdsCustomerData: false,
} as const satisfies TableDefinition;

/** Every table, with the resource tables' `updatedSince` indexes of one migration step. */
export const tableDefinitionsAt = (step: UpdatedSinceIndexStep): readonly TableDefinition<TableId>[] => [
  ...resourceDefinitions.map((definition) => resourceTable(definition, step)),
  integrationsTable,
  syncRunsTable,
  idempotencyTable,
  redactionsTable,
];

/** Every table as a new deployment (and the local runtime, and the tests) creates it. */
export const tableDefinitions: readonly TableDefinition<TableId>[] = tableDefinitionsAt(
  DEFAULT_UPDATED_SINCE_INDEX_STEP,
);

export type TableId =
  | ResourceTableId
  | (
      typeof integrationsTable | typeof syncRunsTable | typeof idempotencyTable | typeof redactionsTable
    )['id'];

/** Environment variable through which each Lambda receives a table's physical name: `SyncRuns` → `SYNC_RUNS_TABLE`. */
export const tableEnvVar = Object.fromEntries(
  tableDefinitions.map(({ id }) => [id, `${id.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase()}_TABLE`]),
) as Record<TableId, string>;

export type TableNames = Record<TableId, string>;

export const tableNamesWithPrefix = (prefix: string): TableNames =>
  Object.fromEntries(tableDefinitions.map(({ id }) => [id, `${prefix}${id}`])) as TableNames;
