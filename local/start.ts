import { apiRoutes } from '../lambdas/handlers/catalog.js';
import { resourceNames } from '../lambdas/resources/registry.js';
import { localDefaults } from './config.js';
import {
  connectDemoStore,
  countMirroredMetafields,
  DEMO_ORGANIZATION,
  type RunView,
} from './demo-connect.js';
import { JavaMissingError, PortInUseError } from './dynamodb-local.js';
import { type LocalRuntime, type LocalRuntimeOptions, startLocalRuntime } from './runtime.js';
import {
  checkPorts,
  InvalidSettingsError,
  PortTakenError,
  readSettings,
  type StartSettings,
} from './start-settings.js';
import { clip, compactLogLine, type TerminalOutput, terminalOutput } from './terminal-output.js';

/**
 * `npm start`: the whole system in one process, on its embedded defaults (settings: start-settings.ts,
 * `npm start -- --help`). Stops everything on Ctrl-C, SIGTERM or SIGHUP within a few seconds; on any
 * other end, a crash or SIGKILL included, DynamoDB Local's watchdog stops the JVM. See README "Local runtime".
 */
const every = (seconds: number) => (seconds % 3600 === 0 ? `${seconds / 3600} h` : `${seconds} s`);

function banner(runtime: LocalRuntime, options: LocalRuntimeOptions): string {
  const env = runtime.lambdaEnv;
  const shop = runtime.shopify.demoShop;
  const pathWidth = Math.max(...apiRoutes.map((r) => r.path.length));
  const lines = [
    '',
    'shopify-sync local runtime',
    '',
    `  Status console      ${runtime.apiUrl}/console`,
    `  OpenAPI document    ${runtime.apiUrl}/openapi.json`,
    `  HTTP API            ${runtime.apiUrl}  (IAM routes: no SigV4 check locally)`,
    ...apiRoutes.map(
      (r) => `    ${r.method.padEnd(7)}${r.path.padEnd(pathWidth)}  ${r.lambda.padEnd(8)}${r.auth}`,
    ),
    `  DynamoDB            ${runtime.dynamoEndpoint}${options.dynamoEndpoint ? '' : '  (DynamoDB Local, in memory)'}`,
    ...Object.values(runtime.tableNames).map((name) => `    ${name}`),
    `  SQS / Secrets Manager / KMS  ${runtime.awsEndpoint.url}`,
    `    sync queue        ${runtime.syncQueue.url}  (long work; maxReceiveCount ${runtime.syncQueue.deadLetter?.maxReceiveCount}, visibility ${runtime.syncQueue.visibilityTimeoutSeconds} s)`,
    `    incremental queue ${runtime.incrementalSyncQueue.url}  (hourly and manual syncs)`,
    `    dead letters      ${runtime.deadLetterQueue.url}`,
    ...(runtime.webhookQueue
      ? [
          `  Webhook delivery    eventbridge: partner bus ${env.SHOPIFY_EVENT_SOURCE_ARN?.split('::event-source/')[1]} → rule → webhook queue → webhookEvents`,
          `    webhook queue     ${runtime.webhookQueue.url}  (dead letters ${runtime.webhookDeadLetterQueue?.url})`,
          `    compliance topics HTTPS, ${env.WEBHOOK_CALLBACK_URL}`,
        ]
      : [`  Webhook delivery    https: ${env.WEBHOOK_CALLBACK_URL}`]),
    `    app secret        ${env.APP_SECRET_ARN}`,
    `    token key         ${env.TOKEN_KEY_ID}`,
    `  Shopify             ${runtime.shopify.simulatorUrl ? `${runtime.shopify.simulatorUrl}  (simulator)` : `${env.SHOPIFY_ADMIN_URL_TEMPLATE}  (external)`}`,
    ...(shop
      ? [
          `    demo store        ${shop.shopDomain}  (${shop.customers} customers, ${shop.orders} orders, ${shop.products} products, ${shop.inventoryItems} inventory items at ${shop.locations} locations, ${shop.collections} collections)`,
          `    access token      ${shop.accessToken}`,
          `    app secret        ${shop.appSecret}  (signs webhooks)`,
        ]
      : []),
    `  Schedules           fan-out every ${every(options.syncEverySeconds ?? localDefaults.syncScheduleSeconds)}, health check every ${every(localDefaults.healthCheckScheduleSeconds)}`,
    '',
    'Handler environment (use it to run scripts against this runtime):',
    ...Object.entries(env)
      .filter(([key]) => !key.startsWith('AWS_') || key.startsWith('AWS_ENDPOINT_URL'))
      .map(([key, value]) => `  ${key}=${value}`),
  ];
  const simulator = runtime.shopify.simulator;
  if (shop && simulator) {
    const api = runtime.apiUrl;
    lines.push(
      '',
      'Try (IAM routes take no signature locally):',
      '  # 1. Query the demo store like Shopify (note extensions.cost.throttleStatus)',
      `  curl -s ${simulator.adminUrl(shop.shopDomain)} \\`,
      `    -H 'X-Shopify-Access-Token: ${shop.accessToken}' -H 'Content-Type: application/json' \\`,
      `    -d '{"query":"{ customers(first: 3) { nodes { id displayName updatedAt } } }"}'`,
      `  # 2. Connect it (done at start-up unless --no-connect; again = reconnect, 200): webhooks + initial sync`,
      `  curl -s -X POST ${api}/organizations/org-demo/integrations -H 'Content-Type: application/json' \\`,
      `    -d '{"shopDomain":"${shop.shopDomain}","accessToken":"${shop.accessToken}"}'`,
      '  # 3. Read the mirrored customers, orders (also by customer) and products',
      `  curl -s '${api}/organizations/org-demo/customers?limit=2'`,
      `  curl -s '${api}/organizations/org-demo/orders?limit=2'`,
      `  curl -s '${api}/organizations/org-demo/orders?customerId=<customer id>'`,
      `  curl -s '${api}/organizations/org-demo/products?updatedSince=2026-01-01T00:00:00Z&limit=2'`,
      '  # 4. Change a customer in the store: the signed customers/update webhook updates the mirror',
      `  curl -s ${simulator.controlUrl}/shops/${shop.shopDomain}/customers   # pick an id`,
      `  curl -s -X PATCH ${simulator.controlUrl}/shops/${shop.shopDomain}/customers/<id> \\`,
      `    -H 'Content-Type: application/json' -d '{"firstName":"Ada"}'`,
      `  curl -s ${api}/organizations/org-demo/customers/<id>`,
    );
  }
  lines.push('', 'Ctrl-C stops everything.', '');
  return lines.join('\n');
}

