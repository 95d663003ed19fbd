/**
 * The status console in the browser: plain DOM, no framework. It calls only its own server
 * (console/server.ts), which holds the credentials; operation names and answer types are the
 * API's contract (client/). Each store is a card (store-card.ts) built once and updated in place.
 */
import type { Operation } from '../../client/index.js';
import { call, explain, pageSetting, post } from './api.js';
import { byId, element, type Messenger, messenger, timeElement } from './dom.js';
import { amount, duration, relativeTime } from './format.js';
import {
  type DeliveryHour,
  type Integration,
  type StoreCard,
  type SyncRun,
  createStoreCard,
  isActive,
  plainError,
  runTone,
  total,
  updateStoreCard,
} from './store-card.js';

type RecordCounts = Awaited<ReturnType<typeof call<'getIntegration'>>>['body']['recordCounts'];

/** The install flow's operation when the API has one: the remedy for a dead refresh token. */
const installOperation = pageSetting('console-install-operation') as Operation | '';
const pageStatus = messenger(byId('status'));

// ---- state ----------------------------------------------------------------------------------

const storageKey = 'shopify-sync.console.organizations';
const parseList = (text: string | null): string[] => {
  try {
    const value: unknown = JSON.parse(text ?? '[]');
    return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
  } catch {
    return [];
  }
};
/** The organizations the server was started with, then those this browser added before. */
const organizations = [
  ...new Set([
    ...parseList(pageSetting('console-organizations') || null),
    ...parseList(localStorage.getItem(storageKey)),
  ]),
];

/** What is read less often than the poll: once per run state, or every half minute. */
interface StoreDetails {
  readonly key: string;
  readonly at: number;
  readonly runs: readonly SyncRun[];
  readonly recordCounts?: RecordCounts;
  readonly deliveries?: readonly DeliveryHour[];
}

interface StoreState {
  readonly card: StoreCard;
  details?: StoreDetails;
  /** Shopify's own counts, asked once per run (each is a Shopify query). */
  shopCounts?: { readonly runId: string; readonly counts: Readonly<Record<string, number>> };
  countsAskedFor?: string;
}

interface OrganizationView {
  readonly organizationId: string;
  readonly section: HTMLElement;
  readonly list: HTMLElement;
  readonly empty: HTMLElement;
  readonly stores: Map<string, StoreState>;
  readonly connect: HTMLDetailsElement;
  readonly connectForm: HTMLFormElement;
  readonly connectMessage: Messenger;
}
const views = new Map<string, OrganizationView>();
const DETAILS_EVERY_MS = 30_000;

const pathOf = (integration: Integration) => ({
  organizationId: integration.organizationId,
  integrationId: integration.integrationId,
});
const stateOf = (card: StoreCard) =>
  views.get(card.integration!.organizationId)?.stores.get(card.integration!.integrationId);

// ---- actions --------------------------------------------------------------------------------

async function syncNow(card: StoreCard): Promise<void> {
  const integration = card.integration!;
  card.syncButton.disabled = true;
  try {
    const answer = await call('requestSync', {
      path: pathOf(integration),
      ...(card.force.checked && { query: { force: 'true' } }),
    });
    card.force.checked = false;
    if (answer.body.status === 'queued') {
      card.pendingRunId = answer.body.runId;
      card.feedback.hold('Sync queued: it shows as the latest run above until it finishes.');
    } else {
      const now = Date.now();
      const finished = stateOf(card)?.details?.runs.find((run) => run.status === 'succeeded')?.finishedAt;
      card.feedback.note(
        `Not queued: the store synced ${relativeTime(finished ?? answer.body.lastSuccessfulSyncAt, now)}, and may sync again ${relativeTime(answer.body.nextEligibleAt, now)}. Tick "force" to sync anyway.`,
      );
    }
    await refresh();
  } catch (error) {
    card.feedback.error(explain('requestSync', error));
  } finally {
    card.syncButton.disabled = card.integration?.status !== 'ACTIVE';
  }
}

async function checkWebhooks(card: StoreCard): Promise<void> {
  const integration = card.integration!;
  card.checkButton.disabled = true;
  try {
    const answer = await call('checkWebhooks', { path: pathOf(integration) });
    const health = answer.body.webhookHealth;
    if (health?.healthy)
      card.feedback.note(
        `Webhooks are healthy${health.repaired.length ? `; re-created ${health.repaired.join(', ')}` : ''}.`,
      );
    else card.feedback.error(`Webhooks are not healthy: ${health?.error ?? 'the check gave no reason'}.`);
    await refresh();
  } catch (error) {
    card.feedback.error(explain('checkWebhooks', error));
  } finally {
    card.checkButton.disabled = card.integration?.status !== 'ACTIVE';
  }
}

