/**
 * Fuzzes POST /webhooks/shopify over real HTTP with a seeded generator: random and mutated
 * bodies, valid and broken signatures, header sets, sizes, base64 transport, shops and topics.
 *
 * How "nothing written for a rejected request" is checked without diffing the table after every
 * request: every request that is not a plain valid delivery names a customer id of its own from a
 * range no valid delivery uses. After the run, a Customers item with such an id must belong to a
 * request that was answered 2xx and not ignored; and the Idempotency table may have grown only by
 * the deliveries of the connected shop that were answered 2xx.
 */
import { SHOPIFY_API_VERSION } from '../../lambdas/shopify/api-version.js';
import { createHmac, randomUUID } from 'node:crypto';
import { MAX_BODY_BYTES } from '../../lambdas/core/webhooks/delivery.js';
import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { heapAfterGcMiB } from '../support/heap.js';
import { Random } from '../support/random.js';
import type { BenchRuntime } from '../support/runtime.js';

export interface FuzzTarget {
  readonly url: string;
  /** A connected, ACTIVE shop and the secret its webhooks are signed with. */
  readonly shopDomain: string;
  readonly appSecret: string;
  readonly doc: DynamoDBDocumentClient;
  readonly customersTable: string;
  /** Every resource table: a rejected request must write to none of them. */
  readonly recordTables: readonly string[];
  readonly idempotencyTable: string;
}

/** The local runtime's webhook route and tables, for a shop already connected on it. */
export const fuzzTargetOf = (bench: BenchRuntime, shopDomain: string): FuzzTarget => ({
  url: bench.webhookUrl,
  shopDomain,
  appSecret: bench.simulator.appSecret,
  doc: bench.doc,
  customersTable: bench.runtime.tableNames.Customers,
  recordTables: [
    bench.runtime.tableNames.Customers,
    bench.runtime.tableNames.Orders,
    bench.runtime.tableNames.Products,
  ],
  idempotencyTable: bench.runtime.tableNames.Idempotency,
});

export interface FuzzOptions {
  readonly requests: number;
  readonly seed: number;
  readonly concurrency?: number;
  readonly onProgress?: (done: number) => void;
  /** Called before each heap measurement: lets go of what the harness itself records (logs, metrics). */
  readonly beforeHeapCheck?: () => void;
}

/** What a request is meant to be; decides what the answer may be. */
type Intent =
  | 'valid' // signed, known shop, well-formed: 200 and may write
  | 'valid-base64' // the same, sent as binary so API Gateway base64-encodes it
  | 'unknown-shop' // signed with the app secret for a shop we do not know: 2xx ignored, no write
  | 'bad-signature' // well-formed body, wrong/absent/garbled signature: 401
  | 'bad-body' // correctly signed, odd body or headers: a 4xx, or (policy) a lenient accept
  | 'oversized'; // over the body limit: 413 (or 4xx)

interface FuzzRequest {
  readonly intent: Intent;
  /** Which variation produced it, for reports. */
  readonly label: string;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
  readonly webhookId: string;
}

export interface FuzzViolation {
  readonly index: number;
  readonly intent: Intent;
  readonly label: string;
  readonly status: number;
  readonly problem: string;
}

export interface FuzzReport {
  readonly requests: number;
  readonly byIntent: Record<string, number>;
  readonly byStatus: Record<string, number>;
  readonly violations: readonly FuzzViolation[];
  /** Customers items written by requests that were rejected or ignored. */
  readonly poisonWrites: number;
  /** Signed, known-shop deliveries with an odd but parseable body that were accepted (by label). */
  readonly lenientAcceptances: Record<string, number>;
  readonly idempotencyGrowth: number;
  /** 2xx answers to signed deliveries of the connected shop: the only ones allowed to write. */
  readonly acceptedDeliveries: number;
  readonly finalRequestStatus: number;
  readonly finalRequestStored: boolean;
  readonly rssBeforeMiB: number;
  readonly rssAfterMiB: number;
  /**
   * Heap in use after a full GC once a fifth of the requests were answered (caches, JIT and pools
   * warm) and again after the last one: growth between the two is what is kept per request.
   */
  readonly heapAfterGcMiB: { readonly warm: number; readonly end: number; readonly warmAt: number };
  readonly elapsedMs: number;
}

