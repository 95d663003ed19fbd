/**
 * Documents of the integration lifecycle: verifying a token, managing the app's webhook
 * subscriptions, and the cheap id-only listing the deletion reconcile compares against.
 */

/** The cheapest call that proves a token works for this shop (and tells us the shop's id). */
export const shopIdentityQuery = /* GraphQL */ `
  query ShopIdentity {
    shop {
      id
      name
      myshopifyDomain
    }
  }
`;

/** Only the topics we manage are listed, so other subscriptions of the app are never touched. */
export const webhookSubscriptionsQuery = /* GraphQL */ `
  query WebhookSubscriptions($first: Int!, $after: String, $topics: [WebhookSubscriptionTopic!]) {
    webhookSubscriptions(first: $first, after: $after, topics: $topics) {
      nodes {
        id
        topic
        uri
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

export const webhookSubscriptionCreateMutation = /* GraphQL */ `
  mutation WebhookSubscriptionCreate($topic: WebhookSubscriptionTopic!, $uri: String!) {
    webhookSubscriptionCreate(topic: $topic, webhookSubscription: { uri: $uri, format: JSON }) {
      webhookSubscription {
        id
        topic
        uri
      }
      userErrors {
        field
        message
      }
    }
  }
`;

export const webhookSubscriptionDeleteMutation = /* GraphQL */ `
  mutation WebhookSubscriptionDelete($id: ID!) {
    webhookSubscriptionDelete(id: $id) {
      deletedWebhookSubscriptionId
      userErrors {
        field
        message
      }
    }
  }
`;

/** `limit: null` lifts the default cap of 10,000, so large stores get an exact count. */
export const customersCountQuery = /* GraphQL */ `
  query CustomersCount {
    customersCount(limit: null) {
      count
      precision
    }
  }
`;

/**
 * Ids only, in id order: about one cost point per customer. The caller slices with
 * `query: "id:>N"` so no single cursor walk reaches Shopify's 25,000-object limit.
 */
export const customerIdsPageQuery = /* GraphQL */ `
  query CustomerIdsPage($first: Int!, $after: String, $query: String) {
    customers(first: $first, after: $after, query: $query, sortKey: ID) {
      nodes {
        id
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

/** A direct lookup by id (no search index): `null` for each record Shopify no longer has. */
export const nodesByIdQuery = /* GraphQL */ `
  query NodesById($ids: [ID!]!) {
    nodes(ids: $ids) {
      id
    }
  }
`;