async function disconnect(card: StoreCard): Promise<void> {
  const integration = card.integration!;
  if (!window.confirm(`Disconnect ${integration.shopDomain}? Its mirrored data is kept.`)) return;
  try {
    const answer = await call('disconnectIntegration', { path: pathOf(integration) });
    card.feedback.note(
      `Disconnected; ${answer.body.webhookSubscriptionsRemoved} webhook subscription(s) removed. The mirrored data is kept.`,
    );
    await refresh();
  } catch (error) {
    card.feedback.error(explain('disconnectIntegration', error));
  }
}

/** Starts the install flow again and hands over the page the merchant approves it on. */
async function reinstall(card: StoreCard): Promise<void> {
  const integration = card.integration!;
  if (!installOperation) return;
  try {
    const answer = (await call(installOperation, {
      path: { organizationId: integration.organizationId },
      body: { shopDomain: integration.shopDomain },
    })) as unknown as { body: { authorizeUrl?: unknown; expiresAt?: unknown } };
    const url = typeof answer.body.authorizeUrl === 'string' ? new URL(answer.body.authorizeUrl) : undefined;
    if (!url || !['https:', 'http:'].includes(url.protocol)) throw new Error('No install page in the answer');
    const link = element(
      'a',
      { href: url.href, target: '_blank', rel: 'noopener noreferrer', className: 'install-link' },
      'open the install page',
    );
    const expires = typeof answer.body.expiresAt === 'string' ? answer.body.expiresAt : undefined;
    card.feedback.hold(
      element(
        'span',
        {},
        'Re-install started: ',
        link,
        ` and approve the app as the store's owner${expires ? ` (the link works until ${relativeTime(expires, Date.now()).replace(/^in /, 'in ')})` : ''}.`,
      ),
    );
    link.focus();
  } catch (error) {
    card.feedback.error(explain('install', error));
  }
}

/** The connect form, filled in for this store: a new token reconnects it with its data kept. */
function reconnect(card: StoreCard): void {
  const integration = card.integration!;
  const view = views.get(integration.organizationId)!;
  view.connect.open = true;
  const form = view.connectForm;
  form.querySelector<HTMLInputElement>('[name="shopDomain"]')!.value = integration.shopDomain;
  view.connectMessage.hold(
    `Paste a new Admin API access token for ${integration.shopDomain} and connect: the store reconnects and keeps its data.`,
  );
  const token = form.querySelector<HTMLInputElement>('[name="accessToken"]')!;
  token.scrollIntoView({ block: 'center' });
  token.focus();
}

async function showHistory(card: StoreCard): Promise<void> {
  const integration = card.integration!;
  try {
    const runs = await call('listSyncRuns', { path: pathOf(integration), query: { limit: '25' } });
    const now = Date.now();
    const cell = (label: string, content: Node | string, className = '') => {
      const td = element('td', { className }, content);
      td.dataset.label = label;
      return td;
    };
    byId<HTMLTableSectionElement>('history-rows').replaceChildren(
      ...runs.body.items.map((run) => {
        const took =
          run.startedAt && run.finishedAt
            ? Date.parse(run.finishedAt) - Date.parse(run.startedAt)
            : undefined;
        const waits = run.calls?.throttleWaits ?? 0;
        return element(
          'tr',
          {},
          cell('Run', element('span', { title: run.runId }, run.runId.slice(-8))),
          cell('Trigger', run.trigger),
          cell('Status', element('span', { className: `badge ${runTone[run.status]}` }, run.status)),
          cell('Queued', timeElement(run.queuedAt, now)),
          cell('Finished', run.finishedAt ? timeElement(run.finishedAt, now) : '—'),
          cell('Took', took === undefined ? '—' : duration(took), 'num'),
          cell('Read', amount(total(run, 'seen')), 'num'),
          cell('Written', amount(total(run, 'written')), 'num'),
          cell('Stale', amount(total(run, 'stale')), 'num'),
          cell('Invalid', amount(total(run, 'invalid')), 'num'),
          cell(
            'Throttle waits',
            waits ? `${amount(waits)} (${duration(run.calls?.throttleWaitMs ?? 0)})` : '0',
            'num',
          ),
          cell('Retries', amount(run.calls?.retries ?? 0), 'num'),
          cell('Error', plainError(run.lastError) ?? run.skipReason ?? '', 'error-cell'),
        );
      }),
    );
    const title = byId<HTMLElement>('history-title');
    title.textContent = `Run history of ${integration.shopDomain}`;
    byId<HTMLElement>('history').hidden = false;
    title.focus();
  } catch (error) {
    card.feedback.error(explain('listSyncRuns', error));
  }
}

const cardActions = {
  syncNow: (card: StoreCard) => void syncNow(card),
  checkWebhooks: (card: StoreCard) => void checkWebhooks(card),
  showHistory: (card: StoreCard) => void showHistory(card),
  disconnect: (card: StoreCard) => void disconnect(card),
  reinstall: (card: StoreCard) => void reinstall(card),
  reconnect,
};

