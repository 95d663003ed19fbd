import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { paginationLimitBehaviours } from './connection.js';
import { bulkSettingsSchema } from './bulk-operations.js';
import { faultSettingsSchema } from './faults.js';
import { readBody, sendJson } from './http-io.js';
import { type ControlRecords, SimRecordNotFoundError } from './resources/resource.js';
import type { CreateShopOptions } from './shop-options.js';
import type { SimulatedShop } from './shop.js';
import { deliverySettingsSchema } from './webhooks.js';

export const controlPrefix = '/_simulator';

const planSchema = z
  .object({ restoreRate: z.number().positive(), maximumAvailable: z.number().positive() })
  .strict();

export const createShopSchema = z
  .object({
    shopDomain: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/, 'shopDomain must look like name.myshopify.com'),
    accessToken: z.string().min(1),
    appSecret: z.string().min(1).optional(),
    plan: planSchema.optional(),
    seedCustomers: z.number().int().min(0).max(100_000).optional(),
    seed: z.number().int().optional(),
    maxPaginatedObjects: z.number().int().positive().optional(),
    paginationLimitBehaviour: z.enum(paginationLimitBehaviours).optional(),
    name: z.string().optional(),
    ianaTimezone: z.string().optional(),
    currencyCode: z.string().length(3).optional(),
    seedOrders: z.number().int().min(0).max(100_000).optional(),
    seedProducts: z.number().int().min(0).max(100_000).optional(),
    seedCollections: z.number().int().min(0).max(5_000).optional(),
    seedMetafieldNamespace: z
      .string()
      .regex(/^[A-Za-z0-9_-]{3,255}$/)
      .optional(),
    deniedFields: z.array(z.string().min(1)).optional(),
    grantedScopes: z.array(z.string().min(1)).optional(),
  })
  .strict();

const grantedScopesSchema = z.object({ scopes: z.array(z.string().min(1)) }).strict();
/** A new token, optionally with the scopes its grant carries (as an install of other scopes would). */
const accessTokenSchema = z
  .object({
    accessToken: z.string().min(1).nullable(),
    grantedScopes: z.array(z.string().min(1)).optional(),
  })
  .strict();
const complianceUriSchema = z.object({ uri: z.url() }).strict();
const complianceRequestSchema = z
  .object({
    customerId: z.string().regex(/^\d+$/).optional(),
    /** The orders the request names; by default every order of the customer. */
    orderIds: z.array(z.string().regex(/^\d+$/)).optional(),
  })
  .strict();
const complianceTopicOf = {
  'customers-redact': 'customers/redact',
  'customers-data-request': 'customers/data_request',
  'shop-redact': 'shop/redact',
} as const;

export interface ControlApiDeps {
  readonly createShop: (options: CreateShopOptions) => SimulatedShop;
  readonly shops: (domain: string) => SimulatedShop | undefined;
  readonly adminUrl: (domain: string) => string;
}

class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly issues?: unknown,
  ) {
    super(message);
  }
}

