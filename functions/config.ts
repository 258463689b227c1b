import * as z from 'zod';

/**
 * Runtime configuration of the Lambda functions, read once from the environment at cold start.
 *
 * Every AWS endpoint is overridable so that local mode (emulators) is configuration, not code.
 * A missing or malformed variable fails fast with a message naming it.
 */
const optionalUrl = z.url().optional();

const baseSchema = z.object({
  TABLE_NAME: z.string().min(1),
  AWS_REGION: z.string().min(1).default('us-east-1'),
  DYNAMODB_ENDPOINT: optionalUrl,
  KINESIS_ENDPOINT: optionalUrl,
  S3_ENDPOINT: optionalUrl,
  EVENT_STREAM_NAME: z.string().min(1).optional(),
  LAKE_BUCKET: z.string().min(1).optional(),
  /**
   * The KMS key (id, ARN or alias) sealing tenant secrets (integration and webhook secrets) before they are stored;
   * set on every function that reads or writes them (docs/security.md, Tenant secrets).
   */
  SECRETS_KEY_ID: z.string().min(1).optional(),
  KMS_ENDPOINT: optionalUrl,
  /** Largest accepted request body in bytes; API Gateway's own hard limit is 10 MB. @default 262144 */
  MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(256 * 1024),
  /** Requests per minute per tenant and route (per user on routes before a workspace exists); 0 = no limit. */
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(1200),
  /** Requests per minute per webhook connector id; 0 = no limit. */
  WEBHOOK_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(600),
});

/** Cognito in AWS: the verifier is built from the user pool and app client ids. */
const cognitoAuthSchema = z.object({
  AUTH_PROVIDER: z.literal('cognito'),
  COGNITO_USER_POOL_ID: z.string().min(1),
  COGNITO_CLIENT_ID: z.string().min(1),
});

/** Any OIDC issuer (the embedded local issuer): tokens carry `aud` = client id; JWKS is fetched once. */
const oidcAuthSchema = z.object({
  AUTH_PROVIDER: z.literal('oidc'),
  OIDC_ISSUER: z.url(),
  OIDC_CLIENT_ID: z.string().min(1),
  OIDC_JWKS_URI: z.url(),
});

const authSchema = z.discriminatedUnion('AUTH_PROVIDER', [cognitoAuthSchema, oidcAuthSchema]);

export type BaseConfig = z.infer<typeof baseSchema>;
export type AuthConfig = z.infer<typeof authSchema>;
export type ApiConfig = BaseConfig & { auth: AuthConfig };

/** Thrown when the environment is incomplete; the message names every offending variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function parseOrThrow<T>(schema: z.ZodType<T>, env: Record<string, string | undefined>, what: string): T {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const variable = issue.path.join('.') || 'AUTH_PROVIDER';
    return `${variable}: ${issue.message}`;
  });
  throw new ConfigError(`Invalid ${what} configuration: ${problems.join('; ')}`);
}

/** Reads the base configuration (table, endpoints) shared by every function. */
export function readBaseConfig(env: Record<string, string | undefined> = process.env): BaseConfig {
  return parseOrThrow(baseSchema, env, 'function');
}

/** Where tenant secrets are sealed: the KMS key and endpoint (functions that store or read integration secrets). */
export function readSecretsConfig(env: Record<string, string | undefined> = process.env) {
  return parseOrThrow(baseSchema.pick({ AWS_REGION: true, SECRETS_KEY_ID: true, KMS_ENDPOINT: true }), env, 'secrets');
}

/** Reads the API function's configuration, including how access tokens are verified. */
export function readApiConfig(env: Record<string, string | undefined> = process.env): ApiConfig {
  return { ...readBaseConfig(env), auth: parseOrThrow(authSchema, env, 'auth') };
}

/**
 * The user directory (Cognito user pool admin API): which pool, and where its API is. `COGNITO_ENDPOINT`
 * points the SDK at the local emulator (e.g. `http://127.0.0.1:4000/cognito-idp`); unset in AWS.
 */
const directorySchema = z.object({
  AWS_REGION: z.string().min(1).default('us-east-1'),
  USER_POOL_ID: z.string().min(1),
  COGNITO_ENDPOINT: optionalUrl,
});

export type DirectoryConfig = z.infer<typeof directorySchema>;

/** Reads the user directory's configuration; only functions that manage accounts need it. */
export function readDirectoryConfig(env: Record<string, string | undefined> = process.env): DirectoryConfig {
  return parseOrThrow(directorySchema, env, 'user directory');
}

/**
 * Pushing to browsers over the WebSocket API: where its management API (`@connections`) is. In AWS the stage's
 * callback URL `https://{apiId}.execute-api.{region}.amazonaws.com/{stage}`; locally the gateway's emulation,
 * e.g. `http://127.0.0.1:4000/ws-management`. Read by the WebSocket function and by every function that pushes.
 */
const pushSchema = z.object({
  AWS_REGION: z.string().min(1).default('us-east-1'),
  WS_MANAGEMENT_ENDPOINT: z.url(),
});

export type PushConfig = z.infer<typeof pushSchema>;

/** Reads the push configuration; fails fast naming `WS_MANAGEMENT_ENDPOINT` when it is missing. */
export function readPushConfig(env: Record<string, string | undefined> = process.env): PushConfig {
  return parseOrThrow(pushSchema, env, 'push');
}

/** Starting runs: which state machine, and (locally) where the Step Functions API is. */
const workflowSchema = z.object({
  AWS_REGION: z.string().min(1).default('us-east-1'),
  STATE_MACHINE_ARN: z.string().regex(/^arn:aws[\w-]*:states:/, 'expected a state machine ARN'),
  SFN_ENDPOINT: optionalUrl,
});

export type WorkflowConfig = z.infer<typeof workflowSchema>;

/** Reads the workflow configuration; fails fast naming `STATE_MACHINE_ARN` when it is missing. */
export function readWorkflowConfig(env: Record<string, string | undefined> = process.env): WorkflowConfig {
  return parseOrThrow(workflowSchema, env, 'workflow');
}
