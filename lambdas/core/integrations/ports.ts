/**
 * What the integration lifecycle needs from the outside world, as narrow ports. Adapters in
 * lambdas/adapters implement them (DynamoDB, KMS, the Shopify client); tests swap them freely.
 */
import type { AccessTokenSource } from '../credentials/credentials.js';
import type { ShopifyGraphql } from '../../shopify/graphql.js';
import type { CountMismatch, Integration, WebhookHealth } from './integration.js';

/**
 * The encryption context's `purpose` of a per-integration webhook secret. The internet-facing
 * webhook Lambda may decrypt only ciphertexts bound to it (its key grant is conditioned on
 * `kms:EncryptionContext:purpose`), so it can never decrypt an access token, which has none.
 */
export const WEBHOOK_SECRET_PURPOSE = 'webhook-secret';

export interface CipherContext {
  readonly integrationId: string;
  /** Set for webhook secrets only; access tokens, refresh tokens and client secrets have none. */
  readonly purpose?: typeof WEBHOOK_SECRET_PURPOSE;
}

/** Credentials at rest: ciphertext bound to its integration (adapters/secrets/token-cipher.ts). */
export interface TokenCipher {
  encrypt(plaintext: string, context: CipherContext): Promise<string>;
  decrypt(ciphertext: string, context: CipherContext): Promise<string>;
}

/**
 * Opens the Admin GraphQL API of one store with a plaintext token (or a source that renews it)
 * that never leaves the client.
 */
export type ShopifyConnector = (
  shopDomain: string,
  accessToken: string | AccessTokenSource,
) => ShopifyGraphql;

export interface IntegrationRepository {
  get(integrationId: string): Promise<Integration | undefined>;
  findByShopDomain(shopDomain: string): Promise<Integration[]>;
  put(integration: Integration): Promise<void>;
  setStatus(integrationId: string, status: Integration['status'], reason?: string): Promise<void>;
}

export interface IntegrationLifecycleRecords {
  /**
   * Makes `organizationId` the one owner of `shopDomain`, race-safely. Returns the integration id
   * of that ownership (the existing one on a reconnect, else `proposedIntegrationId`).
   * Throws ConflictError if another organization owns the shop.
   */
  claimShop(shopDomain: string, organizationId: string, proposedIntegrationId: string): Promise<string>;
  /** Lets another organization connect the shop again (only after its data was purged). */
  releaseShopClaim(shopDomain: string, integrationId: string): Promise<void>;
  listByOrganization(organizationId: string): Promise<Integration[]>;
  /** Active integrations only (the sparse index the fan-out uses), page by page. */
  listActive(): AsyncIterable<Integration[]>;
  recordWebhookHealth(integrationId: string, health: WebhookHealth): Promise<void>;
  recordUninstalled(integrationId: string, uninstalledAt: string): Promise<void>;
  /**
   * An app/uninstalled to confirm (see Integration.uninstallClaimedAt): the first claim is kept,
   * and the integration is made due so the next fan-out asks Shopify.
   */
  recordUninstallClaim(integrationId: string, claimedAt: string): Promise<void>;
  /** Disconnect: the access token is erased (the webhook secret stays, for privacy webhooks). */
  eraseAccessToken(integrationId: string): Promise<void>;
  /** Removes the encrypted token and webhook secret and stamps `redactedAt`. */
  eraseCredentials(integrationId: string, redactedAt: string): Promise<void>;
  /** A completed reconcile; a mismatch it could not resolve is kept, a resolved one removed. */
  recordReconcile(
    integrationId: string,
    outcome: {
      readonly reconciledAt: string;
      readonly resource: string;
      readonly countMismatch?: CountMismatch;
    },
  ): Promise<void>;
  /**
   * Every integration holding its own webhook secret, whatever its status: an uninstalled store's
   * privacy webhooks are still verified with it.
   */
  listWithWebhookSecret(): AsyncIterable<Integration[]>;
  /** Replaces the webhook secret's ciphertext, only while it is still `previous` (a reconnect wins). */
  resealWebhookSecret(integrationId: string, previous: string, next: string): Promise<void>;
  /** A store was connected with its own webhook secret: signatures can no longer be app-only. */
  recordOwnWebhookSecretInUse(): Promise<void>;
  /**
   * Purges that did not finish within one invocation. The daily health check finishes them, so
   * a shop/redact of any size completes well inside Shopify's 30-day deadline.
   */
  addPendingPurge(integrationId: string): Promise<void>;
  removePendingPurge(integrationId: string): Promise<void>;
  pendingPurges(): Promise<string[]>;
}

