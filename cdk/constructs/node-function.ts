import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../../functions/observability/metric-names.ts';
import { PROJECT_ROOT, projectPath } from '../paths.ts';

/**
 * esbuild emits ESM, but some bundled dependencies (the X-Ray SDK under Powertools Tracer) still call `require`
 * for Node built-ins; ESM has no `require`, so the bundle recreates one.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __promptpulseCreateRequire } from 'node:module'; const require = __promptpulseCreateRequire(import.meta.url);";

export interface NodeFunctionProps {
  /** Entry file, relative to the repository root (e.g. `functions/handlers/api/index.ts`). */
  readonly entry: string;
  /** What the function is for; shown in the console. */
  readonly description: string;
  /** Powertools service name (`POWERTOOLS_SERVICE_NAME`). */
  readonly serviceName: string;
  /** Extra environment variables, on top of the Powertools and source-map ones. @default - none */
  readonly environment?: Record<string, string>;
  /** Log retention of the function's own log group. @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** @default 512 */
  readonly memorySize?: number;
  /** @default Duration.seconds(10) */
  readonly timeout?: Duration;
  /**
   * Module paths esbuild leaves out of the bundle (esbuild `external`, `*` wildcards allowed); each one fails at run
   * time when the code reaches it, so only list what the function cannot need in Lambda. @default - none
   */
  readonly externalModules?: string[];
  /**
   * Packages installed into the function's package (`node_modules`, for Lambda's linux-arm64) instead of bundled:
   * native bindings esbuild cannot bundle, and heavy drivers the code imports lazily on first use, so they cost
   * neither bundle size nor init time until then. @default - none
   */
  readonly nodeModules?: string[];
  /**
   * Reserved concurrency: a ceiling (protects downstream limits such as provider rate limits, or keeps a job
   * serial) and a floor (other functions cannot starve it). @default - none (unreserved account pool)
   */
  readonly reservedConcurrentExecutions?: number;
  /**
   * Packages replaced at bundling time (esbuild `alias`), e.g. a heavy driver by a stub that throws, for functions
   * that can never reach the code using it. Values are paths relative to the repository root. @default - none
   */
  readonly aliases?: Record<string, string>;
}

/**
 * Packages every Lambda bundle replaces (esbuild `alias`, paths relative to the repository root): the AWS SDK's
 * default credential chain by the environment-only provider Lambda needs (cdk/bundling/lambda-credentials.ts).
 */
export const LAMBDA_ALIASES: Readonly<Record<string, string>> = {
  '@aws-sdk/credential-provider-node': 'cdk/bundling/lambda-credentials.ts',
};

/**
 * Files copied beside every bundle (`to`, relative to index.mjs): data read on first use rather than bundled. `from`
 * is relative to the repository root; `to` mirrors the path the code reads relative to its own module.
 */
export const LAMBDA_DATA_FILES: readonly { from: string; to: string }[] = [
  { from: 'shared/analysis/data/general-lexicon.json', to: 'data/general-lexicon.json' },
];

const dirOf = (path: string) => path.slice(0, Math.max(0, path.lastIndexOf('/'))) || '.';

/**
 * The esbuild options every function is bundled with; `bench/cold-start.bench.ts` builds with the same ones so its
 * sizes and start times are those of the deployed bundles.
 */
export const BUNDLING_DEFAULTS = {
  format: 'esm',
  target: 'node22',
  platform: 'node',
  minify: true,
  sourcemap: 'external',
  sourcesContent: false,
  mainFields: ['module', 'main'],
  banner: ESM_REQUIRE_BANNER,
} as const;

/** CloudWatch namespace of the business metrics: context `metricsNamespace`, else the stack prefix. */
export function metricsNamespaceOf(scope: Construct): string {
  const fromContext = scope.node.tryGetContext('metricsNamespace') ?? scope.node.tryGetContext('stackPrefix');
  return typeof fromContext === 'string' && fromContext.length > 0 ? fromContext : METRICS_NAMESPACE;
}