const parseJson = async <T>(request: IncomingMessage, schema: z.ZodType<T>): Promise<T> => {
  const raw = await readBody(request);
  let value: unknown;
  try {
    value = raw.trim() === '' ? {} : JSON.parse(raw);
  } catch {
    throw new ControlError(400, 'Body is not valid JSON');
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ControlError(400, 'Invalid request body', z.treeifyError(parsed.error));
  return parsed.data;
};

type Handler = (request: IncomingMessage, params: string[], deps: ControlApiDeps) => Promise<unknown>;

const withShop = (
  handler: (shop: SimulatedShop, request: IncomingMessage, params: string[]) => unknown,
): Handler => {
  return async (request, params, deps) => {
    const shop = deps.shops(params[0] ?? '');
    if (!shop) throw new ControlError(404, `No shop ${params[0]}`);
    return handler(shop, request, params.slice(1));
  };
};

type Route = [method: string, pattern: RegExp, handler: Handler];

/**
 * List, create, update and delete of one resource under /shops/{domain}/{path}, for every
 * resource module that offers them (`controlRecords`), each mutation sending its webhook. Matched
 * after every other route, so a resource's path never shadows one of the shop's.
 */
const withRecords = (
  handler: (records: ControlRecords, request: IncomingMessage, params: string[]) => unknown,
): Handler =>
  withShop((shop, request, [path = '', ...params]) => {
    const records = shop
      .resourceModules()
      .flatMap((resource) => resource.controlRecords)
      .find((candidate) => candidate.path === path);
    if (!records) throw new ControlError(404, `No control route for ${path}`);
    return handler(records, request, params);
  });

const recordRoutes: Route[] = [
  ['GET', /^\/shops\/([^/]+)\/([a-z-]+)$/, withRecords((records) => records.list())],
  [
    'POST',
    /^\/shops\/([^/]+)\/([a-z-]+)$/,
    withRecords(async (records, request) => records.create(await parseJson(request, records.input))),
  ],
  [
    'PATCH',
    /^\/shops\/([^/]+)\/([a-z-]+)\/([^/]+)$/,
    withRecords(async (records, request, [id = '']) =>
      records.update(id, await parseJson(request, records.input)),
    ),
  ],
  [
    'DELETE',
    /^\/shops\/([^/]+)\/([a-z-]+)\/([^/]+)$/,
    withRecords((records, _r, [id = '']) => ({ deleted: records.remove(id) })),
  ],
];

const routes: Route[] = [
  ['GET', /^\/health$/, async () => ({ ok: true })],
  [
    'POST',
    /^\/shops$/,
    async (request, _params, deps) => {
      const options = await parseJson(request, createShopSchema);
      const shop = deps.createShop(options);
      return {
        shopDomain: shop.domain,
        adminUrl: deps.adminUrl(shop.domain),
        customers: shop.resources.customers.list().length,
        orders: shop.resources.orders.list().length,
        products: shop.resources.products.list().length,
      };
    },
  ],
  [
    'PUT',
    /^\/shops\/([^/]+)\/faults$/,
    withShop(async (shop, request) => {
      shop.setFaults(await parseJson(request, faultSettingsSchema));
      return { ok: true };
    }),
  ],
  [
    'PUT',
    /^\/shops\/([^/]+)\/bulk-operations$/,
    withShop(async (shop, request) => {
      shop.configureBulk(await parseJson(request, bulkSettingsSchema));
      return { ok: true };
    }),
  ],
  [
    'PUT',
    /^\/shops\/([^/]+)\/delivery$/,
    withShop(async (shop, request) => {
      shop.setDelivery(await parseJson(request, deliverySettingsSchema));
      return { ok: true };
    }),
  ],
  [
    'PUT',
    /^\/shops\/([^/]+)\/plan$/,
    withShop(async (shop, request) => {
      shop.setPlan(await parseJson(request, planSchema));
      return shop.throttleStatus();
    }),
  ],
  [
    'PUT',
    /^\/shops\/([^/]+)\/access-token$/,
    withShop(async (shop, request) => {
      const { accessToken, grantedScopes } = await parseJson(request, accessTokenSchema);
      shop.setAccessToken(accessToken);
      if (grantedScopes) shop.setGrantedScopes(grantedScopes);
      return { ok: true };
    }),
  ],
  ['GET', /^\/shops\/([^/]+)\/granted-scopes$/, withShop((shop) => ({ scopes: shop.grantedScopes() }))],
  [
    'PUT',
    /^\/shops\/([^/]+)\/granted-scopes$/,
    withShop(async (shop, request) => {
      shop.setGrantedScopes((await parseJson(request, grantedScopesSchema)).scopes);
      return { scopes: shop.grantedScopes() };
    }),
  ],
  [
    'GET',
    /^\/shops\/([^/]+)\/deliveries$/,
    withShop((shop) => ({
      pending: shop.pendingDeliveries().length,
      dropped: shop.droppedDeliveries().length,
      attempts: shop.deliveryAttempts(),
    })),
  ],
  [
    'POST',
    /^\/shops\/([^/]+)\/deliveries\/flush$/,
    withShop(async (shop) => {
      await shop.flushDeliveries();
      return { ok: true };
    }),
  ],
  [
    'POST',
    /^\/shops\/([^/]+)\/deliveries\/redeliver$/,
    withShop(async (shop) => ({ redelivered: await shop.redeliver() })),
  ],
  ['POST', /^\/shops\/([^/]+)\/deliveries\/take$/, withShop((shop) => shop.takeDeliveries())],
  ['GET', /^\/shops\/([^/]+)\/deprecations$/, withShop((shop) => shop.deprecationsUsed())],
  ['GET', /^\/shops\/([^/]+)\/requests$/, withShop((shop) => shop.requests())],
  ['GET', /^\/shops\/([^/]+)\/webhook-subscriptions$/, withShop((shop) => shop.webhookSubscriptions())],
  [
    'DELETE',
    /^\/shops\/([^/]+)\/webhook-subscriptions\/([^/]+)$/,
    withShop((shop, _r, [id = '']) => {
      const gid = /^\d+$/.test(id) ? `gid://shopify/WebhookSubscription/${id}` : id;
      if (!shop.deleteWebhookSubscription(gid)) throw new ControlError(404, `No webhook subscription ${gid}`);
      return { deleted: gid };
    }),
  ],
  [
    'PUT',
    /^\/shops\/([^/]+)\/compliance-uri$/,
    withShop(async (shop, request) => {
      shop.setComplianceUri((await parseJson(request, complianceUriSchema)).uri);
      return { ok: true };
    }),
  ],
  [
    'POST',
    /^\/shops\/([^/]+)\/compliance\/(customers-redact|customers-data-request|shop-redact)$/,
    withShop(async (shop, request, [kind = '']) => {
      const topic = complianceTopicOf[kind as keyof typeof complianceTopicOf];
      const { customerId, orderIds } = await parseJson(request, complianceRequestSchema);
      if (topic !== 'shop/redact' && customerId === undefined)
        throw new ControlError(400, `${topic} needs a customerId`);
      try {
        shop.requestCompliance(topic, topic === 'shop/redact' ? undefined : customerId, orderIds);
      } catch (error) {
        throw new ControlError(409, (error as Error).message);
      }
      await shop.flushDeliveries();
      return { sent: topic };
    }),
  ],
  [
    'POST',
    /^\/shops\/([^/]+)\/uninstall$/,
    withShop((shop) => {
      shop.uninstall();
      return { ok: true };
    }),
  ],
  ...recordRoutes,
];

/** JSON control API under /_simulator, for the local runtime and curl. Local use only: no auth. */
export async function handleControl(
  request: IncomingMessage,
  response: ServerResponse,
  path: string,
  deps: ControlApiDeps,
): Promise<void> {
  const method = request.method ?? 'GET';
  const subPath = path.slice(controlPrefix.length) || '/';
  try {
    for (const [routeMethod, pattern, handler] of routes) {
      const match = pattern.exec(subPath);
      if (!match || routeMethod !== method) continue;
      const params = match.slice(1).map((part) => decodeURIComponent(part));
      return sendJson(response, 200, await handler(request, params, deps));
    }
    throw new ControlError(404, `No control route ${method} ${subPath}`);
  } catch (error) {
    if (error instanceof ControlError) {
      return sendJson(response, error.status, {
        error: error.message,
        ...(error.issues ? { issues: error.issues } : {}),
      });
    }
    if (error instanceof SimRecordNotFoundError) return sendJson(response, 404, { error: error.message });
    if (error instanceof z.ZodError)
      return sendJson(response, 400, { error: 'Invalid input', issues: z.treeifyError(error) });
    if (error instanceof Error && /already exists/.test(error.message))
      return sendJson(response, 409, { error: error.message });
    throw error;
  }
}
