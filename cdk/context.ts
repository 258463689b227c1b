import { Aws, Fn, RemovalPolicy } from 'aws-cdk-lib';
import type { Node } from 'constructs';
import { SNOWFLAKE_DEFAULT_TABLE, SNOWFLAKE_IDENTIFIER } from '../functions/adapters/warehouse/snowflake-schema.ts';

/** The deployment stages: what differs between them is listed in {@link STAGE_DEFAULTS}. */
export const STAGES = ['dev', 'prod'] as const;
export type Stage = (typeof STAGES)[number];

/**
 * What a stage decides unless context overrides it. `dev` is cheap and disposable (data is destroyed with the
 * stack, alarms exist but notify nobody); `prod` keeps data through any stack operation and pages on alarms.
 */
export const STAGE_DEFAULTS: Record<
  Stage,
  {
    logRetentionDays: number;
    dataRemovalPolicy: RemovalPolicy;
    alarmNotifications: boolean;
    threatProtection: boolean;
    reservedConcurrency: boolean;
    streamRetentionHours: number;
    streamShards: number;
    monitoring: Monitoring;
  }
> = {
  dev: {
    logRetentionDays: 14,
    dataRemovalPolicy: RemovalPolicy.DESTROY,
    alarmNotifications: false,
    threatProtection: false,
    reservedConcurrency: false,
    streamRetentionHours: 24,
    // One provisioned shard: a dev stage's traffic fits, and it costs $10.95 a month instead of on-demand's $29.20.
    streamShards: 1,
    // Alarms page nobody in dev: only those that say data is being given up on (dead letters, failed workflows,
    // API 5xx, a failing sign-in trigger), and no dashboard. `-c monitoring=full` restores the prod set.
    monitoring: 'essential',
  },
  prod: {
    logRetentionDays: 90,
    dataRemovalPolicy: RemovalPolicy.RETAIN,
    alarmNotifications: true,
    threatProtection: true,
    reservedConcurrency: true,
    // A week: a lake, Snowflake or consumer outage over a weekend is caught up from the stream, not lost.
    streamRetentionHours: 168,
    // On-demand until the volume is known: it scales with bursts (many brands due at once) without shard planning.
    streamShards: 0,
    monitoring: 'full',
  },
};

/**
 * How much CloudWatch a stage pays for (docs/cost.md): `full` is the dashboard plus per-function error and throttle
 * alarms, API latency and spend-cap alarms; `essential` keeps only the alarms that mean data or sign-ins are being
 * lost (dead-letter depth, failed workflow executions, API 5xx rate, sign-in trigger errors) and no dashboard.
 */
export const MONITORING_LEVELS = ['full', 'essential'] as const;
export type Monitoring = (typeof MONITORING_LEVELS)[number];

/**
 * The optional Snowflake warehouse, enabled by `-c snowflakeAccountUrl=...`: a Firehose delivery of canonical events
 * into a Snowflake table (Snowpipe Streaming) next to the lake, and the analytics and materialization functions
 * querying Snowflake instead of DuckDB. The key pair lives in a Secrets Manager secret (`SnowflakeCredentials`) that
 * both Firehose and the functions read; none of these settings is secret.
 */
export interface SnowflakeDeliverySettings {
  /** `https://<account identifier>.snowflakecomputing.com` */
  readonly accountUrl: string;
  /** @default 'PROMPTPULSE' */
  readonly database: string;
  /** @default 'PROMPTPULSE' */
  readonly schema: string;
  /** The raw events table Firehose writes and the warehouse views read. @default 'EVENTS' */
  readonly table: string;
  /** The virtual warehouse the analytics and materialization queries run on. @default 'PROMPTPULSE_WH' */
  readonly warehouse: string;
  /** The role the functions' Snowflake user assumes. @default - the user's default role */
  readonly role?: string;
}

