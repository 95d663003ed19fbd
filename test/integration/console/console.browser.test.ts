import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import { type LocalRuntime, startLocalRuntime } from '../../../local/runtime.js';
import { type Browser, chromiumMissing, launchChromium, screenshotDir } from '../../support/chromium.js';
import { isolatedRuntime } from '../../support/local-runtime.js';

/**
 * The status console in a real browser, on the local runtime with the real handlers, as a
 * developer would use it after `npm start`: connect the demo store, watch the initial sync reach
 * 100%, sync again, read the history, redrive a dead-lettered sync.
 */
const skipReason = chromiumMissing();
if (skipReason) console.warn(`Skipping the console browser tests: ${skipReason}`);

let runtime: LocalRuntime;
let browser: Browser;
let page: Page;
const runtimeLog: string[] = [];
const pageErrors: string[] = [];
beforeEach(() =>
  onTestFailed(async () => {
    console.error([...runtimeLog, ...pageErrors].join('\n'));
    if (page)
      console.error(
        await page
          .locator('main')
          .innerText()
          .catch(() => 'no page'),
      );
  }),
);

/** Waits for the page (a real browser on a shared machine): generous, and polls often. */
const eventually = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 60_000, interval: 100 });

const shot = async (name: string) => {
  await mkdir(screenshotDir, { recursive: true });
  // The page's content only, not the empty viewport below it.
  await page.locator('body').screenshot({ path: path.join(screenshotDir, `${name}.png`) });
};

