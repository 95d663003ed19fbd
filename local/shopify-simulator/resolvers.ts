/**
 * The shop-wide root fields of QueryRoot and Mutation (shop, app installation, webhook
 * subscriptions, `node(s)`), with every resource module's own fields spread in.
 */
import type { Keyed } from './connection.js';
import { rootConnection } from './resources/kit.js';
import type { Args, ShopContext, SimulatedResource, View } from './resources/resource.js';
import { graphqlDateTime } from './time-format.js';
import type { webhookFormats, WebhookSubscription } from './webhooks.js';

import { ownerMetafieldsHook } from './field-resolver.js';
import { ownerMetafields, SimMetafields } from './resources/metafields.js';

export { simulatorFieldResolver } from './field-resolver.js';

const subscriptionView = (subscription: WebhookSubscription): View => ({
  __typename: 'WebhookSubscription',
  id: subscription.id,
  legacyResourceId: subscription.legacyResourceId,
  topic: subscription.topic,
  uri: subscription.uri,
  callbackUrl: subscription.uri,
  endpoint: subscription.uri.startsWith('arn:')
    ? { __typename: 'WebhookEventBridgeEndpoint', arn: subscription.uri }
    : { __typename: 'WebhookHttpEndpoint', callbackUrl: subscription.uri },
  format: subscription.format,
  apiVersion: { handle: subscription.apiVersion, displayName: subscription.apiVersion, supported: true },
  createdAt: graphqlDateTime(subscription.createdAt),
  updatedAt: graphqlDateTime(subscription.updatedAt),
  filter: null,
  includeFields: [],
  metafieldNamespaces: [...subscription.metafieldNamespaces],
  metafields: [],
  name: null,
});

/** What the shop-wide fields read of their shop. */
export interface RootShop extends ShopContext {
  readonly domain: string;
  readonly numericId: string;
  readonly name: string;
  resourceModules(): SimulatedResource[];
  grantedScopes(): readonly string[];
  webhookSubscriptions(): WebhookSubscription[];
  addWebhookSubscription(
    topic: string,
    uri: string,
    format: 'JSON' | 'XML',
    apiVersion: string,
    metafieldNamespaces?: readonly string[],
  ): WebhookSubscription;
  deleteWebhookSubscription(id: string): boolean;
  updateWebhookSubscription(
    id: string,
    changes: Partial<Pick<WebhookSubscription, 'uri' | 'metafieldNamespaces'>>,
  ): WebhookSubscription | undefined;
}

const userError = (field: string[] | null, message: string) => ({ field, message });

