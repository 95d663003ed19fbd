/**
 * One connected store: a card that reads top to bottom on a phone and spreads into columns on a
 * wide screen. Built once, then updated in place, so live progress never shifts the layout or
 * steals keyboard focus; attention items are keyed and kept while their reason lasts.
 */
import type { CallResult } from '../../client/index.js';
import {
  type Attention,
  type AttentionAction,
  type AttentionFacts,
  attentionOf,
  webhookSummary,
} from './attention.js';
import { barChart } from './charts.js';
import { element, type Messenger, messenger, setBadge, timeElement, type Tone } from './dom.js';
import { amount, counted, duration, relativeTime, titled } from './format.js';

export type Integration = CallResult<'listOrganizationIntegrations'>['body']['items'][number] &
  Omit<AttentionFacts, 'status' | 'statusReason' | 'webhookHealth'>;
export type SyncRun = CallResult<'getSyncRun'>['body'];
type RecordCounts = CallResult<'getIntegration'>['body']['recordCounts'];
export interface DeliveryHour {
  readonly hour: string;
  readonly deliveries: number;
}

export interface CardData {
  readonly integration: Integration;
  /** Newest first, over the last days (the charts' runs). */
  readonly runs: readonly SyncRun[];
  readonly recordCounts?: RecordCounts;
  /** Shopify's own counts, asked once per run. */
  readonly shopCounts?: Readonly<Record<string, number>>;
  readonly deliveries?: readonly DeliveryHour[];
  readonly canReinstall: boolean;
  readonly now: number;
}

export interface CardActions {
  syncNow(card: StoreCard): void;
  checkWebhooks(card: StoreCard): void;
  showHistory(card: StoreCard): void;
  disconnect(card: StoreCard): void;
  reinstall(card: StoreCard): void;
  reconnect(card: StoreCard): void;
}

export interface StoreCard {
  readonly article: HTMLElement;
  readonly feedback: Messenger;
  readonly syncButton: HTMLButtonElement;
  readonly force: HTMLInputElement;
  readonly checkButton: HTMLButtonElement;
  readonly disconnectButton: HTMLButtonElement;
  integration?: Integration;
  /** The run a "Sync now" queued, followed until it ends. */
  pendingRunId?: string;
  readonly parts: CardParts;
}

interface CardParts {
  readonly name: HTMLElement;
  readonly id: HTMLElement;
  readonly status: HTMLElement;
  readonly lastSync: HTMLElement;
  readonly runBadge: HTMLElement;
  readonly progress: HTMLProgressElement;
  readonly runNumbers: HTMLElement;
  readonly webhooks: HTMLElement;
  readonly webhookDetail: HTMLElement;
  readonly attention: HTMLUListElement;
  readonly calm: HTMLElement;
  readonly records: HTMLTableSectionElement;
  readonly charts: Record<'duration' | 'written' | 'throttle' | 'deliveries', HTMLElement>;
  readonly items: Map<string, HTMLLIElement>;
}

const integrationTone = { ACTIVE: 'ok', NEEDS_ATTENTION: 'bad', INACTIVE: 'idle' } as const;
const integrationWords = {
  ACTIVE: 'active',
  NEEDS_ATTENTION: 'needs attention',
  INACTIVE: 'inactive',
} as const;
export const runTone: Record<SyncRun['status'], Tone> = {
  succeeded: 'ok',
  running: 'warn',
  resumed: 'warn',
  retrying: 'warn',
  queued: 'idle',
  skipped: 'idle',
  failed: 'bad',
};

export const isActive = (run: SyncRun | undefined) =>
  run !== undefined && ['queued', 'running', 'retrying', 'resumed'].includes(run.status);

/** A counter summed over the run's resources. */
export const total = (run: SyncRun, counter: 'pages' | 'seen' | 'written' | 'stale' | 'invalid'): number =>
  Object.values(run.resources ?? {}).reduce((sum, resource) => sum + resource[counter], 0);

/**
 * How far a run has read, against the shop's own counts: meaningful for a full read (the initial
 * sync), where every record is read once. An incremental sync reads only what changed.
 */
