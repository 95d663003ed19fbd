/**
 * The one DynamoDBClient and DynamoDBDocumentClient factories: every repository marshals the same
 * way (undefined fields dropped, so optional record fields never become NULL by accident), and
 * every client reads response bodies the same way (below).
 */
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * Reads a response body by async iteration instead of the SDK's default collector, which pipes
 * the body into a Writable. Measured (issue 10, docs/benchmarks-history.md "P3"): with the default, each
 * request's objects (headers, socket writes, the response and its buffers) outlive V8's young
 * collections, ~7.5 KiB a write moved into the old generation that only a full collection frees,
 * so a long sync's peak memory grows with its length; iterating the same bodies leaves ~0.6 KiB.
 */
export const readResponseBody = async (body: unknown): Promise<Uint8Array> => {
  if (body instanceof Blob) return new Uint8Array(await body.arrayBuffer());
  const chunks: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of body as AsyncIterable<Uint8Array>) {
    chunks.push(chunk);
    length += chunk.byteLength;
  }
  // A fresh array, as the SDK's own collector returns: the SDK re-prototypes what it gets.
  const bytes = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
};

export const createDynamoDbClient = (config: DynamoDBClientConfig = {}): DynamoDBClient =>
  new DynamoDBClient({ ...config, streamCollector: readResponseBody });

/** What a client's `send` does with a command, as the SDK types it (CommandIO in @smithy/types). */
interface ResolvableCommand<Input extends object, Output> {
  readonly input: Input;
  resolveMiddleware(
    stack: unknown,
    configuration: unknown,
    options: undefined,
  ): (args: { input: Input }) => Promise<{ output: Output }>;
}

/**
 * `client.send` for the low-level commands of a hot path (a sync's record writes: one request a
 * record), with each command class's middleware resolved once instead of at every request: what
 * the SDK's own `cacheMiddleware` option does, which lib-dynamodb refuses on a client its
 * document client wraps. Building the stack (every plugin, ~20 middleware closures, their
 * context) was ~0.1 ms of a write's ~0.6 ms of worker CPU (docs/benchmarks-history.md, perf6).
 * As with the option, middleware added to the client after the first send is not seen: the
 * meters and the tracer add theirs where the client is created.
 */
export const cachedSender = (client: { readonly middlewareStack: unknown; readonly config: unknown }) => {
  const handlers = new Map<unknown, unknown>();
  return async <Input extends object, Output>(command: ResolvableCommand<Input, Output>): Promise<Output> => {
    type Resolved = ReturnType<typeof command.resolveMiddleware>;
    let handler = handlers.get(command.constructor) as Resolved | undefined;
    if (!handler) {
      handler = command.resolveMiddleware(client.middlewareStack, client.config, undefined);
      handlers.set(command.constructor, handler);
    }
    return (await handler(command)).output;
  };
};

/** How plain values become attribute values, for the document client and for writes that marshal their own. */
export const marshallOptions = { removeUndefinedValues: true, convertClassInstanceToMap: false } as const;

export const createDocumentClient = (
  client: DynamoDBClient = createDynamoDbClient(),
): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(client, {
    marshallOptions: { ...marshallOptions },
    unmarshallOptions: { wrapNumbers: false },
  });