const GOOD_ID_BASE = 7_200_000_000_000_000_000n;
const POISON_ID_BASE = 7_900_000_000_000_000_000n;
/** The request index a probe id belongs to, or undefined for any other id. */
const probeIndex = (id: string): number | undefined =>
  /^\d+$/.test(id) && BigInt(id) >= POISON_ID_BASE ? Number(BigInt(id) - POISON_ID_BASE) : undefined;

const topics = [
  'customers/create',
  'customers/update',
  'customers/delete',
  'orders/create',
  'orders/updated',
  'orders/delete',
  'products/create',
  'products/update',
  'products/delete',
];
const oddTopics = [
  'orders/edited',
  'products/',
  'customers/merge',
  'CUSTOMERS_UPDATE',
  '',
  'customers/',
  '../etc',
  'x'.repeat(300),
];

const fuzzText = (random: Random) =>
  random.pick(['Ada', 'Zoë', '李', "O'Brien", '', 'a"b', '\u0000', '😀', 'x'.repeat(random.int(1, 200))]);

const orderJson = (random: Random, id: bigint, updatedAt: string): string => {
  const money = (amount: string) => ({ amount, currency_code: 'USD' });
  const set = (amount: string) => ({ shop_money: money(amount), presentment_money: money(amount) });
  const fields = JSON.stringify({
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    name: `#${random.int(1000, 99999)}`,
    email: random.chance(0.8) ? `f${random.int(1, 1e6)}@example.com` : null,
    customer: null,
    financial_status: random.pick(['paid', 'pending', 'refunded', null]),
    fulfillment_status: random.pick([null, 'partial', 'fulfilled']),
    currency: 'USD',
    presentment_currency: 'USD',
    total_price_set: set(random.pick(['10.00', '0.1', '99999999999999.99'])),
    current_total_price_set: set('10.00'),
    line_items: Array.from({ length: random.int(0, 3) }, (_, i) => ({
      id: 13_000_000 + i,
      title: fuzzText(random),
      quantity: random.int(1, 5),
      sku: null,
      price_set: { shop_money: money('3.33') },
      discount_allocations: [],
    })),
    tags: random.chance(0.5) ? fuzzText(random) : '',
    note: random.chance(0.5) ? null : fuzzText(random),
    processed_at: '2025-01-01T10:00:00-05:00',
    created_at: '2025-01-01T10:00:00-05:00',
    updated_at: updatedAt,
  });
  return `{"id":${id},${fields.slice(1)}`;
};

const productJson = (random: Random, id: bigint, updatedAt: string): string => {
  const fields = JSON.stringify({
    admin_graphql_api_id: `gid://shopify/Product/${id}`,
    title: fuzzText(random),
    handle: `p-${random.int(1, 1e6)}`,
    vendor: random.chance(0.5) ? null : fuzzText(random),
    product_type: '',
    status: random.pick(['active', 'draft', 'archived']),
    tags: fuzzText(random),
    options: [{ name: 'Size', values: ['S', 'M'] }],
    variants: [{ id: 45_000_001, title: 'S', sku: '', price: random.pick(['12.50', '0', '7']) }],
    created_at: '2025-01-01T10:00:00-05:00',
    updated_at: updatedAt,
  });
  return `{"id":${id},${fields.slice(1)}`;
};