// ---- organizations --------------------------------------------------------------------------

function organizationView(organizationId: string): OrganizationView {
  const existing = views.get(organizationId);
  if (existing) return existing;
  const template = byId<HTMLTemplateElement>('organization-template');
  const section = (template.content.firstElementChild as HTMLElement).cloneNode(true) as HTMLElement;
  const titleId = `organization-${views.size}`;
  const title = section.querySelector<HTMLElement>('.organization-title')!;
  title.textContent = `Organization ${organizationId}`;
  title.id = titleId;
  section.setAttribute('aria-labelledby', titleId);
  section.dataset.organizationId = organizationId;
  const form = section.querySelector<HTMLFormElement>('.connect-form')!;
  const view: OrganizationView = {
    organizationId,
    section,
    list: section.querySelector<HTMLElement>('.stores')!,
    empty: section.querySelector<HTMLElement>('.empty')!,
    stores: new Map(),
    connect: section.querySelector<HTMLDetailsElement>('details.connect')!,
    connectForm: form,
    connectMessage: messenger(section.querySelector<HTMLElement>('.form-message')!),
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void connect(view);
  });
  byId<HTMLElement>('organizations').append(section);
  views.set(organizationId, view);
  return view;
}

async function connect(view: OrganizationView): Promise<void> {
  const form = view.connectForm;
  const data = new FormData(form);
  const text = (name: string) => {
    const value = data.get(name);
    return typeof value === 'string' ? value.trim() : '';
  };
  const button = form.querySelector('button')!;
  button.disabled = true;
  try {
    const answer = await call('connectIntegration', {
      path: { organizationId: view.organizationId },
      body: {
        shopDomain: text('shopDomain'),
        accessToken: text('accessToken'),
        ...(text('webhookSecret') && { webhookSecret: text('webhookSecret') }),
      },
    });
    form.reset();
    view.connectMessage.note(
      `${answer.status === 201 ? 'Connected' : 'Reconnected'} ${answer.body.integration.shopDomain}; its ${answer.status === 201 ? 'initial' : ''} sync is queued.`.replace(
        '  ',
        ' ',
      ),
    );
    await refresh();
  } catch (error) {
    view.connectMessage.error(explain('connectIntegration', error));
  } finally {
    button.disabled = false;
  }
}

const settle = async <T>(promise: Promise<T>): Promise<T | undefined> => {
  try {
    return await promise;
  } catch {
    return undefined; // a missing figure is shown as missing, never as a failed page
  }
};

async function refreshStore(view: OrganizationView, integration: Integration): Promise<boolean> {
  const path = pathOf(integration);
  const latest = (await call('listSyncRuns', { path, query: { limit: '1' } })).body.items[0];
  const state = view.stores.get(integration.integrationId)!;
  const key = `${latest?.runId ?? ''}:${latest?.status ?? ''}:${integration.status}`;
  const now = Date.now();
  if (!state.details || state.details.key !== key || now - state.details.at > DETAILS_EVERY_MS) {
    const [details, runs, deliveries] = await Promise.all([
      settle(call('getIntegration', { path })),
      call('listSyncRuns', { path, query: { limit: '100' } }),
      settle(call('getWebhookDeliveries', { path, query: { hours: '48' } })),
    ]);
    // The last successful run, when more recent failures pushed it out of the page: its finish
    // is the "last successful sync" (lastSuccessfulSyncAt is its start, kept for incremental reads).
    const lastSuccess = integration.lastSyncRunId;
    const older =
      lastSuccess && !runs.body.items.some((run) => run.runId === lastSuccess)
        ? await settle(call('getSyncRun', { path: { ...path, runId: lastSuccess } }))
        : undefined;
    state.details = {
      key,
      at: now,
      runs: older ? [...runs.body.items, older.body] : runs.body.items,
      ...((details?.body.recordCounts ?? state.details?.recordCounts) && {
        recordCounts: details?.body.recordCounts ?? state.details?.recordCounts,
      }),
      ...((deliveries?.body.hours ?? state.details?.deliveries) && {
        deliveries: deliveries?.body.hours ?? state.details?.deliveries,
      }),
    };
  }
  if (latest && integration.status === 'ACTIVE' && state.countsAskedFor !== latest.runId)
    askShopCounts(state, integration, latest.runId);
  // The latest run as just read, then the older ones as last read.
  const runs = latest
    ? [latest, ...state.details.runs.filter((run) => run.runId !== latest.runId)]
    : state.details.runs;
  state.card.article.hidden = false;
  updateStoreCard(state.card, {
    integration,
    runs,
    ...(state.details.recordCounts && { recordCounts: state.details.recordCounts }),
    ...(state.shopCounts && { shopCounts: state.shopCounts.counts }),
    ...(state.details.deliveries && { deliveries: state.details.deliveries }),
    canReinstall: installOperation !== '',
    now,
  });
  return isActive(latest);
}

