/**
 * The status console in the browser: plain DOM, no framework. It calls only its own server
 * (console/server.ts), which holds the credentials; operation names and answer types are the
 * API's contract (client/). Rows are built once and then updated in place, so live progress
 * never shifts the layout or steals keyboard focus.
 */
import type { CallResult, Operation } from '../../client/index.js';

type Integration = CallResult<'listOrganizationIntegrations'>['body']['items'][number];
type SyncRun = CallResult<'getSyncRun'>['body'];

class ApiAnswerError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const meta = (name: string) => document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content ?? '';
const token = meta('console-token');
const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const post = async (path: string, body?: unknown): Promise<unknown> => {
  const response = await fetch(path, {
    method: body === undefined && path.endsWith('/dead-letters') ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json', 'x-console-token': token },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const answer = (await response.json()) as { error?: { code: string; message: string } };
  if (!response.ok)
    throw new ApiAnswerError(response.status, answer.error?.code ?? 'CONSOLE', answer.error?.message ?? '');
  return answer;
};

interface CallArgs {
  readonly path?: Record<string, string>;
  readonly query?: Record<string, string>;
  readonly body?: unknown;
}

async function call<Op extends Operation>(operation: Op, input: CallArgs = {}): Promise<CallResult<Op>> {
  const answer = (await post('/console/api/call', { operation, input })) as
    CallResult<Op> | { status: number; error: { code: string; message: string } };
  if ('error' in answer) throw new ApiAnswerError(answer.status, answer.error.code, answer.error.message);
  return answer;
}

const statusLine = byId<HTMLParagraphElement>('status');
const say = (message: string) => {
  statusLine.textContent = message;
};
const failed = (what: string, error: unknown) =>
  say(`${what} failed: ${error instanceof Error ? error.message : String(error)}`);

const when = (iso: string | undefined): string => {
  if (!iso) return '—';
  const date = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
};

const element = <K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] => {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
};

const setBadge = (badge: HTMLElement, text: string, tone: 'ok' | 'warn' | 'bad' | 'idle') => {
  badge.textContent = text;
  badge.className = `badge ${tone}`;
};

const integrationTone = { ACTIVE: 'ok', NEEDS_ATTENTION: 'warn', INACTIVE: 'idle' } as const;
const runTone = {
  succeeded: 'ok',
  running: 'warn',
  resumed: 'warn',
  retrying: 'warn',
  queued: 'idle',
  skipped: 'idle',
  failed: 'bad',
} as const;
/** A counter summed over the run's resources (customers, and whatever else is registered). */
const total = (run: SyncRun, counter: 'pages' | 'seen' | 'written' | 'stale' | 'invalid'): number =>
  Object.values(run.resources ?? {}).reduce((sum, resource) => sum + resource[counter], 0);

/** Percent of the shop's own counts seen so far, over the resources Shopify counted. */
const percentOf = (run: SyncRun, counts: Readonly<Record<string, number>> | undefined): number => {
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

const isActive = (run: SyncRun | undefined) => run?.status === 'queued' || run?.status === 'running';

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
const initialOrganizations = (): string[] => [
  ...new Set([
    ...parseList(meta('console-organizations') || null),
    ...parseList(localStorage.getItem(storageKey)),
  ]),
];
const organizations = initialOrganizations();
/** The shop's own counts per run, asked once per run (it costs a Shopify query). */
const shopCounts = new Map<string, Readonly<Record<string, number>>>();
const countsAsked = new Set<string>();

interface Row {
  readonly tr: HTMLTableRowElement;
  readonly shop: HTMLElement;
  readonly id: HTMLElement;
  readonly status: HTMLElement;
  readonly lastSync: HTMLElement;
  readonly runBadge: HTMLElement;
  readonly progress: HTMLProgressElement;
  readonly runNumbers: HTMLElement;
  readonly webhooks: HTMLElement;
  readonly webhookDetail: HTMLElement;
  readonly attention: HTMLElement;
  readonly syncButton: HTMLButtonElement;
  readonly force: HTMLInputElement;
  readonly checkButton: HTMLButtonElement;
  readonly disconnectButton: HTMLButtonElement;
  integration?: Integration;
}

interface OrganizationView {
  readonly section: HTMLElement;
  readonly rows: Map<string, Row>;
  readonly body: HTMLTableSectionElement;
  readonly empty: HTMLElement;
}
const views = new Map<string, OrganizationView>();

// ---- actions --------------------------------------------------------------------------------

async function syncNow(row: Row): Promise<void> {
  const integration = row.integration!;
  row.syncButton.disabled = true;
  try {
    const answer = await call('requestSync', {
      path: { organizationId: integration.organizationId, integrationId: integration.integrationId },
      ...(row.force.checked && { query: { force: 'true' } }),
    });
    say(
      answer.body.status === 'queued'
        ? `Sync of ${integration.shopDomain} queued (run ${answer.body.runId}).`
        : `Sync of ${integration.shopDomain} skipped: synced at ${when(answer.body.lastSuccessfulSyncAt)}; next from ${when(answer.body.nextEligibleAt)}, or tick "force".`,
    );
    await refresh();
  } catch (error) {
    failed(`Sync of ${integration.shopDomain}`, error);
  } finally {
    row.syncButton.disabled = false;
  }
}

async function checkWebhooks(row: Row): Promise<void> {
  const integration = row.integration!;
  row.checkButton.disabled = true;
  try {
    const answer = await call('checkWebhooks', {
      path: { organizationId: integration.organizationId, integrationId: integration.integrationId },
    });
    const health = answer.body.webhookHealth;
    say(
      health?.healthy
        ? `Webhooks of ${integration.shopDomain} are healthy${health.repaired.length ? `; repaired ${health.repaired.join(', ')}` : ''}.`
        : `Webhooks of ${integration.shopDomain} are not healthy: ${health?.error ?? 'unknown'}.`,
    );
    await refresh();
  } catch (error) {
    failed(`Checking the webhooks of ${integration.shopDomain}`, error);
  } finally {
    row.checkButton.disabled = false;
  }
}

async function disconnect(row: Row): Promise<void> {
  const integration = row.integration!;
  if (!window.confirm(`Disconnect ${integration.shopDomain}? Its mirrored data is kept.`)) return;
  try {
    const answer = await call('disconnectIntegration', {
      path: { organizationId: integration.organizationId, integrationId: integration.integrationId },
    });
    say(
      `Disconnected ${integration.shopDomain}; ${answer.body.webhookSubscriptionsRemoved} webhook subscription(s) removed.`,
    );
    await refresh();
  } catch (error) {
    failed(`Disconnecting ${integration.shopDomain}`, error);
  }
}

async function showHistory(integration: Integration): Promise<void> {
  try {
    const runs = await call('listSyncRuns', {
      path: { organizationId: integration.organizationId, integrationId: integration.integrationId },
      query: { limit: '25' },
    });
    const rows = byId<HTMLTableSectionElement>('history-rows');
    rows.replaceChildren(
      ...runs.body.items.map((run) =>
        element(
          'tr',
          {},
          element('td', { title: run.runId }, run.runId.slice(-8)),
          element('td', {}, run.trigger),
          element('td', {}, element('span', { className: `badge ${runTone[run.status]}` }, run.status)),
          element('td', {}, when(run.queuedAt)),
          element('td', {}, when(run.finishedAt)),
          ...[
            total(run, 'pages'),
            total(run, 'seen'),
            total(run, 'written'),
            total(run, 'stale'),
            total(run, 'invalid'),
            run.calls?.throttledResponses ?? 0,
            run.calls?.retries ?? 0,
          ].map((value) => element('td', { className: 'num' }, String(value))),
          element('td', {}, run.lastError ?? run.skipReason ?? ''),
        ),
      ),
    );
    const section = byId<HTMLElement>('history');
    byId<HTMLElement>('history-title').textContent = `Run history of ${integration.shopDomain}`;
    section.hidden = false;
    byId<HTMLElement>('history-title').focus();
  } catch (error) {
    failed(`Reading the history of ${integration.shopDomain}`, error);
  }
}

// ---- rendering ------------------------------------------------------------------------------

function newRow(view: OrganizationView): Row {
  const button = (text: string, className = '') =>
    element('button', { type: 'button', textContent: text, className });
  const row: Row = {
    tr: element('tr'),
    shop: element('strong'),
    id: element('div', { className: 'small' }),
    status: element('span', { className: 'badge idle' }),
    lastSync: element('span'),
    runBadge: element('span', { className: 'badge idle' }),
    progress: element('progress', { max: 100, value: 0 }),
    runNumbers: element('div', { className: 'run-numbers' }),
    webhooks: element('span', { className: 'badge idle' }),
    webhookDetail: element('div', { className: 'small' }),
    attention: element('span'),
    syncButton: button('Sync now', 'primary'),
    force: element('input', { type: 'checkbox' }),
    checkButton: button('Check webhooks'),
    disconnectButton: button('Disconnect', 'danger'),
  };
  const history = button('History');
  row.syncButton.addEventListener('click', () => void syncNow(row));
  row.checkButton.addEventListener('click', () => void checkWebhooks(row));
  row.disconnectButton.addEventListener('click', () => void disconnect(row));
  history.addEventListener('click', () => void showHistory(row.integration!));
  row.tr.append(
    element('td', {}, row.shop, row.id),
    element('td', {}, row.status),
    element('td', {}, row.lastSync),
    element('td', {}, element('div', { className: 'run-line' }, row.runBadge, row.progress), row.runNumbers),
    element('td', {}, row.webhooks, row.webhookDetail),
    element('td', {}, row.attention),
    element(
      'td',
      {},
      element(
        'div',
        { className: 'actions' },
        row.syncButton,
        element('label', {}, row.force, 'force'),
        row.checkButton,
        history,
        row.disconnectButton,
      ),
    ),
  );
  view.body.append(row.tr);
  return row;
}

function updateRow(
  row: Row,
  integration: Integration,
  run: SyncRun | undefined,
  counts: Readonly<Record<string, number>> | undefined,
) {
  row.integration = integration;
  row.tr.dataset.integrationId = integration.integrationId;
  row.tr.dataset.shop = integration.shopDomain;
  row.shop.textContent = integration.shopDomain;
  row.id.textContent = integration.integrationId;
  setBadge(
    row.status,
    integration.status.replace('_', ' ').toLowerCase(),
    integrationTone[integration.status],
  );
  row.lastSync.textContent = when(integration.lastSuccessfulSyncAt);
  row.force.setAttribute('aria-label', `Force the sync of ${integration.shopDomain}`);
  row.syncButton.setAttribute('aria-label', `Sync ${integration.shopDomain} now`);
  row.checkButton.setAttribute('aria-label', `Check the webhooks of ${integration.shopDomain}`);
  row.disconnectButton.setAttribute('aria-label', `Disconnect ${integration.shopDomain}`);
  const inactive = integration.status !== 'ACTIVE';
  row.syncButton.disabled = inactive;
  row.checkButton.disabled = inactive;
  row.disconnectButton.disabled = integration.status === 'INACTIVE';

  if (!run) {
    setBadge(row.runBadge, 'no runs', 'idle');
    row.progress.value = 0;
    row.runNumbers.textContent = '';
  } else {
    const percent = percentOf(run, counts);
    setBadge(row.runBadge, `${run.status} · ${run.trigger}`, runTone[run.status]);
    row.progress.value = percent;
    row.progress.setAttribute('aria-label', `Latest run of ${integration.shopDomain}: ${percent}%`);
    row.tr.dataset.runStatus = run.status;
    row.tr.dataset.percent = String(percent);
    const resources = Object.entries(run.resources ?? {})
      .map(
        ([name, resource]) =>
          `${resource.seen}${counts?.[name] !== undefined ? ` of ${counts[name]}` : ''} ${name}`,
      )
      .join(', ');
    row.runNumbers.textContent = [
      `${percent}%`,
      `${total(run, 'pages')} pages`,
      resources,
      `${total(run, 'written')} written`,
    ]
      .filter(Boolean)
      .join(' · ');
  }

  const health = integration.webhookHealth;
  if (!health) setBadge(row.webhooks, 'not checked', 'idle');
  else setBadge(row.webhooks, health.healthy ? 'healthy' : 'unhealthy', health.healthy ? 'ok' : 'bad');
  row.webhookDetail.textContent = health ? `checked ${when(health.checkedAt)}` : '';

  const reasons = [
    integration.status !== 'ACTIVE' ? integration.statusReason : undefined,
    health && !health.healthy ? `webhooks: ${health.error ?? 'unhealthy'}` : undefined,
    run?.status === 'failed' ? `last run failed: ${run.lastError ?? 'unknown error'}` : undefined,
  ].filter(Boolean);
  row.attention.textContent = reasons.length ? reasons.join('; ') : '—';
}

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
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void connect(organizationId, form);
  });
  const view: OrganizationView = {
    section,
    rows: new Map(),
    body: section.querySelector('tbody')!,
    empty: section.querySelector<HTMLElement>('.empty')!,
  };
  byId<HTMLElement>('organizations').append(section);
  views.set(organizationId, view);
  return view;
}

