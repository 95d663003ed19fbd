import { randomUUID } from 'node:crypto';
import { type BulkSettings, BulkResultFiles, ShopBulkOperations } from './bulk-operations.js';
import type { Clock } from './clock.js';
import {
  defaultMaxPaginatedObjects,
  type PaginationLimit,
  type PaginationLimitBehaviour,
} from './connection.js';
import {
  type CustomerInput,
  type SimAddress,
  type SimCustomer,
  customerIdFrom,
  customerInputSchema,
} from './customer.js';
import { generateCustomers } from './customer-data.js';
import type { z } from 'zod';
import {
  makeOrderLines,
  orderDeletePayload,
  type OrderInput,
  orderInputSchema,
  orderPayload,
  type SimOrder,
} from './orders.js';
import {
  makeVariants,
  productDeletePayload,
  type ProductInput,
  productInputSchema,
  productPayload,
  type SimProduct,
} from './products.js';
import { type FaultSettings, FaultPlan } from './faults.js';
import { SimCollections } from './resources/collections.js';
import { SimInventory } from './resources/inventory.js';
import { SeededRandom } from './random.js';
import { CostBucket, type RatePlan, standardPlan, type ThrottleStatus } from './rate-limiter.js';
import { defaultApiVersion } from './schema.js';
import {
  type ComplianceTopic,
  compliancePayload,
  customerDeletePayload,
  customerPayload,
} from './webhook-payload.js';
import {
  type DeliveryAttempt,
  type DeliverySettings,
  EVENTBRIDGE_PAYLOAD_LIMIT_BYTES,
  type EventBridgeLink,
  eventBridgeDelivery,
  eventSourceOf,
  restTopic,
  signedDelivery,
  type WebhookDelivery,
  WebhookOutbox,
  type WebhookSubscription,
} from './webhooks.js';

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

export class ProductNotFoundError extends Error {
  override readonly name = 'ProductNotFoundError';
  constructor(id: string) {
    super(`No product ${id} in this shop`);
  }
}

export class OrderNotFoundError extends Error {
  override readonly name = 'OrderNotFoundError';
  constructor(id: string) {
    super(`No order ${id} in this shop`);
  }
}

export class CustomerNotFoundError extends Error {
  override readonly name = 'CustomerNotFoundError';
  constructor(id: string) {
    super(`No customer ${id} in this shop`);
  }
}

const customerIdBase = 7_000_000_000_000_000_000n;
const addressIdBase = 8_000_000_000_000_000_000n;

/**
 * Shopify's ids are unique across the whole platform, not per store: two stores never share a
 * customer, order or product id, so two stores never send the same delete body (`{"id": …}`).
 * The webhook path relies on that: a body already processed for one store is a replay when it
 * comes again under another store's headers. Each shop of one simulator therefore gets its own
 * block of every id family, by its creation ordinal, even when two shops share a seed.
 */
const SHOP_ID_BLOCK = { customers: 1_000_000_000_000n, others: 1_000_000_000n } as const;

const toAddress = (id: string, input: NonNullable<CustomerInput['defaultAddress']>): SimAddress => ({
  id,
  firstName: input.firstName ?? null,
  lastName: input.lastName ?? null,
  company: input.company ?? null,
  address1: input.address1 ?? null,
  address2: input.address2 ?? null,
  city: input.city ?? null,
  province: input.province ?? null,
  provinceCode: input.provinceCode ?? null,
  country: input.country ?? null,
  countryCode: input.countryCode ?? null,
  zip: input.zip ?? null,
  phone: input.phone ?? null,
});

/** One simulated store, as seen by one app: its customers, webhooks, rate limit, faults and request log. */
export class SimulatedShop {
  readonly domain: string;
  readonly numericId: string;
  readonly name: string;
  readonly ianaTimezone: string;
  readonly currencyCode: string;
  readonly bucket: CostBucket;
  readonly faults = new FaultPlan();
  readonly bulk: ShopBulkOperations;
  readonly outbox: WebhookOutbox;
  private readonly eventBridge: EventBridgeLink;
  /** Locations, inventory items and levels (resources/inventory.ts). */
  readonly inventory: SimInventory;
  /** Collections and their members (resources/collections.ts). */
  readonly collections: SimCollections;
  maxPaginatedObjects: number;
  paginationLimitBehaviour: PaginationLimitBehaviour;
  private token: string | null;
  private readonly appSecret: string;
  private readonly customerMap = new Map<string, SimCustomer>();
  private readonly orderMap = new Map<string, SimOrder>();
  private readonly productMap = new Map<string, SimProduct>();
  private nextProductId: bigint;
  private nextVariantId: bigint;
  private nextOrderId: bigint;
  private nextLineItemId: bigint;
  private nextOrderNumber = 1001;
  private readonly random: SeededRandom;
  deniedFields: readonly string[];
  private scopes: readonly string[];
  private readonly subscriptionMap = new Map<string, WebhookSubscription>();
  private readonly deprecations = new Map<string, number>();
  private readonly requestLog: RequestRecord[] = [];
  private nextCustomerId: bigint;
  private nextAddressId: bigint;
  private nextSubscriptionId = 1_000_000_001n;
  private nextDataRequestId = 1;
  private complianceUri: string | undefined;
  private latestUpdatedAt = 0;

