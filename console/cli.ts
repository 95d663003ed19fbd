/**
 * `npm run console -- --stage prod [--region eu-west-1] [--profile admin] [--port 4000] [--org org-1 ...]`
 * The status console on localhost against a deployed stack, signed with your own AWS credentials.
 * (The local runtime serves the same console at http://127.0.0.1:3000/console.)
 */
import {
  defineCommand,
  exitWithUsage,
  integerOption,
  parseCommandLine,
} from '../scripts/support/command-line.js';
import { StackNotFoundError, startDeployedConsole } from './deployed.js';

const consoleCommand = defineCommand({
  usage: 'npm run console -- --stage <stage> [options]',
  summary:
    'Serves the status console on 127.0.0.1 against a deployed stack (ShopifySync-<stage>), its API calls ' +
    'signed with your own AWS credentials. The local runtime (npm start) serves the same console at /console.',
  options: {
    stage: { type: 'string', valueName: 'stage', description: "The stack's stage (required)" },
    region: {
      type: 'string',
      valueName: 'region',
      description: "Its AWS region (default: AWS_REGION or the profile's)",
    },
    profile: {
      type: 'string',
      valueName: 'profile',
      description: 'The AWS profile to sign with (default: AWS_PROFILE or the default chain)',
    },
    port: { type: 'string', valueName: 'port', default: '4000', description: 'Port to serve the console on' },
    org: {
      type: 'string',
      multiple: true,
      valueName: 'organizationId',
      description: 'An organization to show at start; repeat for more',
    },
  },
  examples: [
    'npm run console -- --stage prod --region eu-west-1',
    'npm run console -- --stage dev --org org-1 --org org-2',
  ],
});

const values = parseCommandLine(consoleCommand);

async function main(): Promise<void> {
  if (!values.stage) exitWithUsage(consoleCommand, '--stage is required');
  const port = integerOption(consoleCommand, 'port', values.port, { min: 0, max: 65_535 });
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
