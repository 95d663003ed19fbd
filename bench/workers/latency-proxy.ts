/**
 * A TCP proxy that holds every chunk from client to server for `delayMs` before forwarding it:
 * DynamoDB Local answers in about a millisecond on this machine, AWS in-region in a few, and
 * what concurrent writes buy only shows with a realistic round trip. Answers pass straight
 * through, so each request/response exchange gains one `delayMs`.
 *
 * Runs in its own process (its timers must not wait behind the simulator's GraphQL work). Reads
 * `{ target, delayMs }` from argv[2], prints `{ "port": N }` once listening, stops on SIGTERM.
 */
import net from 'node:net';
import { z } from 'zod';

const { target, delayMs } = z
  .object({ target: z.string().url(), delayMs: z.number().nonnegative() })
  .parse(JSON.parse(process.argv[2] ?? '{}'));
const upstream = new URL(target);

const server = net.createServer((client) => {
  client.setNoDelay(true);
  const server = net.connect({ host: upstream.hostname, port: Number(upstream.port) });
  server.setNoDelay(true);
  // Chunks keep their order: every one waits the same time, and timers of equal delay fire in order.
  client.on('data', (chunk) => {
    setTimeout(() => {
      if (!server.destroyed) server.write(chunk);
    }, delayMs);
  });
  server.pipe(client);
  const close = () => {
    client.destroy();
    server.destroy();
  };
  client.on('error', close);
  server.on('error', close);
  client.on('end', () => setTimeout(() => server.end(), delayMs));
  server.on('close', () => client.destroy());
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address() as net.AddressInfo;
  process.stdout.write(`${JSON.stringify({ port: address.port })}\n`);
});
process.on('SIGTERM', () => {
  server.close();
  process.exit(0);
});
