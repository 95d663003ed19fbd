import { Readable } from 'node:stream';
import { DynamoDBClient, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { cachedSender, readResponseBody } from '../../../lambdas/adapters/dynamodb/document-client.js';

/** A real SDK client whose requests never leave the process: each answered with its own key. */
const recordingClient = () => {
  const sent: { target: string; body: { TableName: string; Item?: unknown; Key?: unknown } }[] = [];
  const client = new DynamoDBClient({
    region: 'local',
    endpoint: 'http://127.0.0.1:1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    streamCollector: readResponseBody,
    requestHandler: {
      handle: async (request: { headers: Record<string, string>; body: string }) => {
        const body = JSON.parse(request.body) as (typeof sent)[number]['body'];
        sent.push({ target: request.headers['x-amz-target'] ?? '', body });
        const id = JSON.stringify(body.Item ?? body.Key);
        return {
          response: {
            statusCode: 200,
            headers: { 'content-type': 'application/x-amz-json-1.0' },
            body: Readable.from([Buffer.from(JSON.stringify({ Attributes: { id: { S: id } } }))]),
          },
        };
      },
    },
  });
  const seen: string[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      seen.push(context.commandName ?? '');
      return next(args);
    },
    { step: 'initialize', name: 'recordCommands' },
  );
  return { client, sent, seen };
};

const key = (n: number) => ({ organizationId: { S: 'org' }, shopifyId: { S: String(n) } });

describe('cachedSender', () => {
  it('sends each command with its own input and answers each its own output, middleware seeing every request', async () => {
    const { client, sent, seen } = recordingClient();
    const send = cachedSender(client);
    const outputs = await Promise.all([
      ...[1, 2, 3].map((n) => send(new PutItemCommand({ TableName: 'Customers', Item: key(n) }))),
      ...[4, 5].map((n) =>
        send(new UpdateItemCommand({ TableName: 'Customers', Key: key(n), UpdateExpression: 'SET a = :a' })),
      ),
    ]);
    expect(sent.map((request) => request.target)).toEqual([
      ...Array(3).fill('DynamoDB_20120810.PutItem'),
      ...Array(2).fill('DynamoDB_20120810.UpdateItem'),
    ]);
    expect(sent.map((request) => request.body.Item ?? request.body.Key)).toEqual([1, 2, 3, 4, 5].map(key));
    expect(outputs.map((output) => output.Attributes?.['id']?.S)).toEqual(
      [1, 2, 3, 4, 5].map((n) => JSON.stringify(key(n))),
    );
    expect(seen).toEqual([...Array(3).fill('PutItemCommand'), ...Array(2).fill('UpdateItemCommand')]);
  });

  it('resolves a command class middleware once, however many commands of it are sent', async () => {
    const { client } = recordingClient();
    const send = cachedSender(client);
    let resolved = 0;
    class CountedPut extends PutItemCommand {
      override resolveMiddleware(...args: Parameters<PutItemCommand['resolveMiddleware']>) {
        resolved += 1;
        return super.resolveMiddleware(...args);
      }
    }
    for (const n of [1, 2, 3, 4]) await send(new CountedPut({ TableName: 'Customers', Item: key(n) }));
    expect(resolved).toBe(1);
    await client.send(new CountedPut({ TableName: 'Customers', Item: key(5) }));
    expect(resolved).toBe(2); // the client's own send resolves at every request
  });
});
