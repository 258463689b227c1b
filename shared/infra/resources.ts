/**
 * The one place that owns the logical names and key schemas of PromptPulse's AWS resources.
 *
 * The CDK app uses these as construct ids and key definitions; the embedded local stack uses them to create
 * the same table, stream and bucket in the emulators. Changing a name here changes it everywhere.
 */

/** Logical names shared by CDK construct ids and local emulator resource names. */
export const RESOURCE_NAMES = {
  /** Single DynamoDB table holding every tenant's operational data. */
  table: 'promptpulse-main',
  /** Kinesis data stream carrying canonical CloudEvents. */
  eventStream: 'promptpulse-events',
  /** S3 bucket: data lake (canonical events, raw answers, raw signals). */
  lakeBucket: 'promptpulse-lake',
  /** Cognito user pool. */
  userPool: 'promptpulse-users',
  /** Cognito app client used by the web SPA (public client, PKCE). */
  webClient: 'promptpulse-web',
} as const;

/** Key schema of the main table: generic pk/sk plus one inverted-ish GSI for secondary access patterns. */
export const TABLE_SCHEMA = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
  indexes: {
    gsi1: { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  },
} as const;

/** Custom claim carrying the caller's workspace (tenant) id in access tokens. */
export const TENANT_CLAIM = 'custom:tenant_id';

/** Cognito groups used as roles, strongest first. */
export const ROLE_GROUPS = ['owner', 'admin', 'analyst', 'viewer'] as const;

/**
 * API routes without the JWT authorizer (`METHOD /path`), in API Gateway and in the local gateway alike.
 * They return no tenant data; a unit test checks this list against the API's route table.
 */
export const PUBLIC_ROUTES = [
  { method: 'GET', path: '/health' },
  { method: 'GET', path: '/openapi.json' },
] as const;
