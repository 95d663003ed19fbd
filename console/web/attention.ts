/**
 * Everything that needs an operator, said in plain words: what happened, what it means, what to
 * do, and the console's button for it where there is one. Pure (no DOM), so each reason's wording
 * is unit-tested, and the page only lays the answers out.
 *
 * The integration's fields come from several producers: `statusReason` (a token refused, the app
 * uninstalled, `REAUTHORIZE` when a refresh token died), `resourceAttention` (ACCESS_DENIED,
 * MISSING_SCOPE with `missingScopes`), `countMismatch` (the reconcile), `webhookHealth`. Any of
 * them may be absent; a reason this console does not know yet is still shown, by its code.
 */
import { counted, relativeTime, titled } from './format.js';

export type AttentionAction = 'reinstall' | 'reconnect' | 'check-webhooks' | 'sync-now';

export interface Attention {
  /** Stable per reason: the page updates an item in place instead of rebuilding the list. */
  readonly key: string;
  readonly tone: 'warn' | 'bad';
  readonly title: string;
  /** What it means for the mirror. */
  readonly detail: string;
  /** What to do about it. */
  readonly remedy: string;
  readonly actions: readonly AttentionAction[];
}

export interface CountMismatchFacts {
  readonly shopifyCount: number;
  readonly storedActive: number;
  readonly since?: string;
}

/** The integration's fields that speak of trouble, whoever produced them. */
export interface AttentionFacts {
  readonly status: 'ACTIVE' | 'INACTIVE' | 'NEEDS_ATTENTION';
  readonly statusReason?: string;
  readonly resourceAttention?: Readonly<Record<string, string>>;
  readonly missingScopes?: Readonly<Record<string, readonly string[]>>;
  readonly countMismatch?: Readonly<Record<string, CountMismatchFacts>>;
  readonly webhookHealth?: { readonly healthy: boolean; readonly error?: string; readonly checkedAt: string };
  readonly lastWebhookAt?: string;
}

export interface RunFacts {
  readonly status: string;
  readonly lastError?: string;
  readonly resources?: Readonly<
    Record<string, { readonly attentionReason?: string; readonly missingScopes?: readonly string[] }>
  >;
}

export interface AttentionContext {
  readonly now: number;
  /** The API has the install flow, so a re-install can be started from here. */
  readonly canReinstall: boolean;
}

/** Re-install where the API can start one; otherwise a new token through the connect form. */
const restoreAccess = (context: AttentionContext): AttentionAction[] =>
  context.canReinstall ? ['reinstall'] : ['reconnect'];

const reinstallWords = (context: AttentionContext) =>
  context.canReinstall
    ? 'Re-install the app on the store: the merchant approves it again and syncing resumes.'
    : 'Install the app on the store again (the merchant approves it), or connect the store again with a new Admin API access token.';

type StatusWords = (facts: AttentionFacts, context: AttentionContext) => Omit<Attention, 'key'> | undefined;

/** Each known `statusReason` in words; anything else falls back to `otherStatus`. */
const statusReasons: Readonly<Record<string, StatusWords>> = {
  REAUTHORIZE: (_facts, context) => ({
    tone: 'bad',
    title: 'Access to the store has expired',
    detail:
      "Shopify no longer accepts the store's refresh token, so no new access token can be issued: syncs and webhook checks have stopped.",
    remedy: reinstallWords(context),
    actions: restoreAccess(context),
  }),
  SHOPIFY_UNAUTHORIZED: (_facts, context) => ({
    tone: 'bad',
    title: 'Shopify refused the access token',
    detail:
      'The token was revoked or has expired (the app was uninstalled, or the token was rotated), so syncs have stopped and the webhook subscriptions cannot be checked.',
    remedy: reinstallWords(context),
    actions: context.canReinstall ? ['reinstall', 'reconnect'] : ['reconnect'],
  }),
  SHOPIFY_ACCESS_DENIED: (_facts, context) => ({
    tone: 'bad',
    title: 'Shopify refused access to the store',
    detail:
      'The token is known but Shopify answered 403: the store may be frozen, closed or paused, or the app lost its access.',
    remedy: `Check the store's status in its Shopify admin. ${reinstallWords(context)}`,
    actions: restoreAccess(context),
  }),
  'app-uninstalled': (_facts, context) => ({
    tone: 'warn',
    title: 'The app was uninstalled from the store',
    detail:
      'Shopify reported that the merchant removed the app: syncs and webhooks have stopped. The mirrored data is kept until Shopify asks for it to be erased.',
    remedy: 'If the merchant wants the store back, install the app again.',
    actions: context.canReinstall ? ['reinstall'] : [],
  }),
  'shop-redacted': () => ({
    tone: 'warn',
    title: "The store's data was erased",
    detail:
      "Shopify asked for the shop's data to be erased after the app was uninstalled; the mirror and the credentials are gone.",
    remedy: 'Nothing to do. Connect the store again to start over.',
    actions: [],
  }),
  // Chosen by an operator: the status badge says so, and it is not a problem.
  disconnected: () => undefined,
  'disconnected-and-purged': () => undefined,
};