export const percentOf = (run: SyncRun, counts: Readonly<Record<string, number>> | undefined): number => {
  if (run.status === 'succeeded') return 100;
  let seen = 0;
  let expected = 0;
  for (const [name, resource] of Object.entries(run.resources ?? {})) {
    const count = counts?.[name];
    if (count === undefined) continue;
    seen += Math.min(resource.seen, count);
    expected += count;
  }
  return expected > 0 ? Math.floor((seen / expected) * 100) : 0;
};

/** "ShopifyAuthError: Shopify refused…" → "Shopify refused…": the class name tells an operator nothing. */
export const plainError = (message: string | undefined) =>
  message === undefined ? undefined : message.replace(/^[A-Z]\w*Error: /, '');

const runLength = (run: SyncRun) =>
  run.startedAt && run.finishedAt ? Date.parse(run.finishedAt) - Date.parse(run.startedAt) : undefined;

export function createStoreCard(list: HTMLElement, actions: CardActions): StoreCard {
  const button = (text: string, className = '') =>
    element('button', { type: 'button', textContent: text, className });
  const figure = () => element('figure', { className: 'chart' });
  const parts: CardParts = {
    name: element('h3', { className: 'store-name' }),
    id: element('div', { className: 'small store-id' }),
    status: element('span', { className: 'badge idle' }),
    lastSync: element('span', { className: 'last-sync' }),
    runBadge: element('span', { className: 'badge idle' }),
    progress: element('progress', { max: 100, value: 0 }),
    runNumbers: element('p', { className: 'run-numbers' }),
    webhooks: element('span', { className: 'badge idle' }),
    webhookDetail: element('p', { className: 'small webhook-detail' }),
    attention: element('ul', { className: 'attention-list' }),
    calm: element('p', { className: 'calm' }, 'Nothing needs attention.'),
    records: element('tbody'),
    charts: { duration: figure(), written: figure(), throttle: figure(), deliveries: figure() },
    items: new Map(),
  };
  const feedbackLine = element('p', { className: 'feedback' });
  feedbackLine.setAttribute('role', 'status');
  const card: StoreCard = {
    article: element('article', { className: 'store' }),
    feedback: messenger(feedbackLine),
    syncButton: button('Sync now', 'primary'),
    force: element('input', { type: 'checkbox' }),
    checkButton: button('Check webhooks'),
    disconnectButton: button('Disconnect', 'danger'),
    parts,
  };
  const history = button('History');
  card.syncButton.addEventListener('click', () => actions.syncNow(card));
  card.checkButton.addEventListener('click', () => actions.checkWebhooks(card));
  card.disconnectButton.addEventListener('click', () => actions.disconnect(card));
  history.addEventListener('click', () => actions.showHistory(card));
  parts.attention.addEventListener('click', (event) => {
    const target = (event.target as HTMLElement).closest<HTMLButtonElement>('button[data-action]');
    if (!target) return;
    const action = target.dataset.action as AttentionAction;
    if (action === 'reinstall') actions.reinstall(card);
    else if (action === 'reconnect') actions.reconnect(card);
    else if (action === 'check-webhooks') actions.checkWebhooks(card);
    else actions.syncNow(card);
  });

  const fact = (label: string, ...content: Node[]) =>
    element('div', { className: 'fact' }, element('dt', {}, label), element('dd', {}, ...content));
  const attentionHeading = element('h4', { className: 'section-title' }, 'Needs attention');
  const recordsTable = element(
    'table',
    { className: 'records' },
    element(
      'thead',
      {},
      element(
        'tr',
        {},
        element('th', { scope: 'col' }, 'Resource'),
        element('th', { scope: 'col', className: 'num' }, 'Mirrored'),
        element('th', { scope: 'col', className: 'num' }, 'Shopify'),
        element('th', { scope: 'col', className: 'num' }, 'Difference'),
      ),
    ),
    parts.records,
  );
  card.article.append(
    element(
      'header',
      { className: 'store-head' },
      element('div', { className: 'store-title' }, parts.name, parts.id),
      parts.status,
    ),
    element(
      'div',
      { className: 'state' },
      element(
        'dl',
        { className: 'facts' },
        fact('Last successful sync', parts.lastSync),
        fact(
          'Latest run',
          element('div', { className: 'run-line' }, parts.runBadge, parts.progress),
          parts.runNumbers,
        ),
        fact('Webhooks', parts.webhooks, parts.webhookDetail),
      ),
      element(
        'div',
        { className: 'controls' },
        element(
          'div',
          { className: 'actions' },
          card.syncButton,
          element('label', { className: 'force' }, card.force, 'force'),
          card.checkButton,
          history,
          card.disconnectButton,
        ),
        feedbackLine,
      ),
    ),
    element(
      'div',
      { className: 'findings' },
      element('section', { className: 'attention' }, attentionHeading, parts.calm, parts.attention),
      element(
        'section',
        { className: 'counts' },
        element('h4', { className: 'section-title' }, 'Records'),
        recordsTable,
      ),
    ),
    element(
      'section',
      { className: 'charts' },
      element('h4', { className: 'section-title' }, 'Runs, last 7 days'),
      element(
        'div',
        { className: 'chart-row' },
        parts.charts.duration,
        parts.charts.written,
        parts.charts.throttle,
      ),
      element('h4', { className: 'section-title' }, 'Webhook deliveries, last 48 hours'),
      parts.charts.deliveries,
    ),
  );
  list.append(card.article);
  return card;
}

