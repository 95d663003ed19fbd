/**
 * A DynamoDB endpoint with AWS's round trip and none of our CPU for the mirror's writes: every
 * request waits `delayMs`; a PutItem or UpdateItem on a table whose name ends in `answerTable`
 * is answered at once with success, everything else is forwarded to DynamoDB Local.
 *
 * Why: on two shared cores DynamoDB Local's JVM competes with the sync for CPU, and spends more
 * of it on the sync's conditional UpdateItems than on the ceiling's PutItems (P2, P2L), which in
 * AWS is the service's cost, not the function's. Through this stand-in both workloads cost the
 * server the same (nothing), so their ratio shows what the pipeline itself does with a round
 * trip. Conditions are not evaluated: the comparison writes fresh records only.
 *
 * Runs in its own process. Reads `{ target, delayMs, answerTable }` from argv[2], prints
 * `{ "port": N }` once listening, stops on SIGTERM.
 */
import http from 'node:http';
import * as z from 'zod';

const { target, delayMs, answerTable } = z
  .object({ target: z.url(), delayMs: z.number().nonnegative(), answerTable: z.string().min(1) })
  .parse(JSON.parse(process.argv[2] ?? '{}'));
const upstream = new URL(target);
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const answered = new RegExp(`"TableName":"[^"]*${answerTable}"`);
const writes = new Set(['DynamoDB_20120810.PutItem', 'DynamoDB_20120810.UpdateItem']);

const server = http.createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const body = Buffer.concat(chunks);
    setTimeout(() => {
      const operation = String(request.headers['x-amz-target'] ?? '');
      if (writes.has(operation) && answered.test(body.toString('utf8'))) {
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'content-length': 2 });
        response.end('{}');
        return;
      }
      const forwarded = http.request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: request.method,
          path: request.url,
          headers: request.headers,
          agent,
        },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
        },
      );
      forwarded.on('error', () => response.destroy());
      forwarded.end(body);
    }, delayMs);
  });
});
server.keepAliveTimeout = 60_000;

server.listen(0, '127.0.0.1', () => {
  const address = server.address() as { port: number };
  process.stdout.write(`${JSON.stringify({ port: address.port })}\n`);
});
process.on('SIGTERM', () => {
  server.close();
  process.exit(0);
});
