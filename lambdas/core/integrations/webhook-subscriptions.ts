/**
 * The webhook subscriptions each store must have, and how to get there from what Shopify lists.
 * Shopify silently deletes an API-created subscription after 8 failed deliveries in a row, so
 * this runs at connect time, daily, and on demand. Compliance topics (customers/redact,
 * shop/redact, customers/data_request) are app-level subscriptions in shopify.app.toml and cannot
 * be created through the API, so they are not managed here.
 */
import type { ShopifyGraphql } from '../../shopify/graphql.js';
import type { ResourceWebhooks } from '../../resources/kit/definition.js';
import type { WebhookHealth } from './integration.js';
import {
  type WebhookSubscriptionSummary,
  createWebhookSubscription,
  deleteWebhookSubscription,
  listWebhookSubscriptions,
  updateWebhookSubscriptionNamespaces,
} from './shop-admin.js';

/**
 * The subscriptions of a deployment: `wanted` are the mirrored resources' topics plus
 * app/uninstalled and bulk_operations/finish (which wakes a bulk sync waiting for its
 * operation; polling stands in when it does not come); `known` adds the topics of registered resources the deployment does not
 * mirror (any more), whose subscriptions are removed. Both in the API's enum form (ORDERS_CREATE).
 */
export interface WebhookTopics {
  readonly wanted: readonly string[];
  readonly known: readonly string[];
  /** The wanted topics of each mirrored resource, so a resource without its scopes can be left out. */
  readonly byResource?: Readonly<Record<string, readonly string[]>>;
  /**
   * The metafield namespaces a wanted topic's subscription names (`metafieldNamespaces`), so its
   * bodies carry those metafields; a topic not listed names none. A subscription that names
   * others (the configuration changed) is updated.
   */
  readonly metafieldNamespaces?: Readonly<Record<string, readonly string[]>>;
}

/** `orders/create` → `ORDERS_CREATE` (WebhookSubscriptionTopic). */
export const subscriptionTopic = (topic: string): string => topic.replace('/', '_').toUpperCase();

const topicsOf = (resources: readonly { readonly webhooks: ResourceWebhooks<unknown> }[]): string[] =>
  resources
    .flatMap(({ webhooks }) => [
      ...webhooks.upsertTopics,
      webhooks.deleteTopic,
      ...(webhooks.parts ?? []).flatMap((part) => part.topics),
    ])
    .map(subscriptionTopic);

/** Topics every store gets, whatever the deployment mirrors. */
const deploymentTopics = ['APP_UNINSTALLED', 'BULK_OPERATIONS_FINISH'];

export const webhookTopicsFor = (
  mirrored: readonly { readonly name: string; readonly webhooks: ResourceWebhooks<unknown> }[],
  registered: readonly { readonly webhooks: ResourceWebhooks<unknown> }[],
): WebhookTopics => ({
  wanted: [...topicsOf(mirrored), ...deploymentTopics],
  known: [...topicsOf(registered), ...deploymentTopics],
  byResource: Object.fromEntries(mirrored.map((resource) => [resource.name, topicsOf([resource])])),
  metafieldNamespaces: Object.fromEntries(
    mirrored.flatMap(({ webhooks }) =>
      webhooks.metafieldNamespaces?.length
        ? webhooks.upsertTopics.map((topic) => [subscriptionTopic(topic), webhooks.metafieldNamespaces!])
        : [],
    ),
  ),
});

/** The namespaces a topic's subscription must name, in one order, so two lists compare as text. */
const namespacesFor = (topics: WebhookTopics, topic: string): readonly string[] =>
  [...(topics.metafieldNamespaces?.[topic] ?? [])].sort();

const sameNamespaces = (wanted: readonly string[], actual: readonly string[] = []): boolean =>
  wanted.join(',') === [...actual].sort().join(',');

/**
 * The topics a store can be subscribed to with its grant: Shopify refuses a subscription to a
 * topic whose resource's scope the app lacks, and one refusal would stop the others (app/uninstalled
 * among them) from being created. The left-out topics stay `known`, so a subscription of theirs
 * that outlived a revoked scope is removed.
 */
export const grantedTopics = (
  topics: WebhookTopics,
  missingScopes: Readonly<Record<string, readonly string[]>> | undefined,
): WebhookTopics => {
  const withheld = new Set(
    Object.keys(missingScopes ?? {}).flatMap((name) => topics.byResource?.[name] ?? []),
  );
  return withheld.size === 0
    ? topics
    : { ...topics, wanted: topics.wanted.filter((topic) => !withheld.has(topic)) };
};

/**
 * This deployment's delivery addresses. `webhookUri` is POST /webhooks/shopify; `eventSourceArn`
 * (`arn:aws:events:<region>::event-source/aws.partner/shopify.com/<app id>/<name>`) is the app's
 * partner event source when one is configured (CDK context `shopifyEventSource`), and
 * `viaEventBridge` says the stores' subscriptions go there (`webhookDelivery: eventbridge`). A
 * known source in `https` mode is still ours: its subscriptions move back to HTTPS.
 */
export interface WebhookAddresses {
  readonly webhookUri: string;
  readonly eventSourceArn?: string;
  readonly viaEventBridge?: boolean;
}

