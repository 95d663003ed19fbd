/**
 * How a simulated shop is created (the control API's `POST /shops` validates the same shape), and
 * the scopes it grants by default.
 */
import type { BulkResultFiles } from './bulk-operations.js';
import type { PaginationLimitBehaviour } from './connection.js';
import type { RatePlan, ThrottleStatus } from './rate-limiter.js';

export interface CreateShopOptions {
  /** e.g. demo-store.myshopify.com */
  readonly shopDomain: string;
  readonly accessToken: string;
  /** Signs webhooks; defaults to the simulator's app secret. */
  readonly appSecret?: string;
  readonly plan?: RatePlan;
  readonly seedCustomers?: number;
  readonly seed?: number;
  /** Shopify's 25,000-object pagination cap, lowered in tests. */
  readonly maxPaginatedObjects?: number;
  /** What a listing does at that cap: Shopify's documented error, or a silent end. */
  readonly paginationLimitBehaviour?: PaginationLimitBehaviour;
  readonly name?: string;
  readonly ianaTimezone?: string;
  readonly currencyCode?: string;
  /** Where bulk operation results are published (the simulator's HTTP server serves them). */
  readonly bulkResults?: BulkResultFiles;
  /** Orders seeded at start (spread over the seeded customers); the first has hundreds of lines. */
  readonly seedOrders?: number;
  /** Products seeded at start; the first has more variants than one page holds. */
  readonly seedProducts?: number;
  /** Locations and inventory items seeded at start, every item stocked at every location. */
  readonly seedInventory?: { readonly locations: number; readonly items: number };
  /** Collections seeded at start, after the products: hand-picked and tagged `summer` by turns. */
  readonly seedCollections?: number;
  /** Seeds metafields of several types in this namespace on the first three customers, orders and products. */
  readonly seedMetafieldNamespace?: string;
  /** Root fields answered with ACCESS_DENIED, as for an app without that scope (e.g. `orders`). */
  readonly deniedFields?: readonly string[];
  /**
   * The access scopes the merchant granted the app (`currentAppInstallation.accessScopes`); a
   * resource whose read scope is missing answers ACCESS_DENIED. Every scope by default.
   */
  readonly grantedScopes?: readonly string[];
  /** A Dev Dashboard app of the shop's owner: the client credentials grant answers it. */
  readonly devDashboardApp?: { readonly clientId: string; readonly clientSecret: string };
}

/** What a shop grants unless told otherwise: every scope the simulated resources are read with. */
export const allSimulatedScopes = [
  'read_customers',
  'read_orders',
  'read_all_orders',
  'read_products',
  'read_inventory',
  'read_locations',
] as const;

/** What the simulator remembers about each GraphQL request, for assertions. */
export interface RequestRecord {
  readonly at: number;
  readonly apiVersion: string;
  readonly operationName: string | null;
  readonly rootFields: readonly string[];
  readonly httpStatus: number;
  readonly requestedQueryCost: number | null;
  readonly actualQueryCost: number | null;
  readonly errorCodes: readonly string[];
  readonly throttleStatus: ThrottleStatus | null;
  readonly fault: string | null;
}