export function updateStoreCard(card: StoreCard, data: CardData): void {
  const { integration, now } = data;
  const latest = data.runs[0];
  const { parts, article } = card;
  card.integration = integration;
  article.dataset.integrationId = integration.integrationId;
  article.dataset.shop = integration.shopDomain;
  article.dataset.status = integration.status;
  article.setAttribute('aria-label', integration.shopDomain);
  parts.name.textContent = integration.shopDomain;
  parts.id.textContent = integration.integrationId;
  const disconnected = integration.statusReason?.startsWith('disconnected');
  setBadge(
    parts.status,
    disconnected ? 'disconnected' : integrationWords[integration.status],
    integrationTone[integration.status],
  );

  card.force.setAttribute('aria-label', `Force the sync of ${integration.shopDomain}`);
  card.syncButton.setAttribute('aria-label', `Sync ${integration.shopDomain} now`);
  card.checkButton.setAttribute('aria-label', `Check the webhooks of ${integration.shopDomain}`);
  card.disconnectButton.setAttribute('aria-label', `Disconnect ${integration.shopDomain}`);
  const inactive = integration.status !== 'ACTIVE';
  card.syncButton.disabled = inactive;
  card.force.disabled = inactive;
  card.checkButton.disabled = inactive;
  card.disconnectButton.disabled = integration.status === 'INACTIVE';

  updateLastSync(parts, data);
  updateRun(card, latest, data);
  const webhooks = webhookSummary(integration, now);
  setBadge(parts.webhooks, webhooks.text, webhooks.tone);
  parts.webhookDetail.textContent = webhooks.detail;
  updateAttention(parts, attentionOf(integration, latest, { now, canReinstall: data.canReinstall }));
  updateRecords(parts, data);
  drawRunCharts(parts, data);
  drawDeliveries(parts, data);
}

/** When the last successful sync FINISHED: its run's end, not the start the watermark keeps. */
function updateLastSync(parts: CardParts, data: CardData): void {
  const succeeded = data.runs.find((run) => run.status === 'succeeded' && run.finishedAt);
  const started = data.integration.lastSuccessfulSyncAt;
  if (succeeded?.finishedAt)
    parts.lastSync.replaceChildren(timeElement(succeeded.finishedAt, data.now, 'finished '));
  else if (started)
    // Older than the run history kept: only its start is known.
    parts.lastSync.replaceChildren(timeElement(started, data.now, 'started '));
  else parts.lastSync.replaceChildren('never');
}

