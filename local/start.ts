import { parseArgs } from 'node:util';
import { z } from 'zod';
import { apiRoutes } from '../lambdas/handlers/catalog.js';
import { localDefaults } from './config.js';
import { shopifyEventSourcePattern } from '../lambdas/core/webhooks/eventbridge-delivery.js';
import { connectDemoStore, DEMO_ORGANIZATION } from './demo-connect.js';
import { JavaMissingError } from './dynamodb-local.js';
import { type LocalRuntime, type LocalRuntimeOptions, startLocalRuntime } from './runtime.js';

/**
 * `npm start`: the whole system in one process, on its embedded defaults. Settings come from the
 * environment (and `--schedule-every N`); see README "Local runtime".
 */
const port = z.coerce.number().int().min(0).max(65_535);
const settingsSchema = z.object({
  API_PORT: port.default(localDefaults.apiPort),
  AWS_LOCAL_PORT: port.default(localDefaults.awsPort),
  DYNAMODB_ENDPOINT: z.url().optional(),
  DYNAMODB_LOCAL_PORT: port.default(localDefaults.dynamoPort),
  SHOPIFY_SIMULATOR_PORT: port.default(localDefaults.shopifySimulatorPort),
  SHOPIFY_ADMIN_URL_TEMPLATE: z
    .string()
    .refine((t) => t.includes('{shop}') && t.includes('{version}'), 'must contain {shop} and {version}')
    .optional(),
  SHOPIFY_APP_SECRET: z.string().min(1).optional(),
  // Metrics go to CloudWatch as EMF log lines; locally they would only bury the logs.
  POWERTOOLS_METRICS_DISABLED: z.enum(['true', 'false']).default('true'),
  SCHEDULE_EVERY_SECONDS: z.coerce.number().int().min(1).optional(),
  TABLE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]*$/)
    .default(localDefaults.tablePrefix),
  // CDK context webhookDelivery / shopifyEventSource, locally.
  WEBHOOK_DELIVERY: z.enum(['https', 'eventbridge']).default('https'),
  SHOPIFY_EVENT_SOURCE: z
    .string()
    .regex(shopifyEventSourcePattern, 'must be aws.partner/shopify.com/<app id>/<name>')
    .optional(),
});

class InvalidSettingsError extends Error {
  override readonly name = 'InvalidSettingsError';
}

function readSettings(): LocalRuntimeOptions & { connectDemo: boolean } {
  const { values } = parseArgs({
    options: { 'schedule-every': { type: 'string' }, 'no-connect': { type: 'boolean' } },
    strict: true,
  });
  const env = Object.fromEntries(Object.entries(process.env).filter(([, value]) => value !== ''));
  const parsed = settingsSchema.safeParse({
    ...env,
    ...(values['schedule-every'] && { SCHEDULE_EVERY_SECONDS: values['schedule-every'] }),
  });
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `  ${issue.path.join('.')}: ${issue.message}`)
      .join('\n');
    throw new InvalidSettingsError(`Invalid local runtime settings:\n${problems}`);
  }
  const settings = parsed.data;
  return {
    connectDemo: !values['no-connect'],
    apiPort: settings.API_PORT,
    lambdaEnv: { POWERTOOLS_METRICS_DISABLED: settings.POWERTOOLS_METRICS_DISABLED },
    tablePrefix: settings.TABLE_PREFIX,
    awsPort: settings.AWS_LOCAL_PORT,
    ...(settings.DYNAMODB_ENDPOINT
      ? { dynamoEndpoint: settings.DYNAMODB_ENDPOINT }
      : { dynamoPort: settings.DYNAMODB_LOCAL_PORT }),
    ...(settings.SHOPIFY_SIMULATOR_PORT !== undefined && {
      shopifySimulatorPort: settings.SHOPIFY_SIMULATOR_PORT,
    }),
    ...(settings.SHOPIFY_ADMIN_URL_TEMPLATE && {
      shopifyAdminUrlTemplate: settings.SHOPIFY_ADMIN_URL_TEMPLATE,
    }),
    ...(settings.SHOPIFY_APP_SECRET && { shopifyAppSecret: settings.SHOPIFY_APP_SECRET }),
    ...(settings.SCHEDULE_EVERY_SECONDS && { syncEverySeconds: settings.SCHEDULE_EVERY_SECONDS }),
    webhookDelivery: settings.WEBHOOK_DELIVERY,
    ...(settings.SHOPIFY_EVENT_SOURCE && { shopifyEventSource: settings.SHOPIFY_EVENT_SOURCE }),
  };
}

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
    `    sync queue        ${runtime.syncQueue.url}  (maxReceiveCount ${runtime.syncQueue.deadLetter?.maxReceiveCount}, visibility ${runtime.syncQueue.visibilityTimeoutSeconds} s)`,
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
          `    demo store        ${shop.shopDomain}  (${shop.customers} customers, ${shop.orders} orders, ${shop.products} products)`,
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

async function main(): Promise<void> {
  const options = readSettings();
  const runtime = await startLocalRuntime(options);
  console.log(banner(runtime, options));
  const shop = runtime.shopify.demoShop;
  if (options.connectDemo && shop) {
    console.log(
      `Connecting ${shop.shopDomain} to ${DEMO_ORGANIZATION} through POST /organizations/${DEMO_ORGANIZATION}/integrations...`,
    );
    connectDemoStore(runtime.apiUrl, shop, {
      onProgress: (run) =>
        console.log(
          `  initial sync ${run.status}: ${
            Object.entries(run.resources ?? {})
              .map(
                ([name, r]) => `${name} ${r.status} (${r.pages} pages, ${r.seen} seen, ${r.written} written)`,
              )
              .join(', ') || 'starting'
          }`,
        ),
    }).then(
      ({ run }) =>
        console.log(
          run.status === 'succeeded'
            ? [
                `Demo store mirrored: ${Object.entries(run.resources ?? {})
                  .map(([name, r]) => `${r.written} ${name}`)
                  .join(', ')}.`,
                ...Object.keys(run.resources ?? {}).map(
                  (name) =>
                    `  curl -s '${runtime.apiUrl}/organizations/${DEMO_ORGANIZATION}/${name}?limit=2'`,
                ),
              ].join('\n')
            : `Initial sync ended ${run.status}${run.lastError ? `: ${run.lastError}` : ''}`,
        ),
      (error: unknown) => console.error(`Connecting the demo store failed: ${(error as Error).message}`),
    );
  }

  let stoppingSince: number | undefined;
  const shutdown = (signal: string) => {
    if (stoppingSince !== undefined) {
      // Ctrl-C reaches us twice (from the terminal and relayed by tsx): only a later one means "now".
      if (Date.now() - stoppingSince < 1000) return;
      console.error(`${signal} again: exiting without waiting`);
      process.exit(130);
    }
    stoppingSince = Date.now();
    console.log(
      `\n${signal}: stopping the scheduler, draining the worker, stopping servers and DynamoDB Local...`,
    );
    runtime.stop().then(
      () => {
        console.log('Stopped.');
        process.exit(0);
      },
      (error: unknown) => {
        console.error('Shutdown failed:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  // Expected failures (no Java, a port in use, bad settings) read best as one line; others need the stack.
  const expected =
    error instanceof JavaMissingError ||
    error instanceof InvalidSettingsError ||
    (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
  console.error(expected ? (error as Error).message : error);
  process.exit(1);
});
