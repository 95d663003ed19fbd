import { z } from 'zod';
import type { DemoShop } from './shopify-backend.js';

/**
 * Connects the demo store through the real `POST /organizations/{organizationId}/integrations` route (as a user would with curl)
 * and follows its initial sync through the sync-runs API, so `npm start` ends with a mirrored store.
 */
export const DEMO_ORGANIZATION = 'org-demo';

const connected = z.object({
  integration: z.object({ integrationId: z.string() }),
  runId: z.string(),
});

const runView = z.object({
  status: z.enum(['queued', 'running', 'succeeded', 'failed', 'skipped']),
  resources: z
    .record(
      z.string(),
      z.object({ status: z.string(), pages: z.number(), seen: z.number(), written: z.number() }),
    )
    .optional(),
  lastError: z.string().optional(),
});
export type RunView = z.infer<typeof runView>;

const readJson = async <T>(response: Response, schema: z.ZodType<T>, what: string): Promise<T> => {
  const text = await response.text();
  if (!response.ok) throw new Error(`${what} answered ${response.status}: ${text.slice(0, 300)}`);
  return schema.parse(JSON.parse(text));
};

export async function connectDemoStore(
  apiUrl: string,
  shop: Pick<DemoShop, 'shopDomain' | 'accessToken'>,
  options: { onProgress?: (run: RunView) => void; timeoutMs?: number; pollMs?: number } = {},
): Promise<{ integrationId: string; runId: string; run: RunView }> {
  const { integration, runId } = await readJson(
    await fetch(`${apiUrl}/organizations/${DEMO_ORGANIZATION}/integrations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ shopDomain: shop.shopDomain, accessToken: shop.accessToken }),
    }),
    connected,
    'POST /organizations/{organizationId}/integrations',
  );
  const { integrationId } = integration;
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  let last = '';
  for (;;) {
    const run = await readJson(
      await fetch(
        `${apiUrl}/organizations/${DEMO_ORGANIZATION}/integrations/${integrationId}/sync-runs/${runId}`,
      ),
      runView,
      'GET sync run',
    );
    const shown = JSON.stringify(run);
    if (shown !== last) options.onProgress?.(run);
    last = shown;
    if (run.status !== 'queued' && run.status !== 'running') return { integrationId, runId, run };
    if (Date.now() > deadline) throw new Error(`Initial sync ${runId} still ${run.status} after the timeout`);
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 250));
  }
}