/**
 * Deployment settings read from CDK context (`cdk.json` "context" or `-c key=value` on the command line).
 *
 * Every setting has a default that works for a first deploy next to a local SPA dev server, so
 * `npx cdk synth` needs no arguments. List values accept a JSON array (cdk.json) or a comma-separated
 * string (`-c webOrigins=https://app.example.com,http://localhost:5173`).
 */
export interface DeploymentSettings {
  /** `dev` or `prod` (context `stage`): removal policies, retention, alarm notifications, Cognito plan. @default 'dev' */
  readonly stage: Stage;
  /** DESTROY (dev) or RETAIN (prod) for the table, stream, user pool, secrets and buckets. */
  readonly dataRemovalPolicy: RemovalPolicy;
  /** Whether alarms notify the alarm topic (context `alarmNotifications`). @default true in prod, false in dev */
  readonly alarmNotifications: boolean;
  /**
   * Cognito threat protection (Plus feature plan, full function: adaptive authentication and compromised
   * credentials). @default true in prod, false in dev (Essentials plan)
   */
  readonly threatProtection: boolean;
  /** Reserved concurrency on the functions where it matters (Ask, scheduler tick). @default true in prod */
  readonly reservedConcurrency: boolean;
  /**
   * Hours the event stream keeps records (24-8760): the replay window of the consumers (their maximum record age,
   * capped at Lambda's 7 days) and of Firehose after a destination outage. @default 24 in dev, 168 in prod
   */
  readonly streamRetentionHours: number;
  /**
   * Provisioned shards of the event stream (1-500), or 0 for on-demand capacity. One shard takes 1 MB/s or 1,000
   * records/s of events. @default 1 in dev, 0 (on-demand) in prod
   */
  readonly streamShards: number;
  /** Alarms and dashboard (context `monitoring`, {@link MONITORING_LEVELS}). @default 'full' in prod, 'essential' in dev */
  readonly monitoring: Monitoring;
  /** Reserved concurrency of the Ask step: the account-wide ceiling of parallel provider calls. @default 50 */
  readonly askConcurrency: number;
  /** CloudWatch namespace of the business metrics. @default the stack prefix */
  readonly metricsNamespace: string;
  /** SpendCapBreaches per hour at which the spend-cap alarm fires. @default 1 */
  readonly spendCapAlarmThreshold: number;
  /** Snowflake delivery of the event stream. @default - none (lake only) */
  readonly snowflake?: SnowflakeDeliverySettings;
  /** Prefix of the stack names, so several copies (dev, staging) can live in one account. @default 'PromptPulse' */
  readonly stackPrefix: string;
  /**
   * Cognito's mail through SES (context `mailFromAddress`, `mailIdentity`, `mailConfigurationSet`, `mailRegion`):
   * required in prod, where Cognito's default sender (50 messages a day per account) would stop invitations and
   * password resets on a busy day. @default - Cognito's default sender (dev only)
   */
  readonly mail?: {
    fromAddress: string;
    identity: string;
    configurationSet?: string;
    region: string;
  };
  /**
   * The SPA's custom domain (context `domainName` + `certificateArn`, an ACM certificate in us-east-1 covering it):
   * CloudFront serves it with TLS 1.2 at least, and the web origin, CORS and Cognito callbacks derive from it.
   * @default - none: the *.cloudfront.net name (two-pass deploy, docs/deploy.md)
   */
  readonly customDomain?: { domainName: string; certificateArn: string };
  /**
   * Origins the SPA is served from: CORS allow-list of the HTTP API.
   * @default [`https://<domainName>`] with a custom domain, else ['http://localhost:5173']
   */
  readonly webOrigins: string[];
  /** OAuth redirect URLs of the SPA app client. @default `<origin>/auth/callback` for every web origin */
  readonly callbackUrls: string[];
  /** Post-sign-out URLs of the SPA app client. @default `<origin>/` for every web origin */
  readonly logoutUrls: string[];
  /**
   * Cognito hosted-UI domain prefix (`<prefix>.auth.<region>.amazoncognito.com`); must be unique in the region.
   * @default `promptpulse-<account id>`, resolved at deploy time
   */
  readonly authDomainPrefix: string;
  /** Retention of function and access logs, in days. @default 14 in dev, 90 in prod */
  readonly logRetentionDays: number;
  /** Steady-state request rate limit of the HTTP API default stage. @default 50 */
  readonly apiRateLimit: number;
  /** Burst limit of the HTTP API default stage. @default 100 */
  readonly apiBurstLimit: number;
  /**
   * Per-provider concurrency of the fan-out inside one run (`PROVIDER_CONCURRENCY`, e.g. `openai=8,anthropic=4`).
   * @default - unset: the workflow's defaults
   */
  readonly providerConcurrency?: string;
}

