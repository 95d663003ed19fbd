/**
 * The status console's server side: serves the page and answers its calls by calling the HTTP API
 * with the typed client (signed with the developer's own credentials when deployed), and the
 * dead-letter queue with SQS. The browser never holds credentials: it talks only to this server,
 * on the loopback interface, with a per-process token that other origins cannot read.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import {
  type CallInput,
  type Operation,
  type ShopifySyncClient,
  ShopifySyncApiError,
} from '../client/index.js';
import { routeContracts } from '../lambdas/handlers/contract/route-contracts.js';
import type { DeadLetters } from './dead-letters.js';

const webRoot = path.join(path.dirname(fileURLToPath(import.meta.url)), 'web');

export interface ConsoleSettings {
  readonly client: ShopifySyncClient;
  readonly deadLetters: DeadLetters;
  /** Organizations the page lists at first (the page can add others). */
  readonly organizations: readonly string[];
  /** Shown in the header: "local runtime" or "stage prod (eu-west-1)". */
  readonly target: string;
  readonly log?: (line: string) => void;
}

/** Handles one request if it is the console's; answers false for anything else. */
export type ConsoleRequestHandler = (request: IncomingMessage, response: ServerResponse) => Promise<boolean>;

const operations = Object.keys(routeContracts).filter((id) => id !== 'receiveWebhook') as Operation[];
/**
 * The install flow's operation (a re-install is the remedy for a dead refresh token), found by its
 * route so the page offers "Re-install" only where the API has it.
 */
const installOperation = (Object.entries(routeContracts) as [Operation, { route: string }][]).find(
  ([, contract]) => contract.route === 'POST /organizations/{organizationId}/installations',
)?.[0];
const callSchema = z.strictObject({
  operation: z.enum(operations as [Operation, ...Operation[]]),
  input: z
    .strictObject({
      path: z.record(z.string(), z.string()).optional(),
      query: z.record(z.string(), z.string()).optional(),
      body: z.unknown().optional(),
    })
    .default({}),
});

const send = (response: ServerResponse, status: number, type: string, body: string | Buffer) => {
  response.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    // The page loads nothing from elsewhere and runs only its own script.
    'content-security-policy':
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  });
  response.end(body);
};
const sendJson = (response: ServerResponse, status: number, body: unknown) =>
  send(response, status, 'application/json', JSON.stringify(body));

const readBody = async (request: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > 1024 * 1024) throw new Error('Body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
};

let bundled: Promise<string> | undefined;
/** The page's script, compiled from console/web/app.ts once per process. */
const appScript = (): Promise<string> =>
  (bundled ??= import('esbuild').then(async ({ build }) => {
    const result = await build({
      entryPoints: [path.join(webRoot, 'app.ts')],
      bundle: true,
      write: false,
      format: 'esm',
      target: 'es2022',
      minify: false,
      logLevel: 'silent',
    });
    return result.outputFiles[0]!.text;
  }));

const sameToken = (given: string | undefined, token: string) =>
  given !== undefined &&
  given.length === token.length &&
  timingSafeEqual(Buffer.from(given), Buffer.from(token));

export function createConsoleHandler(settings: ConsoleSettings): ConsoleRequestHandler {
  // Cross-origin pages can send requests to localhost but cannot read this page, so cannot learn it.
  const token = randomBytes(24).toString('base64url');
  const log = settings.log ?? (() => undefined);

  const api = async (request: IncomingMessage, response: ServerResponse, route: string) => {
    if (!sameToken(request.headers['x-console-token'] as string | undefined, token)) {
      return sendJson(response, 403, {
        error: { code: 'FORBIDDEN', message: 'Missing or wrong console token' },
      });
    }
    if (request.method === 'GET' && route === 'dead-letters') {
      return sendJson(response, 200, await settings.deadLetters.depth());
    }
    if (request.method === 'POST' && route === 'dead-letters/redrive') {
      return sendJson(response, 200, await settings.deadLetters.redrive());
    }
    if (request.method === 'POST' && route === 'call') {
      let parsed: z.infer<typeof callSchema>;
      try {
        parsed = callSchema.parse(JSON.parse(await readBody(request)));
      } catch {
        return sendJson(response, 400, { error: { code: 'BAD_CALL', message: 'Not a console call' } });
      }
      try {
        const result = await settings.client.call(parsed.operation, parsed.input as CallInput<Operation>);
        return sendJson(response, 200, result);
      } catch (error) {
        if (error instanceof ShopifySyncApiError) {
          return sendJson(response, 200, {
            status: error.status,
            error: { code: error.code, message: error.message },
          });
        }
        throw error;
      }
    }
    return sendJson(response, 404, { error: { code: 'NOT_FOUND', message: 'No such console call' } });
  };

  return async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://console.invalid');
    const pathname = url.pathname;
    if (pathname !== '/console' && !pathname.startsWith('/console/')) return false;
    // DNS rebinding: a page on another name that resolves to 127.0.0.1 must not reach this.
    const host = (request.headers.host ?? '').replace(/:\d+$/, '');
    if (!['127.0.0.1', 'localhost', '[::1]'].includes(host)) {
      sendJson(response, 421, {
        error: { code: 'WRONG_HOST', message: 'The console answers on localhost only' },
      });
      return true;
    }
    try {
      if (pathname === '/console' || pathname === '/console/') {
        const page = (await readFile(path.join(webRoot, 'index.html'), 'utf8'))
          .replace('{{token}}', token)
          .replace('{{install-operation}}', installOperation ?? '')
          .replace('{{target}}', escapeHtml(settings.target))
          .replace('{{organizations}}', escapeHtml(JSON.stringify(settings.organizations)));
        send(response, 200, 'text/html; charset=utf-8', page);
      } else if (pathname === '/console/app.js') {
        send(response, 200, 'text/javascript; charset=utf-8', await appScript());
      } else if (pathname === '/console/style.css') {
        send(response, 200, 'text/css; charset=utf-8', await readFile(path.join(webRoot, 'style.css')));
      } else if (pathname.startsWith('/console/api/')) {
        await api(request, response, pathname.slice('/console/api/'.length));
      } else {
        sendJson(response, 404, { error: { code: 'NOT_FOUND', message: 'Not Found' } });
      }
    } catch (error) {
      log(
        `[console] ${request.method} ${pathname} failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      if (!response.headersSent)
        sendJson(response, 502, {
          error: { code: 'CONSOLE_FAILED', message: 'The console could not reach the API or SQS' },
        });
    }
    return true;
  };
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