/** Beside the refresh, never in its way: a throttled store must not freeze live progress. */
function askShopCounts(state: StoreState, integration: Integration, runId: string): void {
  state.countsAskedFor = runId;
  call('getShopCounts', { path: pathOf(integration) })
    .then((answer) => {
      state.shopCounts = { runId, counts: answer.body.counts };
      return refresh(); // shown now, not at the next quiet poll
    })
    .catch(() => {
      // A refused token is reported by the integration's status; the counts just stay unknown.
    });
}

async function refreshOrganization(organizationId: string): Promise<boolean> {
  const view = organizationView(organizationId);
  const { body } = await call('listOrganizationIntegrations', { path: { organizationId } });
  view.empty.hidden = body.items.length > 0;
  const present = new Set(body.items.map((integration) => integration.integrationId));
  for (const [integrationId, state] of view.stores)
    if (!present.has(integrationId)) {
      state.card.article.remove();
      view.stores.delete(integrationId);
    }
  // Cards in the listing's order (by shop domain), placed before any of them is read, so the
  // order never depends on which store answered first. Each stays hidden until it has content.
  for (const integration of body.items) {
    if (view.stores.has(integration.integrationId)) continue;
    const card = createStoreCard(view.list, cardActions);
    card.article.hidden = true;
    view.stores.set(integration.integrationId, { card });
  }
  const active = await Promise.all(
    body.items.map((integration) => refreshStore(view, integration as Integration)),
  );
  return active.some(Boolean);
}

// ---- the page's loops -----------------------------------------------------------------------

const dlqMessage = messenger(byId('dlq-message'));

async function refreshDeadLetters(): Promise<void> {
  const depth = (await post('/console/api/dead-letters')) as {
    waiting: number;
    inFlight: number;
    lastRedrive?: { status: string; moved: number };
  };
  const output = byId<HTMLOutputElement>('dlq-depth');
  output.textContent = String(depth.waiting + depth.inFlight);
  output.title = depth.lastRedrive
    ? `last redrive ${depth.lastRedrive.status}, ${depth.lastRedrive.moved} moved`
    : '';
  byId<HTMLButtonElement>('dlq-redrive').disabled = depth.waiting === 0;
}

let refreshing: Promise<boolean> | undefined;
async function refresh(): Promise<boolean> {
  // One refresh at a time: a button's refresh joins the poll's instead of racing it.
  refreshing ??= (async () => {
    try {
      const active = await Promise.all(organizations.map(refreshOrganization));
      document.body.dataset.lastRefresh = new Date().toISOString();
      return active.some(Boolean);
    } finally {
      refreshing = undefined;
    }
  })();
  return refreshing;
}

let refreshFailing = false;
async function poll(): Promise<void> {
  let active = false;
  try {
    active = await refresh();
    if (refreshFailing) pageStatus.clear();
    refreshFailing = false;
  } catch (error) {
    refreshFailing = true;
    pageStatus.error(`${explain('listOrganizationIntegrations', error)} Retrying every few seconds.`);
  }
  // Faster while a sync runs, so its progress is live; slower when all is quiet.
  setTimeout(() => void poll(), active ? 1000 : 4000);
}

/** The dead-letter queue on its own loop: a slow organization never hides its depth. */
async function pollDeadLetters(): Promise<void> {
  try {
    await refreshDeadLetters();
  } catch (error) {
    dlqMessage.error(explain('redrive', error));
  }
  setTimeout(() => void pollDeadLetters(), 3000);
}

const organizationMessage = messenger(byId('organization-message'));
byId<HTMLFormElement>('add-organization').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = byId<HTMLInputElement>('organization-id');
  const organizationId = input.value.trim();
  if (!organizations.includes(organizationId)) organizations.push(organizationId);
  localStorage.setItem(storageKey, JSON.stringify(organizations));
  input.value = '';
  organizationMessage.note(`Showing organization ${organizationId}.`);
  void refresh().catch((error: unknown) =>
    organizationMessage.error(explain('listOrganizationIntegrations', error)),
  );
});

byId<HTMLButtonElement>('dlq-redrive').addEventListener('click', () => {
  void post('/console/api/dead-letters/redrive', {})
    .then((answer) => {
      const { started, waiting } = answer as { started: boolean; waiting: number };
      dlqMessage.note(
        started ? `Redriving ${waiting} dead-lettered sync(s) to the sync queue.` : 'Nothing to redrive.',
      );
      return refreshDeadLetters();
    })
    .catch((error: unknown) => dlqMessage.error(explain('redrive', error)));
});

for (const organizationId of organizations) organizationView(organizationId);
void poll();
void pollDeadLetters();