const resourceLine = (name: string, progress: NonNullable<RunView['resources']>[string], of?: number) =>
  `    ${name.padEnd(10)} ${progress.status.padEnd(10)} ${String(progress.seen).padStart(7)}${of === undefined ? '' : ` of ${of}`} seen, ${progress.written} written, ${progress.pages} pages`;

/**
 * The demo store's initial sync as it goes: on a terminal, one line per resource redrawn in place;
 * otherwise a line only when a resource's status changes (never one per poll).
 */
function syncProgress(output: TerminalOutput, totals: Readonly<Record<string, number>>) {
  const said = new Map<string, string>();
  return (run: RunView) => {
    const resources = Object.entries(run.resources ?? {});
    if (output.live) {
      output.status([
        `  initial sync ${run.status}`,
        ...resources.map(([name, progress]) => resourceLine(name, progress, totals[name])),
      ]);
      return;
    }
    for (const [name, progress] of resources) {
      if (said.get(name) === progress.status) continue;
      said.set(name, progress.status);
      output.line(`  initial sync: ${resourceLine(name, progress, totals[name]).trim()}`);
    }
  };
}

function connectDemo(runtime: LocalRuntime, output: TerminalOutput, stopping: () => boolean): void {
  const shop = runtime.shopify.demoShop;
  if (!shop) return;
  output.line(
    `Connecting ${shop.shopDomain} to ${DEMO_ORGANIZATION} through POST /organizations/${DEMO_ORGANIZATION}/integrations...`,
  );
  const totals = {
    customers: shop.customers,
    orders: shop.orders,
    products: shop.products,
    locations: shop.locations,
    'inventory-items': shop.inventoryItems,
    'inventory-levels': shop.inventoryItems * shop.locations,
    collections: shop.collections,
  };
  connectDemoStore(runtime.apiUrl, shop, { onProgress: syncProgress(output, totals) }).then(
    async ({ run }) => {
      const metafields = run.status === 'succeeded' ? await countMirroredMetafields(runtime.apiUrl) : 0;
      output.clearStatus();
      output.line(
        run.status === 'succeeded'
          ? [
              `Demo store mirrored: ${Object.entries(run.resources ?? {})
                .map(([name, r]) => `${r.written} ${name}`)
                .join(', ')}, with ${metafields} metafields (namespace ${shop.metafieldNamespace}).`,
              ...Object.keys(run.resources ?? {}).map(
                (name) => `  curl -s '${runtime.apiUrl}/organizations/${DEMO_ORGANIZATION}/${name}?limit=2'`,
              ),
            ].join('\n')
          : `Initial sync ended ${run.status}${run.lastError ? `: ${run.lastError}` : ''}`,
      );
    },
    (error: unknown) => {
      // Stopping cuts the servers under it: that failure is ours, not news.
      if (stopping()) return;
      output.clearStatus();
      output.line(`Connecting the demo store failed: ${(error as Error).message}`);
    },
  );
}

