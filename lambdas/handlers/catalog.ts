import { resourceDefinitions } from '../resources/registry.js';

/**
 * Every Lambda and every HTTP route, in one place. The CDK constructs and the local runtime both
 * read this table, so a route added here is deployed and served locally without extra wiring.
 */
export const lambdaCatalog = {
  webhook: { entry: 'lambdas/handlers/webhook.ts', description: 'Verifies and ingests Shopify webhooks' },
  webhookEvents: {
    entry: 'lambdas/handlers/webhook-events.ts',
    description: 'Ingests Shopify webhooks delivered through EventBridge (webhookDelivery: eventbridge)',
  },
  api: { entry: 'lambdas/handlers/api.ts', description: 'IAM-authorised integrations, sync and read API' },
  fanOut: {
    entry: 'lambdas/handlers/fan-out.ts',
    description: 'Hourly: enqueues one sync per due integration',
  },
  syncWorker: {
    entry: 'lambdas/handlers/sync-worker.ts',
    description: 'Runs incremental syncs from the queue',
  },
  healthCheck: {
    entry: 'lambdas/handlers/health-check.ts',
    description: 'Daily: repairs webhook subscriptions',
  },
} as const;

export type LambdaId = keyof typeof lambdaCatalog;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface ApiRoute {
  readonly method: HttpMethod;
  /** API Gateway path syntax: `/integrations/{integrationId}`. */
  readonly path: string;
  readonly lambda: LambdaId;
  /**
   * Shopify's calls (webhooks, and the merchant's browser redirected from the install) are
   * authenticated by HMAC inside the handler; everything else by IAM (SigV4).
   */
  readonly auth: 'HMAC' | 'IAM';
}

/** Every integration route sits under its organization, so an IAM path prefix scopes a tenant. */
const integration = '/organizations/{organizationId}/integrations/{integrationId}';

export const apiRoutes: readonly ApiRoute[] = [
  { method: 'POST', path: '/webhooks/shopify', lambda: 'webhook', auth: 'HMAC' },
  // The install flow: the authorize URL (IAM), and Shopify's redirect back with a signed query.
  { method: 'POST', path: '/organizations/{organizationId}/installations', lambda: 'api', auth: 'IAM' },
  { method: 'GET', path: '/oauth/callback', lambda: 'api', auth: 'HMAC' },
  { method: 'POST', path: '/organizations/{organizationId}/integrations', lambda: 'api', auth: 'IAM' },
  { method: 'GET', path: '/organizations/{organizationId}/integrations', lambda: 'api', auth: 'IAM' },
  { method: 'GET', path: integration, lambda: 'api', auth: 'IAM' },
  { method: 'DELETE', path: integration, lambda: 'api', auth: 'IAM' },
  { method: 'POST', path: `${integration}/sync`, lambda: 'api', auth: 'IAM' },
  { method: 'GET', path: `${integration}/sync-runs`, lambda: 'api', auth: 'IAM' },
  { method: 'GET', path: `${integration}/sync-runs/{runId}`, lambda: 'api', auth: 'IAM' },
  { method: 'POST', path: `${integration}/webhooks/check`, lambda: 'api', auth: 'IAM' },
  { method: 'GET', path: `${integration}/shop-counts`, lambda: 'api', auth: 'IAM' },
  { method: 'GET', path: `${integration}/webhook-deliveries`, lambda: 'api', auth: 'IAM' },
  // The read API: a listing and a get per registered resource.
  ...resourceDefinitions.flatMap(({ name }): ApiRoute[] => [
    { method: 'GET', path: `/organizations/{organizationId}/${name}`, lambda: 'api', auth: 'IAM' },
    {
      method: 'GET',
      path: `/organizations/{organizationId}/${name}/{shopifyId}`,
      lambda: 'api',
      auth: 'IAM',
    },
  ]),
];
