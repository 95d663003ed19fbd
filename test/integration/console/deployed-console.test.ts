import { request } from 'node:http';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createShopifySyncClient } from '../../../client/index.js';
import { sqsDeadLetters } from '../../../console/dead-letters.js';
import {
  type ConsoleServer,
  findStack,
  StackNotFoundError,
  startConsoleServer,
} from '../../../console/deployed.js';
import { type LocalRuntime, startLocalRuntime } from '../../../local/runtime.js';
import { isolatedRuntime } from '../../support/local-runtime.js';

/**
 * `npm run console -- --stage <stage>`: the stack lookup, and the console server wired as for a
 * deployed stack (a signing client, SQS for the dead letters) but pointed at the local runtime.
 */
describe('finding a deployed stack', () => {
  // No CloudFormation exists here: the SDK client is mocked, its answers shaped as AWS's.
  const cloudFormation = new CloudFormationClient({ region: 'eu-west-1' });
  const mock = mockClient(cloudFormation);
  afterAll(() => mock.restore());

  it('reads the API URL and the dead-letter queue URL from ShopifySync-<stage> outputs', async () => {
    mock.on(DescribeStacksCommand, { StackName: 'ShopifySync-prod' }).resolves({
      Stacks: [
        {
          StackName: 'ShopifySync-prod',
          StackStatus: 'UPDATE_COMPLETE',
          CreationTime: new Date(),
          Outputs: [
            { OutputKey: 'ApiUrl', OutputValue: 'https://abc.execute-api.eu-west-1.amazonaws.com/' },
            { OutputKey: 'SyncDeadLetterQueueUrl', OutputValue: 'https://sqs.eu-west-1.amazonaws.com/1/dlq' },
          ],
        },
      ],
    });
    await expect(findStack(cloudFormation, 'prod')).resolves.toEqual({
      stackName: 'ShopifySync-prod',
      apiUrl: 'https://abc.execute-api.eu-west-1.amazonaws.com/',
      deadLetterQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/1/dlq',
    });
  });

  it('names the stage when the stack does not exist, and the output when it is missing', async () => {
    mock.on(DescribeStacksCommand, { StackName: 'ShopifySync-typo' }).rejects(
      Object.assign(new Error('Stack with id ShopifySync-typo does not exist'), {
        name: 'ValidationError',
      }),
    );
    await expect(findStack(cloudFormation, 'typo')).rejects.toThrow(
      new StackNotFoundError(
        'No stack ShopifySync-typo in this account and region (deploy it with: npx cdk deploy -c stage=typo)',
      ),
    );
    mock.on(DescribeStacksCommand, { StackName: 'ShopifySync-old' }).resolves({
      Stacks: [
        {
          StackName: 'ShopifySync-old',
          StackStatus: 'UPDATE_COMPLETE',
          CreationTime: new Date(),
          Outputs: [{ OutputKey: 'ApiUrl', OutputValue: 'https://x/' }],
        },
      ],
    });
    await expect(findStack(cloudFormation, 'old')).rejects.toThrow(
      'Stack ShopifySync-old has no SyncDeadLetterQueueUrl output',
    );
  });
});

describe('the console server for a deployed stack', () => {
  let runtime: LocalRuntime;
  let server: ConsoleServer;
  beforeAll(async () => {
    runtime = await startLocalRuntime({
      ...isolatedRuntime('dc'),
      demoShop: { customers: 3, orders: 0, products: 0 },
      lambdaEnv: { POWERTOOLS_LOG_LEVEL: 'WARN', POWERTOOLS_METRICS_DISABLED: 'true' },
      log: () => undefined,
    });
    const credentials = { accessKeyId: 'AKIDDEV', secretAccessKey: 'developer-secret' };
    server = await startConsoleServer({
      client: createShopifySyncClient({ apiUrl: runtime.apiUrl, region: 'us-east-1', credentials }),
      deadLetters: sqsDeadLetters(
        new SQSClient({ endpoint: runtime.awsEndpoint.url, region: 'us-east-1', credentials }),
        runtime.deadLetterQueue.url,
      ),
      organizations: ['org-1'],
      target: 'stage test (us-east-1)',
    });
  });
  afterAll(async () => {
    await server?.stop();
    await runtime?.stop();
  });

  const tokenOf = async () => {
    const page = await (await fetch(server.url)).text();
    return /<meta name="console-token" content="([^"]+)"/.exec(page)![1]!;
  };
  const callApi = (token: string | undefined, body: unknown) =>
    fetch(server.url.replace('/console', '/console/api/call'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token && { 'x-console-token': token }) },
      body: JSON.stringify(body),
    });

  it('serves the page with the stage and organizations, and relays calls made with its token', async () => {
    const page = await (await fetch(server.url)).text();
    expect(page).toContain('stage test (us-east-1)');
    expect(page).toContain('[&#34;org-1&#34;]');

    const answer = await callApi(await tokenOf(), {
      operation: 'listOrganizationIntegrations',
      input: { path: { organizationId: 'org-1' } },
    });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ status: 200, body: { items: [] } });

    const depth = await fetch(server.url.replace('/console', '/console/api/dead-letters'), {
      headers: { 'x-console-token': await tokenOf() },
    });
    expect(await depth.json()).toEqual({ waiting: 0, inFlight: 0 });
  });

  it('refuses calls without its token, operations outside the contract, and other host names', async () => {
    const call = { operation: 'listOrganizationIntegrations', input: { path: { organizationId: 'org-1' } } };
    expect((await callApi(undefined, call)).status).toBe(403);
    expect((await callApi('not-the-token', call)).status).toBe(403);
    expect((await callApi(await tokenOf(), { operation: 'receiveWebhook', input: {} })).status).toBe(400);

    const rebound = await new Promise<number>((resolve, reject) => {
      const req = request(server.url, { headers: { host: 'attacker.example:4000' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(rebound).toBe(421);
  });

  it('relays API errors with their status and code', async () => {
    const answer = await callApi(await tokenOf(), {
      operation: 'getIntegration',
      input: { path: { organizationId: 'org-console', integrationId: 'int_missing' } },
    });
    expect(await answer.json()).toMatchObject({ status: 404, error: { code: 'NOT_FOUND' } });
  });
});