/** A well-formed body for the topic (REST-shaped, ids as bare 64-bit numbers). */
const bodyFor = (topic: string, random: Random, id: bigint, updatedAt: string): string => {
  const [resource, event] = topic.split('/');
  if (event === 'delete')
    return resource === 'customers'
      ? `{"id":${id},"tax_exemptions":[],"admin_graphql_api_id":"gid://shopify/Customer/${id}"}`
      : `{"id":${id}}`;
  if (resource === 'orders') return orderJson(random, id, updatedAt);
  if (resource === 'products') return productJson(random, id, updatedAt);
  return customerJson(random, id, updatedAt);
};

const sign = (secret: string, body: Buffer) => createHmac('sha256', secret).update(body).digest('base64');

const customerJson = (random: Random, id: bigint, updatedAt: string): string => {
  const text = () =>
    random.pick(['Ada', 'Zoë', '李', "O'Brien", '', 'a"b', '\u0000', '😀', 'x'.repeat(random.int(1, 200))]);
  const fields = JSON.stringify({
    email: random.chance(0.8) ? `f${random.int(1, 1e6)}@example.com` : null,
    created_at: '2025-01-01T10:00:00-05:00',
    updated_at: updatedAt,
    first_name: text(),
    last_name: random.chance(0.2) ? null : text(),
    state: random.pick(['enabled', 'disabled', 'invited', 'declined']),
    note: random.chance(0.5) ? null : text(),
    verified_email: random.chance(0.5),
    multipass_identifier: null,
    tax_exempt: random.chance(0.1),
    phone: random.chance(0.5) ? null : `+1416555${random.int(1000, 9999)}`,
    currency: 'USD',
    addresses: [],
    tax_exemptions: [],
    admin_graphql_api_id: `gid://shopify/Customer/${id}`,
    default_address: null,
  });
  // Ids are bare JSON numbers above 2^53, as Shopify sends them.
  return `{"id":${id},${fields.slice(1)}`;
};

/** Ways to break a well-formed body while keeping it signed. */
const mutateBody = (random: Random, json: string, id: bigint): { label: string; body: string } => {
  const mutations: (() => string)[] = [
    () => json.slice(0, random.int(0, json.length - 1)),
    () => json.replace(`"id":${id}`, `"id":"${id}"`),
    () => json.replace(`"id":${id}`, '"id":-1'),
    () => json.replace(`"id":${id},`, ''),
    () => json.replace(/"updated_at":"[^"]*"/, '"updated_at":"yesterday"'),
    () => json.replace(/"updated_at":"[^"]*"/, '"updated_at":12345'),
    () => json.replace(/"state":"[^"]*"/, '"state":"ENABLED_FOREVER"'),
    () => json.replace(/"admin_graphql_api_id":"[^"]*"/, '"admin_graphql_api_id":"gid://shopify/Order/1"'),
    () => '[]',
    () => 'null',
    () => '',
    () => '{"id":' + '9'.repeat(random.int(20, 400)) + '}',
    () => '{'.repeat(random.int(1, 5000)),
    () => `<?xml version="1.0"?><customer><id>${id}</id></customer>`,
    () => json.replace('{', '{"__proto__":{"polluted":true},'),
    () => json + 'trailing',
    () =>
      Buffer.from(Array.from({ length: random.int(1, 2000) }, () => random.int(0, 255))).toString('latin1'),
  ];
  const index = random.int(0, mutations.length - 1);
  return { label: `body#${index}`, body: mutations[index]!() };
};

const baseHeaders = (shop: string, topic: string, webhookId: string): Record<string, string> => ({
  'content-type': 'application/json',
  'x-shopify-topic': topic,
  'x-shopify-shop-domain': shop,
  'x-shopify-api-version': SHOPIFY_API_VERSION,
  'x-shopify-webhook-id': webhookId,
  'x-shopify-event-id': randomUUID(),
  'x-shopify-triggered-at': new Date().toISOString(),
});

const casing = (random: Random, headers: Record<string, string>): Record<string, string> =>
  Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [
      random.chance(0.3)
        ? name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase())
        : name,
      value,
    ]),
  );

