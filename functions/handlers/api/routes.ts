import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as z from 'zod';
import { MetricsQuerySchema, MetricsResponseSchema } from '#shared/contracts/analytics.ts';
import { AuditEntrySchema } from '#shared/contracts/audit.ts';
import { BrandInputSchema, BrandSchema, BrandSummarySchema } from '#shared/contracts/brands.ts';
import { idSchema, pageOf, pageQuerySchema } from '#shared/contracts/common.ts';
import { InviteMemberRequestSchema, MemberSchema, UpdateMemberRequestSchema } from '#shared/contracts/members.ts';
import { RunSettingsInputSchema, RunSettingsSchema } from '#shared/contracts/run-settings.ts';
import {
  AnswerSchema,
  RunItemSchema,
  RunSchema,
  RunSummarySchema,
  StartRunResponseSchema,
} from '#shared/contracts/runs.ts';
import { SpendCapsSchema, WorkspaceSettingsSchema } from '#shared/contracts/workspace-settings.ts';
import {
  CreateWorkspaceRequestSchema,
  HealthResponseSchema,
  MeResponseSchema,
  WorkspaceSchema,
} from '#shared/contracts/workspaces.ts';
import { NotFoundError } from '#shared/domain/errors.ts';
import type { Principal, TenantPrincipal } from '#shared/domain/principal.ts';
import { filterOfQuery } from '#shared/domain/query-filter.ts';
import { ROLES, type Role } from '#shared/domain/roles.ts';
import type { AccessTokenVerifier } from '#shared/ports/access-token-verifier.ts';
import type { AuditLog } from '#shared/ports/audit.ts';
import type { RateLimitSetting } from '#shared/ports/rate-limiter.ts';
import type { RetentionSettingsStore } from '#shared/ports/retention.ts';
import type { RollupStore } from '#shared/ports/rollups.ts';
import type { WorkflowStarter } from '#shared/ports/runs.ts';
import type { WorkspaceDeletionLedger } from '#shared/ports/tenant-lifecycle.ts';
import type { Warehouse } from '#shared/ports/warehouse.ts';
import { readBrandMetrics, readBrandMetricsSeries } from '#shared/use-cases/aggregate.ts';
import * as brands from '#shared/use-cases/brands.ts';
import type { DrilldownDeps } from '#shared/use-cases/drilldown.ts';
import * as members from '#shared/use-cases/members.ts';
import * as runs from '#shared/use-cases/runs.ts';
import * as settings from '#shared/use-cases/settings.ts';
import type { WorkspaceDeps } from '#shared/use-cases/workspaces.ts';
import { createWorkspace, describeCaller, getCurrentWorkspace } from '#shared/use-cases/workspaces.ts';
import { expectedVersion } from '../../middleware/preconditions.ts';
import { parseJsonBody, parseQuery } from '../../middleware/request.ts';
import type { OpsStatusSource } from '../../observability/ops-status.ts';
import type { ActionHubServices } from '../actions/deps.ts';
import { brandIdOf, created, noContent, ok, principalOf, tenantOf } from './route-toolkit.ts';
import { parseFilterQuery } from './routes/analytics-query.ts';
import type { ConnectorServices } from './routes/connectors.ts';
import { modelCatalogueRoutes } from './routes/model-catalogue.ts';
import { opsRoutes } from './routes/ops.ts';
import { promptSetRoutes } from './routes/prompt-sets.ts';
import { type ReanalysisRouteDeps, reanalysisRoutes } from './routes/reanalysis.ts';
import { retentionRoutes } from './routes/retention.ts';
import { type SignalRouteDeps, signalRoutes } from './routes/signals.ts';
import { type WorkspaceExportServices, workspaceLifecycleRoutes } from './routes/workspace-lifecycle.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Who may call a route: anyone, any signed-in user, or members of the token's workspace with given roles. */
export type RouteAccess = { kind: 'public' } | { kind: 'authenticated' } | { kind: 'tenant'; roles: readonly Role[] };