const otherStatus: StatusWords = (facts, context) => ({
  tone: 'bad',
  title: facts.status === 'NEEDS_ATTENTION' ? 'Syncing has stopped' : 'The store is inactive',
  detail: `Shopify refused the store${facts.statusReason ? ` (${facts.statusReason})` : ''}; syncs wait until it is resolved.`,
  remedy: `Check the store in its Shopify admin. ${reinstallWords(context)}`,
  actions: restoreAccess(context),
});

const statusAttention = (facts: AttentionFacts, context: AttentionContext): Attention | undefined => {
  if (facts.status === 'ACTIVE') return undefined;
  const words = (
    facts.statusReason !== undefined && Object.hasOwn(statusReasons, facts.statusReason)
      ? statusReasons[facts.statusReason]!
      : otherStatus
  )(facts, context);
  return words && { key: 'status', ...words };
};

const scopeList = (scopes: readonly string[]) =>
  scopes.length === 0 ? 'a scope' : scopes.map((scope) => `"${scope}"`).join(' and ');

const resourceAttention = (
  facts: AttentionFacts,
  run: RunFacts | undefined,
  context: AttentionContext,
): Attention[] => {
  // The integration keeps what the last finished run found; a running run may know more already.
  const reasons: Record<string, string> = { ...facts.resourceAttention };
  for (const [name, progress] of Object.entries(run?.resources ?? {}))
    if (progress.attentionReason && reasons[name] === undefined) reasons[name] = progress.attentionReason;
  return Object.entries(reasons).map(([name, reason]): Attention => {
    const key = `resource:${name}`;
    if (reason === 'MISSING_SCOPE') {
      const scopes = facts.missingScopes?.[name] ?? run?.resources?.[name]?.missingScopes ?? [];
      return {
        key,
        tone: 'bad',
        title: `${titled(name)} are not synced: the app lacks ${scopeList(scopes)}`,
        detail: `The store granted the app fewer scopes than ${name} need, so Shopify refuses to list them. The other resources keep syncing.`,
        remedy: `Add ${scopeList(scopes)} to the app's access scopes (shopify.app.toml), then re-install the app on the store so the merchant grants ${scopes.length > 1 ? 'them' : 'it'}; the next sync fills in the ${name}.`,
        actions: restoreAccess(context),
      };
    }
    if (reason === 'ACCESS_DENIED') {
      return {
        key,
        tone: 'bad',
        title: `${titled(name)} are not synced: Shopify denied access`,
        detail: `Shopify answered ACCESS_DENIED when asked for ${name}: the app lacks the scope they need, or it is not approved for protected customer data. The other resources keep syncing.`,
        remedy: `Grant the app the ${name} scope (and protected customer data access in the Partner Dashboard where it applies), then re-install the app on the store and sync.`,
        actions: restoreAccess(context),
      };
    }
    return {
      key,
      tone: 'warn',
      title: `${titled(name)} are not synced`,
      detail: `Shopify refused them (${reason}). The other resources keep syncing.`,
      remedy: "Check the app's access to this resource, then sync again.",
      actions: ['sync-now'],
    };
  });
};