  constructor(
    options: CreateShopOptions & {
      readonly appSecret: string;
      readonly numericId: string;
      /** This shop's place among the simulator's shops: which block of ids it hands out. */
      readonly idBlock: number;
      /** Where subscriptions to a partner event source deliver (shared by the simulator's shops). */
      readonly eventBridge?: EventBridgeLink;
    },
    private readonly clock: Clock,
  ) {
    this.domain = options.shopDomain;
    this.numericId = options.numericId;
    this.name = options.name ?? options.shopDomain.replace(/\.myshopify\.com$/, '');
    this.ianaTimezone = options.ianaTimezone ?? 'America/New_York';
    this.currencyCode = options.currencyCode ?? 'USD';
    this.token = options.accessToken;
    this.appSecret = options.appSecret;
    this.bucket = new CostBucket(options.plan ?? standardPlan, clock);
    this.outbox = new WebhookOutbox(clock);
    this.eventBridge = options.eventBridge ?? { payloadLimitBytes: EVENTBRIDGE_PAYLOAD_LIMIT_BYTES };
    this.maxPaginatedObjects = options.maxPaginatedObjects ?? defaultMaxPaginatedObjects;
    this.paginationLimitBehaviour = options.paginationLimitBehaviour ?? 'error';
    this.bulk = new ShopBulkOperations(this, clock, options.bulkResults ?? new BulkResultFiles(clock));

    const random = new SeededRandom(options.seed ?? 42);
    const block = BigInt(options.idBlock);
    this.nextProductId = 8_100_000_000_000n + block * SHOP_ID_BLOCK.others;
    this.nextVariantId = 45_000_000_000_000n + block * SHOP_ID_BLOCK.others;
    this.nextOrderId = 5_000_000_000_000n + block * SHOP_ID_BLOCK.others;
    this.nextLineItemId = 13_000_000_000_000n + block * SHOP_ID_BLOCK.others;
    // Ids are sparse and increase with creation time, like Shopify's.
    this.nextCustomerId =
      customerIdBase + block * SHOP_ID_BLOCK.customers + BigInt(random.int(1, 999_999)) * 1000n;
    this.nextAddressId =
      addressIdBase + block * SHOP_ID_BLOCK.customers + BigInt(random.int(1, 999_999)) * 1000n;
    const seeded = generateCustomers(options.seedCustomers ?? 0, random, clock.now(), {
      nextCustomerId: () => this.allocateCustomerId(random),
      nextAddressId: () => this.allocateAddressId(),
    });
    for (const customer of seeded) {
      this.customerMap.set(customer.id, customer);
      this.latestUpdatedAt = Math.max(this.latestUpdatedAt, customer.updatedAt);
    }
    this.random = random;
    this.deniedFields = options.deniedFields ?? [];
    this.scopes = [...(options.grantedScopes ?? allSimulatedScopes)];
    for (let n = 0; n < (options.seedProducts ?? 0); n += 1) {
      const at = Math.floor(clock.now() / 1000) * 1000 - (options.seedProducts! - n) * 30_000;
      const product = this.buildProduct({ variants: n === 0 ? 35 : random.int(1, 4) }, at);
      this.productMap.set(product.id, product);
      this.latestUpdatedAt = Math.max(this.latestUpdatedAt, product.updatedAt);
    }
    this.inventory = new SimInventory(this, random, block * SHOP_ID_BLOCK.others);
    if (options.seedInventory) {
      const { locations, items } = options.seedInventory;
      this.inventory.seed(locations, items, Math.floor(clock.now() / 1000) * 1000);
    }
    const customerIds = seeded.map((customer) => customer.id);
    for (let n = 0; n < (options.seedOrders ?? 0); n += 1) {
      const at = Math.floor(clock.now() / 1000) * 1000 - (options.seedOrders! - n) * 60_000;
      const order = this.buildOrder(
        {
          customerId: customerIds.length > 0 && random.chance(0.8) ? random.pick(customerIds) : null,
          // A big B2B order with hundreds of lines, then ordinary ones.
          lineItems: n === 0 ? 320 : random.int(1, 6),
        },
        at,
      );
      this.orderMap.set(order.id, order);
      this.latestUpdatedAt = Math.max(this.latestUpdatedAt, order.updatedAt);
    }
    // Last, so the randomness drawn above (and every existing seed's shop) stays as it was.
    this.collections = new SimCollections(this, random, block * SHOP_ID_BLOCK.others);
    const collectionsAt = Math.floor(clock.now() / 1000) * 1000;
    this.collections.seed(options.seedCollections ?? 0, collectionsAt);
    this.latestUpdatedAt = Math.max(this.latestUpdatedAt, collectionsAt);
  }

