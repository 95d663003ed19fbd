/**
 * The contract of each route in `catalog.ts` apiRoutes, as data: the zod schemas its handler
 * parses (path, query, body) and those of its answers. contract/openapi.ts turns route table +
 * contracts into the OpenAPI document, and client/ types its calls from them. A route added to
 * the catalog needs only its entry here (test/unit/contract fails until it has one).
 */
import * as z from 'zod';
import { organizationIdSchema } from '../../core/integrations/connect-request.js';
import { recordKeyParamSchema, typedListQuerySchema } from '../../core/read-api/record-listing.js';
import { registeredResources } from '../../resources/registry.js';
import { connectBody, deleteQuery, integrationPath, organizationPath } from '../routes/integrations.js';
import { deliveryHoursQuery, listRunsQuery, runPath, syncPath, syncQuery } from '../routes/sync-routes.js';
import { callbackQuery, installationBody } from '../routes/installations.js';
import { installationAnswerSchema } from '../../core/credentials/install.js';
import type { HttpMethod } from '../catalog.js';
import {
  connectResultSchema,
  disconnectResultSchema,
  integrationDetailsSchema,
  integrationListSchema,
  installCallbackAnswerSchema,
  integrationSchema,
  listing,
  manualSyncAnswerSchema,
  recordAnswerSchema,
  shopCountsSchema,
  syncRunListSchema,
  syncRunSchema,
  webhookAnswerSchema,
  webhookDeliveriesSchema,
  webhookHeadersSchema,
  webhookPayloadSchema,
} from './schemas.js';

export interface Answer {
  readonly description: string;
  readonly body: z.ZodType;
}

/** Error statuses a handler answers, besides the 403/500 every IAM route may get. */
export type ErrorStatus = 400 | 401 | 404 | 409 | 413 | 422;

export interface RouteContract {
  /** `METHOD /path` exactly as in `apiRoutes`. */
  readonly route: `${HttpMethod} /${string}`;
  readonly summary: string;
  readonly description?: string;
  readonly tag: 'Integrations' | 'Sync' | 'Records' | 'Webhooks';
  readonly path?: z.ZodObject;
  readonly query?: z.ZodObject;
  readonly headers?: z.ZodObject;
  readonly body?: z.ZodType;
  /** Success answers by status. */
  readonly responses: Readonly<Partial<Record<200 | 201 | 202, Answer>>>;
  /** Each error status with what it means on this route. */
  readonly errors: Readonly<Partial<Record<ErrorStatus, string>>>;
}

