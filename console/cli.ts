/**
 * `npm run console -- --stage prod [--region eu-west-1] [--profile admin] [--port 4000] [--org org-1 ...]`
 * The status console on localhost against a deployed stack, signed with your own AWS credentials.
 * (The local runtime serves the same console at http://127.0.0.1:3000/console.)
 */
import { parseArgs } from 'node:util';
import { StackNotFoundError, startDeployedConsole } from './deployed.js';

const { values } = parseArgs({
  options: {
    stage: { type: 'string' },
    region: { type: 'string' },
    profile: { type: 'string' },
    port: { type: 'string', default: '4000' },
    org: { type: 'string', multiple: true },
  },
  strict: true,
});

async function main(): Promise<void> {
  if (!values.stage)
    throw new StackNotFoundError(
      'Usage: npm run console -- --stage <stage> [--region r] [--profile p] [--port 4000] [--org id]',
    );
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new StackNotFoundError(`Not a port: ${values.port}`);
  const console_ = await startDeployedConsole({
    stage: values.stage,
    port,
    ...(values.region && { region: values.region }),
    ...(values.profile && { profile: values.profile }),
    ...(values.org && { organizations: values.org }),
  });
  console.log(
    [
      `shopify-sync console for ${console_.stackName} (${console_.region})`,
      `  API          ${console_.apiUrl}  (signed with your credentials)`,
      `  dead letters ${console_.deadLetterQueueUrl}`,
      '',
      `  Open ${console_.url}`,
      '',
      'Ctrl-C stops it.',
    ].join('\n'),
  );
  process.on('SIGINT', () => void console_.stop().then(() => process.exit(0)));
}

/** The failures a developer fixes themselves read best as one line. */
const explain = (error: unknown): string | undefined => {
  if (error instanceof StackNotFoundError) return error.message;
  const { name, message, code } = error as NodeJS.ErrnoException;
  if (code === 'EADDRINUSE') return `Port ${values.port} is in use: pass --port <another>`;
  if (message === 'Region is missing')
    return 'No AWS region: pass --region, or set AWS_REGION or a profile with a region';
  if (name === 'CredentialsProviderError')
    return 'No AWS credentials: set AWS_PROFILE (or pass --profile), run `aws sso login`, or export AWS_ACCESS_KEY_ID';
  return undefined;
};

main().catch((error: unknown) => {
  console.error(explain(error) ?? error);
  process.exit(1);
});
