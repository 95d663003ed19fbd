/**
 * A typed client of the shopify-sync HTTP API. Its calls and answers are typed from contracts.ts,
 * generated from the zod contracts the handlers parse with and the OpenAPI document is generated from
 * (lambdas/handlers/contract/), and every answer is parsed with them, so a drift fails loudly.
 * Published as the workspace package @shopify-sync/client (README.md); it imports nothing outside
 * this folder.
 *
 * Calls are SigV4-signed (service `execute-api`) with the standard AWS credential chain
 * (environment, shared config and SSO profiles, web identity, container and instance roles),
 * exactly as the AWS CLI would sign them.
 *
 *   const api = createShopifySyncClient({ apiUrl: process.env.SHOPIFY_SYNC_API_URL! });
 *   const { body } = await api.call('connectIntegration', { path: { organizationId }, body: { shopDomain, accessToken } });
 *   const { integrationId } = body.integration;
 *   await api.call('requestSync', { path: { organizationId, integrationId }, query: { force: 'true' } });
 */
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { z } from 'zod';
import { apiErrorSchema, gatewayErrorSchema, routeContracts } from './contracts.js';

type RouteContracts = typeof routeContracts;

/** Every operation your backend may call (Shopify's webhook route is Shopify's alone). */
export type Operation = keyof RouteContracts;

/** The operations, for a caller that takes an operation's name from outside (a CLI, a config). */
export const operations = Object.keys(routeContracts) as Operation[];

interface RouteContract {
  readonly route: string;
  readonly responses: Readonly<Partial<Record<number, { readonly body: z.ZodType }>>>;
}

type Contract<Op extends Operation> = RouteContracts[Op];
type Field<C, K extends string> = C extends { readonly [key in K]: infer S extends z.ZodType } ? S : never;

/** What a call takes: its path parameters, query and body, typed by the route's contract. */
export type CallInput<Op extends Operation> = ([Field<Contract<Op>, 'path'>] extends [never]
  ? unknown
  : { readonly path: z.input<Field<Contract<Op>, 'path'>> }) &
  ([Field<Contract<Op>, 'query'>] extends [never]
    ? unknown
    : { readonly query?: z.input<Field<Contract<Op>, 'query'>> }) &
  ([Field<Contract<Op>, 'body'>] extends [never]
    ? unknown
    : { readonly body: z.input<Field<Contract<Op>, 'body'>> });

type Responses<Op extends Operation> = Contract<Op>['responses'];

/** What a call answers: one of the route's success statuses with its parsed body. */
export type CallResult<Op extends Operation> = {
  [S in keyof Responses<Op>]: {
    readonly status: S;
    readonly body: Responses<Op>[S] extends { readonly body: infer B extends z.ZodType }
      ? z.output<B>
      : never;
  };
}[keyof Responses<Op>];

/** A call of an operation the API does not have (a typo, or a client older than the call). */
export class UnknownOperationError extends TypeError {
  override readonly name = 'UnknownOperationError';
  constructor(readonly operation: string) {
    super(`Unknown operation "${operation}": the shopify-sync API has ${operations.join(', ')}`);
  }
}

/** An answer outside the route's success statuses; `code` is the API's error code (or API Gateway's). */
export class ShopifySyncApiError extends Error {
  override readonly name = 'ShopifySyncApiError';
  constructor(
    readonly operation: Operation,
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(`${operation} answered ${status} ${code}: ${message}`);
  }
}

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

export interface ShopifySyncClientOptions {
  /** The stack's ApiUrl output (or the local runtime's http://127.0.0.1:3000). */
  readonly apiUrl: string;
  /** Defaults to the region in an `execute-api` host name, then AWS_REGION. */
  readonly region?: string;
  /**
   * Credentials or a provider of them; the standard chain by default. `false` sends unsigned
   * calls, which only the local runtime accepts.
   */
  readonly credentials?: Credentials | (() => Promise<Credentials>) | false;
  readonly fetch?: typeof fetch;
}

