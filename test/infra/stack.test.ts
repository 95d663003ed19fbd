import { SHOPIFY_API_VERSION } from '../../lambdas/shopify/api-version.js';
import { SYNC_WORKER_MEMORY_MB } from '../../bench/support/child.js';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type TableDefinition,
  type TableId,
  tableDefinitions,
  tableEnvVar,
} from '../../lambdas/adapters/dynamodb/table-definitions.js';
import { apiRoutes, lambdaCatalog, type LambdaId } from '../../lambdas/handlers/catalog.js';
import { resourceDefinitions } from '../../lambdas/resources/registry.js';
import { MAX_RECEIVE_COUNT } from '../../lib/constructs/sync-pipeline.js';
import {
  bundleOf,
  ofType,
  type Resources,
  synthesize,
  type Synthesized,
  unacknowledgedNagFindings,
} from './synth.js';

let synth: Synthesized;
let resources: Resources;

beforeAll(() => {
  synth = synthesize();
  resources = synth.resources;
});
afterAll(() => synth?.cleanup());

const fnOf = (id: LambdaId) => {
  const fn = synth.stack.lambdas.functions.get(id);
  if (!fn) throw new Error(`Lambda ${id} is not deployed`);
  return fn;
};
const deployedLambdas = () => [...synth.stack.lambdas.functions.keys()];
const propsOf = (logicalId: string) => resources[logicalId]!.Properties!;
const tableLogicalId = (id: TableId) => synth.logicalId(synth.stack.storage.tables[id]);

// --- storage -------------------------------------------------------------------------------

const keySchema = (definition: Pick<TableDefinition, 'partitionKey' | 'sortKey'>) => [
  { AttributeName: definition.partitionKey.name, KeyType: 'HASH' },
  ...(definition.sortKey ? [{ AttributeName: definition.sortKey.name, KeyType: 'RANGE' }] : []),
];