async function connect(organizationId: string, form: HTMLFormElement): Promise<void> {
  const data = new FormData(form);
  const text = (name: string) => {
    const value = data.get(name);
    return typeof value === 'string' ? value.trim() : '';
  };
  const button = form.querySelector('button')!;
  button.disabled = true;
  try {
    const answer = await call('connectIntegration', {
      path: { organizationId },
      body: {
        shopDomain: text('shopDomain'),
        accessToken: text('accessToken'),
        ...(text('webhookSecret') && { webhookSecret: text('webhookSecret') }),
      },
    });
    form.reset();
    say(
      `${answer.status === 201 ? 'Connected' : 'Reconnected'} ${answer.body.integration.shopDomain}; initial sync queued (run ${answer.body.runId}).`,
    );
    await refresh();
  } catch (error) {
    failed('Connecting the store', error);
  } finally {
    button.disabled = false;
  }
}

async function refreshOrganization(organizationId: string): Promise<boolean> {
  const view = organizationView(organizationId);
  const { body } = await call('listOrganizationIntegrations', { path: { organizationId } });
  view.empty.hidden = body.items.length > 0;
  let anyActive = false;
  await Promise.all(
    body.items.map(async (integration) => {
      const runs = await call('listSyncRuns', {
        path: { organizationId: integration.organizationId, integrationId: integration.integrationId },
        query: { limit: '1' },
      });
      const run = runs.body.items[0];
      const key = run ? `${integration.integrationId}/${run.runId}` : '';
      if (
        run &&
        isActive(run) &&
        !shopCounts.has(key) &&
        !countsAsked.has(key) &&
        integration.status === 'ACTIVE'
      ) {
        // Asked beside the refresh, never in its way: a throttled store must not freeze live progress.
        countsAsked.add(key);
        call('getShopCounts', {
          path: { organizationId: integration.organizationId, integrationId: integration.integrationId },
        })
          .then((counts) => shopCounts.set(key, counts.body.counts))
          .catch(() => countsAsked.delete(key));
      }
      anyActive ||= isActive(run);
      const row = view.rows.get(integration.integrationId) ?? newRow(view);
      view.rows.set(integration.integrationId, row);
      updateRow(row, integration, run, shopCounts.get(key));
    }),
  );
  return anyActive;
}

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