// A real browser and a real sync on a shared two-core machine: minutes, not seconds, at worst.
describe.skipIf(skipReason !== undefined)('the status console in Chromium', { timeout: 180_000 }, () => {
  beforeAll(async () => {
    runtime = await startLocalRuntime({
      ...isolatedRuntime('con'),
      // The console, not the resources, is under test: a customers-only store syncs in seconds
      // on a busy machine (the orders and products pipelines have their own tests).
      demoShop: { orders: 0, products: 0 },
      resources: ['customers'],
      syncQueue: { pollIntervalMs: 20, workerTimeoutSeconds: 10 },
      lambdaEnv: { POWERTOOLS_LOG_LEVEL: 'WARN', POWERTOOLS_METRICS_DISABLED: 'true' },
      log: (line) => runtimeLog.push(line),
    });
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.on('pageerror', (error) => pageErrors.push(`[page] ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(`[console] ${message.text()}`);
    });
  });
  afterAll(async () => {
    await browser?.close();
    await runtime?.stop();
  });

  const row = () => page.locator('tr[data-shop="demo-store.myshopify.com"]');
  const statusLine = () => page.locator('#status');
  const focused = () =>
    page.evaluate<string | undefined>('document.activeElement?.id || document.activeElement?.textContent');

  it('connects the demo store and shows its initial sync reach 100% without shifting the layout', async () => {
    await page.goto(`${runtime.apiUrl}/console`);
    await eventually(() => page.locator('h2', { hasText: 'Organization org-demo' }).count()).toBe(1);
    await eventually(() => page.locator('.empty').isVisible()).toBe(true);

    const shop = runtime.shopify.demoShop!;
    await page.getByText('Connect a store').click();
    await page.getByLabel('Shop domain').fill(shop.shopDomain);
    await page.getByLabel('Admin API access token').fill(shop.accessToken);
    await page.getByRole('button', { name: 'Connect', exact: true }).click();

    await eventually(() => statusLine().textContent()).toMatch(/^Connected demo-store\.myshopify\.com/);
    await row().waitFor();
    // From here on only live updates happen: measure every layout shift they cause.
    // (a string: this runs in the page, whose DOM types the Node test does not load)
    await page.evaluate(`
      window.shifts = [];
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) window.shifts.push(entry.value);
      }).observe({ type: 'layout-shift' });
    `);
    await eventually(() => row().getAttribute('data-percent')).toBe('100');
    await eventually(() => row().getAttribute('data-run-status')).toBe('succeeded');
    // Every resource at its shop's own count: customers, and whatever else the store mirrors.
    const numbers = (await row().locator('.run-numbers').textContent())!;
    expect(numbers).toMatch(/^100% · \d+ pages · .* · \d+ written$/);
    expect(numbers).toContain(`${shop.customers} of ${shop.customers} customers`);
    for (const [, seen, count] of numbers.matchAll(/(\d+) of (\d+) \w+/g)) expect(seen).toBe(count);
    expect(await row().locator('td').nth(1).textContent()).toBe('active');
    expect(await row().locator('td').nth(4).textContent()).toMatch(/^healthy/);

    const shifts = await page.evaluate<number[]>('window.shifts');
    expect(shifts.reduce((sum, value) => sum + value, 0)).toBeLessThan(0.01);
    await shot('console-connected');
  });

  it('"Sync now" with force queues a run that appears in the history with its counters', async () => {
    await row().getByLabel('Force the sync of demo-store.myshopify.com').check();
    await row().getByRole('button', { name: 'Sync demo-store.myshopify.com now' }).click();
    await eventually(() => statusLine().textContent()).toMatch(/^Sync of demo-store\.myshopify\.com queued/);
    // The new run shows as the store's latest at once, whatever its outcome will be.
    await eventually(() => row().locator('.badge').nth(1).textContent()).toMatch(/ · manual$/);

    await row().getByRole('button', { name: 'History' }).click();
    const history = page.locator('#history-rows tr');
    await eventually(() => history.count()).toBe(2);
    expect(await history.nth(0).locator('td').nth(1).textContent()).toBe('manual');
    expect(await history.nth(1).locator('td').nth(1).textContent()).toBe('initial');
    // The counters shown are the run's own, as the API reports them.
    const initialRunId = await history.nth(1).locator('td').nth(0).getAttribute('title');
    const integrationId = await row().getAttribute('data-integration-id');
    const initialRun = (await (
      await fetch(
        `${runtime.apiUrl}/organizations/org-demo/integrations/${integrationId}/sync-runs/${initialRunId}`,
      )
    ).json()) as { resources: Record<string, { seen: number; written: number }> };
    const sum = (counter: 'seen' | 'written') =>
      Object.values(initialRun.resources).reduce((total, resource) => total + resource[counter], 0);
    expect(initialRun.resources.customers?.seen).toBe(runtime.shopify.demoShop!.customers);
    expect(await history.nth(1).locator('td').nth(6).textContent()).toBe(String(sum('seen')));
    expect(await history.nth(1).locator('td').nth(7).textContent()).toBe(String(sum('written')));
    // The history heading takes the focus, so a keyboard user lands on what they asked for.
    expect(await focused()).toBe('history-title');
    await shot('console-history');
  });

  it('"Check webhooks" reports the subscriptions healthy, and the page is usable from the keyboard', async () => {
    await row().getByRole('button', { name: 'Check the webhooks of demo-store.myshopify.com' }).focus();
    await page.keyboard.press('Enter');
    await eventually(() => statusLine().textContent()).toMatch(
      /^Webhooks of demo-store\.myshopify\.com are healthy/,
    );

    await page.reload();
    await row().waitFor();
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('Skip to the organizations');
  });

  it('shows the dead-letter depth and redrives it back to the sync queue', async () => {
    const integrationId = await row().getAttribute('data-integration-id');
    const sqs = new SQSClient({
      endpoint: runtime.awsEndpoint.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: runtime.deadLetterQueue.url,
        MessageBody: JSON.stringify({ integrationId, trigger: 'schedule' }),
      }),
    );
    // At least the one just dead-lettered (a failing sync of this run may have added its own).
    await eventually(async () =>
      Number(await page.locator('#dlq-depth').textContent()),
    ).toBeGreaterThanOrEqual(1);
    await page.getByRole('button', { name: 'Redrive' }).click();
    await eventually(() => statusLine().textContent()).toMatch(
      /^Redriving [1-9]\d* dead-lettered sync\(s\) to the sync queue\.$/,
    );
    await eventually(() => page.locator('#dlq-depth').textContent()).toBe('0');
    expect(pageErrors).toEqual([]);
  });
});