function updateRun(card: StoreCard, run: SyncRun | undefined, data: CardData): void {
  const { parts, article } = card;
  const name = data.integration.shopDomain;
  if (!run) {
    setBadge(parts.runBadge, 'no runs', 'idle');
    parts.progress.value = 0;
    parts.runNumbers.textContent = '';
    return;
  }
  const percent = percentOf(run, data.shopCounts);
  setBadge(parts.runBadge, `${run.status} · ${run.trigger}`, runTone[run.status]);
  parts.progress.value = percent;
  parts.progress.setAttribute('aria-label', `Latest run of ${name}: ${percent}%`);
  article.dataset.runStatus = run.status;
  article.dataset.runId = run.runId;
  article.dataset.percent = String(percent);
  parts.runNumbers.textContent = runSentence(run, data, percent);

  if (card.pendingRunId === run.runId && !isActive(run)) {
    card.pendingRunId = undefined;
    if (run.status === 'succeeded')
      card.feedback.note(`Sync finished: ${counted(total(run, 'written'), 'records')} written.`);
    else if (run.status === 'skipped')
      card.feedback.note(`Sync skipped${run.skipReason ? `: ${run.skipReason}` : ''}.`);
    else card.feedback.error(`The sync failed: ${plainError(run.lastError) ?? 'no reason given'}.`);
  }
}

/** What the latest run did, as a sentence that cannot be misread as unfinished. */
function runSentence(run: SyncRun, data: CardData, percent: number): string {
  const resources = Object.entries(run.resources ?? {});
  const count = (name: string) => data.shopCounts?.[name];
  if (isActive(run)) {
    if (run.status === 'queued') return 'Waiting for a worker to start it.';
    // Totals, not a list per resource: with every resource mirrored a list outgrows the two lines
    // kept free and the page jumps; the records table below has the per-resource figures.
    const seen = total(run, 'seen');
    const known = resources.every(([name]) => count(name) !== undefined);
    const of =
      known && resources.length > 0
        ? ` of ${amount(resources.reduce((sum, [name]) => sum + count(name)!, 0))}`
        : '';
    const prefix =
      run.status === 'retrying' ? `Retrying after: ${plainError(run.lastError) ?? 'an error'}. ` : '';
    return `${prefix}${run.trigger === 'initial' ? `${percent}% · ` : ''}read ${resources.length > 0 ? `${amount(seen)}${of} records` : 'nothing yet'} · ${amount(total(run, 'written'))} written`;
  }
  const when = run.finishedAt ? ` ${relativeTime(run.finishedAt, data.now)}` : '';
  const took = runLength(run);
  if (run.status === 'failed') return `Failed${when}: ${plainError(run.lastError) ?? 'no reason given'}`;
  if (run.status === 'skipped') return `Skipped${when}${run.skipReason ? `: ${run.skipReason}` : ''}`;
  const length = took !== undefined ? ` in ${duration(took)}` : '';
  if (run.trigger === 'initial') {
    // One total: the records table below has each resource's count beside Shopify's.
    return `Finished${when}${length} · read all ${counted(total(run, 'seen'), 'records')} · ${amount(total(run, 'written'))} written`;
  }
  // An incremental sync reads only what changed since the last one: "3 of 120" is 3 changed.
  const changed = resources
    .map(([name, resource]) =>
      count(name) !== undefined
        ? `${amount(resource.seen)} of ${counted(count(name)!, name)}`
        : counted(resource.seen, name),
    )
    .join(', ');
  return `Finished${when}${length} · changed since the previous sync: ${changed || 'nothing'} · ${amount(total(run, 'written'))} written`;
}

function updateAttention(parts: CardParts, reasons: readonly Attention[]): void {
  const keys = new Set(reasons.map((reason) => reason.key));
  for (const [key, item] of parts.items)
    if (!keys.has(key)) {
      item.remove();
      parts.items.delete(key);
    }
  reasons.forEach((reason, index) => {
    let item = parts.items.get(reason.key);
    if (!item) {
      item = element('li');
      parts.items.set(reason.key, item);
    }
    fillAttention(item, reason);
    if (parts.attention.children[index] !== item)
      parts.attention.insertBefore(item, parts.attention.children[index] ?? null);
  });
  parts.calm.hidden = reasons.length > 0;
  parts.attention.hidden = reasons.length === 0;
}

