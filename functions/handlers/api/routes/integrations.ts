import * as z from 'zod';
import { idSchema, pageOf } from '#shared/contracts/common.ts';
import {
  DeliveryListQuerySchema,
  DeliverySchema,
  IntegrationInputSchema,
  IntegrationSchema,
  IntegrationUpdateSchema,
  integrationIdSchema,
} from '#shared/contracts/integrations.ts';
import { NotFoundError } from '#shared/domain/errors.ts';
import type { Role } from '#shared/domain/roles.ts';
import * as integrations from '#shared/use-cases/integrations.ts';
import { expectedVersion } from '../../../middleware/preconditions.ts';
import { parseJsonBody, parseQuery } from '../../../middleware/request.ts';
import { ok, tenantOf } from '../route-toolkit.ts';
import type { RouteContext, RouteDefinition } from '../routes.ts';
import type { ActionRouteDeps } from './actions.ts';
import { hubOf } from './actions.ts';

/** Integrations carry secrets and send data out of PromptPulse: workspace owners and admins only. */
const INTEGRATION_ADMINS: readonly Role[] = ['owner', 'admin'];

function integrationIdOf(ctx: RouteContext): string {
  const parsed = integrationIdSchema.safeParse(ctx.params.integrationId);
  if (!parsed.success) throw new NotFoundError('Integration not found', { code: 'integration_not_found' });
  return parsed.data;
}
const deliveryIdSchema = idSchema('dlv');

/** `/integrations*` routes (Admin › Integrations); spread into the route table. */
export function integrationRoutes(deps: ActionRouteDeps): RouteDefinition[] {
  const d = () => ({ ...deps, ...hubOf(deps) });
  return [
    {
      method: 'GET',
      path: '/integrations',
      summary: 'CRM / automation integrations (secrets are never returned)',
      access: { kind: 'tenant', roles: INTEGRATION_ADMINS },
      docs: { response: z.object({ items: z.array(IntegrationSchema) }) },
      handle: async (ctx) => ok({ items: await integrations.listIntegrations(d(), tenantOf(ctx)) }),
    },
    {
      method: 'POST',
      path: '/integrations',
      summary: 'Add an integration: signed webhook, HubSpot task or Salesforce task (https, public addresses only)',
      access: { kind: 'tenant', roles: INTEGRATION_ADMINS },
      docs: { body: IntegrationInputSchema, response: IntegrationSchema },
      handle: async (ctx) => {
        const input = parseJsonBody(ctx.event, IntegrationInputSchema, deps.maxBodyBytes);
        const created = await integrations.createIntegration(d(), tenantOf(ctx), input);
        return { ...ok(created, created.version), status: 201 };
      },
    },
    {
      method: 'GET',
      path: '/integrations/:integrationId',
      summary: 'One integration',
      access: { kind: 'tenant', roles: INTEGRATION_ADMINS },
      docs: { response: IntegrationSchema },
      handle: async (ctx) => {
        const found = await integrations.getIntegrationOrThrow(d(), tenantOf(ctx).tenantId, integrationIdOf(ctx));
        return ok(integrations.toView(found), found.version);
      },
    },
    {
      method: 'PUT',
      path: '/integrations/:integrationId',
      summary: 'Replace an integration’s settings (omit `secret` to keep it)',
      access: { kind: 'tenant', roles: INTEGRATION_ADMINS },
      docs: { body: IntegrationUpdateSchema, response: IntegrationSchema, ifMatch: true },
      handle: async (ctx) => {
        const version = expectedVersion(ctx.event);
        const input = parseJsonBody(ctx.event, IntegrationUpdateSchema, deps.maxBodyBytes);
        const updated = await integrations.updateIntegration(d(), tenantOf(ctx), integrationIdOf(ctx), version, input);
        return ok(updated, updated.version);
      },
    },
    {
      method: 'DELETE',
      path: '/integrations/:integrationId',
      summary: 'Remove an integration (its delivery log expires with it)',
      access: { kind: 'tenant', roles: INTEGRATION_ADMINS },
      docs: { ifMatch: true },
      handle: async (ctx) => {
        const version = expectedVersion(ctx.event);
        await integrations.deleteIntegration(d(), tenantOf(ctx), integrationIdOf(ctx), version);
        return { status: 204, body: null };
      },
    },
    {
      method: 'POST',
      path: '/integrations/:integrationId/test',
      summary: 'Send a test event now (one attempt, recorded in the delivery log)',
      access: { kind: 'tenant', roles: INTEGRATION_ADMINS },
      docs: { response: DeliverySchema },
      handle: async (ctx) => ok(await integrations.sendTestEvent(d(), tenantOf(ctx), integrationIdOf(ctx))),
    },
    {
      method: 'GET',
      path: '/integrations/:integrationId/deliveries',
      summary: 'Delivery log of an integration, newest first (`status=dead_lettered` for the dead-letter list)',
      access: { kind: 'tenant', roles: INTEGRATION_ADMINS },
      docs: { query: DeliveryListQuerySchema, response: pageOf(DeliverySchema) },
      handle: async (ctx) => {
        const query = parseQuery(ctx.event, DeliveryListQuerySchema);
        return ok(await integrations.listDeliveries(d(), tenantOf(ctx), integrationIdOf(ctx), query));
      },
    },
    {
      method: 'POST',
      path: '/integrations/:integrationId/deliveries/:deliveryId/redrive',
      summary: 'Re-drive a dead-lettered delivery (one attempt now, same body, fresh signature)',
      access: { kind: 'tenant', roles: INTEGRATION_ADMINS },
      docs: { response: DeliverySchema },
      handle: async (ctx) => {
        const parsed = deliveryIdSchema.safeParse(ctx.params.deliveryId);
        if (!parsed.success) throw new NotFoundError('Delivery not found', { code: 'delivery_not_found' });
        return ok(await integrations.redriveDelivery(d(), tenantOf(ctx), integrationIdOf(ctx), parsed.data));
      },
    },
  ];
}
