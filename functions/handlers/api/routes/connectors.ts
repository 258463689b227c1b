import type * as z from 'zod';
import { pageOf, pageQuerySchema } from '#shared/contracts/common.ts';
import {
  ConnectorInputSchema,
  ConnectorSchema,
  ConnectorTestResultSchema,
  ConnectorUpdateSchema,
  ConnectorWithSecretSchema,
  connectorIdSchema,
  RotateSecretRequestSchema,
} from '#shared/contracts/connectors.ts';
import { NotFoundError } from '#shared/domain/errors.ts';
import { ROLES, type Role } from '#shared/domain/roles.ts';
import type { RateLimitSetting } from '#shared/ports/rate-limiter.ts';
import * as connectors from '#shared/use-cases/connectors.ts';
import { HttpError } from '../../../middleware/http-errors.ts';
import { etag, expectedVersion } from '../../../middleware/preconditions.ts';
import { parseJsonBody, parseQuery } from '../../../middleware/request.ts';
import { tenantOf } from '../route-toolkit.ts';
import type { RouteContext, RouteDefinition, RouteResult } from '../routes.ts';

/** The connector use cases' ports (functions/handlers/connectors/deps.ts); the routes answer 503 without them. */
export interface ConnectorServices {
  admin: connectors.ConnectorAdminDeps & { analyzers: connectors.BrandAnalyzers };
  webhook: connectors.WebhookDeps;
}

export interface ConnectorRouteDeps {
  connectors?: ConnectorServices;
  /** Per connector id on the webhook route (429 with Retry-After). */
  webhookRateLimit?: RateLimitSetting | undefined;
  maxBodyBytes: number;
}

export function connectorServicesOf(deps: { connectors?: ConnectorServices }): ConnectorServices {
  if (!deps.connectors) throw new HttpError(503, 'connectors_unavailable', 'Connectors are not configured here');
  return deps.connectors;
}

/** Everyone in the workspace sees connectors and their health; only owners and admins change them. */
const READERS: readonly Role[] = ROLES;
const MANAGERS: readonly Role[] = ['owner', 'admin'];

/** A malformed id is simply not found. */
function connectorIdOf(ctx: RouteContext): string {
  const parsed = connectorIdSchema.safeParse(ctx.params.connectorId);
  if (!parsed.success) throw new NotFoundError('Connector not found', { code: 'connector_not_found' });
  return parsed.data;
}

const withVersion = (status: number, body: { version: number }): RouteResult => ({
  status,
  body,
  headers: { etag: etag(body.version) },
});

/** The connector admin API (docs/connectors.md). Spread into the route table. */
export function connectorRoutes(deps: ConnectorRouteDeps): RouteDefinition[] {
  const admin = () => connectorServicesOf(deps).admin;
  const body = <T extends z.ZodType>(ctx: RouteContext, schema: T) =>
    parseJsonBody(ctx.event, schema, deps.maxBodyBytes);
  return [
    {
      method: 'GET',
      path: '/connectors',
      summary: 'Social and news connectors with their status, counters and next run',
      access: { kind: 'tenant', roles: READERS },
      docs: { query: pageQuerySchema, response: pageOf(ConnectorSchema) },
      handle: async (ctx) => ({
        status: 200,
        body: await connectors.listConnectors(admin(), tenantOf(ctx), parseQuery(ctx.event, pageQuerySchema)),
      }),
    },
    {
      method: 'POST',
      path: '/connectors',
      summary: 'Connect a source (Reddit, RSS/Atom, X, Meta Page, or a signed webhook); a webhook secret is shown once',
      access: { kind: 'tenant', roles: MANAGERS },
      docs: { body: ConnectorInputSchema, response: ConnectorWithSecretSchema },
      handle: async (ctx) =>
        withVersion(201, await connectors.createConnector(admin(), tenantOf(ctx), body(ctx, ConnectorInputSchema))),
    },
    {
      method: 'GET',
      path: '/connectors/:connectorId',
      summary: 'One connector: status, last success, last error, items ingested, skipped by reason, next run',
      access: { kind: 'tenant', roles: READERS },
      docs: { response: ConnectorSchema },
      handle: async (ctx) =>
        withVersion(200, await connectors.getConnectorOrThrow(admin(), tenantOf(ctx), connectorIdOf(ctx))),
    },
    {
      method: 'PUT',
      path: '/connectors/:connectorId',
      summary: 'Edit name, interval and configuration (a changed query or feed starts from a fresh checkpoint)',
      access: { kind: 'tenant', roles: MANAGERS },
      docs: { body: ConnectorUpdateSchema, response: ConnectorSchema, ifMatch: true },
      handle: async (ctx) => {
        const version = expectedVersion(ctx.event);
        const input = body(ctx, ConnectorUpdateSchema);
        return withVersion(
          200,
          await connectors.updateConnector(admin(), tenantOf(ctx), connectorIdOf(ctx), version, input),
        );
      },
    },
    {
      method: 'DELETE',
      path: '/connectors/:connectorId',
      summary: 'Delete a connector (signals it ingested stay for reporting)',
      access: { kind: 'tenant', roles: MANAGERS },
      handle: async (ctx) => {
        await connectors.deleteConnector(admin(), tenantOf(ctx), connectorIdOf(ctx));
        return { status: 204, body: null };
      },
    },
    {
      method: 'POST',
      path: '/connectors/:connectorId/pause',
      summary: 'Pause a connector (no polling; a paused webhook refuses posts with 409)',
      access: { kind: 'tenant', roles: MANAGERS },
      docs: { response: ConnectorSchema },
      handle: async (ctx) =>
        withVersion(200, await connectors.setConnectorPaused(admin(), tenantOf(ctx), connectorIdOf(ctx), true)),
    },
    {
      method: 'POST',
      path: '/connectors/:connectorId/resume',
      summary: 'Resume a paused connector or one that needed attention; it is polled right away',
      access: { kind: 'tenant', roles: MANAGERS },
      docs: { response: ConnectorSchema },
      handle: async (ctx) =>
        withVersion(200, await connectors.setConnectorPaused(admin(), tenantOf(ctx), connectorIdOf(ctx), false)),
    },
    {
      method: 'POST',
      path: '/connectors/:connectorId/poll',
      summary: 'Poll an active connector now instead of at its next run',
      access: { kind: 'tenant', roles: MANAGERS },
      docs: { response: ConnectorSchema },
      handle: async (ctx) =>
        withVersion(200, await connectors.pollConnectorNow(admin(), tenantOf(ctx), connectorIdOf(ctx))),
    },
    {
      method: 'POST',
      path: '/connectors/:connectorId/test',
      summary: 'Fetch a sample now: a few normalised and analysed items, nothing published or saved',
      access: { kind: 'tenant', roles: MANAGERS },
      docs: { response: ConnectorTestResultSchema },
      handle: async (ctx) => ({
        status: 200,
        body: await connectors.testConnector(admin(), tenantOf(ctx), connectorIdOf(ctx)),
      }),
    },
    {
      method: 'POST',
      path: '/connectors/:connectorId/rotate-secret',
      summary:
        'New webhook signing secret (shown once), random or the one the sender generated (value); old secrets stay valid until revoked',
      access: { kind: 'tenant', roles: MANAGERS },
      docs: { body: RotateSecretRequestSchema, response: ConnectorWithSecretSchema },
      handle: async (ctx) => {
        const { revoke, value } = body(ctx, RotateSecretRequestSchema);
        return withVersion(
          200,
          await connectors.rotateWebhookSecret(admin(), tenantOf(ctx), connectorIdOf(ctx), revoke, value),
        );
      },
    },
  ];
}
