import { Aws, Fn } from 'aws-cdk-lib';
import type { Node } from 'constructs';

/**
 * Deployment settings read from CDK context (`cdk.json` "context" or `-c key=value` on the command line).
 *
 * Every setting has a default that works for a first deploy next to a local SPA dev server, so
 * `npx cdk synth` needs no arguments. List values accept a JSON array (cdk.json) or a comma-separated
 * string (`-c webOrigins=https://app.example.com,http://localhost:5173`).
 */
export interface DeploymentSettings {
  /** Prefix of the stack names, so several copies (dev, staging) can live in one account. @default 'PromptPulse' */
  readonly stackPrefix: string;
  /** Origins the SPA is served from: CORS allow-list of the HTTP API. @default ['http://localhost:5173'] */
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
  /** Retention of function and access logs, in days. @default 30 */
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
  const webOrigins = (readList(node, 'webOrigins') ?? ['http://localhost:5173']).map((origin) =>
    origin.replace(/\/+$/, ''),
  );
  return {
    stackPrefix: readString(node, 'stackPrefix') ?? 'PromptPulse',
    webOrigins,
    callbackUrls: readList(node, 'callbackUrls') ?? webOrigins.map((origin) => `${origin}/auth/callback`),
    logoutUrls: readList(node, 'logoutUrls') ?? webOrigins.map((origin) => `${origin}/`),
    // The account id keeps the default prefix unique per account without knowing the account at synth time.
    authDomainPrefix: readString(node, 'authDomainPrefix') ?? Fn.join('-', ['promptpulse', Aws.ACCOUNT_ID]),
    logRetentionDays: readNumber(node, 'logRetentionDays', 30),
    apiRateLimit: readNumber(node, 'apiRateLimit', 50),
    apiBurstLimit: readNumber(node, 'apiBurstLimit', 100),
    providerConcurrency: readProviderConcurrency(node),
  };
}