async function poll(): Promise<void> {
  let active = false;
  try {
    active = await refresh();
  } catch (error) {
    failed('Refreshing', error);
  }
  // Faster while a sync runs, so its progress is live; slower when all is quiet.
  setTimeout(() => void poll(), active ? 1000 : 4000);
}

/** The dead-letter queue on its own loop: a slow organization never hides its depth. */
async function pollDeadLetters(): Promise<void> {
  try {
    await refreshDeadLetters();
  } catch (error) {
    failed('Reading the dead-letter queue', error);
  }
  setTimeout(() => void pollDeadLetters(), 3000);
}

byId<HTMLFormElement>('add-organization').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = byId<HTMLInputElement>('organization-id');
  const organizationId = input.value.trim();
  if (!organizations.includes(organizationId)) organizations.push(organizationId);
  localStorage.setItem(storageKey, JSON.stringify(organizations));
  input.value = '';
  void refresh().catch((error: unknown) => failed('Refreshing', error));
});

byId<HTMLButtonElement>('dlq-redrive').addEventListener('click', () => {
  void post('/console/api/dead-letters/redrive', {})
    .then((answer) => {
      const { started, waiting } = answer as { started: boolean; waiting: number };
      say(started ? `Redriving ${waiting} dead-lettered sync(s) to the sync queue.` : 'Nothing to redrive.');
      return refreshDeadLetters();
    })
    .catch((error: unknown) => failed('Redrive', error));
});

for (const organizationId of organizations) organizationView(organizationId);
void poll();
void pollDeadLetters();
