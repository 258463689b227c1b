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

/**
 * Partition of the workspace deletion ledger (the purge's resumable state and tombstones): outside every tenant's
 * `ws_…` partitions, so a purge never removes its own record. The adapter and the purge's IAM grant both use it.
 */
export const DELETION_LEDGER_PARTITION = 'LIFECYCLE#DELETION';

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
  // Signed inbound webhooks: senders are systems without user tokens, so the HMAC signature over timestamp + body
  // (per-connector secrets, replay window) authenticates them instead, and the tenant comes from the stored
  // connector. See functions/handlers/api/routes/webhooks.ts and docs/connectors.md.
  { method: 'POST', path: '/ingest/webhooks/:connectorId' },
] as const;

/** True when `METHOD /path` is a public route (`:param` segments match any one segment). */
export function isPublicRoute(routeKey: string): boolean {
  const [method, path = ''] = routeKey.split(' ');
  const segments = path.split('/');
  return PUBLIC_ROUTES.some((route) => {
    if (route.method !== method) return false;
    const pattern = route.path.split('/');
    return (
      pattern.length === segments.length &&
      pattern.every((p, i) => (p.startsWith(':') ? segments[i] !== '' : p === segments[i]))
    );
  });
}

/** The public routes as a set whose `has('METHOD /concrete/path')` understands `:param` segments (local gateway). */
export function publicRouteSet(): ReadonlySet<string> {
  return new (class extends Set<string> {
    override has(routeKey: string): boolean {
      return isPublicRoute(routeKey);
    }
  })(PUBLIC_ROUTES.map((r) => `${r.method} ${r.path}`));
}

/**
 * The `purpose` of the KMS encryption context under which tenant secrets are sealed; the functions' key grant is
 * conditioned on it (cdk/constructs/tenant-secrets.ts).
 */
export const TENANT_SECRET_PURPOSE = 'promptpulse-tenant-secret';
