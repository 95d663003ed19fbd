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

/** How plain values become attribute values, for the document client and for writes that marshal their own. */
export const marshallOptions = { removeUndefinedValues: true, convertClassInstanceToMap: false } as const;

export const createDocumentClient = (
  client: DynamoDBClient = createDynamoDbClient(),
): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(client, {
    marshallOptions: { ...marshallOptions },
    unmarshallOptions: { wrapNumbers: false },
  });
