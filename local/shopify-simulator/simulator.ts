import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { adminPathPattern, handleAdminGraphQL } from './admin-api.js';
import { BulkResultFiles, bulkResultsPrefix } from './bulk-operations.js';
import { type Clock, systemClock } from './clock.js';
import { controlPrefix, handleControl } from './control-api.js';
import type { PaginationLimitBehaviour } from './connection.js';
import { listenLocally, refuseForeignHost } from '../local-host.js';
import { sendJson } from './http-io.js';
import { adminSchema, defaultApiVersion } from './schema.js';
import { type CreateShopOptions, SimulatedShop } from './shop.js';
import { OAuthServer, type OAuthSettings, oauthPathPattern } from './oauth.js';
import { EVENTBRIDGE_PAYLOAD_LIMIT_BYTES, type EventBridgeLink } from './webhooks.js';

export interface ShopifySimulatorOptions {
  /** 0 (default) picks a free port. */
  readonly port?: number;
  readonly host?: string;
  /** The app's client secret: signs webhooks of shops created without their own. */
  readonly appSecret?: string;
  /**
   * Versions served; requests for any other version get 404 `{"errors":"Not Found"}`. Shopify
   * itself would fall back to its oldest supported version; a 404 surfaces a mis-pinned client at once.
   */
  readonly apiVersions?: readonly string[];
  readonly clock?: Clock;
  /** Default pagination cap for new shops (Shopify: 25,000). */
  readonly maxPaginatedObjects?: number;
  /** Default for new shops: what a listing does at that cap. */
  readonly paginationLimitBehaviour?: PaginationLimitBehaviour;
  /** The OAuth endpoints' settings: the app's client id, token lifetimes, the static-token cutoff. */
  readonly oauth?: Partial<OAuthSettings>;
}

export interface ShopifySimulator {
  readonly baseUrl: string;
  readonly port: number;
  /** e.g. http://127.0.0.1:PORT/{shop}/admin/api/{version}/graphql.json: the project's SHOPIFY_ADMIN_URL_TEMPLATE. */
  readonly adminUrlTemplate: string;
  readonly controlUrl: string;
  readonly appSecret: string;
  readonly clock: Clock;
  /** e.g. http://127.0.0.1:PORT/{shop}: OAuth at `{shop url}/admin/oauth/…` (SHOPIFY_SHOP_URL_TEMPLATE). */
  readonly shopUrlTemplate: string;
  /** The OAuth endpoints: settings, counters, and faults (dropped answers, expiries). */
  readonly oauth: OAuthServer;
  createShop(options: CreateShopOptions): SimulatedShop;
  /** The control handle of an existing shop; throws if there is none. */
  shop(domain: string): SimulatedShop;
  shops(): SimulatedShop[];
  adminUrl(domain: string, version?: string): string;
  /**
   * Links subscriptions whose `uri` is a partner event source ARN to an EventBridge endpoint
   * (`AWSEvents.PutEvents`), as the Partner Dashboard's association does in AWS. Bodies larger
   * than `payloadLimitBytes` (Shopify: 1,000,000) go as `{ "id": … }` only.
   */
  connectEventBridge(link: { readonly endpointUrl: string; readonly payloadLimitBytes?: number }): void;
  /** Closes the server (keep-alive sockets included) and cancels pending webhook deliveries. */
  stop(): Promise<void>;
}

export const defaultSimulatorAppSecret = 'shopify-simulator-app-secret';

