/**
 * Prices bench F1's counts (bench/workers/fleet-day.ts): what a store of each class costs per
 * month, what an idle store's floor is, and the Markdown section of docs/cost.md those numbers
 * fill. The section is only ever written by `npm run bench -- --only F1 --write-cost-doc`, from
 * docs/cost-counts.json, and test/unit/docs/cost-doc.test.ts renders it again from that file:
 * a number edited by hand fails the test.
 */
import * as prettier from 'prettier';
import type { Usage } from '../../lambdas/adapters/usage-meter.js';

/** us-east-1 list prices, USD. */
export const prices = {
  lambdaRequest: 0.2 / 1e6,
  lambdaGbSecond: 0.0000133334,
  dynamoWriteUnit: 0.625 / 1e6,
  dynamoReadUnit: 0.125 / 1e6,
  sqsRequest: 0.4 / 1e6,
  eventBridgeEvent: 1 / 1e6,
  apiGatewayRequest: 1 / 1e6,
  logGbIngested: 0.5,
  kmsRequest: 0.03 / 10_000,
  secretsManagerCall: 0.05 / 10_000,
} as const;

export const priceSources = [
  [
    'Lambda (arm64)',
    '$0.20 per million requests, $0.0000133334 per GB-second',
    'https://aws.amazon.com/lambda/pricing/',
  ],
  [
    'DynamoDB on-demand',
    '$0.625 per million write units, $0.125 per million read units',
    'https://aws.amazon.com/dynamodb/pricing/on-demand/',
  ],
  ['SQS standard', '$0.40 per million requests', 'https://aws.amazon.com/sqs/pricing/'],
  ['EventBridge custom events', '$1.00 per million events', 'https://aws.amazon.com/eventbridge/pricing/'],
  ['API Gateway HTTP API', '$1.00 per million requests', 'https://aws.amazon.com/api-gateway/pricing/'],
  ['CloudWatch Logs', '$0.50 per GB ingested', 'https://aws.amazon.com/cloudwatch/pricing/'],
  ['KMS', '$0.03 per 10,000 requests', 'https://aws.amazon.com/kms/pricing/'],
  ['Secrets Manager', '$0.05 per 10,000 API calls', 'https://aws.amazon.com/secrets-manager/pricing/'],
] as const;

/** When the prices above were taken (the first version of docs/cost.md); not re-checked since. */
export const pricesAsOf = '2026-12-07';

/** Memory of each function, as lib/constructs declares it (the sync worker 1,024 MB, the rest 512). */
const memoryGb: Record<string, number> = {
  'local-syncWorker': 1,
  'local-webhook': 0.5,
  'local-api': 0.5,
  'local-fanOut': 0.5,
  'local-healthCheck': 0.5,
};

/**
 * Billed time is modelled, not taken from the local run (its clock measures a shared two-core
 * machine and a simulator on localhost): a function waits on every request it makes. Upper
 * bound: requests a function makes concurrently (a page's writes) are counted one after another.
 */
export const latencyModel = {
  /** Each invocation's own work, before and after its requests. */
  invocationMs: 10,
  /** One Shopify Admin GraphQL round trip from a Lambda (assumed; Shopify publishes none). */
  shopifyCallMs: 120,
  /** One AWS API request from inside the region (DynamoDB's single-digit ms, SQS and KMS alike). */
  awsRequestMs: 6,
} as const;

const awsServices = ['dynamodb', 'sqs', 'eventbridge', 'kms', 'secretsmanager'] as const;

const sumOf = (usage: Usage, prefix: string) =>
  Object.entries(usage)
    .filter(([counter]) => counter.startsWith(prefix))
    .reduce((sum, [, amount]) => sum + amount, 0);

/** GB-seconds the model bills for `usage`, per function. */
export const gbSecondsOf = (usage: Usage): number => {
  let gbSeconds = 0;
  for (const [fn, gb] of Object.entries(memoryGb)) {
    const invocations = usage[`lambda.invocations.${fn}`] ?? 0;
    const shopify = usage[`calls.${fn}.shopify`] ?? 0;
    const aws = awsServices.reduce((sum, service) => sum + (usage[`calls.${fn}.${service}`] ?? 0), 0);
    const ms =
      invocations * latencyModel.invocationMs +
      shopify * latencyModel.shopifyCallMs +
      aws * latencyModel.awsRequestMs;
    gbSeconds += (ms / 1000) * gb;
  }
  return gbSeconds;
};

