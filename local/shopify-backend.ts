import {
  defaultSimulatorClientId,
  type OAuthSettings,
  type ShopifySimulator,
  startShopifySimulator,
} from './shopify-simulator/index.js';

/** The demo store the local runtime seeds, with credentials printed for curl. */
export interface DemoShop {
  readonly shopDomain: string;
  readonly accessToken: string;
  /** The app's client secret: signs the simulator's webhooks, held in the local APP_SECRET_ARN secret. */
  readonly appSecret: string;
  readonly customers: number;
  /** The first order has hundreds of line items; the first product more variants than a page. */
  readonly orders: number;
  readonly products: number;
  /** Stock: every inventory item at every location. */
  readonly locations: number;
  readonly inventoryItems: number;
  /** Hand-picked and tagged collections by turns, with members among the products. */
  readonly collections: number;
  /** Metafields of several types in this namespace on the first customers, orders and products. */
  readonly metafieldNamespace: string;
}

export const defaultDemoShop: DemoShop = {
  shopDomain: 'demo-store.myshopify.com',
  // Fixed, documented values: they only ever unlock the in-process simulator.
  accessToken: 'shpat_00000000000000000000000000demo',
  appSecret: 'shpss_00000000000000000000000000demo',
  customers: 250,
  orders: 120,
  products: 40,
  locations: 2,
  inventoryItems: 60,
  collections: 6,
  metafieldNamespace: 'custom',
};

export interface ShopifyBackend {
  /** Admin GraphQL URL template handed to the handlers (`{shop}`, `{version}`). */
  readonly adminUrlTemplate: string;
  /** A shop's base URL (`{shop}`): OAuth at `{shop url}/admin/oauth/…`. */
  readonly shopUrlTemplate: string;
  /** The app's client id (SHOPIFY_APP_CLIENT_ID): the simulator's own, or the one given. */
  readonly clientId: string;
  /** Set when the runtime started the simulator. */
  readonly simulatorUrl?: string;
  readonly demoShop?: DemoShop;
  /** The Shopify app's client secret, stored in the local APP_SECRET_ARN secret. */
  readonly appSecret: string;
  /** The simulator itself, for tests and tooling that drive it (undefined for an external server). */
  readonly simulator?: ShopifySimulator;
  stop(): Promise<void>;
}

/** Starts the Shopify simulator with the demo store, or points at an external Shopify-compatible server. */
export async function startShopifyBackend(options: {
  adminUrlTemplate?: string;
  /** With an external server: its shops' base URL template (`{shop}`). */
  shopUrlTemplate?: string;
  clientId?: string;
  /** The simulator's OAuth settings (token lifetimes, the static-token cutoff). */
  oauth?: Partial<OAuthSettings>;
  port?: number;
  demoShop: Partial<DemoShop> | false;
  /** The app secret when no demo shop is seeded. */
  appSecret?: string;
}): Promise<ShopifyBackend> {
  if (options.adminUrlTemplate || options.shopUrlTemplate) {
    // An external server signs with its own app's secret: pass it as `appSecret` (SHOPIFY_APP_SECRET).
    const appSecret = options.appSecret ?? defaultDemoShop.appSecret;
    const shopUrlTemplate =
      options.shopUrlTemplate ?? options.adminUrlTemplate!.replace(/\/admin\/api\/.*$/, '');
    return {
      adminUrlTemplate: options.adminUrlTemplate ?? `${shopUrlTemplate}/admin/api/{version}/graphql.json`,
      shopUrlTemplate,
      clientId: options.clientId ?? defaultSimulatorClientId,
      appSecret,
      stop: async () => undefined,
    };
  }
  // One app secret signs every shop's webhooks, as with a real Shopify app.
  const appSecret =
    options.appSecret ?? (options.demoShop || undefined)?.appSecret ?? defaultDemoShop.appSecret;
  const demoShop =
    options.demoShop === false ? undefined : { ...defaultDemoShop, ...options.demoShop, appSecret };
  const simulator = await startShopifySimulator({
    ...(options.port !== undefined && { port: options.port }),
    appSecret,
    oauth: { ...options.oauth, ...(options.clientId !== undefined && { clientId: options.clientId }) },
  });
  if (demoShop) {
    simulator.createShop({
      shopDomain: demoShop.shopDomain,
      accessToken: demoShop.accessToken,
      seedCustomers: demoShop.customers,
      seedOrders: demoShop.orders,
      seedProducts: demoShop.products,
      seedInventory: { locations: demoShop.locations, items: demoShop.inventoryItems },
      seedCollections: demoShop.collections,
      seedMetafieldNamespace: demoShop.metafieldNamespace,
    });
  }
  return {
    adminUrlTemplate: simulator.adminUrlTemplate,
    shopUrlTemplate: simulator.shopUrlTemplate,
    clientId: simulator.oauth.settings.clientId,
    simulatorUrl: simulator.baseUrl,
    appSecret: simulator.appSecret,
    ...(demoShop && { demoShop }),
    simulator,
    stop: () => simulator.stop(),
  };
}