const fixedContracts = {
  receiveWebhook: {
    route: 'POST /webhooks/shopify',
    tag: 'Webhooks',
    summary: 'Receive a Shopify webhook',
    description:
      'Called by Shopify, never by your backend. Only the body is signed: the HMAC is checked against the ' +
      "app's client secret (or the integration's custom secret) before anything is read or written, and " +
      'the unsigned headers are claims the signed body must agree with. A body already processed, for ' +
      'any store and under any headers, answers 200 duplicate and writes nothing.',
    headers: webhookHeadersSchema,
    body: webhookPayloadSchema,
    responses: {
      200: { description: 'Done: written, stale, ignored or a duplicate', body: webhookAnswerSchema },
    },
    errors: {
      400: 'The signed body does not match its topic or the unsigned headers',
      401: 'The signature is missing or does not match, or the signed body names another shop',
      413: 'The body is over the size limit',
    },
  },
  startInstallation: {
    route: 'POST /organizations/{organizationId}/installations',
    tag: 'Integrations',
    summary: 'Start an install: the URL the merchant opens to approve the app',
    description:
      "Answers Shopify's authorize URL for the shop, with the scopes the mirrored resources need and a " +
      'single-use state (256 random bits) bound to this organization and shop, valid a few minutes. Once the ' +
      'merchant approves, Shopify redirects to GET /oauth/callback, which connects the store with an expiring ' +
      "offline token and sends the merchant to `returnUrl` (which must be in the deployment's allow-list). " +
      'Also the remedy of an integration NEEDS_ATTENTION with statusReason REAUTHORIZE.',
    path: organizationPath,
    body: installationBody,
    responses: { 201: { description: 'The authorize URL', body: installationAnswerSchema } },
    errors: {
      400: 'The body is invalid, or returnUrl is not allowed',
      409: 'The deployment has no app client id (CDK context shopifyAppClientId)',
    },
  },
  completeInstallation: {
    route: 'GET /oauth/callback',
    tag: 'Integrations',
    summary: "Shopify's redirect after the merchant approved (called by the browser, never by your backend)",
    description:
      'Public. Checks the hmac (constant time, under the app secret), the shop, the timestamp (5 minutes) and ' +
      'the single-use state before anything is written; exchanges the code for an expiring offline token ' +
      "(`expiring=1`) and connects the store as POST …/integrations does. Answers 302 to the install's " +
      'returnUrl (with integrationId, shop and runId appended), or 200 without one.',
    query: callbackQuery,
    responses: {
      200: { description: 'Connected (no returnUrl was given)', body: installCallbackAnswerSchema },
    },
    errors: {
      400: 'Malformed, stale, expired, replayed or for another shop; or Shopify refused the code',
      401: 'The hmac does not match',
      409: 'The deployment has no app client id, or another organization has this shop connected',
      422: 'Shopify refused the new token',
    },
  },
  connectIntegration: {
    route: 'POST /organizations/{organizationId}/integrations',
    tag: 'Integrations',
    summary: 'Connect a store',
    description:
      "Verifies the access token against the shop, subscribes the store's webhooks and queues the initial " +
      'sync. Connecting the same organization and shop again reconnects (200) with the new token.',
    path: organizationPath,
    body: connectBody,
    responses: {
      201: { description: 'Connected', body: connectResultSchema },
      200: { description: 'Reconnected', body: connectResultSchema },
    },
    errors: {
      400: 'The body is invalid',
      409: 'Another organization has this shop connected',
      422: 'Shopify refused the access token or the shop',
    },
  },
  getIntegration: {
    route: 'GET /organizations/{organizationId}/integrations/{integrationId}',
    tag: 'Integrations',
    summary: 'An integration: status, last sync, webhook health, mirrored counts',
    path: integrationPath,
    responses: { 200: { description: 'The integration', body: integrationDetailsSchema } },
    errors: { 400: 'The integration id is malformed', 404: 'No such integration in this organization' },
  },
  disconnectIntegration: {
    route: 'DELETE /organizations/{organizationId}/integrations/{integrationId}',
    tag: 'Integrations',
    summary: 'Disconnect a store',
    description:
      'Deactivates the integration and removes its webhook subscriptions. The mirrored data is kept unless ' +
      '`purge=true`, which also deletes it and erases the credentials.',
    path: integrationPath,
    query: deleteQuery,
    responses: {
      200: { description: 'Disconnected (and purged, if asked)', body: disconnectResultSchema },
      202: {
        description: 'Disconnected; the purge continues in the background',
        body: disconnectResultSchema,
      },
    },
    errors: { 400: 'A parameter is invalid', 404: 'No such integration' },
  },
  checkWebhooks: {
    route: 'POST /organizations/{organizationId}/integrations/{integrationId}/webhooks/check',
    tag: 'Integrations',
    summary: "Check and repair the store's webhook subscriptions now",
    path: integrationPath,
    responses: {
      200: { description: 'The integration with its new webhook health', body: integrationSchema },
    },
    errors: { 400: 'The integration id is malformed', 404: 'No such integration', 409: 'Not ACTIVE' },
  },
  getShopCounts: {
    route: 'GET /organizations/{organizationId}/integrations/{integrationId}/shop-counts',
    tag: 'Integrations',
    summary: "The store's own counts, asked of Shopify now (the denominator of a sync's progress)",
    path: integrationPath,
    responses: { 200: { description: 'Counts', body: shopCountsSchema } },
    errors: {
      400: 'The integration id is malformed',
      404: 'No such integration',
      409: 'The integration has no credentials (redacted or purged)',
      422: 'Shopify refused the stored token',
    },
  },
  listOrganizationIntegrations: {
    route: 'GET /organizations/{organizationId}/integrations',
    tag: 'Integrations',
    summary: "An organization's integrations",
    path: organizationPath,
    responses: { 200: { description: 'Every integration of the organization', body: integrationListSchema } },
    errors: { 400: 'The organization id is malformed' },
  },
  requestSync: {
    route: 'POST /organizations/{organizationId}/integrations/{integrationId}/sync',
    tag: 'Sync',
    summary: 'Sync now',
    description:
      'Queues an incremental sync unless one ran within the minimum interval; `force=true` bypasses the ' +
      'interval. Two runs of one store never overlap, forced or not.',
    path: syncPath,
    query: syncQuery,
    responses: {
      202: { description: 'Queued', body: manualSyncAnswerSchema },
      200: { description: 'Skipped: synced recently', body: manualSyncAnswerSchema },
    },
    errors: {
      400: 'A parameter is invalid',
      404: 'No such integration',
      409: 'INTEGRATION_NOT_ACTIVE, or SYNC_IN_PROGRESS (the message names the running run)',
    },
  },
  listSyncRuns: {
    route: 'GET /organizations/{organizationId}/integrations/{integrationId}/sync-runs',
    tag: 'Sync',
    summary: 'Sync history, newest first',
    path: syncPath,
    query: listRunsQuery,
    responses: { 200: { description: 'A page of runs', body: syncRunListSchema } },
    errors: { 400: 'A parameter or the cursor is invalid', 404: 'No such integration' },
  },
  getSyncRun: {
    route: 'GET /organizations/{organizationId}/integrations/{integrationId}/sync-runs/{runId}',
    tag: 'Sync',
    summary: 'One sync run, with its live counters while it runs',
    path: runPath,
    responses: { 200: { description: 'The run', body: syncRunSchema } },
    errors: { 400: 'A parameter is malformed', 404: 'No such run' },
  },
  getWebhookDeliveries: {
    route: 'GET /organizations/{organizationId}/integrations/{integrationId}/webhook-deliveries',
    tag: 'Webhooks',
    summary: "The store's verified webhook deliveries per hour",
    description:
      'One counter per store and UTC hour, added to by every delivery whose signature matched (a ' +
      'duplicate too: it is a delivery all the same). Kept 8 days; `hours` counts back from the current hour.',
    path: syncPath,
    query: deliveryHoursQuery,
    responses: { 200: { description: 'Deliveries per hour', body: webhookDeliveriesSchema } },
    errors: { 400: 'A parameter is invalid', 404: 'No such integration' },
  },
} as const satisfies Record<string, RouteContract>;