function readList(node: Node, key: string): string[] | undefined {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === 'string') {
    return value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0);
  }
  throw new Error(`Context "${key}" must be a list or a comma-separated string`);
}

function readNumber(node: Node, key: string, fallback: number): number {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new Error(`Context "${key}" must be a positive number`);
  return parsed;
}

function readBoolean(node: Node, key: string, fallback: boolean): boolean {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return fallback;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new Error(`Context "${key}" must be true or false`);
}

function readStage(node: Node): Stage {
  const value = readString(node, 'stage') ?? 'dev';
  if (!(STAGES as readonly string[]).includes(value))
    throw new Error(`Context "stage" must be one of ${STAGES.join(', ')}`);
  return value as Stage;
}

function readSnowflake(node: Node): SnowflakeDeliverySettings | undefined {
  const accountUrl = readString(node, 'snowflakeAccountUrl');
  if (accountUrl === undefined) return undefined;
  if (!/^https:\/\/[A-Za-z0-9._-]+\.snowflakecomputing\.com$/.test(accountUrl)) {
    throw new Error('Context "snowflakeAccountUrl" must look like https://<account>.snowflakecomputing.com');
  }
  function identifier(key: string, fallback: string): string;
  function identifier(key: string, fallback: undefined): string | undefined;
  function identifier(key: string, fallback: string | undefined): string | undefined {
    const value = readString(node, key) ?? fallback;
    if (value !== undefined && !SNOWFLAKE_IDENTIFIER.test(value)) {
      throw new Error(`Context "${key}" must be a Snowflake identifier`);
    }
    return value;
  }
  const role = identifier('snowflakeRole', undefined);
  return {
    accountUrl,
    database: identifier('snowflakeDatabase', 'PROMPTPULSE'),
    schema: identifier('snowflakeSchema', 'PROMPTPULSE'),
    table: identifier('snowflakeTable', SNOWFLAKE_DEFAULT_TABLE),
    warehouse: identifier('snowflakeWarehouse', 'PROMPTPULSE_WH'),
    ...(role ? { role } : {}),
  };
}

function readString(node: Node, key: string): string | undefined {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  return String(value);
}

/** `provider=n` pairs separated by commas, as `functions/handlers/fanout/worker-deps.ts` parses them. */
function readProviderConcurrency(node: Node): string | undefined {
  const value = readString(node, 'providerConcurrency');
  if (value === undefined) return undefined;
  const pairs = value.split(',').map((pair) => pair.trim());
  if (!pairs.every((pair) => /^[a-z]+=[1-9]\d*$/.test(pair))) {
    throw new Error('Context "providerConcurrency" must look like "openai=8,anthropic=4"');
  }
  return pairs.join(',');
}