/**
 * A PromptPulse Lambda function with the house defaults: Node.js 22 on arm64, bundled locally by esbuild into
 * minified ESM with source maps, an explicit log group with retention, active X-Ray tracing, and an execution
 * role that may write only to its own log group (no AWS managed policy). Grants to data resources are added
 * by the construct that owns the function's purpose.
 */
export class NodeFunction extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: logs.LogGroup;
  readonly role: iam.Role;
  /** The entry file (relative to the repository root): what the handler-entry test and the bundle bench check. */
  readonly entry: string;
  readonly serviceName: string;
  /** What esbuild leaves out and replaces: the cold-start bench bundles with exactly these. */
  readonly externalModules: string[];
  readonly aliases: Record<string, string>;
  /** Installed rather than bundled (lazily loaded drivers, native bindings). */
  readonly nodeModules: string[];

  constructor(scope: Construct, id: string, props: NodeFunctionProps) {
    super(scope, id);
    this.entry = props.entry;
    this.serviceName = props.serviceName;
    this.externalModules = props.externalModules ?? [];
    this.aliases = { ...LAMBDA_ALIASES, ...props.aliases };
    this.nodeModules = props.nodeModules ?? [];

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // An own role instead of AWSLambdaBasicExecutionRole: that managed policy allows writing to every log group.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.serviceName}`,
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );

    this.function = new NodejsFunction(this, 'Function', {
      entry: projectPath(props.entry),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: projectPath('package-lock.json'),
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      role: this.role,
      logGroup: this.logGroup,
      tracing: lambda.Tracing.ACTIVE,
      ...(props.reservedConcurrentExecutions !== undefined
        ? { reservedConcurrentExecutions: props.reservedConcurrentExecutions }
        : {}),
      environment: {
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        POWERTOOLS_METRICS_NAMESPACE: metricsNamespaceOf(this),
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: BUNDLING_DEFAULTS.target,
        minify: BUNDLING_DEFAULTS.minify,
        sourceMap: true,
        sourceMapMode: SourceMapMode.EXTERNAL,
        sourcesContent: BUNDLING_DEFAULTS.sourcesContent,
        mainFields: [...BUNDLING_DEFAULTS.mainFields],
        banner: BUNDLING_DEFAULTS.banner,
        // The lockfile pins the SDK version the code was tested with; the runtime's SDK version drifts.
        bundleAwsSDK: true,
        tsconfig: projectPath('tsconfig.json'),
        ...(props.externalModules ? { externalModules: props.externalModules } : {}),
        ...(this.nodeModules.length > 0
          ? {
              nodeModules: this.nodeModules,
              // Install the binaries of the Lambda platform (npm >= 10.1 honours these for optional dependencies,
              // e.g. @duckdb/node-bindings-linux-arm64), whatever machine synthesizes.
              environment: { npm_config_os: 'linux', npm_config_cpu: 'arm64' },
            }
          : {}),
        // Data the analysis engine reads on first use instead of bundling (shared/analysis/general-lexicon.ts): copied
        // beside every bundle at the path the engine looks for, relative to the bundle (index.mjs).
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir: string, outputDir: string) =>
            LAMBDA_DATA_FILES.map(
              ({ from, to }) => `mkdir -p "${outputDir}/${dirOf(to)}" && cp "${inputDir}/${from}" "${outputDir}/${to}"`,
            ),
        },
        esbuildArgs: Object.fromEntries(
          Object.entries(this.aliases).map(([name, path]) => [`--alias:${name}`, projectPath(path)]),
        ),
      },
    });

    // Tracing.ACTIVE adds xray:PutTraceSegments/PutTelemetryRecords on `*` to the role's default policy.
    const defaultPolicy = this.role.node.tryFindChild('DefaultPolicy');
    if (defaultPolicy) {
      Validations.of(defaultPolicy).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions; `*` is required.',
      });
    }
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is deliberate: the code and its pinned dependencies are developed and tested on Node 20/22 ' +
        '(the CI matrix); moving to a newer runtime is a tested upgrade, not a default.',
    });
  }
}
