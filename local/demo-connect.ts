import { type CallResult, createShopifySyncClient } from '../client/index.js';
import { z } from 'zod';
import type { DemoShop } from './shopify-backend.js';

/**
 * Connects the demo store through the install flow, the path production takes: the typed client
 * asks `POST /organizations/{organizationId}/installations` for the authorize URL (as a backend
 * would), the "merchant" opens it (the simulator approves at once and redirects), and the
 * browser follows the redirect to `GET /oauth/callback`, which exchanges the code for an expiring
 * token and connects the store. Then the initial sync is followed through the sync-runs API, so
 * `npm start` ends with a mirrored store.
 */
export const DEMO_ORGANIZATION = 'org-demo';

export type RunView = CallResult<'getSyncRun'>['body'];

const installedSchema = z.object({ integrationId: z.string(), runId: z.string() });

/** What a merchant's browser does: open the authorize URL, follow Shopify's redirect to the callback. */
export async function installDemoStore(
  api: ReturnType<typeof createShopifySyncClient>,
  shopDomain: string,
  organizationId: string = DEMO_ORGANIZATION,
): Promise<{ integrationId: string; runId: string }> {
  const { body } = await api.call('startInstallation', { path: { organizationId }, body: { shopDomain } });
  const approval = await fetch(body.authorizeUrl, { redirect: 'manual' });
  const callback = approval.headers.get('location');
  if (approval.status !== 302 || !callback)
    throw new Error(`The authorize URL answered ${approval.status} instead of a redirect to the callback`);
  const answer = await fetch(callback, { redirect: 'manual' });
  if (answer.status !== 200)
    throw new Error(`The install callback answered ${answer.status}: ${await answer.text()}`);
  return installedSchema.parse(await answer.json());
}

export async function connectDemoStore(
  apiUrl: string,
  shop: Pick<DemoShop, 'shopDomain' | 'accessToken'>,
  options: {
    onProgress?: (run: RunView) => void;
    /** How long the run may go without progress (a slow machine is not a stuck run). */
    stallMs?: number;
    pollMs?: number;
  } = {},
): Promise<{ integrationId: string; runId: string; run: RunView }> {
  // The local API checks no signature.
  const api = createShopifySyncClient({ apiUrl, credentials: false });
  const { integrationId, runId } = await installDemoStore(api, shop.shopDomain);
  const stallMs = options.stallMs ?? 120_000;
  let deadline = Date.now() + stallMs;
  let last = '';
  for (;;) {
    const { body: run } = await api.call('getSyncRun', {
      path: { organizationId: DEMO_ORGANIZATION, integrationId, runId },
    });
    const shown = JSON.stringify(run);
    if (shown !== last) {
      options.onProgress?.(run);
      deadline = Date.now() + stallMs;
    }
    last = shown;
    if (run.status !== 'queued' && run.status !== 'running') return { integrationId, runId, run };
    if (Date.now() > deadline)
      throw new Error(
        `Initial sync ${runId} still ${run.status} with no progress for ${stallMs / 1000} s (the console shows it)`,
      );
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 250));
  }
}

/**
 * How many metafields the demo organization's mirror holds on customers, orders and products,
 * read as a backend would: every record through the typed client, page by page.
 */
export async function countMirroredMetafields(
  apiUrl: string,
  organizationId = DEMO_ORGANIZATION,
): Promise<number> {
  const api = createShopifySyncClient({ apiUrl, credentials: false });
  const operations = ['listCustomers', 'listOrders', 'listProducts'] as const;
  let count = 0;
  for (const operation of operations) {
    let cursor: string | undefined;
    do {
      const { body } = await api.call(operation, {
        path: { organizationId },
        query: { limit: 500, ...(cursor !== undefined && { cursor }) },
      });
      for (const item of body.items) count += item.metafields?.length ?? 0;
      cursor = body.nextCursor ?? undefined;
    } while (cursor !== undefined);
  }
  return count;
}
