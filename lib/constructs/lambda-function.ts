import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  ApplicationLogLevel,
  Architecture,
  LoggingFormat,
  Runtime,
  SystemLogLevel,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type LambdaId, lambdaCatalog } from '../../lambdas/handlers/catalog.js';
import type { DeploymentEnvironment, LateVariable } from '../../lambdas/handlers/environment.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface LambdaSettings {
  /** Variables every function receives (lambdas/handlers/environment.ts), but for the late ones. */
  readonly environment: DeploymentEnvironment;
  readonly logRetention: RetentionDays;
  readonly logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  readonly logRemovalPolicy: RemovalPolicy;
  readonly tracing: boolean;
}

export interface LambdaSizing {
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly reservedConcurrentExecutions?: number;
}

/**
 * Builds the stack's Lambdas from `lambdaCatalog`, all the same way, and keeps them so that
 * settings known only later (the queue URL, the API's own URL) reach every function.
 */
export class LambdaFactory {
  private readonly built = new Map<LambdaId, NodejsFunction>();
  private readonly lateEnvironment: Record<string, string> = {};

  constructor(private readonly settings: LambdaSettings) {}

  create(scope: Construct, id: LambdaId, sizing: LambdaSizing): NodejsFunction {
    if (this.built.has(id))
      throw new Error(`Lambda "${id}" is already created; each catalog entry deploys once`);
    const fn = new CatalogFunction(scope, id, { ...this.settings, ...sizing, lambdaId: id }).function;
    for (const [key, value] of Object.entries(this.lateEnvironment)) fn.addEnvironment(key, value);
    this.built.set(id, fn);
    return fn;
  }

  /** Adds a variable to every function, those already built and those built later. */
  addEnvironment(key: LateVariable, value: string): void {
    this.lateEnvironment[key] = value;
    for (const fn of this.built.values()) fn.addEnvironment(key, value);
  }

  get functions(): ReadonlyMap<LambdaId, NodejsFunction> {
    return this.built;
  }
}

interface CatalogFunctionProps extends LambdaSettings, LambdaSizing {
  readonly lambdaId: LambdaId;
}

/** One catalog entry as a bundled, ESM, arm64 Node 24 function with its own log group and role. */
class CatalogFunction extends Construct {
  readonly function: NodejsFunction;

  constructor(scope: Construct, id: string, props: CatalogFunctionProps) {
    super(scope, id);
    const entry = lambdaCatalog[props.lambdaId];

    const logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
    });

    // An own role instead of AWSLambdaBasicExecutionRole: that managed policy lets the function
    // write to every log group in the account; this one may write only to its own.
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the ${props.lambdaId} Lambda`,
    });
    logGroup.grantWrite(role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: path.join(projectRoot, entry.entry),
      projectRoot,
      depsLockFilePath: path.join(projectRoot, 'package-lock.json'),
      description: entry.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      role,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel[props.logLevel],
      systemLogLevelV2: SystemLogLevel.WARN,
      tracing: props.tracing ? Tracing.ACTIVE : Tracing.DISABLED,
      environment: {
        ...props.environment,
        POWERTOOLS_LOG_LEVEL: props.logLevel,
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        format: OutputFormat.ESM,
        mainFields: ['module', 'main'],
        // Packages still shipping CommonJS call `require`, which ESM output lacks.
        banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
        target: 'node24',
        minify: true,
        sourceMap: true,
        sourceMapMode: SourceMapMode.DEFAULT,
        sourcesContent: false,
        // Tracing is decided at synth (-c tracing): bundles that do not trace leave the Tracer and
        // the X-Ray SDK out altogether (observability.ts imports them only when this is 'true'),
        // ~100 KiB less to load on every cold start. The runtime variable says the same.
        define: { 'process.env.POWERTOOLS_TRACE_ENABLED': JSON.stringify(String(props.tracing)) },
        // Bundle the SDK instead of using the runtime's copy, so the deployed code runs exactly the
        // client versions the tests ran against (package-lock), not whatever Lambda ships that week.
        bundleAwsSDK: true,
        logLevel: LogLevel.WARNING,
      },
    });

    if (props.tracing) {
      Validations.of(role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'X-Ray PutTraceSegments/PutTelemetryRecords do not support resource-level permissions.',
      });
    }
  }
}