/** Expected failures (no Java, a port in use, bad settings) read best as one paragraph; others need the stack. */
function explain(error: unknown, ports: StartSettings['ports']): string | undefined {
  if (
    error instanceof JavaMissingError ||
    error instanceof InvalidSettingsError ||
    error instanceof PortTakenError
  )
    return error.message;
  if (error instanceof PortInUseError || (error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    const port = (error as { port?: number }).port;
    const setting = ports.find((p) => p.port === port);
    return setting ? new PortTakenError(setting).message : (error as Error).message;
  }
  return undefined;
}

/** How long `npm start` waits for anything when asked to stop: then it exits regardless. */
const stopDeadlineMs = 4000;

async function main(): Promise<void> {
  const settings = readSettings();
  const output = terminalOutput();
  let runtime: LocalRuntime | undefined;
  let stoppingSince: number | undefined;

  const exit = (code: number) => {
    output.clearStatus();
    // DynamoDB Local's watchdog stops the JVM as soon as this process is gone, whatever happens next.
    process.exit(code);
  };
  const stop = (reason: string, code: number) => {
    if (stoppingSince !== undefined) {
      // Ctrl-C reaches us twice (from the terminal and relayed by tsx): only a later one means "now".
      if (Date.now() - stoppingSince < 1000) return;
      output.line(`${reason} again: exiting without waiting`);
      exit(code || 130);
    }
    stoppingSince = Date.now();
    output.clearStatus();
    output.line(`\n${reason}: stopping...`);
    setTimeout(() => {
      output.line(`Still stopping after ${stopDeadlineMs / 1000} s: exiting anyway`);
      exit(code || 1);
    }, stopDeadlineMs).unref();
    (runtime?.stop({ drainMs: 1000 }) ?? Promise.resolve()).then(
      () => {
        output.line('Stopped.');
        exit(code);
      },
      (error: unknown) => {
        output.line(`Some services did not stop cleanly: ${String(error)}`);
        exit(code || 1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT', 0));
  process.on('SIGTERM', () => stop('SIGTERM', 0));
  // The terminal went away: nobody is watching, stop as for Ctrl-C.
  process.on('SIGHUP', () => stop('SIGHUP', 0));
  const crash = (error: unknown) => {
    // While stopping, work left in flight fails as its servers go: the deadline ends it all anyway.
    if (stoppingSince !== undefined) return;
    output.clearStatus();
    console.error(explain(error, settings.ports) ?? error);
    stop('Crashed', 1);
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  // npm (or whatever started us) killed outright sends no signal: we are only re-parented.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) stop('Parent process gone', 0);
  }, 1000).unref();

  try {
    await checkPorts(settings.ports);
    runtime = await startLocalRuntime({
      // The demo mirrors every resource, the opt-in ones (locations, inventory) too.
      resources: resourceNames,
      metafieldNamespaces: localDefaults.demoMetafieldNamespaces,
      ...settings.runtime,
      log: (line) => output.line(settings.verbose ? line : clip(line)),
      ...(!settings.verbose && { onHandlerLog: (event) => output.line(compactLogLine(event)) }),
    });
  } catch (error) {
    console.error(explain(error, settings.ports) ?? error);
    exit(1);
    return;
  }
  if (stoppingSince !== undefined) return;
  output.line(banner(runtime, settings.runtime));
  if (settings.connectDemo) connectDemo(runtime, output, () => stoppingSince !== undefined);
}

await main();
