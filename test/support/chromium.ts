import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

/**
 * Debian's chromium, driven by playwright-core: nothing here downloads a browser. CI installs the
 * package (.ci/run); elsewhere a machine without it skips the browser tests with this reason.
 */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const chromiumMissing = (): string | undefined => {
  if (existsSync(chromiumPath)) return undefined;
  const reason = `No Chromium at ${chromiumPath} (apt-get install chromium, or set CHROMIUM_PATH)`;
  // CI must run the browser tests: a missing browser there is a failure, not a skip.
  if (process.env.CI) throw new Error(`${reason}: CI requires it`);
  return reason;
};

export const screenshotDir = path.resolve('test-output/screenshots');

export interface Browser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** A fresh profile every time, and none of the background traffic a first run would start. */
export async function launchChromium(): Promise<Browser> {
  const profile = await mkdtemp(path.join(tmpdir(), 'shopify-sync-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1440, height: 820 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