/** Reads the deployment settings from context, applying the documented defaults. */
export function readDeploymentSettings(node: Node): DeploymentSettings {
  const customDomain = readCustomDomain(node);
  const defaultOrigins = customDomain ? [`https://${customDomain.domainName}`] : ['http://localhost:5173'];
  const webOrigins = (readList(node, 'webOrigins') ?? defaultOrigins).map((origin) => origin.replace(/\/+$/, ''));
  const stage = readStage(node);
  const defaults = STAGE_DEFAULTS[stage];
  const stackPrefix = readStackPrefix(node);
  const snowflake = readSnowflake(node);
  return {
    stage,
    dataRemovalPolicy: defaults.dataRemovalPolicy,
    alarmNotifications: readBoolean(node, 'alarmNotifications', defaults.alarmNotifications),
    threatProtection: readBoolean(node, 'threatProtection', defaults.threatProtection),
    reservedConcurrency: readBoolean(node, 'reservedConcurrency', defaults.reservedConcurrency),
    askConcurrency: readNumber(node, 'askConcurrency', 50),
    streamRetentionHours: readStreamRetentionHours(node, defaults.streamRetentionHours),
    streamShards: readStreamShards(node, defaults.streamShards),
    monitoring: readMonitoring(node, defaults.monitoring),
    metricsNamespace: readString(node, 'metricsNamespace') ?? stackPrefix,
    spendCapAlarmThreshold: readNumber(node, 'spendCapAlarmThreshold', 1),
    ...(snowflake ? { snowflake } : {}),
    stackPrefix,
    ...(customDomain ? { customDomain } : {}),
    ...readMail(node, stage),
    webOrigins,
    callbackUrls: readList(node, 'callbackUrls') ?? webOrigins.map((origin) => `${origin}/auth/callback`),
    logoutUrls: readList(node, 'logoutUrls') ?? webOrigins.map((origin) => `${origin}/`),
    // The stack prefix keeps two copies in one account apart, the account id keeps the default unique across accounts
    // (hosted-UI prefixes are global per region) without knowing the account at synth time.
    authDomainPrefix: readAuthDomainPrefix(node) ?? Fn.join('-', [authDomainSlugOf(stackPrefix), Aws.ACCOUNT_ID]),
    logRetentionDays: readNumber(node, 'logRetentionDays', defaults.logRetentionDays),
    apiRateLimit: readNumber(node, 'apiRateLimit', 50),
    apiBurstLimit: readNumber(node, 'apiBurstLimit', 100),
    providerConcurrency: readProviderConcurrency(node),
  };
}

/**
 * Stack names allow letters, digits and hyphens, start with a letter, and the two stacks add `-Stateless` (10
 * characters) to the prefix within CloudFormation's 128.
 */
function readStackPrefix(node: Node): string {
  const prefix = readString(node, 'stackPrefix') ?? 'PromptPulse';
  if (!/^[A-Za-z][A-Za-z0-9-]{0,99}$/.test(prefix)) {
    throw new Error(
      `Context "stackPrefix" must start with a letter and hold only letters, digits and hyphens (at most 100): "${prefix}"`,
    );
  }
  return prefix;
}

/**
 * The default hosted-UI prefix's first part: the stack prefix in lower case. Cognito refuses prefixes containing
 * `aws`, `amazon` or `cognito`, so those words are dropped from the default.
 */
export function authDomainSlugOf(stackPrefix: string): string {
  const slug = stackPrefix
    .toLowerCase()
    .replace(/aws|amazon|cognito/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48);
  return slug || 'promptpulse';
}

/** A hosted-UI prefix given in context must be one Cognito accepts; otherwise the first deploy fails late. */
function readAuthDomainPrefix(node: Node): string | undefined {
  const prefix = readString(node, 'authDomainPrefix');
  if (prefix === undefined) return undefined;
  if (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(prefix) || /aws|amazon|cognito/.test(prefix)) {
    throw new Error(
      `Context "authDomainPrefix" must be 1-63 lower-case letters, digits or hyphens (not at either end) and must not ` +
        `contain "aws", "amazon" or "cognito" (Cognito hosted-UI domain rules): "${prefix}"`,
    );
  }
  return prefix;
}

function readStreamRetentionHours(node: Node, fallback: number): number {
  const hours = readNumber(node, 'streamRetentionHours', fallback);
  if (!Number.isInteger(hours) || hours < 24 || hours > 8760) {
    throw new Error(
      `Context "streamRetentionHours" must be a whole number of hours from 24 to 8760 (Kinesis): ${hours}`,
    );
  }
  return hours;
}