describe('storage', () => {
  it('deploys exactly the tables of the shared definitions', () => {
    expect(ofType(resources, 'AWS::DynamoDB::Table')).toHaveLength(tableDefinitions.length);
  });

  it.each(tableDefinitions.map((d) => [d.id, d] as const))(
    'the %s table has the keys and indexes of the shared definition',
    (id, definition: TableDefinition) => {
      const table = propsOf(tableLogicalId(id));
      expect(table.KeySchema).toEqual(keySchema(definition));
      const indexes = (table.GlobalSecondaryIndexes ?? []) as Record<string, unknown>[];
      expect(indexes.map((index) => index.IndexName)).toEqual(
        definition.globalSecondaryIndexes.map((i) => i.indexName),
      );
      for (const expected of definition.globalSecondaryIndexes) {
        const index = indexes.find((candidate) => candidate.IndexName === expected.indexName)!;
        expect(index.KeySchema).toEqual(keySchema(expected));
        const projection = expected.projection ?? { type: 'ALL' as const };
        expect(index.Projection).toEqual(
          projection.type === 'INCLUDE'
            ? { ProjectionType: 'INCLUDE', NonKeyAttributes: [...projection.attributes] }
            : { ProjectionType: projection.type },
        );
      }
      const keyNames = [definition, ...definition.globalSecondaryIndexes].flatMap((k) =>
        [k.partitionKey, k.sortKey].filter((key) => key !== undefined),
      );
      expect(table.AttributeDefinitions).toEqual(
        expect.arrayContaining(keyNames.map((key) => ({ AttributeName: key.name, AttributeType: key.type }))),
      );
      expect(table.TimeToLiveSpecification).toEqual(
        definition.timeToLiveAttribute
          ? { AttributeName: definition.timeToLiveAttribute, Enabled: true }
          : undefined,
      );
    },
  );

  it('data-request exports expire: the Integrations table honours their TTL, 30 days by default', () => {
    expect(propsOf(tableLogicalId('Integrations')).TimeToLiveSpecification).toEqual({
      AttributeName: 'expiresAt',
      Enabled: true,
    });
    const webhook = propsOf(synth.logicalId(fnOf('webhook')));
    expect((webhook.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({
      DATA_EXPORT_RETENTION_DAYS: '30',
    });
  });

  it('every table is on-demand, point-in-time recoverable and encrypted with the AWS managed KMS key', () => {
    for (const [, table] of ofType(resources, 'AWS::DynamoDB::Table')) {
      expect(table.Properties).toMatchObject({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      });
      // SSEEnabled without a key id is aws/dynamodb (AWS managed); absent would be the AWS owned key.
      expect(table.Properties!.SSESpecification).toEqual({ SSEEnabled: true });
    }
  });

  it('retains and deletion-protects the tables holding customer data; operational tables are disposable', () => {
    for (const definition of tableDefinitions) {
      const table = resources[tableLogicalId(definition.id)]!;
      expect([definition.id, table.DeletionPolicy, table.Properties!.DeletionProtectionEnabled]).toEqual(
        definition.holdsCustomerData ? [definition.id, 'Retain', true] : [definition.id, 'Delete', false],
      );
    }
  });

  it('the token key rotates and outlives the stack, like the tokens it protects', () => {
    const [[, key]] = ofType(resources, 'AWS::KMS::Key') as [[string, Resources[string]]];
    expect(key.Properties).toMatchObject({ EnableKeyRotation: true });
    expect(key.DeletionPolicy).toBe('Retain');
  });

  it('the app secret is generated as a placeholder, never a value from the repository', () => {
    const [[, secret]] = ofType(resources, 'AWS::SecretsManager::Secret') as [[string, Resources[string]]];
    expect(secret.Properties!.GenerateSecretString).toBeDefined();
    expect(secret.Properties!.SecretString).toBeUndefined();
  });
});

// --- sync pipeline -------------------------------------------------------------------------

describe('sync pipeline', () => {
  const queue = () => propsOf(synth.logicalId(synth.stack.syncPipeline.queue));
  const dlq = () => propsOf(synth.logicalId(synth.stack.syncPipeline.deadLetterQueue));

  it('parks a message in the DLQ after at least 5 receives, and keeps it there for 14 days', () => {
    expect(queue().RedrivePolicy).toEqual({
      deadLetterTargetArn: {
        'Fn::GetAtt': [synth.logicalId(synth.stack.syncPipeline.deadLetterQueue), 'Arn'],
      },
      maxReceiveCount: MAX_RECEIVE_COUNT,
    });
    expect(MAX_RECEIVE_COUNT).toBeGreaterThanOrEqual(5);
    expect(dlq().MessageRetentionPeriod).toBe(14 * 24 * 3600);
  });

  it('hides a message for at least six worker timeouts', () => {
    const workerTimeout = propsOf(synth.logicalId(fnOf('syncWorker'))).Timeout as number;
    expect(queue().VisibilityTimeout).toBeGreaterThanOrEqual(6 * workerTimeout);
  });

  it("the bench's sync processes run with the deployed worker's memory (their heap limits follow it)", () => {
    expect(propsOf(synth.logicalId(fnOf('syncWorker'))).MemorySize).toBe(SYNC_WORKER_MEMORY_MB);
  });

  it('every queue is encrypted and refuses requests without TLS', () => {
    const incremental = propsOf(synth.logicalId(synth.stack.syncPipeline.incrementalQueue));
    for (const props of [queue(), incremental, dlq()]) expect(props.SqsManagedSseEnabled).toBe(true);
    const policies = ofType(resources, 'AWS::SQS::QueuePolicy');
    expect(policies).toHaveLength(3);
    for (const [, policy] of policies) {
      expect(policy.Properties!.PolicyDocument).toMatchObject({
        Statement: expect.arrayContaining([
          expect.objectContaining({
            Effect: 'Deny',
            Action: 'sqs:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      });
    }
  });

  it('feeds the worker one message at a time, reporting partial batch failures', () => {
    synth.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: synth.logicalId(fnOf('syncWorker')) },
      EventSourceArn: { 'Fn::GetAtt': [synth.logicalId(synth.stack.syncPipeline.queue), 'Arn'] },
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 5 },
    });
  });

  it('gives each lane its own queue and its own maximum concurrency, so long work cannot hold the hourly syncs’ share', () => {
    const { queue, incrementalQueue, deadLetterQueue } = synth.stack.syncPipeline;
    const mappings = ofType(resources, 'AWS::Lambda::EventSourceMapping').map(([, m]) => m.Properties!);
    expect(mappings).toHaveLength(2);
    const byQueue = new Map(
      mappings.map((m) => [(m.EventSourceArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0], m]),
    );
    for (const lane of [queue, incrementalQueue]) {
      expect(byQueue.get(synth.logicalId(lane))).toMatchObject({
        FunctionName: { Ref: synth.logicalId(fnOf('syncWorker')) },
        BatchSize: 1,
        ScalingConfig: { MaximumConcurrency: 5 },
      });
      // Both lanes park what keeps failing in the one dead-letter queue the console redrives.
      expect(propsOf(synth.logicalId(lane)).RedrivePolicy).toMatchObject({
        deadLetterTargetArn: { 'Fn::GetAtt': [synth.logicalId(deadLetterQueue), 'Arn'] },
        maxReceiveCount: 5,
      });
    }
  });

  it('starts the fan-out hourly and the health check daily, from account-internal EventBridge rules', () => {
    const rules = ofType(resources, 'AWS::Events::Rule').map(([, rule]) => rule.Properties!);
    const target = (rule: Record<string, unknown>) => (rule.Targets as { Arn: unknown }[])[0]!.Arn;
    expect(rules).toHaveLength(2);
    expect(rules.map((rule) => [rule.ScheduleExpression, target(rule)])).toEqual(
      expect.arrayContaining([
        ['rate(1 hour)', { 'Fn::GetAtt': [synth.logicalId(fnOf('fanOut')), 'Arn'] }],
        ['rate(1 day)', { 'Fn::GetAtt': [synth.logicalId(fnOf('healthCheck')), 'Arn'] }],
      ]),
    );
    for (const rule of rules) expect(rule.EventPattern).toBeUndefined();
    // Only those rules may invoke the scheduled functions.
    for (const id of ['fanOut', 'healthCheck'] as const) {
      const permissions = ofType(resources, 'AWS::Lambda::Permission')
        .map(([, permission]) => permission.Properties!)
        .filter((permission) => JSON.stringify(permission.FunctionName).includes(synth.logicalId(fnOf(id))));
      expect(permissions).toHaveLength(1);
      expect(permissions[0]).toMatchObject({
        Principal: 'events.amazonaws.com',
        SourceArn: { 'Fn::GetAtt': [expect.any(String), 'Arn'] },
      });
    }
  });
});

// --- functions -----------------------------------------------------------------------------

describe('Lambda functions', () => {
  it('deploys every catalog Lambda that has a trigger: the scheduled ones and each one a route uses', () => {
    const routed = new Set(apiRoutes.map((route) => route.lambda));
    const expected = (Object.keys(lambdaCatalog) as LambdaId[]).filter(
      (id) => routed.has(id) || ['fanOut', 'syncWorker', 'healthCheck'].includes(id),
    );
    expect(deployedLambdas().sort()).toEqual(expected.sort());
    expect(ofType(resources, 'AWS::Lambda::Function')).toHaveLength(expected.length);
  });

  it('every function runs Node 24 on arm64 with source maps and structured logs', () => {
    for (const [, fn] of ofType(resources, 'AWS::Lambda::Function')) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        Environment: { Variables: expect.objectContaining({ NODE_OPTIONS: '--enable-source-maps' }) },
        LoggingConfig: expect.objectContaining({ LogFormat: 'JSON' }),
      });
    }
  });

  it('leaves the Tracer and the X-Ray SDK out of every bundle while tracing is off (the default)', () => {
    for (const id of deployedLambdas()) {
      expect(propsOf(synth.logicalId(fnOf(id))).TracingConfig).toBeUndefined();
      expect(bundleOf(synth, resources[synth.logicalId(fnOf(id))]!)).not.toContain(
        'AWS_XRAY_CONTEXT_MISSING',
      );
    }
  });

  it('every function logs to its own log group with the configured retention', () => {
    for (const id of deployedLambdas()) {
      const logGroupRef = (propsOf(synth.logicalId(fnOf(id))).LoggingConfig as { LogGroup: { Ref: string } })
        .LogGroup;
      expect(propsOf(logGroupRef.Ref).RetentionInDays).toBe(90);
    }
  });

  it('every function is bundled as minified ESM with the createRequire banner and a source map', () => {
    for (const id of deployedLambdas()) {
      const code = propsOf(synth.logicalId(fnOf(id))).Code as { S3Key: string };
      const assetDir = path.join(synth.assembly.directory, `asset.${code.S3Key.replace(/\.zip$/, '')}`);
      const bundle = readFileSync(path.join(assetDir, 'index.mjs'), 'utf8');
      expect(
        bundle.startsWith(
          "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
        ),
      ).toBe(true);
      expect(existsSync(path.join(assetDir, 'index.mjs.map'))).toBe(true);
      expect(bundle).toMatch(/export\s*\{[^}]*as handler/);
    }
  });

  it('every function receives the whole environment contract', () => {
    const contract = [
      ...Object.values(tableEnvVar),
      'SYNC_QUEUE_URL',
      'SHOPIFY_API_VERSION',
      'SHOPIFY_ADMIN_URL_TEMPLATE',
      'APP_SECRET_ARN',
      'TOKEN_KEY_ID',
      'MIN_SYNC_INTERVAL_MINUTES',
      'SYNC_OVERLAP_MINUTES',
      'WEBHOOK_CALLBACK_URL',
      'POWERTOOLS_SERVICE_NAME',
      'POWERTOOLS_LOG_LEVEL',
    ];
    for (const id of deployedLambdas()) {
      const variables = (
        propsOf(synth.logicalId(fnOf(id))).Environment as { Variables: Record<string, unknown> }
      ).Variables;
      expect(Object.keys(variables)).toEqual(expect.arrayContaining(contract));
      expect(variables).toMatchObject({
        SHOPIFY_API_VERSION,
        MIN_SYNC_INTERVAL_MINUTES: '30',
        SYNC_OVERLAP_MINUTES: '5',
        CUSTOMERS_TABLE: { Ref: tableLogicalId('Customers') },
        SYNC_QUEUE_URL: { Ref: synth.logicalId(synth.stack.syncPipeline.queue) },
        INCREMENTAL_SYNC_QUEUE_URL: { Ref: synth.logicalId(synth.stack.syncPipeline.incrementalQueue) },
        TOKEN_KEY_ID: { 'Fn::GetAtt': [synth.logicalId(synth.stack.storage.tokenKey), 'Arn'] },
        WEBHOOK_CALLBACK_URL: {
          'Fn::Join': [
            '',
            [
              { 'Fn::GetAtt': [synth.logicalId(synth.stack.ingestApi.api), 'ApiEndpoint'] },
              '/webhooks/shopify',
            ],
          ],
        },
      });
    }
  });
});

// --- IAM -----------------------------------------------------------------------------------

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

const statementsOf = (id: LambdaId): Statement[] => {
  const roleId = synth.logicalId(fnOf(id).role!);
  return ofType(resources, 'AWS::IAM::Policy')
    .filter(([, policy]) =>
      (policy.Properties!.Roles as unknown[]).some(
        (role) => JSON.stringify(role) === JSON.stringify({ Ref: roleId }),
      ),
    )
    .flatMap(([, policy]) => (policy.Properties!.PolicyDocument as { Statement: Statement[] }).Statement);
};
const actions = (statement: Statement) => [statement.Action].flat();
const resourcesOf = (statement: Statement) => [statement.Resource].flat().map((r) => JSON.stringify(r));
const targets = (statement: Statement, logicalId: string) =>
  resourcesOf(statement).some(
    (resource) =>
      resource === JSON.stringify({ 'Fn::GetAtt': [logicalId, 'Arn'] }) ||
      resource === JSON.stringify({ Ref: logicalId }),
  );

/** 'write' if the Lambda can change the table, 'read' if it can only read it, undefined if neither. */
const tableAccess = (id: LambdaId, table: TableId) => {
  const granted = statementsOf(id)
    .filter((statement) => targets(statement, tableLogicalId(table)))
    .flatMap(actions);
  if (granted.includes('dynamodb:PutItem') || granted.includes('dynamodb:UpdateItem')) return 'write';
  if (granted.includes('dynamodb:GetItem')) return 'read';
  return undefined;
};
const can = (id: LambdaId, action: string, logicalId: string) =>
  statementsOf(id).some((statement) => actions(statement).includes(action) && targets(statement, logicalId));

describe('least privilege', () => {
  // Every registered resource's table alike (the opt-in ones too): purges and redacts reach them all.
  const recordTableIds = resourceDefinitions.map((definition) => definition.table.id);
  const records = Object.fromEntries(recordTableIds.map((id) => [id, 'write' as const]));
  const expectedTables: Record<LambdaId, Partial<Record<TableId, 'read' | 'write'>>> = {
    // SyncRuns: hourly delivery counters (UpdateItem), and bulk_operations/finish finds the run waiting.
    webhook: {
      Integrations: 'write',
      ...records,
      Idempotency: 'write',
      SyncRuns: 'write',
      Redactions: 'write',
    },
    // Deployed only with webhookDelivery "eventbridge" (eventbridge-delivery.test.ts): the same ingest.
    webhookEvents: {
      Integrations: 'write',
      ...records,
      Idempotency: 'write',
      SyncRuns: 'write',
      Redactions: 'write',
    },
    api: { Integrations: 'write', ...records, SyncRuns: 'write', Redactions: 'write' },
    fanOut: { Integrations: 'read' },
    syncWorker: { ...records, Integrations: 'write', SyncRuns: 'write' },
    // Redactions: a shop/redact purge it resumes keeps the tombstones of what it erased.
    healthCheck: { Integrations: 'write', ...records, Redactions: 'write' },
  };

  it('each Lambda reaches exactly the tables its job needs, with the access it needs', () => {
    for (const id of deployedLambdas()) {
      const actual = Object.fromEntries(
        tableDefinitions.map((table) => [table.id, tableAccess(id, table.id)]).filter(([, access]) => access),
      );
      expect({ id, tables: actual }).toEqual({ id, tables: expectedTables[id] });
    }
  });

  it('each Lambda gets only the DynamoDB actions its adapters send, table by table', () => {
    const R = ['GetItem', 'Query'];
    const records = ['BatchWriteItem', ...R, 'PutItem', 'UpdateItem'];
    const everyRecordTable = (actions: string[]) =>
      Object.fromEntries(recordTableIds.map((id) => [id, actions]));
    const expected: Record<LambdaId, Partial<Record<TableId, string[]>>> = {
      webhook: {
        Integrations: ['BatchWriteItem', 'DeleteItem', ...R, 'PutItem', 'UpdateItem'],
        ...everyRecordTable(records),
        Idempotency: ['GetItem', 'PutItem'],
        SyncRuns: [...R, 'UpdateItem'],
        Redactions: ['BatchWriteItem', 'PutItem'],
      },
      // Deployed only with webhookDelivery "eventbridge": the same ingest, so the same actions.
      webhookEvents: {
        Integrations: ['BatchWriteItem', 'DeleteItem', ...R, 'PutItem', 'UpdateItem'],
        ...everyRecordTable(records),
        Idempotency: ['GetItem', 'PutItem'],
        SyncRuns: [...R, 'UpdateItem'],
        Redactions: ['BatchWriteItem', 'PutItem'],
      },
      api: {
        Integrations: ['DeleteItem', ...R, 'PutItem', 'UpdateItem'],
        ...everyRecordTable(records),
        SyncRuns: [...R, 'UpdateItem'],
        Redactions: ['BatchWriteItem', 'PutItem', 'Query'],
      },
      fanOut: { Integrations: [...R, 'Scan'] },
      syncWorker: {
        Integrations: ['DeleteItem', ...R, 'UpdateItem'],
        ...everyRecordTable(records),
        SyncRuns: ['DeleteItem', ...R, 'PutItem', 'UpdateItem'],
      },
      healthCheck: {
        Integrations: ['DeleteItem', ...R, 'Scan', 'UpdateItem'],
        ...everyRecordTable(records),
        Redactions: ['BatchWriteItem', 'PutItem'],
      },
    };
    for (const id of deployedLambdas()) {
      const actual = Object.fromEntries(
        tableDefinitions
          .map((table) => {
            const granted = statementsOf(id)
              .filter((statement) => targets(statement, tableLogicalId(table.id)))
              .flatMap(actions)
              .filter((action) => action.startsWith('dynamodb:'))
              .map((action) => action.replace(/^dynamodb:/, ''));
            return [table.id, [...new Set(granted)].sort()] as const;
          })
          .filter(([, granted]) => granted.length > 0),
      );
      const wanted = Object.fromEntries(
        Object.entries(expected[id]).map(([table, list]) => [table, [...list].sort()]),
      );
      expect({ id, tables: actual }).toEqual({ id, tables: wanted });
    }
  });

  it('the fan-out cannot write customers or integrations', () => {
    for (const table of ['Customers', 'Integrations'] as const) {
      for (const action of [
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        'dynamodb:BatchWriteItem',
      ]) {
        expect(can('fanOut', action, tableLogicalId(table))).toBe(false);
      }
    }
  });

  it('the app secret is read by the webhook (signatures) and by who calls Shopify (token grants), never the fan-out', () => {
    const secretId = synth.logicalId(synth.stack.storage.appSecret);
    expect(
      deployedLambdas()
        .filter((id) => can(id, 'secretsmanager:GetSecretValue', secretId))
        .sort(),
    ).toEqual(
      deployedLambdas()
        .filter((id) => id !== 'fanOut')
        .sort(),
    );
  });

  it('who renews tokens may encrypt with the token key (a new pair is stored before use); the webhook only decrypts', () => {
    const keyId = synth.logicalId(synth.stack.storage.tokenKey);
    const deployed = deployedLambdas();
    expect(deployed.filter((id) => can(id, 'kms:Encrypt', keyId)).sort()).toEqual(
      deployed.filter((id) => ['api', 'syncWorker', 'healthCheck'].includes(id)).sort(),
    );
    expect(deployed.filter((id) => can(id, 'kms:Decrypt', keyId)).sort()).toEqual(
      deployed.filter((id) => id !== 'fanOut').sort(),
    );
  });

  it('the webhook can decrypt only webhook secrets: its grant, in its policy and the key policy, requires their purpose', () => {
    const keyId = synth.logicalId(synth.stack.storage.tokenKey);
    const purpose = { StringEquals: { 'kms:EncryptionContext:purpose': 'webhook-secret' } };
    const webhookKmsStatements = statementsOf('webhook').filter(
      (statement) =>
        actions(statement).some((action) => action.startsWith('kms:')) && targets(statement, keyId),
    );
    expect(webhookKmsStatements).toEqual([
      expect.objectContaining({ Action: 'kms:Decrypt', Condition: purpose }),
    ]);
    const keyPolicy = propsOf(keyId).KeyPolicy as {
      Statement: (Statement & { Principal: unknown; Condition?: unknown })[];
    };
    const webhookRole = { 'Fn::GetAtt': [synth.logicalId(fnOf('webhook').role!), 'Arn'] };
    expect(
      keyPolicy.Statement.filter((s) =>
        [(s.Principal as { AWS: unknown }).AWS]
          .flat()
          .some((p) => JSON.stringify(p) === JSON.stringify(webhookRole)),
      ),
    ).toEqual([expect.objectContaining({ Action: 'kms:Decrypt', Condition: purpose })]);
  });

  it('the key policy names every role that uses the token key; the account only administers it', () => {
    const keyId = synth.logicalId(synth.stack.storage.tokenKey);
    const keyPolicy = propsOf(keyId).KeyPolicy as {
      Statement: (Statement & { Principal: { AWS: unknown } })[];
    };
    const uses = ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:*'];
    const usersInKeyPolicy = keyPolicy.Statement.filter((statement) =>
      actions(statement).some((action) => uses.includes(action)),
    ).flatMap((statement) => [statement.Principal.AWS].flat().map((principal) => JSON.stringify(principal)));
    const users = deployedLambdas().filter((id) => can(id, 'kms:Decrypt', keyId));
    expect(users.length).toBeGreaterThan(0);
    expect(usersInKeyPolicy.sort()).toEqual(
      users.map((id) => JSON.stringify({ 'Fn::GetAtt': [synth.logicalId(fnOf(id).role!), 'Arn'] })).sort(),
    );
    // The account root keeps administration (so the key can never be locked out), not use.
    const root = keyPolicy.Statement.filter((statement) =>
      JSON.stringify(statement.Principal).includes(':root'),
    );
    expect(root).toHaveLength(1);
    expect(
      actions(root[0]!).filter(
        (action) => uses.includes(action) || /^kms:(Encrypt|Decrypt|ReEncrypt|GenerateDataKey)/.test(action),
      ),
    ).toEqual([]);
  });

  it('only the API, the fan-out, the worker (continuations) and the webhook (bulk wake-ups) can enqueue syncs', () => {
    const queueId = synth.logicalId(synth.stack.syncPipeline.queue);
    expect(
      deployedLambdas()
        .filter((id) => can(id, 'sqs:SendMessage', queueId))
        .sort(),
    ).toEqual(
      deployedLambdas()
        .filter((id) => ['api', 'fanOut', 'syncWorker', 'webhook'].includes(id))
        .sort(),
    );
  });

  it('no policy grants an action on every resource', () => {
    for (const [policyId, policy] of ofType(resources, 'AWS::IAM::Policy')) {
      for (const statement of (policy.Properties!.PolicyDocument as { Statement: Statement[] }).Statement) {
        expect({ policyId, resources: [statement.Resource].flat() }).not.toEqual({
          policyId,
          resources: expect.arrayContaining(['*']),
        });
        expect(actions(statement).some((action) => action.endsWith(':*'))).toBe(false);
      }
    }
  });

  it('no role carries an AWS managed policy', () => {
    for (const [, role] of ofType(resources, 'AWS::IAM::Role'))
      expect(role.Properties!.ManagedPolicyArns).toBeUndefined();
  });
});

// --- HTTP API ------------------------------------------------------------------------------

describe('ingest API', () => {
  it('serves every catalog route with the authorization it declares, integrated with its Lambda', () => {
    const routes = ofType(resources, 'AWS::ApiGatewayV2::Route').map(([, route]) => route.Properties!);
    expect(routes).toHaveLength(apiRoutes.length);
    for (const route of apiRoutes) {
      const deployed = routes.find((candidate) => candidate.RouteKey === `${route.method} ${route.path}`);
      expect(deployed, `${route.method} ${route.path}`).toBeDefined();
      expect(deployed!.AuthorizationType).toBe(route.auth === 'IAM' ? 'AWS_IAM' : 'NONE');
      const integrationId = JSON.stringify(deployed!.Target).match(/"Ref":"([^"]+)"/)![1]!;
      expect(propsOf(integrationId).IntegrationUri).toEqual({
        'Fn::GetAtt': [synth.logicalId(fnOf(route.lambda)), 'Arn'],
      });
    }
  });

  it('webhookWaf is off by default: no web ACL, no REST API, the webhook route is on the HTTP API', () => {
    expect(ofType(resources, 'AWS::WAFv2::WebACL')).toEqual([]);
    expect(ofType(resources, 'AWS::ApiGateway::RestApi')).toEqual([]);
    expect(ofType(resources, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties!.RouteKey)).toContain(
      'POST /webhooks/shopify',
    );
  });

  it('throttles the stage and writes access logs without request bodies', () => {
    const [[, stage]] = ofType(resources, 'AWS::ApiGatewayV2::Stage') as [[string, Resources[string]]];
    expect(stage.Properties).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: {
        ThrottlingRateLimit: 100,
        ThrottlingBurstLimit: 200,
        DetailedMetricsEnabled: true,
      },
      AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': [expect.any(String), 'Arn'] } },
    });
    const format = (stage.Properties!.AccessLogSettings as { Format: string }).Format;
    expect(JSON.parse(format)).toMatchObject({ requestId: '$context.requestId', status: '$context.status' });
    expect(format).not.toMatch(/body/i);
  });

  it('gives the public webhook route its own throttle, the IAM routes keep the stage default', () => {
    const [[stageId, stage]] = ofType(resources, 'AWS::ApiGatewayV2::Stage') as [[string, Resources[string]]];
    const webhookRoutes = apiRoutes.filter((route) => route.auth === 'HMAC');
    const routeSettings = stage.Properties!.RouteSettings as Record<string, unknown>;
    // Only the public route is set apart; every IAM route falls back to DefaultRouteSettings.
    expect(Object.keys(routeSettings)).toEqual(webhookRoutes.map((r) => `${r.method} ${r.path}`));
    expect(routeSettings['POST /webhooks/shopify']).toEqual({
      ThrottlingRateLimit: 500,
      ThrottlingBurstLimit: 1000,
      DetailedMetricsEnabled: true,
    });
    expect(stage.Properties!.DefaultRouteSettings).toMatchObject({
      ThrottlingRateLimit: 100,
      ThrottlingBurstLimit: 200,
    });
    // CloudFormation rejects route settings for a route it has not created yet.
    const webhookRouteId = ofType(resources, 'AWS::ApiGatewayV2::Route').find(
      ([, route]) => route.Properties!.RouteKey === 'POST /webhooks/shopify',
    )![0];
    expect(resources[stageId]!.DependsOn).toContain(webhookRouteId);
  });
});

// Monitoring (dashboard, alarms): test/infra/monitoring.test.ts

// --- cdk-nag -------------------------------------------------------------------------------

describe('cdk-nag', () => {
  it('AwsSolutions reports no unacknowledged finding, errors or warnings', () => {
    expect(unacknowledgedNagFindings(synth.app)).toEqual([]);
  });

  it('acknowledgements are narrow: the unauthenticated route is only the HMAC-verified webhook', () => {
    const unauthenticated = ofType(resources, 'AWS::ApiGatewayV2::Route')
      .map(([, route]) => route.Properties!)
      .filter((route) => route.AuthorizationType === 'NONE')
      .map((route) => route.RouteKey);
    expect(unauthenticated).toEqual(
      apiRoutes.filter((r) => r.auth === 'HMAC').map((r) => `${r.method} ${r.path}`),
    );
  });
});
