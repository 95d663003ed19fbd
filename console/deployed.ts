/**
 * The console against a deployed stack: the stack's outputs name the API and the dead-letter
 * queue; the developer's own credentials (the standard chain, or a profile) sign every call.
 * Nothing is added to the stack for this: the console runs on the developer's machine.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { SQSClient } from '@aws-sdk/client-sqs';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { createShopifySyncClient } from '../client/index.js';
import { sqsDeadLetters } from './dead-letters.js';
import { type ConsoleSettings, createConsoleHandler } from './server.js';

export class StackNotFoundError extends Error {
  override readonly name = 'StackNotFoundError';
}

export interface StackEndpoints {
  readonly stackName: string;
  readonly apiUrl: string;
  readonly deadLetterQueueUrl: string;
}

/** Reads `ApiUrl` and `SyncDeadLetterQueueUrl` from the outputs of `ShopifySync-<stage>`. */
export async function findStack(
  cloudFormation: CloudFormationClient,
  stage: string,
): Promise<StackEndpoints> {
  const stackName = `ShopifySync-${stage}`;
  let outputs: { OutputKey?: string; OutputValue?: string }[];
  try {
    const answer = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    outputs = answer.Stacks?.[0]?.Outputs ?? [];
  } catch (error) {
    if ((error as Error).name === 'ValidationError') {
      throw new StackNotFoundError(
        `No stack ${stackName} in this account and region (deploy it with: npx cdk deploy -c stage=${stage})`,
      );
    }
    throw error;
  }
  const output = (key: string) => {
    const value = outputs.find((candidate) => candidate.OutputKey === key)?.OutputValue;
    if (!value)
      throw new StackNotFoundError(`Stack ${stackName} has no ${key} output: redeploy this version`);
    return value;
  };
  return { stackName, apiUrl: output('ApiUrl'), deadLetterQueueUrl: output('SyncDeadLetterQueueUrl') };
}

export interface ConsoleServer {
  readonly url: string;
  stop(): Promise<void>;
}

/** Serves the console on the loopback interface only. */
export async function startConsoleServer(
  settings: ConsoleSettings,
  options: { port?: number } = {},
): Promise<ConsoleServer> {
  const handle = createConsoleHandler(settings);
  const server: Server = createServer((request, response) => {
    if (request.url === '/' || request.url === '') {
      response.writeHead(302, { location: '/console' }).end();
      return;
    }
    handle(request, response)
      .then((handled) => {
        if (!handled) response.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
      })
      .catch(() => {
        if (!response.headersSent) response.writeHead(500).end();
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/console`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface DeployedConsoleOptions {
  readonly stage: string;
  readonly region?: string;
  readonly profile?: string;
  readonly port?: number;
  readonly organizations?: readonly string[];
}

export async function startDeployedConsole(
  options: DeployedConsoleOptions,
): Promise<ConsoleServer & StackEndpoints & { region: string }> {
  const credentials = fromNodeProviderChain(options.profile ? { profile: options.profile } : {});
  const clientConfig = { credentials, ...(options.region && { region: options.region }) };
  const cloudFormation = new CloudFormationClient(clientConfig);
  const region = await cloudFormation.config.region();
  const stack = await findStack(cloudFormation, options.stage);
  const server = await startConsoleServer(
    {
      client: createShopifySyncClient({ apiUrl: stack.apiUrl, region, credentials }),
      deadLetters: sqsDeadLetters(new SQSClient({ ...clientConfig, region }), stack.deadLetterQueueUrl),
      organizations: options.organizations ?? [],
      target: `stage ${options.stage} (${region})`,
      log: (line) => console.error(line),
    },
    { port: options.port ?? 4000 },
  );
  return { ...server, ...stack, region };
}
