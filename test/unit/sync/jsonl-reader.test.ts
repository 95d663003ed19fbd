import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createJsonlReader } from '../../../lambdas/adapters/shopify/jsonl-lines.js';

const MiB = 2 ** 20;
const FILE_BYTES = 64 * MiB;
const line = (n: number) =>
  `${JSON.stringify({ id: `gid://shopify/Customer/${n}`, note: 'x'.repeat(200) })}\n`;

/**
 * A bulk result file served over real HTTP, written only as fast as the client takes it (the
 * server waits for 'drain'), so `sent` is what the client has pulled, buffers included.
 */
async function serveJsonl(totalBytes: number) {
  const served = { sent: 0, closed: false };
  const server: Server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/jsonl' });
    response.on('close', () => (served.closed = true));
    let n = 0;
    const pump = () => {
      while (served.sent < totalBytes && !response.destroyed) {
        const text = line(n++);
        served.sent += Buffer.byteLength(text);
        if (!response.write(text)) return void response.once('drain', pump);
      }
      response.end();
    };
    pump();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { served, server, url: `http://127.0.0.1:${port}/result.jsonl` };
}

let server: Server | undefined;
afterEach(() => {
  server?.closeAllConnections();
  server?.close();
});

describe('JSONL reader of a bulk result', () => {
  it('reads the file only as fast as lines are taken: a consumer that stops pulling has at most a few MiB of a 64 MiB file sent ahead', async () => {
    const file = await serveJsonl(FILE_BYTES);
    server = file.server;
    const lines = createJsonlReader().lines(file.url, 0)[Symbol.asyncIterator]();

    const first = await lines.next();
    expect(JSON.parse(first.value as string)).toMatchObject({ id: 'gid://shopify/Customer/0' });
    // The download waits for the consumer: once the buffers are full nothing more is sent (two
    // readings 200 ms apart agree; on a loaded machine filling them can take seconds). An
    // unbounded reader settles only at the whole file, far above the bound below.
    const sentWhilePaused = await settledCount(() => file.served.sent, 200, 10_000);
    // ...and those buffers (socket, HTTP client, stream) hold a bounded slice of the file.
    expect(sentWhilePaused).toBeLessThan(16 * MiB);

    // Stopping early cancels the download instead of leaving it running.
    await lines.return?.(undefined);
    await expect.poll(() => file.served.closed).toBe(true);
    expect(file.served.sent).toBeLessThan(FILE_BYTES);
  });

  it('streams every line of a file larger than what it holds at once, in order', async () => {
    const file = await serveJsonl(8 * MiB);
    server = file.server;
    let count = 0;
    let bytes = 0;
    for await (const text of createJsonlReader().lines(file.url, 0)) {
      expect((JSON.parse(text) as { id: string }).id).toBe(`gid://shopify/Customer/${count}`);
      count += 1;
      bytes += text.length + 1;
    }
    expect(file.served.sent).toBeGreaterThanOrEqual(8 * MiB);
    expect(bytes).toBe(file.served.sent);
  });

  it('cuts lines at any chunk boundary: inside a multi-byte character, across three chunks, without a final newline', async () => {
    const text = '{"n":"Zoë"}\n\n{"n":"李小龍","note":"' + 'x'.repeat(40) + '"}\n{"n":"last"}';
    const bytes = new TextEncoder().encode(text);
    // Cuts inside "ë" (2 bytes) and "李" (3 bytes), and two inside the second line.
    const cuts = [
      bytes.indexOf(0xc3) + 1,
      bytes.indexOf(0xe6) + 1,
      bytes.indexOf(0xe6) + 20,
      bytes.indexOf(0xe6) + 40,
    ];
    const chunks = [0, ...cuts].map((from, i) => bytes.subarray(from, [...cuts, bytes.length][i]));
    const fetchChunks = (async () =>
      new Response(
        new ReadableStream<Uint8Array>({
          start(controller) {
            for (const chunk of chunks) controller.enqueue(chunk);
            controller.close();
          },
        }),
      )) as unknown as typeof fetch;
    const read = async (fromLine: number) => {
      const lines: string[] = [];
      for await (const line of createJsonlReader({ fetch: fetchChunks }).lines(
        'https://storage/result.jsonl',
        fromLine,
      ))
        lines.push(line);
      return lines;
    };

    const all = await read(0);
    expect(all.map((line) => (JSON.parse(line) as { n: string }).n)).toEqual(['Zoë', '李小龍', 'last']);
    // The empty line is not a line: a resumed read counts the same lines.
    expect(await read(1)).toEqual(all.slice(1));
    expect(await read(3)).toEqual([]);
  });
});

/** The value once two readings `intervalMs` apart agree (or the last reading after `timeoutMs`). */
async function settledCount(read: () => number, intervalMs: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let previous = read();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    const current = read();
    if (current === previous || Date.now() > deadline) return current;
    previous = current;
  }
}