export interface CostLines {
  readonly lambdaRequests: number;
  readonly lambdaDuration: number;
  readonly dynamoWrites: number;
  readonly dynamoReads: number;
  readonly sqs: number;
  readonly eventBridge: number;
  readonly apiGateway: number;
  readonly logs: number;
  readonly kmsAndSecrets: number;
}

export const costLinesOf = (usage: Usage): CostLines => ({
  lambdaRequests: sumOf(usage, 'lambda.invocations.') * prices.lambdaRequest,
  lambdaDuration: gbSecondsOf(usage) * prices.lambdaGbSecond,
  dynamoWrites: (usage['dynamodb.writeUnits'] ?? 0) * prices.dynamoWriteUnit,
  dynamoReads: (usage['dynamodb.readUnits'] ?? 0) * prices.dynamoReadUnit,
  sqs: (usage['sqs.requests'] ?? 0) * prices.sqsRequest,
  eventBridge: (usage['eventbridge.events'] ?? 0) * prices.eventBridgeEvent,
  apiGateway: (usage['apigateway.requests'] ?? 0) * prices.apiGatewayRequest,
  logs: ((usage['logs.bytes'] ?? 0) / 1024 ** 3) * prices.logGbIngested,
  kmsAndSecrets:
    (usage['kms.requests'] ?? 0) * prices.kmsRequest +
    (usage['secretsmanager.requests'] ?? 0) * prices.secretsManagerCall,
});

export const totalOf = (lines: CostLines): number =>
  (Object.values(lines) as number[]).reduce((sum, value) => sum + value, 0);

const scale = (usage: Usage, factor: number): Usage =>
  Object.fromEntries(Object.entries(usage).map(([counter, amount]) => [counter, amount * factor]));

const HOURS_PER_MONTH = 730;

/** The floor of an idle store, per hour: one Admin call, one worker invocation, one conditional write. */
export const idleFloorPerHour: Usage = {
  'lambda.invocations.local-syncWorker': 1,
  'calls.local-syncWorker.shopify': 1,
  'calls.local-syncWorker.dynamodb': 1,
  'shopify.requests': 1,
  'dynamodb.requests': 1,
  'dynamodb.writeUnits': 1,
};

/** What the fleet-day worker prints (bench/workers/fleet-day.ts FleetDayResult), as stored. */
export interface FleetCounts {
  readonly hours: number;
  readonly storesTotal: number;
  readonly classes: Readonly<Record<string, { readonly stores: number; readonly usage: Usage }>>;
  readonly fleet: Usage;
  /** What each class was (seeded records, changes per hour), for the reader. */
  readonly classSizes: Readonly<Record<string, string>>;
  readonly measuredAt: string;
  readonly commit: string;
}

export interface ClassCost {
  readonly cls: string;
  readonly stores: number;
  /** Per store and month: the store's own requests, and its share of the fleet's. */
  readonly perStoreMonth: CostLines;
  readonly fleetShareMonth: number;
  readonly totalMonth: number;
  /** Per store and hour, the counts behind it. */
  readonly perHour: Usage;
}

export const classCosts = (counts: FleetCounts): ClassCost[] => {
  const fleetPerStoreMonth = scale(counts.fleet, HOURS_PER_MONTH / counts.hours / counts.storesTotal);
  const fleetShareMonth = totalOf(costLinesOf(fleetPerStoreMonth));
  return Object.entries(counts.classes).map(([cls, { stores, usage }]) => {
    const perHour = scale(usage, 1 / counts.hours / Math.max(1, stores));
    const perStoreMonth = costLinesOf(scale(perHour, HOURS_PER_MONTH));
    return {
      cls,
      stores,
      perStoreMonth,
      fleetShareMonth,
      totalMonth: totalOf(perStoreMonth) + fleetShareMonth,
      perHour,
    };
  });
};

export const idleFloorMonth = (): number => totalOf(costLinesOf(scale(idleFloorPerHour, HOURS_PER_MONTH)));

/** An idle store's cost (its own requests and its fleet share) over its floor. */
export const idleRatio = (counts: FleetCounts): number => {
  const idle = classCosts(counts).find((c) => c.cls === 'idle');
  return idle ? idle.totalMonth / idleFloorMonth() : Number.NaN;
};

const usd = (value: number) => `$${value < 0.01 ? value.toFixed(5) : value.toFixed(4)}`;
const count = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(2));

export const COST_DOC_BEGIN =
  '<!-- F1 cost counts: generated by `npm run bench -- --only F1 --write-cost-doc`; do not edit -->';
export const COST_DOC_END = '<!-- end of F1 cost counts -->';

