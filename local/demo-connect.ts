import { type CallResult, createShopifySyncClient } from '../client/index.js';
import type { DemoShop } from './shopify-backend.js';

/**
 * Connects the demo store through the real `POST /integrations` route (with the typed client, as
 * a backend would) and follows its initial sync through the sync-runs API, so `npm start` ends
 * with a mirrored store.
 */
export const DEMO_ORGANIZATION = 'org-demo';

export type RunView = CallResult<'getSyncRun'>['body'];

export async function connectDemoStore(
  apiUrl: string,
  shop: Pick<DemoShop, 'shopDomain' | 'accessToken'>,
  options: { onProgress?: (run: RunView) => void; timeoutMs?: number; pollMs?: number } = {},
): Promise<{ integrationId: string; runId: string; run: RunView }> {
  // The local API checks no signature.
  const api = createShopifySyncClient({ apiUrl, credentials: false });
  const { body } = await api.call('connectIntegration', {
    body: { organizationId: DEMO_ORGANIZATION, shopDomain: shop.shopDomain, accessToken: shop.accessToken },
  });
  const { integrationId } = body.integration;
  const { runId } = body;
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  let last = '';
  for (;;) {
    const { body: run } = await api.call('getSyncRun', { path: { integrationId, runId } });
    const shown = JSON.stringify(run);
    if (shown !== last) options.onProgress?.(run);
    last = shown;
    if (run.status !== 'queued' && run.status !== 'running') return { integrationId, runId, run };
    if (Date.now() > deadline) throw new Error(`Initial sync ${runId} still ${run.status} after the timeout`);
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 250));
  }
}
