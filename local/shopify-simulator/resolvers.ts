import { GraphQLError, type GraphQLFieldResolver } from 'graphql';
import { type Keyed, paginate, type PageArgs } from './connection.js';
import { type SimAddress, type SimCustomer, customerGid, customerIdFrom } from './customer.js';
import { matchesSearch, parseCustomerSearch, UnsupportedSearchError } from './customer-search.js';
import { orderView, type SimOrder } from './orders.js';
import { productView, type SimProduct } from './products.js';
import type { SimulatedShop } from './shop.js';
import { graphqlDateTime } from './time-format.js';
import type { webhookFormats, WebhookSubscription } from './webhooks.js';

type Args = Record<string, unknown>;
type View = Record<string, unknown>;

/**
 * Reads fields from plain view objects (calling functions with the field's arguments). A field the
 * simulator does not model fails loudly instead of returning a misleading null.
 */
export const simulatorFieldResolver: GraphQLFieldResolver<unknown, unknown> = (
  source,
  args,
  context,
  info,
) => {
  if (source === null || typeof source !== 'object') return null;
  const value = (source as View)[info.fieldName];
  if (value === undefined) {
    throw new GraphQLError(
      `${info.parentType.name}.${info.fieldName} is not implemented by the Shopify simulator`,
      {
        extensions: { code: 'NOT_IMPLEMENTED_IN_SIMULATOR' },
      },
    );
  }
  return typeof value === 'function' ? (value as (a: unknown, c: unknown) => unknown)(args, context) : value;
};

const addressView = (address: SimAddress): View => ({
  __typename: 'MailingAddress',
  id: `gid://shopify/MailingAddress/${address.id}?model_name=CustomerAddress`,
  firstName: address.firstName,
  lastName: address.lastName,
  name: [address.firstName, address.lastName].filter(Boolean).join(' ') || null,
  company: address.company,
  address1: address.address1,
  address2: address.address2,
  city: address.city,
  province: address.province,
  provinceCode: address.provinceCode,
  country: address.country,
  countryCodeV2: address.countryCode,
  zip: address.zip,
  phone: address.phone,
  formattedArea: [address.city, address.provinceCode, address.country].filter(Boolean).join(', ') || null,
  coordinatesValidated: false,
  latitude: null,
  longitude: null,
  timeZone: null,
  validationResultSummary: null,
});

const customerView = (customer: SimCustomer): View => {
  const displayName =
    [customer.firstName, customer.lastName].filter(Boolean).join(' ') ||
    customer.email ||
    customer.phone ||
    '';
  return {
    __typename: 'Customer',
    id: customerGid(customer.id),
    legacyResourceId: customer.id,
    firstName: customer.firstName,
    lastName: customer.lastName,
    displayName,
    defaultEmailAddress: customer.email
      ? {
          emailAddress: customer.email,
          validFormat: true,
          marketingState: 'NOT_SUBSCRIBED',
          marketingOptInLevel: null,
          marketingUpdatedAt: null,
        }
      : null,
    defaultPhoneNumber: customer.phone ? { phoneNumber: customer.phone } : null,
    email: customer.email,
    phone: customer.phone,
    state: customer.state,
    verifiedEmail: customer.verifiedEmail,
    validEmailAddress: customer.email !== null,
    taxExempt: customer.taxExempt,
    taxExemptions: customer.taxExemptions,
    note: customer.note,
    tags: customer.tags,
    numberOfOrders: String(customer.numberOfOrders),
    multipassIdentifier: customer.multipassIdentifier,
    createdAt: graphqlDateTime(customer.createdAt),
    updatedAt: graphqlDateTime(customer.updatedAt),
    defaultAddress: customer.defaultAddress ? addressView(customer.defaultAddress) : null,
    addresses: customer.defaultAddress ? [addressView(customer.defaultAddress)] : [],
    canDelete: customer.numberOfOrders === 0,
    dataSaleOptOut: false,
    locale: 'en',
    lifetimeDuration: 'about 1 year',
  };
};

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
  metafieldNamespaces: [],
  metafields: [],
  name: null,
});

const searchTerms = (query: unknown) => {
  try {
    return parseCustomerSearch(typeof query === 'string' ? query : null);
  } catch (error) {
    if (error instanceof UnsupportedSearchError) {
      throw new GraphQLError(error.message, { extensions: { code: 'UNSUPPORTED_SEARCH_IN_SIMULATOR' } });
    }
    throw error;
  }
};

