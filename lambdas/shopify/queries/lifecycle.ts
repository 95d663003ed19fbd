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

/**
 * The scopes the merchant granted this app on this shop: one cheap call, asked at connect and at
 * the start of every sync run, so a resource whose scope is missing is never queried.
 */
export const accessScopesQuery = /* GraphQL */ `
  query GrantedAccessScopes {
    currentAppInstallation {
      accessScopes {
        handle
      }
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
        metafieldNamespaces
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

export const webhookSubscriptionCreateMutation = /* GraphQL */ `
  mutation WebhookSubscriptionCreate(
    $topic: WebhookSubscriptionTopic!
    $uri: String!
    $metafieldNamespaces: [String!]
  ) {
    webhookSubscriptionCreate(
      topic: $topic
      webhookSubscription: { uri: $uri, format: JSON, metafieldNamespaces: $metafieldNamespaces }
    ) {
      webhookSubscription {
        id
        topic
        uri
        metafieldNamespaces
      }
      userErrors {
        field
        message
      }
    }
  }
`;

/** Changes which metafield namespaces a subscription's bodies carry, keeping its topic and address. */
export const webhookSubscriptionNamespacesMutation = /* GraphQL */ `
  mutation WebhookSubscriptionNamespaces($id: ID!, $metafieldNamespaces: [String!]) {
    webhookSubscriptionUpdate(id: $id, webhookSubscription: { metafieldNamespaces: $metafieldNamespaces }) {
      webhookSubscription {
        id
        topic
        uri
        metafieldNamespaces
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

/** A direct lookup by id (no search index): `null` for each record Shopify no longer has. */
export const nodesByIdQuery = /* GraphQL */ `
  query NodesById($ids: [ID!]!) {
    nodes(ids: $ids) {
      id
    }
  }
`;