const mismatchAttention = (facts: AttentionFacts, context: AttentionContext): Attention[] =>
  Object.entries(facts.countMismatch ?? {}).map(([name, mismatch]) => ({
    key: `mismatch:${name}`,
    tone: 'warn',
    title: `${titled(name)}: the mirror holds ${counted(mismatch.storedActive, name)}, Shopify counts ${counted(mismatch.shopifyCount, name)}`,
    detail: `The counts still differed after a reconcile compared every id${mismatch.since ? ` (first seen ${relativeTime(mismatch.since, context.now)})` : ''}. Records changed while it ran can explain a small gap.`,
    remedy:
      'Sync now fetches what changed since the last sync. If the gap stays, check the webhooks and the dead-letter queue; the daily reconcile tries again when the counts change.',
    actions: ['sync-now', 'check-webhooks'],
  }));

const webhookAttention = (facts: AttentionFacts, context: AttentionContext): Attention | undefined => {
  const health = facts.webhookHealth;
  // A store that refuses the token cannot be checked: its status reason already says why.
  if (!health || health.healthy || facts.status !== 'ACTIVE') return undefined;
  return {
    key: 'webhooks',
    tone: 'bad',
    title: 'Webhook subscriptions are not working',
    detail: `The check ${relativeTime(health.checkedAt, context.now)} could not verify them${health.error ? `: ${health.error}` : ''}. Until they work, changes arrive only with the scheduled syncs.`,
    remedy: 'Check webhooks re-creates missing subscriptions. If it keeps failing, check the callback URL.',
    actions: ['check-webhooks'],
  };
};

const runAttention = (facts: AttentionFacts, run: RunFacts | undefined): Attention | undefined => {
  // A store that needs attention explains its failed run itself.
  if (run?.status !== 'failed' || facts.status !== 'ACTIVE') return undefined;
  return {
    key: 'run',
    tone: 'warn',
    title: 'The last sync failed',
    detail: run.lastError?.replace(/^[A-Z]\w*Error: /, '') ?? 'It ended without saying why.',
    remedy:
      'The next scheduled sync tries again; Sync now tries at once. If it keeps failing, look at the dead-letter queue.',
    actions: ['sync-now'],
  };
};

/** Every reason the store needs attention, the most serious first. */
export const attentionOf = (
  facts: AttentionFacts,
  run: RunFacts | undefined,
  context: AttentionContext,
): Attention[] =>
  [
    statusAttention(facts, context),
    ...resourceAttention(facts, run, context),
    webhookAttention(facts, context),
    ...mismatchAttention(facts, context),
    runAttention(facts, run),
  ].filter((item): item is Attention => item !== undefined);

export interface WebhookSummary {
  readonly text: string;
  readonly tone: 'ok' | 'warn' | 'bad' | 'idle';
  readonly detail: string;
}

/**
 * The webhooks cell. "Healthy" is said only of an active store whose last check passed: a store
 * whose token is refused cannot be checked, so its last result is reported as old news.
 */
export const webhookSummary = (facts: AttentionFacts, now: number): WebhookSummary => {
  const health = facts.webhookHealth;
  const delivery = facts.lastWebhookAt ? `last delivery ${relativeTime(facts.lastWebhookAt, now)}` : '';
  const lastCheck = health
    ? `last check ${relativeTime(health.checkedAt, now)} ${health.healthy ? 'passed' : 'failed'}`
    : '';
  if (facts.status === 'NEEDS_ATTENTION')
    return {
      text: 'unknown',
      tone: 'warn',
      detail: ['cannot be checked while Shopify refuses the store', lastCheck].filter(Boolean).join('; '),
    };
  if (facts.status === 'INACTIVE')
    return { text: 'stopped', tone: 'idle', detail: 'the store is not connected' };
  if (!health) return { text: 'not checked', tone: 'idle', detail: delivery };
  return health.healthy
    ? {
        text: 'healthy',
        tone: 'ok',
        detail: [`checked ${relativeTime(health.checkedAt, now)}`, delivery].filter(Boolean).join(' · '),
      }
    : { text: 'failing', tone: 'bad', detail: [lastCheck, delivery].filter(Boolean).join(' · ') };
};