const regionOf = (apiUrl: string): string | undefined =>
  /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com/.exec(new URL(apiUrl).hostname)?.[1];

const fillPath = (template: string, params: Record<string, string>): string =>
  template.replace(/\{(\w+)\}/g, (_match, name: string) => {
    const value = params[name];
    if (value === undefined) throw new TypeError(`Missing path parameter ${name}`);
    return encodeURIComponent(value);
  });

const errorOf = (text: string): { code: string; message: string } => {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { code: 'NOT_JSON', message: text.slice(0, 200) };
  }
  const handler = apiErrorSchema.safeParse(body);
  if (handler.success) return handler.data.error;
  const gateway = gatewayErrorSchema.safeParse(body);
  return gateway.success
    ? { code: 'GATEWAY', message: gateway.data.message }
    : { code: 'UNEXPECTED', message: text.slice(0, 200) };
};

export interface ShopifySyncClient {
  readonly apiUrl: string;
  call<Op extends Operation>(operation: Op, input: CallInput<Op>): Promise<CallResult<Op>>;
}

export function createShopifySyncClient(options: ShopifySyncClientOptions): ShopifySyncClient {
  const apiUrl = options.apiUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  const signer =
    options.credentials === false
      ? undefined
      : new SignatureV4({
          service: 'execute-api',
          region: options.region ?? regionOf(apiUrl) ?? process.env.AWS_REGION ?? 'us-east-1',
          credentials: options.credentials ?? fromNodeProviderChain(),
          sha256: Hash.bind(null, 'sha256'),
        });

  return {
    apiUrl,
    async call(operation, input) {
      // Object.hasOwn, not `in`: "toString" is no operation either.
      if (!Object.hasOwn(routeContracts, operation)) throw new UnknownOperationError(String(operation));
      const contract: RouteContract = routeContracts[operation];
      const [method, template] = contract.route.split(' ') as [string, string];
      const given = input as {
        path?: Record<string, string>;
        query?: Record<string, string | number | boolean | undefined>;
        body?: unknown;
      };
      const url = new URL(apiUrl + fillPath(template, given.path ?? {}));
      for (const [name, value] of Object.entries(given.query ?? {})) {
        if (value !== undefined) url.searchParams.set(name, String(value));
      }
      const body = given.body === undefined ? undefined : JSON.stringify(given.body);
      let headers: Record<string, string> = {
        host: url.host,
        accept: 'application/json',
        // Every POST says JSON, body or not: the local runtime refuses a POST that does not (a
        // cross-site page could send it), and API Gateway ignores it.
        ...((body !== undefined || method === 'POST') && { 'content-type': 'application/json' }),
      };
      if (signer) {
        const signed = await signer.sign({
          method,
          protocol: url.protocol,
          hostname: url.hostname,
          ...(url.port && { port: Number(url.port) }),
          path: url.pathname,
          query: Object.fromEntries(url.searchParams),
          headers,
          ...(body !== undefined && { body }),
        } as Parameters<SignatureV4['presign']>[0]);
        headers = signed.headers;
      }
      // fetch sets Host itself (to the same value that was signed).
      const { host: _host, ...sent } = headers;
      const response = await doFetch(url, { method, headers: sent, ...(body !== undefined && { body }) });
      const text = await response.text();
      const answer = (contract.responses as Record<number, { body: z.ZodType } | undefined>)[response.status];
      if (!answer) {
        const { code, message } = errorOf(text);
        throw new ShopifySyncApiError(operation, response.status, code, message);
      }
      const parsed = answer.body.safeParse(JSON.parse(text));
      if (!parsed.success) {
        throw new ShopifySyncApiError(
          operation,
          response.status,
          'UNEXPECTED_ANSWER',
          `the answer does not match the contract: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`,
        );
      }
      return { status: response.status, body: parsed.data } as CallResult<typeof operation>;
    },
  };
}