/** Root fields of QueryRoot and Mutation for one shop, as graphql-js rootValue functions. */
export function rootValueFor(
  shop: RootShop,
  apiVersion: string,
  /** A bulk operation's run: connections return every item, with no page size or object limit. */
  { unbounded = false }: { readonly unbounded?: boolean } = {},
): View {
  const resources = shop.resourceModules();
  const page = rootConnection(shop, unbounded);

  const subscriptionConnection = (args: Args) => {
    const topics = Array.isArray(args['topics']) ? (args['topics'] as string[]) : null;
    const uri =
      typeof args['uri'] === 'string'
        ? args['uri']
        : typeof args['callbackUrl'] === 'string'
          ? args['callbackUrl']
          : null;
    const entries: Keyed<WebhookSubscription>[] = shop
      .webhookSubscriptions()
      .filter((s) => (!topics || topics.includes(s.topic)) && (!uri || s.uri === uri))
      .map((s) => ({ item: s, key: { value: BigInt(s.createdAt), id: BigInt(s.legacyResourceId) } }));
    return page(entries, args, subscriptionView);
  };

  const nodeById = (id: unknown): View | null => {
    if (typeof id !== 'string') return null;
    for (const resource of resources) {
      const node = resource.nodeById(id);
      if (node !== undefined) return node;
    }
    const subscription = shop.webhookSubscriptions().find((s) => s.id === id);
    return subscription ? subscriptionView(subscription) : null;
  };

  /** Shopify offers an app only the topics its scopes cover (CUSTOMERS_* needs read_customers). */
  const scopeOfTopic = (topic: string): string | undefined => {
    for (const resource of resources)
      for (const [prefix, scope] of Object.entries(resource.topicScopes))
        if (topic.startsWith(prefix)) return scope;
    return undefined;
  };

  const metafields = resources.find((resource) => resource instanceof SimMetafields);
  return {
    [ownerMetafieldsHook]: (owner: object, args: Args) => ownerMetafields(metafields, owner, args, unbounded),
    ...(Object.assign({}, ...resources.map((resource) => resource.rootFields(unbounded))) as View),
    node: (args: Args) => nodeById(args['id']),
    nodes: (args: Args) => (Array.isArray(args['ids']) ? args['ids'].map(nodeById) : []),
    shop: () => ({
      __typename: 'Shop',
      id: `gid://shopify/Shop/${shop.numericId}`,
      name: shop.name,
      myshopifyDomain: shop.domain,
      email: `owner@${shop.domain}`,
      contactEmail: `owner@${shop.domain}`,
      currencyCode: shop.currencyCode,
      ianaTimezone: shop.ianaTimezone,
      url: `https://${shop.domain}`,
      plan: {
        publicDisplayName: 'Basic',
        displayName: 'Basic',
        partnerDevelopment: false,
        shopifyPlus: false,
      },
    }),
    currentAppInstallation: () => ({
      id: `gid://shopify/AppInstallation/${shop.numericId}`,
      accessScopes: shop.grantedScopes().map((handle) => ({ handle, description: handle })),
    }),
    webhookSubscriptions: subscriptionConnection,
    webhookSubscription: (args: Args) => {
      const subscription = shop.webhookSubscriptions().find((s) => s.id === args['id']);
      return subscription ? subscriptionView(subscription) : null;
    },
    webhookSubscriptionCreate: (args: Args) => {
      const topic = String(args['topic']);
      const input = (args['webhookSubscription'] ?? {}) as Record<string, unknown>;
      const uri = typeof input['uri'] === 'string' ? input['uri'].trim() : '';
      const format = (input['format'] as (typeof webhookFormats)[number] | undefined) ?? 'JSON';
      if (!uri)
        return {
          webhookSubscription: null,
          userErrors: [userError(['webhookSubscription', 'uri'], "Address can't be blank")],
        };
      if (!isDeliverableUri(uri)) {
        return {
          webhookSubscription: null,
          userErrors: [userError(['webhookSubscription', 'uri'], 'Address is invalid')],
        };
      }
      if (format !== 'JSON') {
        return {
          webhookSubscription: null,
          userErrors: [
            userError(['webhookSubscription', 'format'], 'The Shopify simulator only delivers JSON webhooks'),
          ],
        };
      }
      const scope = scopeOfTopic(topic);
      if (scope && !shop.hasScope(scope)) {
        return {
          webhookSubscription: null,
          userErrors: [
            userError(['topic'], `Topic ${topic} needs the ${scope} access scope, which the app lacks`),
          ],
        };
      }
      if (shop.webhookSubscriptions().some((s) => s.topic === topic && s.uri === uri)) {
        return {
          webhookSubscription: null,
          userErrors: [
            userError(['webhookSubscription', 'uri'], 'Address for this topic has already been taken'),
          ],
        };
      }
      return {
        webhookSubscription: subscriptionView(
          shop.addWebhookSubscription(topic, uri, format, apiVersion, namespacesOf(input)),
        ),
        userErrors: [],
      };
    },
    webhookSubscriptionUpdate: (args: Args) => {
      const input = (args['webhookSubscription'] ?? {}) as Record<string, unknown>;
      const updated = shop.updateWebhookSubscription(String(args['id']), {
        ...(typeof input['uri'] === 'string' && { uri: input['uri'].trim() }),
        ...('metafieldNamespaces' in input && { metafieldNamespaces: namespacesOf(input) }),
      });
      return updated
        ? { webhookSubscription: subscriptionView(updated), userErrors: [] }
        : {
            webhookSubscription: null,
            userErrors: [userError(['id'], 'Webhook subscription does not exist')],
          };
    },
    webhookSubscriptionDelete: (args: Args) => {
      const id = String(args['id']);
      return shop.deleteWebhookSubscription(id)
        ? { deletedWebhookSubscriptionId: id, userErrors: [] }
        : {
            deletedWebhookSubscriptionId: null,
            userErrors: [userError(['id'], 'Webhook subscription does not exist')],
          };
    },
  };
}

/** HTTP(S) endpoints (plain HTTP allowed so local receivers work), Pub/Sub and EventBridge addresses. */
function isDeliverableUri(uri: string): boolean {
  if (uri.startsWith('pubsub://') || uri.startsWith('arn:aws:events:')) return true;
  try {
    const url = new URL(uri);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/** `metafieldNamespaces` of a subscription's input: the owners' metafields its bodies carry. */
const namespacesOf = (input: Record<string, unknown>): readonly string[] =>
  Array.isArray(input['metafieldNamespaces']) ? input['metafieldNamespaces'].map(String) : [];