const customerSortValue = (
  customer: Pick<SimCustomer, 'id' | 'updatedAt' | 'createdAt'>,
  sortKey: string,
): bigint => {
  switch (sortKey) {
    case 'ID':
      return BigInt(customer.id);
    case 'UPDATED_AT':
      return BigInt(customer.updatedAt);
    case 'CREATED_AT':
      return BigInt(customer.createdAt);
    default:
      throw new GraphQLError(`sortKey ${sortKey} is not implemented by the Shopify simulator`, {
        extensions: { code: 'NOT_IMPLEMENTED_IN_SIMULATOR' },
      });
  }
};

const userError = (field: string[] | null, message: string) => ({ field, message });

/** Root fields of QueryRoot and Mutation for one shop, as graphql-js rootValue functions. */
export function rootValueFor(
  shop: SimulatedShop,
  apiVersion: string,
  /** A bulk operation's run: connections return every item, with no page size or object limit. */
  { unbounded = false }: { readonly unbounded?: boolean } = {},
): View {
  const pageOf = <T>(entries: readonly Keyed<T>[], args: Args) =>
    unbounded
      ? paginate(
          entries,
          { reverse: args['reverse'] as boolean },
          { maxObjects: Number.MAX_SAFE_INTEGER, behaviour: 'error' },
          { unbounded: true },
        )
      : paginate(
          entries,
          { ...(args as PageArgs), reverse: args['reverse'] as boolean },
          shop.paginationLimit(),
        );

  const customerConnection = (args: Args) => {
    const terms = searchTerms(args['query']);
    const sortKey = typeof args['sortKey'] === 'string' ? args['sortKey'] : 'ID';
    const entries: Keyed<SimCustomer>[] = shop
      .customers()
      .filter((customer) => matchesSearch(customer, terms))
      .map((customer) => ({
        item: customer,
        key: { value: customerSortValue(customer, sortKey), id: BigInt(customer.id) },
      }));
    const page = pageOf(entries, args);
    return {
      nodes: page.nodes.map(customerView),
      edges: page.edges.map((edge) => ({ cursor: edge.cursor, node: customerView(edge.node) })),
      pageInfo: page.pageInfo,
    };
  };

  /**
   * An app without the resource's scope gets ACCESS_DENIED for it, as from Shopify; `deniedFields`
   * refuses a field whatever the grant says.
   */
  const requireAccess = (field: string) => {
    if (shop.deniedFields.includes(field) || !shop.hasScope(`read_${field}`))
      throw new GraphQLError(
        `Access denied for ${field} field. Required access: \`read_${field}\` access scope.`,
        {
          extensions: { code: 'ACCESS_DENIED' },
        },
      );
  };

  const orderConnection = (args: Args) => {
    requireAccess('orders');
    const terms = searchTerms(args['query']);
    const sortKey = typeof args['sortKey'] === 'string' ? args['sortKey'] : 'ID';
    const entries: Keyed<SimOrder>[] = shop
      .orders()
      .filter((order) => matchesSearch(order, terms))
      .map((order) => ({
        item: order,
        key: { value: customerSortValue(order, sortKey), id: BigInt(order.id) },
      }));
    const page = pageOf(entries, args);
    const view = (order: SimOrder) =>
      orderView(order, shop.currencyCode, shop.maxPaginatedObjects, unbounded);
    return {
      nodes: page.nodes.map(view),
      edges: page.edges.map((edge) => ({ cursor: edge.cursor, node: view(edge.node) })),
      pageInfo: page.pageInfo,
    };
  };

  const productConnection = (args: Args) => {
    requireAccess('products');
    const terms = searchTerms(args['query']);
    const sortKey = typeof args['sortKey'] === 'string' ? args['sortKey'] : 'ID';
    const entries: Keyed<SimProduct>[] = shop
      .products()
      .filter((product) => matchesSearch(product, terms))
      .map((product) => ({
        item: product,
        key: { value: customerSortValue(product, sortKey), id: BigInt(product.id) },
      }));
    const page = pageOf(entries, args);
    const view = (product: SimProduct) => productView(product, shop.maxPaginatedObjects, unbounded);
    return {
      nodes: page.nodes.map(view),
      edges: page.edges.map((edge) => ({ cursor: edge.cursor, node: view(edge.node) })),
      pageInfo: page.pageInfo,
    };
  };

  const subscriptionConnection = (args: Args) => {
    const topics = Array.isArray(args['topics']) ? (args['topics'] as string[]) : null;
    const uri =
      typeof args['uri'] === 'string'
        ? args['uri']
        : typeof args['callbackUrl'] === 'string'
          ? args['callbackUrl']
          : null;
    const entries = shop
      .webhookSubscriptions()
      .filter((s) => (!topics || topics.includes(s.topic)) && (!uri || s.uri === uri))
      .map((s) => ({ item: s, key: { value: BigInt(s.createdAt), id: BigInt(s.legacyResourceId) } }));
    const page = pageOf(entries, args);
    return {
      nodes: page.nodes.map(subscriptionView),
      edges: page.edges.map((edge) => ({ cursor: edge.cursor, node: subscriptionView(edge.node) })),
      pageInfo: page.pageInfo,
    };
  };

  const nodeById = (id: unknown): View | null => {
    if (typeof id !== 'string') return null;
    const inventoryNode = shop.inventory.nodeById(id);
    if (inventoryNode !== undefined) return inventoryNode;
    const collectionNode = shop.collections.nodeById(id);
    if (collectionNode !== undefined) return collectionNode;
    if (id.startsWith('gid://shopify/Customer/')) {
      const customer = shop.customer(id);
      return customer ? customerView(customer) : null;
    }
    if (id.startsWith('gid://shopify/Order/')) {
      requireAccess('orders');
      const order = shop.order(id);
      return order ? orderView(order, shop.currencyCode, shop.maxPaginatedObjects) : null;
    }
    if (id.startsWith('gid://shopify/Product/')) {
      requireAccess('products');
      const product = shop.product(id);
      return product ? productView(product, shop.maxPaginatedObjects) : null;
    }
    const subscription = shop.webhookSubscriptions().find((s) => s.id === id);
    return subscription ? subscriptionView(subscription) : null;
  };

  return {
    ...shop.inventory.rootFields(unbounded),
    ...shop.collections.rootFields(unbounded),
    customers: (args: Args) => {
      requireAccess('customers');
      return customerConnection(args);
    },
    customer: (args: Args) => {
      requireAccess('customers');
      const id = typeof args['id'] === 'string' ? customerIdFrom(args['id']) : null;
      const customer = id === null ? undefined : shop.customer(id);
      return customer ? customerView(customer) : null;
    },
    products: productConnection,
    product: (args: Args) => {
      requireAccess('products');
      const product = typeof args['id'] === 'string' ? shop.product(args['id']) : undefined;
      return product ? productView(product, shop.maxPaginatedObjects) : null;
    },
    productsCount: (args: Args) => {
      requireAccess('products');
      const terms = searchTerms(args['query']);
      const count = shop.products().filter((product) => matchesSearch(product, terms)).length;
      const limit = typeof args['limit'] === 'number' ? args['limit'] : null;
      return limit !== null && count > limit
        ? { count: limit, precision: 'AT_LEAST' }
        : { count, precision: 'EXACT' };
    },
    orders: orderConnection,
    order: (args: Args) => {
      requireAccess('orders');
      const order = typeof args['id'] === 'string' ? shop.order(args['id']) : undefined;
      return order ? orderView(order, shop.currencyCode, shop.maxPaginatedObjects) : null;
    },
    ordersCount: (args: Args) => {
      requireAccess('orders');
      const terms = searchTerms(args['query']);
      const count = shop.orders().filter((order) => matchesSearch(order, terms)).length;
      const limit = typeof args['limit'] === 'number' ? args['limit'] : null;
      return limit !== null && count > limit
        ? { count: limit, precision: 'AT_LEAST' }
        : { count, precision: 'EXACT' };
    },
    customersCount: (args: Args) => {
      requireAccess('customers');
      const terms = searchTerms(args['query']);
      const count = shop.customers().filter((customer) => matchesSearch(customer, terms)).length;
      const limit = typeof args['limit'] === 'number' ? args['limit'] : null;
      return limit !== null && count > limit
        ? { count: limit, precision: 'AT_LEAST' }
        : { count, precision: 'EXACT' };
    },
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
      // Shopify offers an app only the topics its scopes cover (CUSTOMERS_* needs read_customers).
      // Collections are products' (COLLECTIONS_* needs read_products).
      const prefix = /^(CUSTOMERS|ORDERS|PRODUCTS|LOCATIONS|INVENTORY|COLLECTIONS)_/
        .exec(topic)?.[1]
        ?.toLowerCase();
      const resource = prefix === 'collections' ? 'products' : prefix;
      if (resource && !shop.hasScope(`read_${resource}`)) {
        return {
          webhookSubscription: null,
          userErrors: [
            userError(
              ['topic'],
              `Topic ${topic} needs the read_${resource} access scope, which the app lacks`,
            ),
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
        webhookSubscription: subscriptionView(shop.addWebhookSubscription(topic, uri, format, apiVersion)),
        userErrors: [],
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
