import { randomUUID } from 'node:crypto';
import { BulkResultFiles, type BulkSettings, ShopBulkOperations } from './bulk-operations.js';
import type { Clock } from './clock.js';
import {
  defaultMaxPaginatedObjects,
  type PaginationLimit,
  type PaginationLimitBehaviour,
} from './connection.js';
import { type FaultSettings, FaultPlan } from './faults.js';
import { SeededRandom } from './random.js';
import { CostBucket, type RatePlan, standardPlan, type ThrottleStatus } from './rate-limiter.js';
import { toJsonText } from './json-text.js';
import { buildResources, type SimulatedResources } from './resources/index.js';
import type { SimulatedResource } from './resources/resource.js';
import { rootValueFor, type RootShop } from './resolvers.js';
import { defaultApiVersion } from './schema.js';
import { allSimulatedScopes, type CreateShopOptions, type RequestRecord } from './shop-options.js';
import { type ComplianceTopic, compliancePayload } from './webhook-payload.js';
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

export { allSimulatedScopes, type CreateShopOptions, type RequestRecord } from './shop-options.js';

/**
 * One simulated store, as seen by one app: its identity, clock and ids, token and scopes, webhook
 * subscriptions and deliveries, rate limit, faults, bulk operations and request log. What the
 * merchant stores (customers, orders, products, inventory…) is in `resources`, one module each
 * (`resources/index.ts`), which reach the shop only through `ShopContext`.
 */
export class SimulatedShop implements RootShop {
  readonly domain: string;
  readonly numericId: string;
  readonly name: string;
  readonly ianaTimezone: string;
  readonly currencyCode: string;
  readonly bucket: CostBucket;
  readonly faults = new FaultPlan();
  readonly bulk: ShopBulkOperations;
  readonly outbox: WebhookOutbox;
  /** What the merchant stores, one module per resource. */
  readonly resources: SimulatedResources;
  maxPaginatedObjects: number;
  paginationLimitBehaviour: PaginationLimitBehaviour;
  deniedFields: readonly string[];
  private readonly eventBridge: EventBridgeLink;
  private token: string | null;
  private readonly appSecret: string;
  private scopes: readonly string[];
  private readonly subscriptionMap = new Map<string, WebhookSubscription>();
  private readonly deprecations = new Map<string, number>();
  private readonly requestLog: RequestRecord[] = [];
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
    this.bulk = new ShopBulkOperations(
      this,
      clock,
      options.bulkResults ?? new BulkResultFiles(clock),
      (version) => rootValueFor(this, version, { unbounded: true }),
    );
    this.deniedFields = options.deniedFields ?? [];
    this.scopes = [...(options.grantedScopes ?? allSimulatedScopes)];
    const setup = {
      shop: this,
      random: new SeededRandom(options.seed ?? 42),
      idBlock: BigInt(options.idBlock),
    };
    this.resources = buildResources(setup, options);
  }

  /** Every resource module, for what is assembled from all of them (GraphQL root, control routes). */
  resourceModules(): SimulatedResource[] {
    return Object.values(this.resources);
  }

  paginationLimit(): PaginationLimit {
    return { maxObjects: this.maxPaginatedObjects, behaviour: this.paginationLimitBehaviour };
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

  // ---- webhook subscriptions ------------------------------------------------------------------

  webhookSubscriptions(): WebhookSubscription[] {
    return [...this.subscriptionMap.values()];
  }

  addWebhookSubscription(
    topic: string,
    uri: string,
    format: 'JSON' | 'XML',
    apiVersion: string,
    metafieldNamespaces: readonly string[] = [],
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
      metafieldNamespaces: [...metafieldNamespaces],
    };
    this.subscriptionMap.set(subscription.id, subscription);
    return subscription;
  }

  updateWebhookSubscription(
    id: string,
    changes: Partial<Pick<WebhookSubscription, 'uri' | 'metafieldNamespaces'>>,
  ): WebhookSubscription | undefined {
    const existing = this.subscriptionMap.get(id);
    if (!existing) return undefined;
    const updated = { ...existing, ...changes, updatedAt: this.clock.now() };
    this.subscriptionMap.set(id, updated);
    return updated;
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
   * id is all that is required. A customer's requests list their orders (`orders_to_redact`,
   * `orders_requested`) as Shopify does: every order of the customer unless `orderIds` names them.
   */
  requestCompliance(topic: ComplianceTopic, customerId?: string, orderIds?: readonly string[]): void {
    if (!this.complianceUri) throw new Error(`No compliance URI set for ${this.domain}`);
    const customer = customerId === undefined ? undefined : this.resources.customers.get(customerId);
    const body = compliancePayload(topic, {
      shopNumericId: this.numericId,
      shopDomain: this.domain,
      ...(customerId !== undefined && {
        customer: { id: customerId, email: customer?.email ?? null, phone: customer?.phone ?? null },
        orderIds: orderIds ?? this.resources.orders.ofCustomer(customerId).map((order) => order.id),
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

  // ---- time -----------------------------------------------------------------------------------

  now(): number {
    return this.clock.now();
  }

  /** Whole seconds like Shopify, and strictly after every earlier update in this shop. */
  stamp(): number {
    const now = Math.floor(this.clock.now() / 1000) * 1000;
    this.latestUpdatedAt = Math.max(now, this.latestUpdatedAt + 1000);
    return this.latestUpdatedAt;
  }

  noteUpdate(at: number): void {
    this.latestUpdatedAt = Math.max(this.latestUpdatedAt, at);
  }

  /**
   * Delivers `body` to every subscription of `topic` (GraphQL enum name): over HTTP, or to the
   * partner event source its ARN names (when the simulator is linked to EventBridge).
   */
  emit(topic: string, shared: string): void {
    const eventId = randomUUID();
    for (const subscription of this.subscriptionMap.values()) {
      if (subscription.topic !== topic) continue;
      const body = this.withMetafields(shared, subscription.metafieldNamespaces);
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

  /**
   * An owner's body for a subscription that names metafield namespaces: with the owner's
   * metafields of those namespaces, as Shopify adds them (`metafields`, REST-shaped).
   */
  private withMetafields(body: string, namespaces: readonly string[]): string {
    if (namespaces.length === 0) return body;
    const owner = (JSON.parse(body) as { admin_graphql_api_id?: unknown }).admin_graphql_api_id;
    if (typeof owner !== 'string' || !/^gid:\/\/shopify\/(Customer|Order|Product)\//.test(owner)) return body;
    const metafields = toJsonText(this.resources.metafields.restMetafields(owner, namespaces));
    return `${body.slice(0, body.lastIndexOf('}'))},"metafields":${metafields}}`;
  }
}