/** The generated section of docs/cost.md: the same counts always render the same text. */
export const renderCostSection = (counts: FleetCounts): string => {
  const costs = classCosts(counts);
  const idle = costs.find((c) => c.cls === 'idle');
  const floor = idleFloorMonth();
  const row = (name: string, value: (c: ClassCost) => string) =>
    `| ${name} | ${costs.map(value).join(' | ')} |`;
  const counter = (name: string, key: string) => row(name, (c) => count(c.perHour[key] ?? 0));
  const line = (name: string, key: keyof CostLines) => row(name, (c) => usd(c.perStoreMonth[key]));
  const lines = [
    COST_DOC_BEGIN,
    '',
    `Prices: us-east-1 list prices as recorded on ${pricesAsOf}, not re-checked since (the bench machine has no network).`,
    '',
    '| Service | Price | Source |',
    '|---|---|---|',
    ...priceSources.map(([service, price, url]) => `| ${service} | ${price} | <${url}> |`),
    '',
    `Measured by bench F1 at commit ${counts.commit} on ${counts.measuredAt}: ${counts.storesTotal} stores on the local runtime, ${counts.hours} hourly rounds with the clock moved an hour between them.`,
    '',
    `| class | ${costs.map((c) => c.cls).join(' | ')} |`,
    `|---|${costs.map(() => '---:').join('|')}|`,
    row('stores', (c) => String(c.stores)),
    row('what each is', (c) => counts.classSizes[c.cls] ?? ''),
    '| **per store and hour** |' + costs.map(() => ' |').join(''),
    counter('worker invocations', 'lambda.invocations.local-syncWorker'),
    counter('webhook invocations', 'lambda.invocations.local-webhook'),
    counter('Shopify Admin calls', 'shopify.requests'),
    counter('Shopify points', 'shopify.points'),
    counter('DynamoDB requests', 'dynamodb.requests'),
    counter('DynamoDB write units', 'dynamodb.writeUnits'),
    ...['Integrations', 'SyncRuns', 'Customers', 'Orders', 'Products', 'Idempotency'].map((table) =>
      counter(`… of which ${table}`, `dynamodb.writeUnits.${table}`),
    ),
    counter('DynamoDB read units', 'dynamodb.readUnits'),
    counter('SQS requests', 'sqs.requests'),
    counter('EventBridge events', 'eventbridge.events'),
    counter('log bytes', 'logs.bytes'),
    '| **per store and month** |' + costs.map(() => ' |').join(''),
    line('Lambda requests', 'lambdaRequests'),
    line('Lambda duration (modelled)', 'lambdaDuration'),
    line('DynamoDB writes', 'dynamoWrites'),
    line('DynamoDB reads', 'dynamoReads'),
    line('SQS', 'sqs'),
    line('EventBridge', 'eventBridge'),
    line('API Gateway', 'apiGateway'),
    line('CloudWatch Logs', 'logs'),
    line('KMS and Secrets Manager', 'kmsAndSecrets'),
    row('share of the fleet’s work', (c) => usd(c.fleetShareMonth)),
    row('**total**', (c) => `**${usd(c.totalMonth)}**`),
    '',
    `An idle store's floor (one Admin call, one worker invocation, one conditional write an hour) is ${usd(floor)} a month; an idle store costs **${idle ? (idle.totalMonth / floor).toFixed(2) : 'n/a'}×** its floor.`,
    '',
    COST_DOC_END,
  ];
  return lines.join('\n');
};

/** docs/cost.md with its generated section replaced by `section`. */
export const withCostSection = (doc: string, section: string): string => {
  const begin = doc.indexOf(COST_DOC_BEGIN);
  const end = doc.indexOf(COST_DOC_END);
  if (begin === -1 || end === -1 || end < begin)
    throw new Error('docs/cost.md has no generated F1 section (its markers are missing)');
  return doc.slice(0, begin) + section + doc.slice(end + COST_DOC_END.length);
};

/** As the repository's Prettier settings lay it out (`npm run lint` checks every Markdown file). */
export const formatAs = async (text: string, filepath: string): Promise<string> => {
  const options = (await prettier.resolveConfig(filepath)) ?? {};
  return prettier.format(text, { ...options, filepath });
};

/** docs/cost.md regenerated from `counts`, laid out as Prettier would. */
export const regeneratedCostDoc = (doc: string, counts: FleetCounts, filepath: string): Promise<string> =>
  formatAs(withCostSection(doc, renderCostSection(counts)), filepath);