function readStreamShards(node: Node, fallback: number): number {
  const value: unknown = node.tryGetContext('streamShards');
  if (value === undefined || value === null || value === '') return fallback;
  const shards = Number(value);
  if (!Number.isInteger(shards) || shards < 0 || shards > 500) {
    throw new Error(`Context "streamShards" must be a whole number from 0 (on-demand) to 500: ${String(value)}`);
  }
  return shards;
}

function readMonitoring(node: Node, fallback: Monitoring): Monitoring {
  const value: unknown = node.tryGetContext('monitoring');
  if (value === undefined || value === null || value === '') return fallback;
  const level = MONITORING_LEVELS.find((candidate) => candidate === value);
  if (!level) throw new Error(`Context "monitoring" must be one of ${MONITORING_LEVELS.join(', ')}: ${String(value)}`);
  return level;
}

/** ACM certificates CloudFront can use live in us-east-1, whatever region the stacks deploy to. */
const CLOUDFRONT_CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[0-9a-f-]{36}$/;
/** A DNS host name: labels of letters, digits and inner hyphens, at least two labels, no trailing dot. */
const HOST_NAME = /^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;

function readCustomDomain(node: Node): { domainName: string; certificateArn: string } | undefined {
  const domainName = readString(node, 'domainName')?.toLowerCase();
  const certificateArn = readString(node, 'certificateArn');
  if (!domainName && !certificateArn) return undefined;
  if (!domainName || !certificateArn) {
    throw new Error('Context "domainName" and "certificateArn" go together: give both for a custom domain, or neither');
  }
  if (!HOST_NAME.test(domainName)) {
    throw new Error(`Context "domainName" must be a DNS host name such as app.example.com: "${domainName}"`);
  }
  if (!CLOUDFRONT_CERTIFICATE_ARN.test(certificateArn)) {
    throw new Error(
      `Context "certificateArn" must be an ACM certificate ARN in us-east-1 (CloudFront's region): "${certificateArn}"`,
    );
  }
  return { domainName, certificateArn };
}

const EMAIL_ADDRESS = /^[^\s@]+@([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+)$/i;

function readMail(node: Node, stage: Stage): Pick<DeploymentSettings, 'mail'> {
  const fromAddress = readString(node, 'mailFromAddress');
  if (!fromAddress) {
    if (stage === 'prod') {
      throw new Error(
        'Context "mailFromAddress" is required in prod: Cognito sends invitations and password resets through SES ' +
          'from a verified identity (docs/deploy.md, mail); its default sender allows 50 messages a day per account',
      );
    }
    return {};
  }
  const match = EMAIL_ADDRESS.exec(fromAddress);
  if (!match) throw new Error(`Context "mailFromAddress" must be an email address: "${fromAddress}"`);
  const identity = (readString(node, 'mailIdentity') ?? match[1] ?? '').toLowerCase();
  if (
    !identity.includes('@') &&
    !fromAddress.toLowerCase().endsWith(`@${identity}`) &&
    !fromAddress.toLowerCase().endsWith(`.${identity}`)
  ) {
    throw new Error(
      `Context "mailIdentity" (${identity}) must be the domain of "mailFromAddress" (${fromAddress}) or a parent of it`,
    );
  }
  const configurationSet = readString(node, 'mailConfigurationSet');
  // Cognito needs the SES region at synthesis; an environment-agnostic synth (no CDK_DEFAULT_REGION) must say it.
  const region = readString(node, 'mailRegion') ?? process.env.CDK_DEFAULT_REGION;
  if (region === undefined) {
    throw new Error(
      'Context "mailRegion" is required with "mailFromAddress" when the region is not known at synthesis ' +
        '(CDK_DEFAULT_REGION unset): the SES region of the verified identity',
    );
  }
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) {
    throw new Error(`Context "mailRegion" must be an AWS region such as eu-west-1: "${region}"`);
  }
  return {
    mail: {
      fromAddress,
      identity,
      ...(configurationSet ? { configurationSet } : {}),
      region,
    },
  };
}
