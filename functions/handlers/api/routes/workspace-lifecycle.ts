import {
  DeletionRequestSchema,
  WorkspaceDeletionSchema,
  WorkspaceExportSchema,
} from '#shared/contracts/workspace-lifecycle.ts';
import { NotFoundError } from '#shared/domain/errors.ts';
import type { AuditRecord } from '#shared/ports/audit.ts';
import type { IdGenerator } from '#shared/ports/system.ts';
import type { WorkspaceDeletionLedger } from '#shared/ports/tenant-lifecycle.ts';
import type { ArchiveSink, WorkspaceExportSource } from '#shared/ports/workspace-export.ts';
import { exportWorkspace } from '#shared/use-cases/workspace-export.ts';
import {
  cancelWorkspaceDeletion,
  type DeletionRequestDeps,
  requestWorkspaceDeletion,
} from '#shared/use-cases/workspace-lifecycle.ts';
import { HttpError } from '../../../middleware/http-errors.ts';
import { parseJsonBody } from '../../../middleware/request.ts';
import { ok, tenantOf } from '../route-toolkit.ts';
import type { RouteDefinition } from '../routes.ts';

/** The export's adapters (functions/adapters/aws/s3-workspace-export.ts). */
export interface WorkspaceExportServices {
  source: WorkspaceExportSource;
  openArchive(tenantId: string, exportId: string): ArchiveSink;
  auditFor(tenantId: string): (record: AuditRecord) => Promise<void>;
  downloadUrl(key: string): Promise<string>;
}

export interface WorkspaceLifecycleRouteDeps extends Omit<DeletionRequestDeps, 'deletions'> {
  /** The deletion ledger (functions/handlers/api/wiring.ts); the routes answer 503 without it. */
  deletions?: WorkspaceDeletionLedger | undefined;
  exports?: WorkspaceExportServices | undefined;
  ids: IdGenerator;
  maxBodyBytes: number;
}

/** Deleting a workspace: an owner's request, its grace period and its cancellation (the purge runs as a job). */
export function workspaceLifecycleRoutes(deps: WorkspaceLifecycleRouteDeps): RouteDefinition[] {
  const ledger = () => {
    if (!deps.deletions) throw new HttpError(503, 'lifecycle_unavailable', 'Workspace deletion is not configured here');
    return { ...deps, deletions: deps.deletions };
  };
  return [
    {
      method: 'POST',
      path: '/workspaces/current/export',
      summary:
        'Export everything the workspace owns as one .tar.gz (JSONL per entity, raw answers, lake files); owner, audited',
      access: { kind: 'tenant', roles: ['owner'] },
      docs: { response: WorkspaceExportSchema },
      handle: async (ctx) => {
        const services = deps.exports;
        if (!services) throw new HttpError(503, 'export_unavailable', 'Workspace export is not configured here');
        const tenant = tenantOf(ctx);
        const result = await exportWorkspace(
          {
            source: services.source,
            openArchive: services.openArchive,
            audit: services.auditFor(tenant.tenantId),
            clock: deps.clock,
            ids: deps.ids,
          },
          tenant,
        );
        const { key, ...rest } = result;
        return ok({ ...rest, downloadUrl: await services.downloadUrl(key) });
      },
    },
    {
      method: 'POST',
      path: '/workspaces/current/deletion',
      summary:
        'Schedule the deletion of this workspace (owner; purged after a 7-day grace period, cancellable until then)',
      access: { kind: 'tenant', roles: ['owner'] },
      docs: { body: DeletionRequestSchema, response: WorkspaceDeletionSchema },
      handle: async (ctx) => {
        const { confirmName } = parseJsonBody(ctx.event, DeletionRequestSchema, deps.maxBodyBytes);
        return { status: 202, body: await requestWorkspaceDeletion(ledger(), tenantOf(ctx), confirmName) };
      },
    },
    {
      method: 'GET',
      path: '/workspaces/current/deletion',
      summary: "This workspace's scheduled deletion, if any",
      access: { kind: 'tenant', roles: ['owner', 'admin'] },
      docs: { response: WorkspaceDeletionSchema },
      handle: async (ctx) => {
        const found = await ledger().deletions.get(tenantOf(ctx).tenantId);
        if (!found || found.status === 'cancelled') {
          throw new NotFoundError('No deletion is scheduled', { code: 'deletion_not_found' });
        }
        return ok(found);
      },
    },
    {
      method: 'DELETE',
      path: '/workspaces/current/deletion',
      summary: 'Cancel the scheduled deletion during the grace period (owner)',
      access: { kind: 'tenant', roles: ['owner'] },
      docs: { response: WorkspaceDeletionSchema },
      handle: async (ctx) => ok(await cancelWorkspaceDeletion(ledger(), tenantOf(ctx))),
    },
  ];
}
