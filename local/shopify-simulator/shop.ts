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
import { type FaultSettings, FaultPlan } from './faults.js';
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
}

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

export class CustomerNotFoundError extends Error {
  override readonly name = 'CustomerNotFoundError';
  constructor(id: string) {
    super(`No customer ${id} in this shop`);
  }
}

const customerIdBase = 7_000_000_000_000_000_000n;
const addressIdBase = 8_000_000_000_000_000_000n;

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
  maxPaginatedObjects: number;
  paginationLimitBehaviour: PaginationLimitBehaviour;
  private token: string | null;
  private readonly appSecret: string;
  private readonly customerMap = new Map<string, SimCustomer>();
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
    options: CreateShopOptions & { readonly appSecret: string; readonly numericId: string },
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
    this.maxPaginatedObjects = options.maxPaginatedObjects ?? defaultMaxPaginatedObjects;
    this.paginationLimitBehaviour = options.paginationLimitBehaviour ?? 'error';
    this.bulk = new ShopBulkOperations(this, clock, options.bulkResults ?? new BulkResultFiles(clock));

    const random = new SeededRandom(options.seed ?? 42);
    // Ids are sparse and increase with creation time, like Shopify's.
    this.nextCustomerId = customerIdBase + BigInt(random.int(1, 999_999)) * 1000n;
    this.nextAddressId = addressIdBase + BigInt(random.int(1, 999_999)) * 1000n;
    const seeded = generateCustomers(options.seedCustomers ?? 0, random, clock.now(), {
      nextCustomerId: () => this.allocateCustomerId(random),
      nextAddressId: () => this.allocateAddressId(),
    });
    for (const customer of seeded) {
      this.customerMap.set(customer.id, customer);
      this.latestUpdatedAt = Math.max(this.latestUpdatedAt, customer.updatedAt);
    }
  }

  // ---- authentication -------------------------------------------------------------------------

  acceptsToken(token: string | undefined): boolean {
    return this.token !== null && token === this.token;
  }

  setAccessToken(token: string | null): void {
    this.token = token;
  }

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
  requestCompliance(topic: ComplianceTopic, customerId?: string): void {
    if (!this.complianceUri) throw new Error(`No compliance URI set for ${this.domain}`);
    const customer = customerId === undefined ? undefined : this.customerMap.get(customerId);
    const body = compliancePayload(topic, {
      shopNumericId: this.numericId,
      shopDomain: this.domain,
      ...(customerId !== undefined && {
        customer: { id: customerId, email: customer?.email ?? null, phone: customer?.phone ?? null },
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

  /** Delivers `body` to every HTTP subscription of `topic` (GraphQL enum name). */
  emit(topic: string, body: string): void {
    const eventId = randomUUID();
    for (const subscription of this.subscriptionMap.values()) {
      if (subscription.topic !== topic || !/^https?:\/\//.test(subscription.uri)) continue;
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
