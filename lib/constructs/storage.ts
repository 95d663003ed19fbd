import { Annotations, type CfnElement, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  type Attribute,
  ProjectionType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import {
  AccountRootPrincipal,
  Effect,
  type IGrantable,
  PolicyDocument,
  PolicyStatement,
} from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { WEBHOOK_SECRET_PURPOSE } from '../../lambdas/core/integrations/ports.js';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import {
  DEFAULT_UPDATED_SINCE_INDEX_STEP,
  type IndexDefinition,
  type KeyAttribute,
  type TableDefinition,
  type TableId,
  tableDefinitionsAt,
  type UpdatedSinceIndexStep,
} from '../../lambdas/adapters/dynamodb/table-definitions.js';

export interface StorageProps {
  /** What happens to data that outlives the stack: the customer tables, the token key, the app secret. */
  readonly dataRemovalPolicy: RemovalPolicy;
  /**
   * The resource tables' `updatedSince` indexes: the deployment's migration step. Absent: `sharded`,
   * with a synth warning (an existing deployment must step through, docs/upgrading.md).
   */
  readonly updatedSinceIndex?: UpdatedSinceIndexStep;
}

/**
 * Everything that holds state: the DynamoDB tables (built from the shared table definitions, so
 * the deployed keys and indexes are the ones the local runtime and the tests use), the KMS key
 * that encrypts each store's access token, and the Shopify app's client secret.
 */
export class Storage extends Construct {
  readonly tables: Readonly<Record<TableId, Table>>;
  /** Encrypts access tokens and per-integration webhook secrets (TOKEN_KEY_ID). */
  readonly tokenKey: Key;
  /** The Shopify app's client secret, used to verify webhook HMACs (APP_SECRET_ARN). */
  readonly appSecret: Secret;

  constructor(scope: Construct, id: string, props: StorageProps) {
    super(scope, id);

    if (props.updatedSinceIndex === undefined) warnUnsetUpdatedSinceIndex(this);
    this.tables = Object.fromEntries(
      tableDefinitionsAt(props.updatedSinceIndex ?? DEFAULT_UPDATED_SINCE_INDEX_STEP).map((definition) => [
        definition.id,
        this.table(definition, props.dataRemovalPolicy),
      ]),
    ) as Record<TableId, Table>;

    this.tokenKey = new Key(this, 'TokenKey', {
      description:
        'Encrypts Shopify access tokens and webhook secrets (encryption context: integrationId, and purpose for webhook secrets)',
      enableKeyRotation: true,
      // The account administers the key but cannot use it through IAM alone: every role that
      // encrypts or decrypts is named in the key policy (allowTokenKey), with what it may do.
      policy: new PolicyDocument({
        statements: [
          new PolicyStatement({
            sid: 'AccountAdministersTheKey',
            principals: [new AccountRootPrincipal()],
            actions: keyAdministration,
            resources: ['*'],
          }),
        ],
      }),
      // Deleting the key would make every stored token unreadable, so it lives as long as the tables.
      removalPolicy: props.dataRemovalPolicy,
    });

    // Deployed with a random placeholder, so webhooks fail verification (closed) until the operator
    // stores the real value from the Partner dashboard:
    //   aws secretsmanager put-secret-value --secret-id <AppSecretArn output> --secret-string '<client secret>'
    this.appSecret = new Secret(this, 'AppSecret', {
      description:
        'Shopify app client secret (webhook HMAC key). Set it after deploy with aws secretsmanager put-secret-value.',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: props.dataRemovalPolicy,
    });
    Validations.of(this.appSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        "The value is Shopify's app client secret: it is rotated in the Shopify Partner dashboard and then copied here, so a Secrets Manager rotation Lambda has nothing to rotate.",
    });
  }

  /**
   * Lets a role use the token key, stated twice: in the key policy, naming the role (the key's
   * own record of who may use it), and in the role's policy. `webhookSecretsOnly` conditions both
   * on the encryption context's purpose, so an access token (which has none) never decrypts.
   */
  allowTokenKey(
    grantee: IGrantable,
    actions: readonly ('kms:Encrypt' | 'kms:Decrypt')[],
    options: { readonly webhookSecretsOnly?: boolean } = {},
  ): void {
    const conditions = options.webhookSecretsOnly
      ? { StringEquals: { 'kms:EncryptionContext:purpose': WEBHOOK_SECRET_PURPOSE } }
      : undefined;
    this.tokenKey.addToResourcePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        principals: [grantee.grantPrincipal],
        actions: [...actions],
        // In a key policy, "*" is this key.
        resources: ['*'],
        conditions,
      }),
    );
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: [...actions], resources: [this.tokenKey.keyArn], conditions }),
    );
  }

  private table(definition: TableDefinition, dataRemovalPolicy: RemovalPolicy): Table {
    const keeps = definition.holdsCustomerData && dataRemovalPolicy === RemovalPolicy.RETAIN;
    const table = new Table(this, `${definition.id}Table`, {
      partitionKey: attribute(definition.partitionKey),
      sortKey: definition.sortKey && attribute(definition.sortKey),
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // AWS managed key rather than a CMK: every use is in CloudTrail and there is no key policy or
      // key lifecycle to get wrong (a deleted CMK loses the table). The secrets inside items are
      // additionally encrypted with `tokenKey`, which is where revocable control matters.
      encryption: TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: definition.timeToLiveAttribute,
      // Operational tables (sync runs, webhook de-duplication) are disposable; customer data is not.
      removalPolicy: definition.holdsCustomerData ? dataRemovalPolicy : RemovalPolicy.DESTROY,
      deletionProtection: keeps,
    });
    for (const index of definition.globalSecondaryIndexes) table.addGlobalSecondaryIndex(globalIndex(index));
    if (definition.globalSecondaryIndexes.length > 0) {
      // Any grant on this table (to any role in the stack) also covers `<table>/index/*`.
      const logicalId = Stack.of(this).getLogicalId(table.node.defaultChild as CfnElement);
      Validations.of(Stack.of(this)).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>/index/*]`,
        reason: `Queries on the ${definition.id} table's own GSIs; the wildcard cannot reach any other table.`,
      });
    }
    return table;
  }
}

/** What the account (its administrators, through IAM) may do with the key: everything but use it. */
const keyAdministration = [
  'kms:CancelKeyDeletion',
  'kms:Create*',
  'kms:Delete*',
  'kms:Describe*',
  'kms:Disable*',
  'kms:Enable*',
  'kms:Get*',
  'kms:List*',
  'kms:Put*',
  'kms:Revoke*',
  'kms:RotateKeyOnDemand',
  'kms:ScheduleKeyDeletion',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:Update*',
];

const attribute = (key: KeyAttribute): Attribute => ({
  name: key.name,
  type: key.type === 'S' ? AttributeType.STRING : AttributeType.NUMBER,
});

const globalIndex = (index: IndexDefinition) => {
  const keys = {
    indexName: index.indexName,
    partitionKey: attribute(index.partitionKey),
    sortKey: index.sortKey && attribute(index.sortKey),
  };
  switch (index.projection?.type) {
    case undefined:
      return { ...keys, projectionType: ProjectionType.ALL };
    case 'KEYS_ONLY':
      return { ...keys, projectionType: ProjectionType.KEYS_ONLY };
    case 'INCLUDE':
      return {
        ...keys,
        projectionType: ProjectionType.INCLUDE,
        nonKeyAttributes: [...index.projection.attributes],
      };
  }
};

/**
 * CloudFormation cannot tell a new deployment from an old one updated in place, and the default
 * (`sharded`) over a deployment from before the sharded index would replace its `updatedSince`
 * index in one update: refused, or the read API listing only what was written since. So a synth
 * without the option says so; `-c updatedSinceIndex=sharded` (cdk.json) acknowledges it.
 */
const warnUnsetUpdatedSinceIndex = (storage: Construct): void => {
  Annotations.of(storage).addWarningV2(
    'shopify-sync:updatedSinceIndexUnset',
    'CDK context updatedSinceIndex is not set, so the tables get the sharded updatedSince index. ' +
      'Right for a new deployment (set -c updatedSinceIndex=sharded to say so). A deployment from ' +
      'before the sharded index must instead step through unsharded, adding-sharded (then the ' +
      'backfill), reading-sharded, sharded: docs/upgrading.md.',
  );
};