const actionWords: Record<AttentionAction, string> = {
  reinstall: 'Re-install',
  reconnect: 'Reconnect with a new token',
  'check-webhooks': 'Check webhooks',
  'sync-now': 'Sync now',
};

function fillAttention(item: HTMLLIElement, reason: Attention): void {
  const signature = JSON.stringify(reason);
  // Rebuilt only when its words change: a focused button inside stays focused across polls.
  if (item.dataset.signature === signature) return;
  item.dataset.signature = signature;
  item.dataset.reason = reason.key;
  item.className = `attention-item ${reason.tone}`;
  const buttons = reason.actions.map((action) =>
    element('button', { type: 'button', textContent: actionWords[action], className: 'small-button' }),
  );
  reason.actions.forEach((action, index) => (buttons[index]!.dataset.action = action));
  item.replaceChildren(
    element('strong', { className: 'attention-title' }, reason.title),
    element('p', { className: 'attention-detail' }, reason.detail),
    element(
      'p',
      { className: 'attention-remedy' },
      element('span', { className: 'remedy-label' }, 'What to do: '),
      reason.remedy,
    ),
    ...(buttons.length ? [element('div', { className: 'attention-actions' }, ...buttons)] : []),
  );
}

/**
 * Mirrored next to Shopify's count, per resource; a difference stands out unless a sync is still
 * filling it. Every registered resource keeps its row (a row appearing later would move the page);
 * one this deployment does not mirror says so.
 */
function updateRecords(parts: CardParts, data: CardData): void {
  const mirroredNames = new Set(data.runs.flatMap((run) => Object.keys(run.resources ?? {})));
  const names = [
    ...new Set([
      ...Object.keys(data.recordCounts ?? {}),
      ...mirroredNames,
      ...Object.keys(data.integration.resourceAttention ?? {}),
    ]),
  ];
  const latest = data.runs[0];
  const rows = names.map((name) => {
    const tr = element('tr', {});
    tr.dataset.resource = name;
    const heading = element('th', { scope: 'row' }, titled(name));
    if (
      mirroredNames.size > 0 &&
      !mirroredNames.has(name) &&
      data.integration.resourceAttention?.[name] === undefined
    ) {
      tr.className = 'unmirrored';
      tr.append(heading, element('td', { colSpan: 3 }, 'not mirrored by this deployment'));
      return tr;
    }
    const mirrored = data.recordCounts?.[name]?.ACTIVE;
    const shopify = data.shopCounts?.[name];
    const refused = data.integration.resourceAttention?.[name];
    const cell = (text: string, className = 'num', title = '') => element('td', { className, title }, text);
    let difference: HTMLTableCellElement;
    if (mirrored === undefined || shopify === undefined) {
      difference = cell('—', 'num', refused ? 'Shopify refuses this resource: see above' : 'Not counted yet');
    } else if (mirrored === shopify) {
      difference = cell('equal', 'num same');
    } else if (isActive(latest)) {
      // The state is the cell's colour and title, not words: a wider cell would wrap and make the
      // row grow while the run goes, moving everything below it.
      difference = cell(signed(mirrored - shopify), 'num pending', 'Still syncing: the run has not finished');
    } else {
      difference = cell(signed(mirrored - shopify), 'num differs');
      tr.className = 'differs';
    }
    difference.dataset.difference =
      mirrored !== undefined && shopify !== undefined ? String(mirrored - shopify) : '';
    tr.append(
      heading,
      cell(mirrored === undefined ? '—' : amount(mirrored)),
      cell(shopify === undefined ? (refused ? 'refused' : '—') : amount(shopify)),
      difference,
    );
    return tr;
  });
  const signature = rows.map((row) => row.outerHTML).join('');
  if (parts.records.dataset.signature !== signature) {
    parts.records.dataset.signature = signature;
    parts.records.replaceChildren(...rows);
  }
}

const signed = (value: number) => (value > 0 ? `+${amount(value)}` : `−${amount(-value)}`);

const WEEK_MS = 7 * 86_400_000;
const shortDate = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short' });
const shortTime = new Intl.DateTimeFormat('en-GB', {
  hour: '2-digit',
  minute: '2-digit',
  timeZoneName: 'short',
});

