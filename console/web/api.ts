/**
 * The page's only way out: its own server (console/server.ts), which holds the credentials and
 * calls the API with the typed client. Failures become sentences an operator can act on, said
 * next to the control that caused them.
 */
import type { CallResult, Operation } from '../../client/index.js';

export class ApiAnswerError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const meta = (name: string) => document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content ?? '';
export const pageSetting = meta;
const token = meta('console-token');

export const post = async (path: string, body?: unknown): Promise<unknown> => {
  let response: Response;
  try {
    response = await fetch(path, {
      method: body === undefined && path.endsWith('/dead-letters') ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json', 'x-console-token': token },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiAnswerError(0, 'OFFLINE', 'The console server does not answer');
  }
  const answer = (await response.json().catch(() => ({}))) as { error?: { code: string; message: string } };
  if (!response.ok)
    throw new ApiAnswerError(response.status, answer.error?.code ?? 'CONSOLE', answer.error?.message ?? '');
  return answer;
};

export interface CallArgs {
  readonly path?: Record<string, string>;
  readonly query?: Record<string, string>;
  readonly body?: unknown;
}

export async function call<Op extends Operation>(
  operation: Op,
  input: CallArgs = {},
): Promise<CallResult<Op>> {
  const answer = (await post('/console/api/call', { operation, input })) as
    CallResult<Op> | { status: number; error: { code: string; message: string } };
  if ('error' in answer) throw new ApiAnswerError(answer.status, answer.error.code, answer.error.message);
  return answer;
}

type Words = (error: ApiAnswerError) => string | undefined;

/** What a refusal means for the control that asked. */
const operationWords: Partial<Record<Operation | 'redrive' | 'install', Words>> = {
  connectIntegration: ({ status, message }) => {
    if (status === 422)
      return 'Shopify refused this access token for this store: check that the token belongs to it and that the app is still installed.';
    if (status === 409) return 'Another organization already has this store connected.';
    if (status === 400) return `Check the form: ${message || 'a field is not valid'}.`;
    return undefined;
  },
  requestSync: ({ code }) => {
    if (code === 'SYNC_IN_PROGRESS')
      return 'A sync of this store is already running: its progress shows above.';
    if (code === 'INTEGRATION_NOT_ACTIVE')
      return 'Only an active store can be synced: resolve what needs attention first.';
    return undefined;
  },
  checkWebhooks: ({ status }) =>
    status === 409 ? 'Only an active store can have its webhooks checked.' : undefined,
  install: ({ status, message }) => (status === 409 ? `The install could not start: ${message}.` : undefined),
};

/** What an operator reads when a call fails: what went wrong, and what to do. */
export const explain = (operation: Operation | 'redrive' | 'install', error: unknown): string => {
  if (!(error instanceof ApiAnswerError)) return 'Something went wrong in the page; reload it.';
  const { status, code, message } = error;
  if (status === 0) return 'The console server does not answer: is it still running?';
  if (code === 'CONSOLE_FAILED' || status === 502)
    return 'The console could not reach the API: check that it runs and that your credentials work.';
  if (status === 403) return 'The API refused the call: your credentials lack permission for it.';
  const specific = operationWords[operation]?.(error);
  if (specific) return specific;
  if (status === 404) return 'This store is no longer in the organization: the list refreshes shortly.';
  return `The API answered ${status}${message ? `: ${message}` : ''}.`;
};