/** Where one store's subscriptions go, and our other address, whose subscriptions move here. */
export interface SubscriptionTarget {
  readonly uri: string;
  readonly moveFrom: readonly string[];
}

/**
 * The partner event source takes only subscriptions created by its own app (Shopify checks the
 * ARN's app id against the caller), so a store connected with a webhook secret of its own (a
 * custom app) keeps HTTPS delivery, signed with that secret.
 */
export const subscriptionTarget = (
  addresses: WebhookAddresses,
  ownWebhookSecret: boolean,
): SubscriptionTarget => {
  const uri =
    addresses.viaEventBridge && addresses.eventSourceArn !== undefined && !ownWebhookSecret
      ? addresses.eventSourceArn
      : addresses.webhookUri;
  return { uri, moveFrom: ourUris(addresses).filter((other) => other !== uri) };
};

export const ourUris = (addresses: WebhookAddresses): string[] => [
  addresses.webhookUri,
  ...(addresses.eventSourceArn !== undefined ? [addresses.eventSourceArn] : []),
];

export type SubscriptionAction =
  | { readonly kind: 'create'; readonly topic: string }
  | { readonly kind: 'delete-duplicate'; readonly topic: string; readonly id: string }
  | { readonly kind: 'delete-unwanted'; readonly topic: string; readonly id: string }
  | { readonly kind: 'delete-moved'; readonly topic: string; readonly id: string }
  | { readonly kind: 'update-namespaces'; readonly topic: string; readonly id: string };

/**
 * One subscription per wanted topic, pointing at `uri` (this stack's callback). Only ours are
 * managed: a subscription at any other address belongs to someone else (another deployment,
 * another integration of the same app, the merchant's tooling) and is never touched, whatever
 * its topic. Of ours, a missing topic is created, a second one of the same topic would deliver
 * twice and goes, and so do those of a resource the deployment stopped mirroring.
 */
export const planSubscriptionRepair = (
  existing: readonly WebhookSubscriptionSummary[],
  uri: string,
  topics: WebhookTopics,
  /**
   * Our other address (the delivery mode changed): its subscriptions of managed topics go, after
   * their replacements exist, so no event falls between the two.
   */
  moveFrom: readonly string[] = [],
): SubscriptionAction[] => {
  const actions: SubscriptionAction[] = [];
  const ours = existing.filter((subscription) => subscription.uri === uri);
  for (const subscription of ours) {
    if (topics.known.includes(subscription.topic) && !topics.wanted.includes(subscription.topic))
      actions.push({ kind: 'delete-unwanted', topic: subscription.topic, id: subscription.id });
  }
  for (const topic of topics.wanted) {
    const [keep, ...extras] = ours.filter((subscription) => subscription.topic === topic);
    if (!keep) actions.push({ kind: 'create', topic });
    // In place: Shopify takes one subscription per topic and address, and none goes missing meanwhile.
    else if (!sameNamespaces(namespacesFor(topics, topic), keep.metafieldNamespaces))
      actions.push({ kind: 'update-namespaces', topic, id: keep.id });
    for (const extra of extras) actions.push({ kind: 'delete-duplicate', topic, id: extra.id });
  }
  for (const moved of existing.filter((subscription) => moveFrom.includes(subscription.uri))) {
    if (topics.known.includes(moved.topic))
      actions.push({ kind: 'delete-moved', topic: moved.topic, id: moved.id });
  }
  return actions;
};

const describe = (action: SubscriptionAction): string => `${action.topic}:${action.kind}`;

/** Brings the store's subscriptions to the plan and says what it changed; never throws. */
export const ensureWebhookSubscriptions = async (
  shopify: ShopifyGraphql,
  { uri, moveFrom }: SubscriptionTarget,
  checkedAt: string,
  topics: WebhookTopics,
): Promise<WebhookHealth> => {
  const repaired: string[] = [];
  try {
    const existing = await listWebhookSubscriptions(shopify, topics.known);
    for (const action of planSubscriptionRepair(existing, uri, topics, moveFrom)) {
      if (action.kind === 'create')
        await createWebhookSubscription(shopify, action.topic, uri, namespacesFor(topics, action.topic));
      else if (action.kind === 'update-namespaces')
        await updateWebhookSubscriptionNamespaces(shopify, action.id, namespacesFor(topics, action.topic));
      else await deleteWebhookSubscription(shopify, action.id);
      repaired.push(describe(action));
    }
    return { checkedAt, healthy: true, repaired };
  } catch (error) {
    return { checkedAt, healthy: false, repaired, error: safeMessage(error) };
  }
};

/** Removes this stack's subscriptions of the managed topics (disconnect), no one else's. Returns how many. */
export const removeWebhookSubscriptions = async (
  shopify: ShopifyGraphql,
  uris: readonly string[],
  topics: WebhookTopics,
): Promise<number> => {
  const ours = (await listWebhookSubscriptions(shopify, topics.known)).filter((s) => uris.includes(s.uri));
  for (const subscription of ours) await deleteWebhookSubscription(shopify, subscription.id);
  return ours.length;
};

/** Error texts here come from our own typed errors and Shopify's userErrors, never from headers. */
export const safeMessage = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 300) : 'unknown error';