function drawRunCharts(parts: CardParts, data: CardData): void {
  const runs = data.runs
    .filter((run) => run.finishedAt && Date.parse(run.finishedAt) > data.now - WEEK_MS)
    .slice()
    .reverse();
  const signature = runs.map((run) => `${run.runId}:${run.status}`).join(',');
  if (parts.charts.duration.dataset.signature === signature) return;
  parts.charts.duration.dataset.signature = signature;
  const first = runs[0]?.finishedAt;
  const axis: [string, string] = [first ? shortDate.format(new Date(first)) : '', 'now'];
  const label = (run: SyncRun, what: string) =>
    `${run.trigger} run ${run.status}, ${shortDate.format(new Date(run.finishedAt!))} ${shortTime.format(new Date(run.finishedAt!))}: ${what}`;
  const tone = (run: SyncRun) => (run.status === 'failed' ? 'bad' : undefined);
  const lengths = runs.map((run) => runLength(run) ?? 0);
  barChart(
    parts.charts.duration,
    runs.map((run, index) => ({
      key: run.runId,
      value: lengths[index]!,
      label: label(run, duration(lengths[index]!)),
      tone: tone(run),
    })),
    {
      id: 'duration',
      title: 'Duration',
      format: duration,
      axis,
      summary: `Duration of ${runs.length} runs; the longest took ${duration(Math.max(0, ...lengths))}.`,
      empty: 'No finished runs in the last 7 days.',
    },
  );
  const written = runs.map((run) => total(run, 'written'));
  barChart(
    parts.charts.written,
    runs.map((run, index) => ({
      key: run.runId,
      value: written[index]!,
      label: label(run, `${amount(written[index]!)} written`),
      tone: tone(run),
    })),
    {
      id: 'written',
      title: 'Records written',
      format: amount,
      axis,
      summary: `Records written by ${runs.length} runs: ${amount(written.reduce((a, b) => a + b, 0))} in all.`,
      empty: 'No finished runs in the last 7 days.',
    },
  );
  const waits = runs.map((run) => run.calls?.throttleWaits ?? 0);
  barChart(
    parts.charts.throttle,
    runs.map((run, index) => ({
      key: run.runId,
      value: waits[index]!,
      label: label(
        run,
        `${counted(waits[index]!, 'throttle waits')} (${duration(run.calls?.throttleWaitMs ?? 0)} waiting)`,
      ),
      tone: 'warn',
    })),
    {
      id: 'throttle',
      title: 'Throttle waits',
      format: amount,
      axis,
      summary: `Waits for Shopify's rate limit over ${runs.length} runs: ${amount(waits.reduce((a, b) => a + b, 0))} in all.`,
      empty: 'No finished runs in the last 7 days.',
      none: 'No waits: never throttled.',
    },
  );
}

function drawDeliveries(parts: CardParts, data: CardData): void {
  const hours = data.deliveries ?? [];
  const signature = hours.map((hour) => `${hour.hour}:${hour.deliveries}`).join(',');
  if (parts.charts.deliveries.dataset.signature === signature) return;
  parts.charts.deliveries.dataset.signature = signature;
  const sum = hours.reduce((all, hour) => all + hour.deliveries, 0);
  barChart(
    parts.charts.deliveries,
    hours.map((hour) => ({
      key: hour.hour,
      value: hour.deliveries,
      label: `${shortDate.format(new Date(hour.hour))} ${shortTime.format(new Date(hour.hour))}: ${counted(hour.deliveries, 'deliveries')}`,
      tone: 'ok',
    })),
    {
      id: 'deliveries',
      title: 'Deliveries per hour',
      format: amount,
      axis: [
        hours[0]
          ? `${shortDate.format(new Date(hours[0].hour))} ${shortTime.format(new Date(hours[0].hour))}`
          : '',
        'now',
      ],
      summary: `${counted(sum, 'webhook deliveries')} over the last ${hours.length} hours.`,
      empty: 'No delivery counts yet.',
      none: 'No deliveries in the last 48 hours.',
    },
  );
}
