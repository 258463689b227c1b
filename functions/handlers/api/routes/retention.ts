import { RetentionSettingsInputSchema, RetentionSettingsSchema } from '#shared/contracts/retention.ts';
import type { RetentionSettingsStore } from '#shared/ports/retention.ts';
import type { Clock, IdGenerator } from '#shared/ports/system.ts';
import { getRetentionSettings, saveRetentionSettings } from '#shared/use-cases/retention.ts';
import { HttpError } from '../../../middleware/http-errors.ts';
import { expectedVersion } from '../../../middleware/preconditions.ts';
import { parseJsonBody } from '../../../middleware/request.ts';
import { ok, tenantOf } from '../route-toolkit.ts';
import type { RouteDefinition } from '../routes.ts';

export interface RetentionRouteDeps {
  /** The settings store (functions/handlers/api/wiring.ts); the routes answer 503 without it. */
  retention?: RetentionSettingsStore | undefined;
  clock: Clock;
  ids: IdGenerator;
  maxBodyBytes: number;
}

/** How long the workspace keeps raw answers and posts (owners change it; owners and admins see it). */
export function retentionRoutes(deps: RetentionRouteDeps): RouteDefinition[] {
  const store = () => {
    if (!deps.retention)
      throw new HttpError(503, 'retention_unavailable', 'Retention settings are not configured here');
    return { ...deps, retention: deps.retention };
  };
  return [
    {
      method: 'GET',
      path: '/workspaces/current/retention',
      summary: 'How long raw answers and posts are kept (days after they are stored, or keep)',
      access: { kind: 'tenant', roles: ['owner', 'admin'] },
      docs: { response: RetentionSettingsSchema },
      handle: async (ctx) => {
        const result = await getRetentionSettings(store(), tenantOf(ctx));
        return ok(result, result.version);
      },
    },
    {
      method: 'PUT',
      path: '/workspaces/current/retention',
      summary:
        'Set how long raw answers and posts are kept (owner, audited; applies to items stored from then on, enforced by S3 lifecycle rules and DynamoDB TTL)',
      access: { kind: 'tenant', roles: ['owner'] },
      docs: { body: RetentionSettingsInputSchema, response: RetentionSettingsSchema, ifMatch: true },
      handle: async (ctx) => {
        const version = expectedVersion(ctx.event);
        const input = parseJsonBody(ctx.event, RetentionSettingsInputSchema, deps.maxBodyBytes);
        const result = await saveRetentionSettings(store(), tenantOf(ctx), version, input);
        return ok(result, result.version);
      },
    },
  ];
}
