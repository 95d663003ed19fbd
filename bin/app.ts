import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { configFromContext, InvalidConfigError } from '../lib/config.js';
import { ShopifySyncStack } from '../lib/shopify-sync-stack.js';

const app = new App();

let config;
try {
  config = configFromContext(app.node);
} catch (error) {
  if (!(error instanceof InvalidConfigError)) throw error;
  // The message names the key; a stack trace would only bury it.
  console.error(error.message);
  process.exit(1);
}

// No `env`: the stack is environment-agnostic and synthesizes without AWS credentials or lookups.
new ShopifySyncStack(app, `ShopifySync-${config.stage}`, {
  config,
  description: 'Mirrors connected Shopify stores’ customers into DynamoDB (shopify-sync)',
});
Tags.of(app).add('project', 'shopify-sync');
Tags.of(app).add('stage', config.stage);

// Every synth runs the AWS Solutions rules; an unacknowledged error fails it.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