export interface ApiDeps
  extends WorkspaceDeps,
    brands.BrandDeps,
    members.MemberDeps,
    runs.RunDeps,
    Pick<SignalRouteDeps, 'signals' | 'signalAlerts'> {
  workflow: WorkflowStarter;
  rollups: RollupStore;
  /** The analytical store over the lake (Snowflake in AWS, DuckDB locally). */
  warehouse: Warehouse;
  verifier: AccessTokenVerifier;
  auditLog: AuditLog;
  maxBodyBytes: number;
  version: string;
  /** The Action Hub's ports (functions/handlers/actions/deps.ts); its routes answer 503 without them. */
  actionHub?: ActionHubServices;
  /** Connector admin and webhook ports (functions/handlers/connectors/deps.ts); their routes answer 503 without them. */
  connectors?: ConnectorServices;
  /** Per tenant and route, and per webhook connector (functions/handlers/api/wiring.ts); absent: no limit. */
  rateLimit?: RateLimitSetting | undefined;
  webhookRateLimit?: RateLimitSetting | undefined;
  /** Workspace deletions and exports (routes/workspace-lifecycle.ts); those routes answer 503 without them. */
  deletions?: WorkspaceDeletionLedger | undefined;
  exports?: WorkspaceExportServices | undefined;
  /** Retention settings (routes/retention.ts); those routes answer 503 without them. */
  retention?: RetentionSettingsStore | undefined;
  /** Component health and dead letters for GET /ops/status (the local stack); the route answers 503 without it. */
  ops?: OpsStatusSource | undefined;
  /** Re-analysis jobs (routes/reanalysis.ts); those routes answer 503 without them. */
  reanalysis?: ReanalysisRouteDeps | undefined;
  /** The analysis ledger: the drill-down shows the analysis the numbers count (shared/use-cases/drilldown.ts). */
  analyses?: DrilldownDeps['analyses'];
}

export interface RouteContext {
  event: APIGatewayProxyEventV2;
  params: Record<string, string>;
  /** Set for `authenticated` and `tenant` routes. */
  principal: Principal | null;
  /** Set for `tenant` routes, after membership and role are confirmed. */
  tenant: TenantPrincipal | null;
}

export interface RouteResult {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Send `body` (a string) as-is with this content type instead of JSON. */
  rawContentType?: string;
}

/** Request/response schemas of a route: used for the OpenAPI document (validation happens in handlers). */
export interface RouteDocs {
  body?: z.ZodType;
  query?: z.ZodObject;
  response?: z.ZodType;
  /** The route reads `If-Match`. */
  ifMatch?: boolean;
  bodyMediaType?: string;
  responseMediaType?: string;
}

export interface RouteDefinition {
  method: HttpMethod;
  path: `/${string}`;
  summary: string;
  access: RouteAccess;
  docs?: RouteDocs;
  handle(ctx: RouteContext): Promise<RouteResult>;
}

export const ALL: readonly Role[] = ROLES;
const MANAGERS: readonly Role[] = ['owner', 'admin'];
export const EDITORS: readonly Role[] = ['owner', 'admin', 'analyst'];

/** A malformed id is simply not found: no hint about what ids look like elsewhere. */
function userIdOf(ctx: RouteContext): string {
  const id = ctx.params.userId ?? '';
  if (!/^[\w-]{1,128}$/.test(id)) throw new NotFoundError('Member not found', { code: 'member_not_found' });
  return id;
}

const runIdSchema = z.string().regex(/^run_[0-9a-hjkmnp-tv-z]{26}$/);
const answerIdSchema = z.string().regex(/^run_[0-9a-hjkmnp-tv-z]{26}\.[\w.-]{1,300}$/);
function runIdOf(ctx: RouteContext): string {
  const parsed = runIdSchema.safeParse(ctx.params.runId);
  if (!parsed.success) throw new NotFoundError('Run not found', { code: 'run_not_found' });
  return parsed.data;
}
const runsQuery = pageQuerySchema.extend({ brandId: idSchema('brd').optional() });
const itemsQuery = pageQuerySchema.extend({ status: z.enum(['pending', 'succeeded', 'failed', 'skipped']).optional() });

/**
 * The API's route table: the single list the router, the role checks, the OpenAPI document and the generated
 * authorization tests are built from. Handlers stay thin: parse, call a use case, return a status and a body.
 */
/** Dependencies of the core routes: everything but the warehouse (analytics routes are in routes/analytics.ts). */
export type CoreRouteDeps = Omit<ApiDeps, 'warehouse'>;

/**
 * The core of the API: workspaces, brands, prompt sets, runs and answers, live metrics, members, audit, signals and
 * ops. What the `api` Lambda function serves; the full table (route-table.ts) adds the analytics, Action Hub and
 * connector groups, each served by its own function in AWS (cdk/constructs/api-service.ts), so that this module
 * imports none of their code.
 */