  // ---- products -------------------------------------------------------------------------------

  products(): SimProduct[] {
    return [...this.productMap.values()].sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
  }

  product(id: string): SimProduct | undefined {
    return this.productMap.get(id.replace(/^gid:\/\/shopify\/Product\//, ''));
  }

  createProduct(input: ProductInput = {}): SimProduct {
    const product = this.buildProduct(productInputSchema.parse(input), this.nextUpdatedAt());
    this.productMap.set(product.id, product);
    this.emit('PRODUCTS_CREATE', productPayload(product, this));
    return product;
  }

  updateProduct(id: string, patch: ProductInput): SimProduct {
    const existing = this.product(id);
    if (!existing) throw new ProductNotFoundError(id);
    const parsed = productInputSchema.parse(patch);
    const updated: SimProduct = {
      ...existing,
      ...(parsed.title !== undefined && { title: parsed.title }),
      ...(parsed.status !== undefined && { status: parsed.status }),
      ...(parsed.tags !== undefined && { tags: parsed.tags }),
      updatedAt: this.nextUpdatedAt(),
    };
    this.productMap.set(updated.id, updated);
    this.emit('PRODUCTS_UPDATE', productPayload(updated, this));
    return updated;
  }

  deleteProduct(id: string): SimProduct {
    const existing = this.product(id);
    if (!existing) throw new ProductNotFoundError(id);
    this.productMap.delete(existing.id);
    this.emit('PRODUCTS_DELETE', productDeletePayload(existing));
    return existing;
  }

  private buildProduct(input: z.output<typeof productInputSchema>, at: number): SimProduct {
    const random = this.random;
    this.nextProductId += BigInt(random.int(1, 5000));
    const variants = makeVariants(input.variants ?? random.int(1, 4), random, () => {
      this.nextVariantId += 1n;
      return this.nextVariantId.toString();
    });
    const title = input.title ?? `Product ${this.productMap.size + 1}`;
    return {
      id: this.nextProductId.toString(),
      title,
      handle: `${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${this.nextProductId % 10_000n}`,
      vendor: 'Acme',
      productType: random.pick(['Shirts', 'Shoes', 'Hats']),
      status: input.status ?? 'ACTIVE',
      tags: input.tags ?? (random.chance(0.4) ? ['summer'] : []),
      sizes: variants.map((variant) => variant.title),
      variants,
      createdAt: at,
      updatedAt: at,
    };
  }

  // ---- orders ---------------------------------------------------------------------------------

  orders(): SimOrder[] {
    return [...this.orderMap.values()].sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
  }

  order(id: string): SimOrder | undefined {
    return this.orderMap.get(id.replace(/^gid:\/\/shopify\/Order\//, ''));
  }

  createOrder(input: OrderInput = {}): SimOrder {
    const order = this.buildOrder(orderInputSchema.parse(input), this.nextUpdatedAt());
    this.orderMap.set(order.id, order);
    this.emit('ORDERS_CREATE', orderPayload(order, this));
    return order;
  }

  updateOrder(id: string, patch: OrderInput): SimOrder {
    const existing = this.order(id);
    if (!existing) throw new OrderNotFoundError(id);
    const parsed = orderInputSchema.parse(patch);
    const at = this.nextUpdatedAt();
    const updated: SimOrder = {
      ...existing,
      ...(parsed.email !== undefined && { email: parsed.email }),
      ...(parsed.note !== undefined && { note: parsed.note }),
      ...(parsed.tags !== undefined && { tags: parsed.tags }),
      ...(parsed.financialStatus !== undefined && { financialStatus: parsed.financialStatus }),
      ...(parsed.fulfillmentStatus !== undefined && { fulfillmentStatus: parsed.fulfillmentStatus }),
      ...(parsed.cancel && { cancelledAt: at, cancelReason: 'CUSTOMER', closedAt: at }),
      updatedAt: at,
    };
    this.orderMap.set(updated.id, updated);
    this.emit('ORDERS_UPDATED', orderPayload(updated, this));
    return updated;
  }

  deleteOrder(id: string): SimOrder {
    const existing = this.order(id);
    if (!existing) throw new OrderNotFoundError(id);
    this.orderMap.delete(existing.id);
    this.emit('ORDERS_DELETE', orderDeletePayload(existing));
    return existing;
  }

  private buildOrder(input: z.output<typeof orderInputSchema>, at: number): SimOrder {
    const random = this.random;
    const customer = input.customerId ? this.customerMap.get(input.customerId) : undefined;
    this.nextOrderId += BigInt(random.int(1, 5000));
    return {
      id: this.nextOrderId.toString(),
      number: this.nextOrderNumber++,
      customerId: input.customerId ?? null,
      email: input.email ?? customer?.email ?? null,
      phone: customer?.phone ?? null,
      financialStatus: input.financialStatus ?? 'PAID',
      fulfillmentStatus: input.fulfillmentStatus ?? 'UNFULFILLED',
      lines: makeOrderLines(input.lineItems ?? random.int(1, 6), random, () => {
        this.nextLineItemId += 1n;
        return this.nextLineItemId.toString();
      }),
      taxCents: random.int(0, 2000),
      shippingAddress: {
        firstName: customer?.firstName ?? 'Guest',
        lastName: customer?.lastName ?? null,
        address1: `${random.int(1, 999)} Main St`,
        city: 'Springfield',
        provinceCode: 'IL',
        countryCode: 'US',
        zip: String(random.int(10000, 99999)),
      },
      tags: input.tags ?? (random.chance(0.3) ? ['wholesale'] : []),
      note: input.note ?? null,
      cancelledAt: null,
      cancelReason: null,
      closedAt: null,
      processedAt: at,
      createdAt: at,
      updatedAt: at,
    };
  }

  // ---- authentication -------------------------------------------------------------------------

  acceptsToken(token: string | undefined): boolean {
    return this.token !== null && token === this.token;
  }

  setAccessToken(token: string | null): void {
    this.token = token;
    if (token !== null) this.appUninstalled = false;
  }

  /** The scopes the app holds on this shop, as `currentAppInstallation.accessScopes` lists them. */
  grantedScopes(): readonly string[] {
    return this.scopes;
  }

  /** The merchant granted (or an install asked for) exactly these scopes. */
  setGrantedScopes(scopes: readonly string[]): void {
    this.scopes = [...new Set(scopes)];
  }

  /** `write_x` includes `read_x`, as in Shopify. */
  hasScope(scope: string): boolean {
    return this.scopes.includes(scope) || this.scopes.includes(scope.replace(/^read_/, 'write_'));
  }
  /** The shop's static (non-expiring) token, as a code grant without `expiring=1` answers it. */
  staticAccessToken(): string | null {
    return this.token;
  }

  /** The app was uninstalled: no token of any kind works until it is installed again. */
  appUninstalled = false;

  setPlan(plan: RatePlan): void {
    this.bucket.setPlan(plan);
  }

  // ---- customers ------------------------------------------------------------------------------

  /** Current state, ordered by id: for comparing with what a sync stored. */
  paginationLimit(): PaginationLimit {
    return { maxObjects: this.maxPaginatedObjects, behaviour: this.paginationLimitBehaviour };
  }

  customers(): SimCustomer[] {
    return [...this.customerMap.values()].sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
  }

  customer(id: string): SimCustomer | undefined {
    const numeric = customerIdFrom(id);
    return numeric === null ? undefined : this.customerMap.get(numeric);
  }

  createCustomer(input: CustomerInput = {}): SimCustomer {
    const parsed = customerInputSchema.parse(input);
    const now = this.nextUpdatedAt();
    const customer: SimCustomer = {
      id: this.allocateCustomerId(),
      firstName: parsed.firstName ?? null,
      lastName: parsed.lastName ?? null,
      email: parsed.email ?? null,
      phone: parsed.phone ?? null,
      state: parsed.state ?? 'DISABLED',
      verifiedEmail: parsed.verifiedEmail ?? false,
      taxExempt: parsed.taxExempt ?? false,
      taxExemptions: parsed.taxExemptions ?? [],
      note: parsed.note ?? null,
      tags: parsed.tags ?? [],
      numberOfOrders: parsed.numberOfOrders ?? 0,
      multipassIdentifier: null,
      createdAt: now,
      updatedAt: now,
      // Shopify names a new address after its customer unless told otherwise.
      defaultAddress: parsed.defaultAddress
        ? toAddress(this.allocateAddressId(), {
            firstName: parsed.firstName ?? null,
            lastName: parsed.lastName ?? null,
            ...parsed.defaultAddress,
          })
        : null,
    };
    this.customerMap.set(customer.id, customer);
    this.emit('CUSTOMERS_CREATE', customerPayload(customer, this));
    return customer;
  }

  updateCustomer(id: string, patch: CustomerInput): SimCustomer {
    const existing = this.requireCustomer(id);
    const parsed = customerInputSchema.parse(patch);
    const { defaultAddress, ...fields } = parsed;
    const definedFields = Object.fromEntries(
      Object.entries(fields).filter(([, value]) => value !== undefined),
    );
    const address =
      defaultAddress === undefined
        ? existing.defaultAddress
        : defaultAddress === null
          ? null
          : toAddress(existing.defaultAddress?.id ?? this.allocateAddressId(), {
              ...existing.defaultAddress,
              ...defaultAddress,
            });
    const updated: SimCustomer = {
      ...existing,
      ...definedFields,
      defaultAddress: address,
      updatedAt: this.nextUpdatedAt(),
    };
    this.customerMap.set(updated.id, updated);
    this.emit('CUSTOMERS_UPDATE', customerPayload(updated, this));
    return updated;
  }

  deleteCustomer(id: string): SimCustomer {
    const existing = this.requireCustomer(id);
    this.customerMap.delete(existing.id);
    this.emit('CUSTOMERS_DELETE', customerDeletePayload(existing));
    return existing;
  }

  // ---- webhook subscriptions ------------------------------------------------------------------

  webhookSubscriptions(): WebhookSubscription[] {
    return [...this.subscriptionMap.values()];
  }

  addWebhookSubscription(
    topic: string,
    uri: string,
    format: 'JSON' | 'XML',
    apiVersion: string,
  ): WebhookSubscription {
    const legacyResourceId = (this.nextSubscriptionId++).toString();
    const now = this.clock.now();
    const subscription: WebhookSubscription = {
      id: `gid://shopify/WebhookSubscription/${legacyResourceId}`,
      legacyResourceId,
      topic,
      uri,
      format,
      apiVersion,
      createdAt: now,
      updatedAt: now,
    };
    this.subscriptionMap.set(subscription.id, subscription);
    return subscription;
  }

  /** Also how a test simulates Shopify removing a subscription (e.g. after repeated delivery failures). */
  deleteWebhookSubscription(id: string): boolean {
    return this.subscriptionMap.delete(id);
  }

  /** The merchant uninstalls the app: app/uninstalled is sent, then subscriptions and the token are gone. */
  uninstall(): void {
    this.emit(
      'APP_UNINSTALLED',
      JSON.stringify({
        id: Number(this.numericId),
        name: this.name,
        myshopify_domain: this.domain,
        domain: this.domain,
      }),
    );
    this.subscriptionMap.clear();
    this.token = null;
    this.appUninstalled = true;
  }

  // ---- privacy compliance (subscribed in the app's TOML, not through the API) -----------------

  /** The app TOML's `compliance_topics` URI; the privacy requests below are sent there. */
  setComplianceUri(uri: string): void {
    this.complianceUri = uri;
  }

  /**
   * A merchant or customer asks for erasure / data: Shopify sends the privacy webhook. The
   * customer may already be deleted from the store (as with a real redact, days later), so the
   * id is all that is required.
   */
  /**
   * Sends a privacy webhook. A customer's requests list their orders (`orders_to_redact`,
   * `orders_requested`) as Shopify does: every order of the customer unless `orderIds` names them.
   */
  requestCompliance(topic: ComplianceTopic, customerId?: string, orderIds?: readonly string[]): void {
    if (!this.complianceUri) throw new Error(`No compliance URI set for ${this.domain}`);
    const customer = customerId === undefined ? undefined : this.customerMap.get(customerId);
    const body = compliancePayload(topic, {
      shopNumericId: this.numericId,
      shopDomain: this.domain,
      ...(customerId !== undefined && {
        customer: { id: customerId, email: customer?.email ?? null, phone: customer?.phone ?? null },
        orderIds:
          orderIds ??
          this.orders()
            .filter((order) => order.customerId === customerId)
            .map((order) => order.id),
      }),
      dataRequestId: String(this.nextDataRequestId++),
    });
    this.outbox.enqueue(
      signedDelivery(
        {
          topic,
          shopDomain: this.domain,
          apiVersion: defaultApiVersion,
          url: this.complianceUri,
          body,
          eventId: randomUUID(),
          appSecret: this.appSecret,
        },
        this.clock,
      ),
    );
  }

  // ---- delivery, faults, observations ---------------------------------------------------------

  /** Outcomes of the next bulk operations, the concurrency limit, polls to finish, URL lifetime. */
  configureBulk(settings: BulkSettings): void {
    this.bulk.configure(settings);
  }

  setFaults(settings: FaultSettings): void {
    this.faults.set(settings);
  }

  setDelivery(settings: DeliverySettings): void {
    this.outbox.configure(settings);
  }

  flushDeliveries(): Promise<void> {
    return this.outbox.flush();
  }

  pendingDeliveries(): WebhookDelivery[] {
    return this.outbox.pending();
  }

  takeDeliveries(): WebhookDelivery[] {
    return this.outbox.take();
  }

  droppedDeliveries(): WebhookDelivery[] {
    return this.outbox.dropped();
  }

  redeliver(): Promise<number> {
    return this.outbox.redeliver();
  }

  deliveryAttempts(): DeliveryAttempt[] {
    return this.outbox.attempts();
  }

  recordDeprecations(coordinates: readonly string[]): void {
    for (const coordinate of coordinates)
      this.deprecations.set(coordinate, (this.deprecations.get(coordinate) ?? 0) + 1);
  }

  /** Deprecated fields, arguments and enum values used so far, e.g. "Customer.email". */
  deprecationsUsed(): string[] {
    return [...this.deprecations.keys()].sort();
  }

  recordRequest(record: RequestRecord): void {
    this.requestLog.push(record);
  }

  requests(): RequestRecord[] {
    return [...this.requestLog];
  }

  throttleStatus(): ThrottleStatus {
    return this.bucket.status();
  }

  // ---- internals ------------------------------------------------------------------------------

  private requireCustomer(id: string): SimCustomer {
    const customer = this.customer(id);
    if (!customer) throw new CustomerNotFoundError(id);
    return customer;
  }

  /** The next update time, for the resources kept in modules of their own. */
  stamp(): number {
    return this.nextUpdatedAt();
  }

  /** Whole seconds like Shopify, and strictly after every earlier update in this shop. */
  private nextUpdatedAt(): number {
    const now = Math.floor(this.clock.now() / 1000) * 1000;
    this.latestUpdatedAt = Math.max(now, this.latestUpdatedAt + 1000);
    return this.latestUpdatedAt;
  }

  private allocateCustomerId(random?: SeededRandom): string {
    this.nextCustomerId += BigInt(random ? random.int(1, 5000) : 1);
    return this.nextCustomerId.toString();
  }

  private allocateAddressId(): string {
    this.nextAddressId += 1n;
    return this.nextAddressId.toString();
  }

  /**
   * Delivers `body` to every subscription of `topic` (GraphQL enum name): over HTTP, or to the
   * partner event source its ARN names (when the simulator is linked to EventBridge).
   */
  emit(topic: string, body: string): void {
    const eventId = randomUUID();
    for (const subscription of this.subscriptionMap.values()) {
      if (subscription.topic !== topic) continue;
      const sourceName = eventSourceOf(subscription.uri);
      if (sourceName !== undefined && this.eventBridge.endpointUrl !== undefined) {
        const event = {
          topic: restTopic(topic),
          shopDomain: this.domain,
          apiVersion: subscription.apiVersion ?? defaultApiVersion,
          body,
          eventId,
          sourceName,
        };
        this.outbox.enqueue(eventBridgeDelivery(event, this.eventBridge, this.clock));
        continue;
      }
      if (!/^https?:\/\//.test(subscription.uri)) continue;
      this.outbox.enqueue(
        signedDelivery(
          {
            topic: restTopic(topic),
            shopDomain: this.domain,
            apiVersion: subscription.apiVersion ?? defaultApiVersion,
            url: subscription.uri,
            body,
            eventId,
            appSecret: this.appSecret,
          },
          this.clock,
        ),
      );
    }
  }
}
