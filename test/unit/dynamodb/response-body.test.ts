import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  createDynamoDbClient,
  readResponseBody,
} from '../../../lambdas/adapters/dynamodb/document-client.js';

const bytesOf = (text: string) => new TextEncoder().encode(text);

describe('DynamoDB response bodies', () => {
  it('reads a body of many chunks into one array, byte for byte', async () => {
    const parts = Array.from({ length: 50 }, (_, i) => `{"n":${i},"s":"${'é'.repeat(i)}"}`);
    const body = Readable.from(parts.map((part) => Buffer.from(part)));

    const bytes = await readResponseBody(body);

    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(new TextDecoder().decode(bytes)).toBe(parts.join(''));
  });

  it('reads an empty body as an empty array', async () => {
    expect((await readResponseBody(Readable.from([]))).byteLength).toBe(0);
  });

  it('reads web streams and blobs too', async () => {
    const web = new Blob([bytesOf('{"a":'), bytesOf('1}')]).stream();
    expect(new TextDecoder().decode(await readResponseBody(web))).toBe('{"a":1}');
    expect(new TextDecoder().decode(await readResponseBody(new Blob(['{"b":2}'])))).toBe('{"b":2}');
  });

  it('rejects when the body fails part-way, returning nothing half-read', async () => {
    const body = new Readable({
      read() {
        this.push(Buffer.from('{"partial":'));
        this.destroy(new Error('socket hang up'));
      },
    });
    await expect(readResponseBody(body)).rejects.toThrow('socket hang up');
  });

  it('is how every client built by the factory reads its responses', () => {
    const client = createDynamoDbClient({ region: 'local' });
    try {
      expect(client.config.streamCollector).toBe(readResponseBody);
    } finally {
      client.destroy();
    }
  });
});