export function coreRoutes(deps: CoreRouteDeps): RouteDefinition[] {
  const body = <T extends z.ZodType>(ctx: RouteContext, schema: T) =>
    parseJsonBody(ctx.event, schema, deps.maxBodyBytes);
  const page = (ctx: RouteContext) => parseQuery(ctx.event, pageQuerySchema);

  const routes: RouteDefinition[] = [
    {
      method: 'GET',
      path: '/health',
      summary: 'Liveness of the API function',
      access: { kind: 'public' },
      docs: { response: HealthResponseSchema },
      handle: async () =>
        ok({ status: 'ok', service: 'promptpulse-api', version: deps.version, time: deps.clock.now().toISOString() }),
    },
    {
      method: 'GET',
      path: '/me',
      summary: 'The caller and their workspace, if any',
      access: { kind: 'authenticated' },
      docs: { response: MeResponseSchema },
      handle: async (ctx) => ok(await describeCaller(deps, principalOf(ctx))),
    },
    {
      method: 'POST',
      path: '/workspaces',
      summary: "Create the caller's workspace; the caller becomes its owner",
      access: { kind: 'authenticated' },
      docs: { body: CreateWorkspaceRequestSchema, response: WorkspaceSchema },
      handle: async (ctx) =>
        created(await createWorkspace(deps, principalOf(ctx), body(ctx, CreateWorkspaceRequestSchema))),
    },
    {
      method: 'GET',
      path: '/workspaces/current',
      summary: "The caller's current workspace",
      access: { kind: 'tenant', roles: ALL },
      docs: { response: WorkspaceSchema },
      handle: async (ctx) => ok(await getCurrentWorkspace(deps, tenantOf(ctx))),
    },
    {
      method: 'GET',
      path: '/workspaces/current/settings',
      summary: 'Plan, plan limits and spend caps',
      access: { kind: 'tenant', roles: ALL },
      docs: { response: WorkspaceSettingsSchema },
      handle: async (ctx) => {
        const result = await settings.getWorkspaceSettings(deps, tenantOf(ctx));
        return ok(result, result.version);
      },
    },
    {
      method: 'PUT',
      path: '/workspaces/current/spend-caps',
      summary: 'Set the spend caps (calls, tokens, USD per day and month)',
      access: { kind: 'tenant', roles: MANAGERS },
      docs: { body: SpendCapsSchema, response: WorkspaceSettingsSchema, ifMatch: true },
      handle: async (ctx) => {
        const version = expectedVersion(ctx.event);
        const result = await settings.saveSpendCaps(deps, tenantOf(ctx), version, body(ctx, SpendCapsSchema));
        return ok(result, result.version);
      },
    },
    {
      method: 'GET',
      path: '/brands',
      summary: 'List brands',
      access: { kind: 'tenant', roles: ALL },
      docs: { query: pageQuerySchema, response: pageOf(BrandSummarySchema) },
      handle: async (ctx) => ok(await brands.listBrands(deps, tenantOf(ctx), page(ctx))),
    },
    {
      method: 'POST',
      path: '/brands',
      summary: 'Create a brand with its aliases, domains, competitors and topics',
      access: { kind: 'tenant', roles: MANAGERS },
      docs: { body: BrandInputSchema, response: BrandSchema },
      handle: async (ctx) => {
        const brand = await brands.createBrand(deps, tenantOf(ctx), body(ctx, BrandInputSchema));
        return created(brand, brand.version);
      },
    },
    {
      method: 'GET',
      path: '/brands/:brandId',
      summary: 'One brand',
      access: { kind: 'tenant', roles: ALL },
      docs: { response: BrandSchema },
      handle: async (ctx) => {
        const brand = await brands.getBrandOrThrow(deps, tenantOf(ctx), brandIdOf(ctx));
        return ok(brand, brand.version);
      },
    },
    {
      method: 'PUT',
      path: '/brands/:brandId',
      summary: 'Replace a brand’s configuration (competitors and topics keep their ids)',
      access: { kind: 'tenant', roles: MANAGERS },
      docs: { body: BrandInputSchema, response: BrandSchema, ifMatch: true },
      handle: async (ctx) => {
        const version = expectedVersion(ctx.event);
        const input = body(ctx, BrandInputSchema);
        const brand = await brands.updateBrand(deps, tenantOf(ctx), brandIdOf(ctx), version, input);
        return ok(brand, brand.version);
      },
    },
    {
      method: 'DELETE',
      path: '/brands/:brandId',
      summary: 'Delete a brand (its history stays for reporting)',
      access: { kind: 'tenant', roles: MANAGERS },
      docs: { ifMatch: true },
      handle: async (ctx) => {
        await brands.deleteBrand(deps, tenantOf(ctx), brandIdOf(ctx), expectedVersion(ctx.event));
        return noContent;
      },
    },
    ...promptSetRoutes(deps),
    {
      method: 'GET',
      path: '/brands/:brandId/run-settings',
      summary: 'Providers, samples per prompt and schedule of a brand',
      access: { kind: 'tenant', roles: ALL },
      docs: { response: RunSettingsSchema },
      handle: async (ctx) => {
        const result = await settings.getRunSettings(deps, tenantOf(ctx), brandIdOf(ctx));
        return ok(result, result.version);
      },
    },
    {
      method: 'PUT',
      path: '/brands/:brandId/run-settings',
      summary: 'Set providers, samples per prompt and schedule',
      access: { kind: 'tenant', roles: MANAGERS },
      docs: { body: RunSettingsInputSchema, response: RunSettingsSchema, ifMatch: true },
      handle: async (ctx) => {
        const version = expectedVersion(ctx.event);
        const input = body(ctx, RunSettingsInputSchema);
        const result = await settings.saveRunSettings(deps, tenantOf(ctx), brandIdOf(ctx), version, input);
        return ok(result, result.version);
      },
    },
    {
      method: 'POST',
      path: '/brands/:brandId/runs',
      summary: "Run now: ask every tracked prompt of the brand's current prompt set to its enabled providers",
      access: { kind: 'tenant', roles: EDITORS },
      docs: { response: StartRunResponseSchema },
      handle: async (ctx) => {
        const tenant = tenantOf(ctx);
        const run = await runs.startRun(deps, tenant, brandIdOf(ctx), 'manual');
        return { status: 202, body: { runId: run.id, status: run.status } };
      },
    },
    {
      method: 'GET',
      path: '/runs',
      summary: 'Runs, newest first (optionally of one brand)',
      access: { kind: 'tenant', roles: ALL },
      docs: { query: runsQuery, response: pageOf(RunSummarySchema) },
      handle: async (ctx) => {
        const { brandId, ...page } = parseQuery(ctx.event, runsQuery);
        const result = await deps.runs.listRuns(tenantOf(ctx).tenantId, brandId ?? null, page);
        return ok({ items: result.items.map(runs.summarize), nextCursor: result.nextCursor });
      },
    },
    {
      method: 'GET',
      path: '/runs/:runId',
      summary: 'One run: progress, per-provider counts, usage and recent failures',
      access: { kind: 'tenant', roles: ALL },
      docs: { response: RunSchema },
      handle: async (ctx) => {
        const run = await runs.getRunOrThrow(deps, tenantOf(ctx), runIdOf(ctx));
        return ok(runs.publicRun(run), run.version);
      },
    },
    {
      method: 'GET',
      path: '/runs/:runId/items',
      summary: "A run's work items (prompt × provider × sample) with status and failure reasons",
      access: { kind: 'tenant', roles: ALL },
      docs: { query: itemsQuery, response: pageOf(RunItemSchema) },
      handle: async (ctx) => {
        const tenant = tenantOf(ctx);
        const runId = runIdOf(ctx);
        const { status, ...page } = parseQuery(ctx.event, itemsQuery);
        await runs.getRunOrThrow(deps, tenant, runId);
        return ok(await deps.runs.listItems(tenant.tenantId, runId, status ?? null, page));
      },
    },
    {
      method: 'POST',
      path: '/runs/:runId/cancel',
      summary: 'Cancel a run: nothing more is asked; it finalizes as cancelled',
      access: { kind: 'tenant', roles: EDITORS },
      docs: { response: RunSchema },
      handle: async (ctx) => {
        const run = await runs.cancelRun(deps, tenantOf(ctx), runIdOf(ctx));
        const { targets: _targets, ...view } = run as typeof run & { targets?: unknown };
        return ok(view, run.version);
      },
    },
    {
      method: 'GET',
      path: '/answers/:answerId',
      summary: 'One stored AI answer with its citations, usage and analysis summary',
      access: { kind: 'tenant', roles: ALL },
      docs: { response: AnswerSchema },
      handle: async (ctx) => {
        const parsed = answerIdSchema.safeParse(ctx.params.answerId);
        const answer = parsed.success ? await deps.runs.getAnswer(tenantOf(ctx).tenantId, parsed.data) : null;
        if (!answer) throw new NotFoundError('Answer not found', { code: 'answer_not_found' });
        return ok(answer);
      },
    },
    {
      method: 'GET',
      path: '/brands/:brandId/metrics',
      summary:
        'Visibility, share of voice, position, sentiment and citations of the brand and its competitors, with n and 95% intervals',
      access: { kind: 'tenant', roles: ALL },
      docs: { query: MetricsQuerySchema, response: MetricsResponseSchema },
      handle: async (ctx) => {
        const tenant = tenantOf(ctx);
        const brand = await brands.getBrandOrThrow(deps, tenant, brandIdOf(ctx));
        const query = parseFilterQuery(ctx.event, MetricsQuerySchema);
        const filter = filterOfQuery(query);
        const metricsQuery = {
          tenantId: tenant.tenantId,
          brandId: brand.id,
          from: query.from,
          to: query.to,
          filter,
          competitorIds: brand.competitors.map((c) => c.id),
          shareOfVoiceScope: query.scope,
        };
        const [report, series] = await Promise.all([
          readBrandMetrics(deps, metricsQuery),
          query.granularity ? readBrandMetricsSeries(deps, { ...metricsQuery, granularity: query.granularity }) : null,
        ]);
        const named = (kind: 'brand' | 'competitor') => (metrics: (typeof report)['brand']) => ({
          ...metrics,
          kind,
          name:
            kind === 'brand'
              ? brand.name
              : (brand.competitors.find((c) => c.id === metrics.entityId)?.name ?? metrics.entityId),
        });
        return ok({
          brandId: brand.id,
          from: query.from,
          to: query.to,
          filter,
          scope: query.scope,
          n: report.n,
          shareOfVoiceN: report.shareOfVoiceN,
          brand: named('brand')(report.brand),
          competitors: report.competitors.map(named('competitor')),
          ...(series
            ? {
                series: series.map((bucket) => ({
                  period: bucket.period,
                  from: bucket.from,
                  to: bucket.to,
                  n: bucket.report.n,
                  shareOfVoiceN: bucket.report.shareOfVoiceN,
                  brand: named('brand')(bucket.report.brand),
                  competitors: bucket.report.competitors.map(named('competitor')),
                })),
              }
            : {}),
        });
      },
    },
    {
      method: 'GET',
      path: '/members',
      summary: 'Members of the workspace',
      access: { kind: 'tenant', roles: ALL },
      docs: { query: pageQuerySchema, response: pageOf(MemberSchema) },
      handle: async (ctx) => ok(await members.listMembers(deps, tenantOf(ctx), page(ctx))),
    },
    {
      method: 'POST',
      path: '/members',
      summary: 'Invite a colleague by email with a role',
      access: { kind: 'tenant', roles: MANAGERS },
      docs: { body: InviteMemberRequestSchema, response: MemberSchema },
      handle: async (ctx) => {
        const member = await members.inviteMember(deps, tenantOf(ctx), body(ctx, InviteMemberRequestSchema));
        return created(member, member.version);
      },
    },
    {
      method: 'PATCH',
      path: '/members/:userId',
      summary: "Change a member's role",
      access: { kind: 'tenant', roles: MANAGERS },
      docs: { body: UpdateMemberRequestSchema, response: MemberSchema, ifMatch: true },
      handle: async (ctx) => {
        const version = expectedVersion(ctx.event);
        const { role } = body(ctx, UpdateMemberRequestSchema);
        const member = await members.changeMemberRole(deps, tenantOf(ctx), userIdOf(ctx), version, role);
        return ok(member, member.version);
      },
    },
    {
      method: 'DELETE',
      path: '/members/:userId',
      summary: 'Remove a member (never the last owner)',
      access: { kind: 'tenant', roles: MANAGERS },
      handle: async (ctx) => {
        await members.removeMember(deps, tenantOf(ctx), userIdOf(ctx));
        return noContent;
      },
    },
    {
      method: 'GET',
      path: '/audit',
      summary: 'The audit log, newest first',
      access: { kind: 'tenant', roles: MANAGERS },
      docs: { query: pageQuerySchema, response: pageOf(AuditEntrySchema) },
      handle: async (ctx) => ok(await deps.auditLog.list(tenantOf(ctx).tenantId, page(ctx))),
    },
    ...signalRoutes(deps),
    ...opsRoutes(deps),
    ...modelCatalogueRoutes(deps),
    ...workspaceLifecycleRoutes(deps),
    ...retentionRoutes(deps),
    ...reanalysisRoutes(deps),
  ];
  return routes;
}