/** `inventory-items` → `InventoryItems`: operation ids and schema names are one word. */
const capitalize = (text: string) =>
  text
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
const singular = (name: string) => (name.endsWith('s') ? name.slice(0, -1) : name);

const recordPath = z.object({ organizationId: organizationIdSchema, shopifyId: recordKeyParamSchema });

/** The read API's two routes for one resource, as catalog.ts declares them from the same registry. */
const readContractsOf = <S extends z.ZodType, const L extends string = string>(
  name: string,
  lookups: readonly { readonly attribute: L }[],
  record: S,
) => {
  const one = singular(name);
  return {
    list: {
      route: `GET /organizations/{organizationId}/${name}`,
      tag: 'Records',
      summary: `The organization's mirrored ${name}`,
      description:
        'By Shopify id, by update time with `updatedSince`, or by one lookup; key and index reads only. ' +
        'A page may be shorter than `limit` and still have a `nextCursor`.',
      path: organizationPath,
      query: typedListQuerySchema(lookups),
      responses: {
        200: { description: `A page of ${name}`, body: listing(record, `${capitalize(one)}List`) },
      },
      errors: { 400: 'A parameter or the cursor is invalid' },
    },
    get: {
      route: `GET /organizations/{organizationId}/${name}/{shopifyId}`,
      tag: 'Records',
      summary: `One mirrored ${one}`,
      path: recordPath,
      responses: { 200: { description: `The ${one}`, body: record } },
      errors: { 400: 'A parameter is malformed', 404: `No such ${one}` },
    },
  } as const satisfies Record<'list' | 'get', RouteContract>;
};

/**
 * The read routes of every registered resource, typed field by field from its record schema
 * (resources/<name>/record.ts): `listCustomers`, `getCustomer`, ... in the registry's order.
 */
const readContracts: Record<string, RouteContract> = Object.fromEntries(
  registeredResources.flatMap(({ name, table, recordSchema }): [string, RouteContract][] => {
    const one = capitalize(singular(name));
    const { list, get } = readContractsOf(name, table.lookups, recordAnswerSchema(one, recordSchema));
    return [
      [`list${capitalize(name)}`, list],
      [`get${one}`, get],
    ];
  }),
);

export const routeContracts = { ...fixedContracts, ...readContracts };

export type RouteContracts = typeof routeContracts;
export type OperationId = keyof RouteContracts;

export const contractByRoute: ReadonlyMap<string, readonly [string, RouteContract]> = new Map(
  (Object.entries(routeContracts) as [string, RouteContract][]).map(([id, contract]) => [
    contract.route,
    [id, contract] as const,
  ]),
);