export interface CustomerDataExport {
  readonly dataRequestId: string;
  readonly shopDomain: string;
  readonly shopifyShopId: string;
  readonly customerShopifyId: string;
  readonly requestedAt: string;
  readonly exportedAt: string;
  /** Every stored item of that customer, one per organization that mirrors the shop. */
  readonly records: readonly Record<string, unknown>[];
  /** The stored orders Shopify listed in `orders_requested`, from every organization that mirrors the shop. */
  readonly orders: readonly Record<string, unknown>[];
}

/** Auditable exports for customers/data_request. */
export interface DataExports {
  /** Idempotent: a redelivered request keeps the first export. Returns where it is stored. */
  save(dataExport: CustomerDataExport): Promise<{ readonly exportKey: string; readonly created: boolean }>;
  /** The export, whole; undefined once past its expiry (DynamoDB's TTL sweep may lag for days). */
  get(shopDomain: string, dataRequestId: string): Promise<CustomerDataExport | undefined>;
  /** Erasure: deletes every export of that customer of the shop. Returns how many. */
  deleteForCustomer(shopDomain: string, customerShopifyId: string): Promise<number>;
  /** Erasure: deletes every export of the shop. Returns how many. */
  deleteForShop(shopDomain: string): Promise<number>;
}

/**
 * Which records of a shop were redacted (per resource, by id only), kept after every purge: a
 * store purged and connected again (by any organization) must not bring a redacted record back.
 */
export interface RedactionLedger {
  /** Idempotent; one entry per (shop, resource, id), however many a shop has. */
  record(shopDomain: string, resource: string, shopifyId: string): Promise<void>;
  /** `record` for many ids at once (batched writes). */
  recordMany(shopDomain: string, resource: string, shopifyIds: readonly string[]): Promise<void>;
  redacted(shopDomain: string): Promise<{ readonly resource: string; readonly shopifyId: string }[]>;
}

export interface RecordStatusCounts {
  readonly ACTIVE: number;
  readonly INACTIVE: number;
  readonly REDACTED: number;
}

export interface StoredRecordRef {
  readonly organizationId: string;
  readonly shopifyId: string;
  readonly shopifyUpdatedAt?: string;
  /** A compliance tombstone (customers/redact): its id belongs in the redaction ledger. */
  readonly redacted?: boolean;
}

/** Per-store reads over the `byIntegration` index: never a Scan, never another tenant's items. */
export interface RecordInventory {
  countByStatus(integrationId: string): Promise<RecordStatusCounts>;
  countActive(integrationId: string): Promise<number>;
  /** ACTIVE customers whose stored `shopifyUpdatedAt` is strictly before `cutoff`. */
  activeUpdatedBefore(integrationId: string, cutoff: string): AsyncIterable<StoredRecordRef[]>;
  /** Every item of the store, whatever its status, page by page. */
  allKeys(integrationId: string): AsyncIterable<StoredRecordRef[]>;
  /** Ids of the store's records whose lookup attribute has this value (a customer's orders). */
  idsWithLookup?(
    organizationId: string,
    integrationId: string,
    lookup: { readonly attribute: string; readonly value: string },
  ): AsyncIterable<string[]>;
}

export interface RecordErasure {
  /**
   * Replaces the item with a tombstone holding ids and lifecycle only. Idempotent: the first
   * `redactedAt` is kept. Creates the tombstone even for a customer never stored, so no later
   * sync or webhook can bring the personal data in.
   */
  redact(tombstone: {
    readonly organizationId: string;
    readonly integrationId: string;
    readonly shopDomain: string;
    readonly shopifyId: string;
    readonly redactedAt: string;
  }): Promise<'redacted' | 'already-redacted'>;
  /** Deletes items by key (BatchWriteItem, unprocessed items retried). Returns how many. */
  deleteMany(keys: readonly StoredRecordRef[]): Promise<number>;
}

/** One resource's table as the lifecycle sees it: counts, purge and erasure of a store's records. */
export interface Mirror {
  readonly name: string;
  readonly inventory: RecordInventory;
  readonly erasure: RecordErasure;
}

/** Starts a sync run (queued run record + queue message) through the sync pipeline. */
export interface SyncStarter {
  startInitialSync(integration: Integration): Promise<{ readonly runId: string }>;
}