export function generateRequest(
  random: Random,
  index: number,
  target: Pick<FuzzTarget, 'shopDomain' | 'appSecret'>,
): FuzzRequest {
  const intent = random.pick<Intent>([
    'valid',
    'valid',
    'valid-base64',
    'unknown-shop',
    'bad-signature',
    'bad-signature',
    'bad-body',
    'bad-body',
    'bad-body',
    'oversized',
  ]);
  const webhookId = `fuzz-${index}-${randomUUID()}`;
  const good = intent === 'valid' || intent === 'valid-base64';
  // Valid deliveries share 50 customers (so order matters); every other request has its own id.
  const id = good ? GOOD_ID_BASE + BigInt(random.int(0, 49)) : POISON_ID_BASE + BigInt(index);
  const updatedAt = new Date(Date.parse('2026-01-01T00:00:00Z') + index * 1000).toISOString();
  const topic = random.pick(topics);
  const json = bodyFor(topic, random, id, updatedAt);
  const shop = intent === 'unknown-shop' ? `stranger-${random.int(1, 1e6)}.myshopify.com` : target.shopDomain;
  let body = Buffer.from(json, 'utf8');
  let headers = baseHeaders(shop, topic, webhookId);
  let label: string = intent;

  switch (intent) {
    case 'valid':
      break;
    case 'valid-base64':
      // API Gateway base64-encodes bodies whose content type is not text.
      headers['content-type'] = random.pick([
        'application/octet-stream',
        'application/x-shopify',
        'image/png',
      ]);
      break;
    case 'unknown-shop':
      break;
    case 'bad-signature':
      break;
    case 'bad-body': {
      const which = random.int(0, 4);
      if (which <= 2) {
        const mutated = mutateBody(random, json, id);
        label = mutated.label;
        body = Buffer.from(mutated.body, random.chance(0.1) ? 'latin1' : 'utf8');
      } else if (which === 3) {
        headers['x-shopify-topic'] = random.pick(oddTopics);
        label = `topic ${headers['x-shopify-topic'].slice(0, 20)}`;
      } else {
        const drop = random.pick(['x-shopify-topic', 'x-shopify-shop-domain', 'x-shopify-webhook-id']);
        label = `header ${drop}`;
        if (drop === 'x-shopify-shop-domain')
          headers[drop] = random.pick(['', 'evil.com', 'a b', '*.myshopify.com']);
        else delete headers[drop];
      }
      break;
    }
    case 'oversized':
      body = Buffer.from(
        `{"id":${id},"note":"${'x'.repeat(random.int(MAX_BODY_BYTES, MAX_BODY_BYTES + 1024 * 1024))}"}`,
      );
      break;
  }

  if (intent === 'bad-signature') {
    const variants: (() => string | undefined)[] = [
      () => undefined,
      () => '',
      () => sign('not-the-secret', body),
      () => sign(target.appSecret, Buffer.concat([body, Buffer.from(' ')])),
      () => sign(target.appSecret, body).slice(0, 20),
      () => sign(target.appSecret, body).toLowerCase(),
      () => createHmac('sha256', target.appSecret).update(body).digest('hex'),
      () => 'A'.repeat(random.int(1, 5000)),
      () => '\u00ff\u00fe',
    ];
    const signature = random.pick(variants)();
    if (signature !== undefined) headers['x-shopify-hmac-sha256'] = signature;
  } else {
    headers['x-shopify-hmac-sha256'] = sign(target.appSecret, body);
  }
  if (random.chance(0.05)) headers[`x-fuzz-${random.int(1, 100)}`] = 'y'.repeat(random.int(0, 4000));
  headers = casing(random, headers);
  return { intent, label: `${label} ${topic}`, headers, body, webhookId };
}

