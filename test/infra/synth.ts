import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, type CfnElement, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { configFromContext } from '../../lib/config.js';
import { ShopifySyncStack } from '../../lib/shopify-sync-stack.js';

const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
  context: Record<string, unknown>;
};

export type Resources = Record<
  string,
  { Type: string; Properties?: Record<string, unknown>; [key: string]: unknown }
>;

export interface Synthesized {
  readonly app: App;
  readonly stack: ShopifySyncStack;
  readonly template: Template;
  readonly resources: Resources;
  readonly assembly: CloudAssembly;
  readonly logicalId: (construct: IConstruct) => string;
  readonly cleanup: () => void;
}

/**
 * Synthesizes the stack the way `bin/app.ts` does (cdk.json's context and feature flags, plus
 * overrides, with cdk-nag registered), bundling the Lambdas. An unacknowledged cdk-nag error
 * makes `app.synth()` throw, as it fails `cdk synth`.
 */
export const synthesize = (contextOverrides: Record<string, unknown> = {}): Synthesized => {
  const outdir = mkdtempSync(path.join(tmpdir(), 'shopify-sync-cdk-'));
  const app = new App({ outdir, context: { ...cdkJson.context, ...contextOverrides } });
  const stack = new ShopifySyncStack(app, 'ShopifySync-test', { config: configFromContext(app.node) });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const assembly = app.synth();
  const template = Template.fromStack(stack);
  return {
    app,
    stack,
    template,
    resources: template.toJSON().Resources as Resources,
    assembly,
    logicalId: (construct) => stack.getLogicalId(construct.node.defaultChild as CfnElement),
    cleanup: () => rmSync(outdir, { recursive: true, force: true }),
  };
};

/** Findings cdk-nag's AwsSolutions pack still reports after acknowledgements, warnings included. */
export const unacknowledgedNagFindings = (app: App) =>
  new AwsSolutionsChecks().validateScope(app).violations.map((violation) => ({
    rule: violation.ruleName,
    resources: violation.violatingResources.map((resource) => resource.constructPath),
  }));

export const ofType = (resources: Resources, type: string) =>
  Object.entries(resources).filter(([, resource]) => resource.Type === type);

/** The bundled code (index.mjs) of a synthesized Lambda function resource. */
export const bundleOf = (synth: Synthesized, fn: { Properties?: Record<string, unknown> }): string => {
  const code = fn.Properties!.Code as { S3Key: string };
  return readFileSync(
    path.join(synth.assembly.directory, `asset.${code.S3Key.replace(/\.zip$/, '')}`, 'index.mjs'),
    'utf8',
  );
};