export async function startShopifySimulator(
  options: ShopifySimulatorOptions = {},
): Promise<ShopifySimulator> {
  const host = options.host ?? '127.0.0.1';
  const clock = options.clock ?? systemClock;
  const appSecret = options.appSecret ?? defaultSimulatorAppSecret;
  const apiVersions = options.apiVersions ?? [defaultApiVersion];
  for (const version of apiVersions) adminSchema(version);

  const shops = new Map<string, SimulatedShop>();
  const oauth = new OAuthServer(appSecret, clock, options.oauth);
  const bulkResults = new BulkResultFiles(clock);
  const sleeps = new Set<NodeJS.Timeout>();
  let nextShopId = 60_000_000_001;
  const eventBridge: EventBridgeLink = { payloadLimitBytes: EVENTBRIDGE_PAYLOAD_LIMIT_BYTES };

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        sleeps.delete(timer);
        resolve();
      }, ms);
      sleeps.add(timer);
    });

  const createShop = (shopOptions: CreateShopOptions): SimulatedShop => {
    if (shops.has(shopOptions.shopDomain)) throw new Error(`Shop ${shopOptions.shopDomain} already exists`);
    const shop = new SimulatedShop(
      {
        maxPaginatedObjects: options.maxPaginatedObjects,
        paginationLimitBehaviour: options.paginationLimitBehaviour,
        bulkResults,
        ...shopOptions,
        appSecret: shopOptions.appSecret ?? appSecret,
        numericId: String(nextShopId),
        idBlock: shops.size,
        eventBridge,
      },
      clock,
    );
    nextShopId += 1;
    shops.set(shop.domain, shop);
    if (shopOptions.devDashboardApp) oauth.registerDevDashboardApp(shop.domain, shopOptions.devDashboardApp);
    return shop;
  };

  let adminUrlTemplate = '';
  const adminUrl = (domain: string, version: string = defaultApiVersion) =>
    adminUrlTemplate.replace('{shop}', domain).replace('{version}', version);

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    // Its control API needs no token: a rebinding page must not drive it.
    if (refuseForeignHost(request, response)) return;
    const path = new URL(request.url ?? '/', 'http://simulator').pathname;
    const admin = adminPathPattern.exec(path);
    if (admin) {
      return handleAdminGraphQL(request, response, admin, {
        shops: (domain) => shops.get(domain),
        apiVersions,
        sleep,
        now: () => clock.now(),
        authenticate: (shop, token) => oauth.authenticate(shop, token),
      });
    }
    const oauthMatch = oauthPathPattern.exec(path);
    if (oauthMatch) {
      const shop = shops.get(decodeURIComponent(oauthMatch[1] ?? ''));
      if (!shop) return sendJson(response, 404, { errors: 'Not Found' });
      return oauth.handle(request, response, shop, oauthMatch[2]!);
    }
    if (path.startsWith(bulkResultsPrefix) && request.method === 'GET')
      return bulkResults.serve(path, response);
    if (path === controlPrefix || path.startsWith(`${controlPrefix}/`)) {
      return handleControl(request, response, path, {
        createShop,
        shops: (d) => shops.get(d),
        adminUrl: (d) => adminUrl(d),
      });
    }
    sendJson(response, 404, { errors: 'Not Found' });
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      console.error('shopify-simulator: request failed', error);
      if (!response.headersSent) sendJson(response, 500, { errors: 'Internal Server Error' });
      else response.destroy();
    });
  });

  const port = await listenLocally(server, options.port, host);
  const baseUrl = `http://${host}:${port}`;
  adminUrlTemplate = `${baseUrl}/{shop}/admin/api/{version}/graphql.json`;
  bulkResults.baseUrl = baseUrl;

  return {
    baseUrl,
    port,
    adminUrlTemplate,
    controlUrl: `${baseUrl}${controlPrefix}`,
    appSecret,
    clock,
    shopUrlTemplate: `${baseUrl}/{shop}`,
    oauth,
    createShop,
    shop(domain) {
      const shop = shops.get(domain);
      if (!shop) throw new Error(`No simulated shop ${domain}`);
      return shop;
    },
    shops: () => [...shops.values()],
    adminUrl,
    connectEventBridge(link) {
      eventBridge.endpointUrl = link.endpointUrl;
      eventBridge.payloadLimitBytes = link.payloadLimitBytes ?? EVENTBRIDGE_PAYLOAD_LIMIT_BYTES;
    },
    async stop() {
      for (const timer of sleeps) clearTimeout(timer);
      sleeps.clear();
      await Promise.all([...shops.values()].map((shop) => shop.outbox.close()));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
