/**
 * The resource tables' `updatedSince` indexes at each step of the move to the write-sharded index
 * (table-definitions.ts, docs/upgrading.md), as the Storage construct puts them in the template.
 */
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import {
  type UpdatedSinceIndexStep,
  updatedSinceIndexSteps,
} from '../../lambdas/adapters/dynamodb/table-definitions.js';
import { configFromContext } from '../../lib/config.js';
import { Storage } from '../../lib/constructs/storage.js';

interface TemplateIndex {
  readonly IndexName: string;
  readonly KeySchema: readonly { AttributeName: string; KeyType: string }[];
  readonly Projection: { ProjectionType: string };
}

const storageOf = (stack: Stack, step?: UpdatedSinceIndexStep) =>
  new Storage(stack, 'Storage', {
    dataRemovalPolicy: RemovalPolicy.DESTROY,
    ...(step && { updatedSinceIndex: step }),
  });

/** Each resource table's indexes, by the table's logical id. */
const resourceTableIndexes = (step?: UpdatedSinceIndexStep) => {
  const stack = new Stack(new App(), 'Test');
  storageOf(stack, step);
  const tables = Template.fromStack(stack).findResources('AWS::DynamoDB::Table');
  return Object.fromEntries(
    Object.entries(tables)
      .filter(([logicalId]) => /Storage(Customers|Orders|Products)Table/.test(logicalId))
      .map(([logicalId, table]) => [
        logicalId,
        (table['Properties'] as { GlobalSecondaryIndexes: TemplateIndex[] }).GlobalSecondaryIndexes,
      ]),
  );
};

const sharded = {
  IndexName: 'byOrganizationShardUpdatedAt',
  KeySchema: [
    { AttributeName: 'updatedShard', KeyType: 'HASH' },
    { AttributeName: 'shopifyUpdatedAt', KeyType: 'RANGE' },
  ],
  Projection: { ProjectionType: 'ALL' },
};
const unsharded = {
  IndexName: 'byOrganizationUpdatedAt',
  KeySchema: [
    { AttributeName: 'organizationId', KeyType: 'HASH' },
    { AttributeName: 'shopifyUpdatedAt', KeyType: 'RANGE' },
  ],
  Projection: { ProjectionType: 'ALL' },
};
const updatedSinceIndexes = (indexes: readonly TemplateIndex[]) =>
  indexes.filter((index) => index.IndexName.includes('UpdatedAt'));

describe('the updatedSince index in the template', () => {
  it('a new deployment gets the sharded index (all attributes projected) on every resource table, and not the old one', () => {
    const tables = resourceTableIndexes();
    expect(Object.keys(tables)).toHaveLength(3);
    for (const indexes of Object.values(tables)) expect(updatedSinceIndexes(indexes)).toEqual([sharded]);
  });

  it.each([
    ['unsharded', [unsharded]],
    ['adding-sharded', [unsharded, sharded]],
    ['reading-sharded', [unsharded, sharded]],
    ['sharded', [sharded]],
  ] as const)('at step %s each resource table has exactly its indexes', (step, expected) => {
    for (const indexes of Object.values(resourceTableIndexes(step)))
      expect(updatedSinceIndexes(indexes)).toEqual(expected);
  });

  it('no step adds and removes an index at once (CloudFormation takes one index change per table per update)', () => {
    const names = updatedSinceIndexSteps.map(
      (step) =>
        new Set(updatedSinceIndexes(Object.values(resourceTableIndexes(step))[0]!).map((i) => i.IndexName)),
    );
    for (let i = 1; i < names.length; i += 1) {
      const added = [...names[i]!].filter((name) => !names[i - 1]!.has(name));
      const removed = [...names[i - 1]!].filter((name) => !names[i]!.has(name));
      expect(
        added.length + removed.length,
        `${updatedSinceIndexSteps[i - 1]} → ${updatedSinceIndexSteps[i]}`,
      ).toBeLessThanOrEqual(1);
    }
  });

  it('a synth without the step warns that an existing deployment must step through, and a given step does not', () => {
    const warnings = (step?: UpdatedSinceIndexStep) =>
      storageOf(new Stack(new App(), 'Test'), step)
        .node.metadata.filter((entry) => entry.type === 'aws:cdk:warning')
        .map((entry) => String(entry.data));
    expect(warnings()).toEqual([
      expect.stringMatching(/updatedSinceIndex is not set.*unsharded.*upgrading\.md/),
    ]);
    for (const step of updatedSinceIndexSteps) expect(warnings(step)).toEqual([]);
  });

  it('the CDK context key names the step, and a wrong one is refused naming the key', () => {
    const configOf = (context: Record<string, unknown>) => configFromContext(new App({ context }).node);
    expect(configOf({}).updatedSinceIndex).toBeUndefined();
    expect(configOf({ updatedSinceIndex: 'adding-sharded' }).updatedSinceIndex).toBe('adding-sharded');
    expect(() => configOf({ updatedSinceIndex: 'both' })).toThrow(/updatedSinceIndex/);
  });
});
