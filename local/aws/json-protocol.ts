import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { z } from 'zod';
import { listenLocally, refuseForeignHost } from '../local-host.js';

/**
 * The AWS JSON RPC protocols (1.0 and 1.1): every call is a POST to `/` with
 * `X-Amz-Target: <ServicePrefix>.<Operation>` and a JSON body; errors are a 4xx/5xx with
 * `{ "__type": ..., "message": ... }`. The real SDK v3 clients talk to these servers unchanged.
 */
export class AwsServiceError extends Error {
  constructor(
    /** The error shape name the SDK maps to an exception class, e.g. `ResourceNotFoundException`. */
    readonly type: string,
    message: string,
    readonly statusCode = 400,
    /** awsQueryCompatible services (SQS) also send the legacy query error code in a header. */
    readonly queryError?: string,
  ) {
    super(message);
    this.name = type;
  }
}

export type JsonObject = Record<string, unknown>;
export type Operation = (input: JsonObject) => JsonObject | Promise<JsonObject>;

export interface AwsJsonService {
  /** The `X-Amz-Target` prefix: `AmazonSQS`, `secretsmanager`, `TrentService`. */
  readonly targetPrefix: string;
  /** `1.0` or `1.1`: only the response content type differs. */
  readonly jsonVersion: '1.0' | '1.1';
  /** Namespace prepended to error types (SQS uses `com.amazonaws.sqs#QueueDoesNotExist`). */
  readonly errorNamespace?: string;
  readonly operations: Readonly<Record<string, Operation>>;
}

export interface AwsEndpoint {
  readonly url: string;
  readonly port: number;
  /**
   * Makes the next `times` calls of `target` (e.g. `AmazonSQS.SendMessageBatch`) fail with
   * `error`: for chaos runs and for error paths a healthy emulator never produces.
   */
  injectFault(target: string, error: AwsServiceError, times?: number): void;
  stop(): Promise<void>;
}

const readBody = async (request: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

const send = (response: ServerResponse, status: number, body: unknown, headers: Record<string, string>) => {
  const payload = JSON.stringify(body);
  response.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(payload) });
  response.end(payload);
};

/** Serves several JSON-protocol services on one port, dispatching on the `X-Amz-Target` prefix. */
export async function startAwsJsonEndpoint(
  services: readonly AwsJsonService[],
  options: { port?: number; host?: string } = {},
): Promise<AwsEndpoint> {
  const byPrefix = new Map(services.map((service) => [service.targetPrefix, service]));
  const faults = new Map<string, { error: AwsServiceError; remaining: number }>();

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    // It holds the app secret and the KMS key: a rebinding page must not reach it.
    if (refuseForeignHost(request, response)) return;
    const requestId = randomUUID();
    const target = request.headers['x-amz-target'];
    const [prefix = '', operationName = ''] = typeof target === 'string' ? target.split('.') : [];
    const service = byPrefix.get(prefix);
    const contentType = `application/x-amz-json-${service?.jsonVersion ?? '1.1'}`;
    const headers = { 'content-type': contentType, 'x-amzn-requestid': requestId };

    const fail = (error: AwsServiceError) => {
      const type = service?.errorNamespace ? `${service.errorNamespace}#${error.type}` : error.type;
      send(
        response,
        error.statusCode,
        { __type: type, message: error.message },
        {
          ...headers,
          'x-amzn-errortype': error.type,
          ...(error.queryError && { 'x-amzn-query-error': error.queryError }),
        },
      );
    };

    try {
      if (request.method !== 'POST')
        throw new AwsServiceError('UnknownOperationException', 'Only POST is supported', 404);
      const operation = service?.operations[operationName];
      if (!operation)
        throw new AwsServiceError('UnknownOperationException', `Unknown operation ${String(target)}`);
      const raw = await readBody(request);
      let input: unknown;
      try {
        input = raw ? JSON.parse(raw) : {};
      } catch {
        throw new AwsServiceError('SerializationException', 'Request body is not valid JSON');
      }
      if (typeof input !== 'object' || input === null || Array.isArray(input)) {
        throw new AwsServiceError('SerializationException', 'Request body must be a JSON object');
      }
      const fault = faults.get(`${prefix}.${operationName}`);
      if (fault && fault.remaining > 0) {
        fault.remaining -= 1;
        throw fault.error;
      }
      send(response, 200, await operation(input as JsonObject), headers);
    } catch (error) {
      if (error instanceof AwsServiceError) return fail(error);
      console.error(`[local-aws] ${String(target)} failed`, error);
      fail(
        new AwsServiceError(
          'InternalFailure',
          'The request processing has failed because of an unknown error',
          500,
        ),
      );
    }
  };

  const server: Server = createServer((request, response) => void handle(request, response));
  const port = await listenLocally(server, options.port, options.host);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    injectFault: (target, error, times = 1) => faults.set(target, { error, remaining: times }),
    stop: () => closeServer(server),
  };
}

/** Closes a server, including idle keep-alive sockets the SDK's agent holds open. */
export const closeServer = (server: Server): Promise<void> =>
  new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });

/** Parses an operation's input, failing the way AWS does (a 400 `ValidationException`). */
export const parseInput = <T>(schema: z.ZodType<T>, input: JsonObject): T => {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new AwsServiceError(
    'ValidationException',
    `1 validation error detected: Value at '${issue?.path.join('.') ?? ''}' failed to satisfy constraint: ${issue?.message ?? 'invalid'}`,
  );
};