const countItems = async (doc: DynamoDBDocumentClient, table: string): Promise<number> => {
  let count = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new ScanCommand({ TableName: table, Select: 'COUNT', ExclusiveStartKey: startKey }),
    );
    count += page.Count ?? 0;
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return count;
};

const probeItems = async (doc: DynamoDBDocumentClient, table: string): Promise<number[]> => {
  const found: number[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new ScanCommand({ TableName: table, ProjectionExpression: 'shopifyId', ExclusiveStartKey: startKey }),
    );
    for (const item of page.Items ?? []) {
      const index = probeIndex(String(item['shopifyId']));
      if (index !== undefined) found.push(index);
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return found;
};

interface Answer {
  readonly status: number;
  readonly body: string;
}

const send = async (url: string, request: FuzzRequest): Promise<Answer> => {
  const response = await fetch(url, { method: 'POST', headers: request.headers, body: request.body });
  return { status: response.status, body: await response.text() };
};

const judge = (request: FuzzRequest, answer: Answer): string | undefined => {
  if (answer.status >= 500) return `server error ${answer.status}`;
  const ok = answer.status >= 200 && answer.status < 300;
  if (!ok) {
    if (answer.status < 400) return `unexpected status ${answer.status}`;
    let message: unknown;
    try {
      message = (JSON.parse(answer.body) as { error?: { message?: unknown }; message?: unknown }).error
        ?.message;
      message ??= (JSON.parse(answer.body) as { message?: unknown }).message;
    } catch {
      return 'rejection without a JSON body';
    }
    if (typeof message !== 'string' || message.length === 0) return 'rejection without a message';
  }
  switch (request.intent) {
    case 'valid':
    case 'valid-base64':
      // 409: a concurrent copy of the same delivery is in progress (not generated here).
      return ok ? undefined : `valid delivery refused with ${answer.status}`;
    case 'unknown-shop':
      return ok && !/"outcome":"ignored"/.test(answer.body) ? 'unknown shop was not ignored' : undefined;
    case 'bad-signature':
      return answer.status === 401 ? undefined : `bad signature answered ${answer.status}`;
    case 'bad-body':
      // Signed by Shopify's secret: accepting a parseable oddity is policy, not a fault (reported apart).
      return undefined;
    case 'oversized':
      return ok ? 'oversized body accepted' : undefined;
  }
};

export async function fuzzWebhooks(target: FuzzTarget, options: FuzzOptions): Promise<FuzzReport> {
  const random = new Random(options.seed);
  const concurrency = options.concurrency ?? 8;
  const idempotencyBefore = await countItems(target.doc, target.idempotencyTable);
  const rssBefore = process.memoryUsage().rss;
  const byIntent: Record<string, number> = {};
  const byStatus: Record<string, number> = {};
  const violations: FuzzViolation[] = [];
  let acceptedDeliveries = 0;
  const mayWrite = new Set<number>();
  const lenientAcceptances: Record<string, number> = {};
  let next = 0;
  let done = 0;
  const warmAt = Math.max(1, Math.floor(options.requests / 5));
  let heapWarm: number | undefined;
  const started = performance.now();
  // Requests are generated in order from one PRNG, so a seed replays the same sequence.
  const requests = Array.from(
    { length: options.requests },
    (_, index) => () => generateRequest(random, index, target),
  );
  const worker = async () => {
    while (next < requests.length) {
      const index = next++;
      const request = requests[index]!();
      byIntent[request.intent] = (byIntent[request.intent] ?? 0) + 1;
      let answer: Answer;
      try {
        answer = await send(target.url, request);
      } catch (error) {
        answer = { status: 0, body: String(error) };
      }
      byStatus[String(answer.status)] = (byStatus[String(answer.status)] ?? 0) + 1;
      const problem = answer.status === 0 ? `connection failed: ${answer.body}` : judge(request, answer);
      if (problem)
        violations.push({
          index,
          intent: request.intent,
          label: request.label,
          status: answer.status,
          problem,
        });
      const signedForShop =
        request.intent === 'valid' || request.intent === 'valid-base64' || request.intent === 'bad-body';
      if (signedForShop && answer.status >= 200 && answer.status < 300) {
        acceptedDeliveries += 1;
        if (!/"outcome":"ignored"/.test(answer.body)) {
          mayWrite.add(index);
          if (request.intent === 'bad-body')
            lenientAcceptances[request.label] = (lenientAcceptances[request.label] ?? 0) + 1;
        }
      }
      done += 1;
      // Measured while the other workers wait on their requests: nothing is paused for long.
      if (done === warmAt) {
        options.beforeHeapCheck?.();
        heapWarm = heapAfterGcMiB(`fuzz-${warmAt}`);
      }
      if (done % 1000 === 0) options.onProgress?.(done);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsedMs = performance.now() - started;

  // Health: a final ordinary delivery still lands.
  const finalId = GOOD_ID_BASE + 999n;
  const finalBody = Buffer.from(customerJson(new Random(1), finalId, '2030-01-01T00:00:00Z'));
  const finalHeaders = baseHeaders(target.shopDomain, 'customers/update', `fuzz-final-${randomUUID()}`);
  finalHeaders['x-shopify-hmac-sha256'] = sign(target.appSecret, finalBody);
  const final = await send(target.url, {
    intent: 'valid',
    label: 'final',
    headers: finalHeaders,
    body: finalBody,
    webhookId: 'final',
  });
  const scan = await target.doc.send(
    new ScanCommand({
      TableName: target.customersTable,
      FilterExpression: 'shopifyId = :id',
      ExpressionAttributeValues: { ':id': finalId.toString() },
    }),
  );

  const poisonWrites = (await Promise.all(target.recordTables.map((table) => probeItems(target.doc, table))))
    .flat()
    .filter((index) => !mayWrite.has(index)).length;
  const idempotencyGrowth = (await countItems(target.doc, target.idempotencyTable)) - idempotencyBefore;
  // Last: a full GC (and a snapshot, if asked) pauses the process, which nothing may wait on.
  options.beforeHeapCheck?.();
  const heapEnd = heapAfterGcMiB(`fuzz-${options.requests}`);
  return {
    requests: options.requests,
    byIntent,
    byStatus,
    violations,
    poisonWrites,
    lenientAcceptances,
    idempotencyGrowth,
    acceptedDeliveries: acceptedDeliveries + (final.status === 200 ? 1 : 0),
    finalRequestStatus: final.status,
    finalRequestStored: (scan.Items ?? []).length === 1,
    rssBeforeMiB: Math.round(rssBefore / 2 ** 20),
    rssAfterMiB: Math.round(process.memoryUsage().rss / 2 ** 20),
    heapAfterGcMiB: { warm: heapWarm ?? heapEnd, end: heapEnd, warmAt },
    elapsedMs,
  };
}

/** Everything the run must show; empty when it passed. */
export const fuzzFailures = (report: FuzzReport): string[] => {
  const failures: string[] = [];
  if (report.violations.length > 0)
    failures.push(
      `${report.violations.length} bad answers, e.g. ${JSON.stringify(report.violations.slice(0, 3))}`,
    );
  if (report.poisonWrites > 0) failures.push(`${report.poisonWrites} items written by rejected requests`);
  if (report.idempotencyGrowth > report.acceptedDeliveries)
    failures.push(
      `idempotency records grew by ${report.idempotencyGrowth}, more than the ${report.acceptedDeliveries} accepted deliveries`,
    );
  if (report.finalRequestStatus !== 200 || !report.finalRequestStored)
    failures.push('the final valid delivery did not land');
  if (report.rssAfterMiB - report.rssBeforeMiB > 256)
    failures.push(`RSS grew ${report.rssAfterMiB - report.rssBeforeMiB} MiB`);
  return failures;
};
