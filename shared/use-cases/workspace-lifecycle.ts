import { ConflictError, ForbiddenError, ValidationError } from '../domain/errors.ts';
import type { TenantPrincipal } from '../domain/principal.ts';
import type { TenantId } from '../domain/workspace.ts';
import type { Clock } from '../ports/system.ts';
import {
  PURGE_STEPS,
  type PurgeStep,
  type TenantItemStore,
  type TenantObjectStore,
  type TenantWarehouseRows,
  type WorkspaceDeletion,
  type WorkspaceDeletionLedger,
} from '../ports/tenant-lifecycle.ts';
import type { UserDirectory } from '../ports/user-directory.ts';
import type { WorkspaceRepository } from '../ports/workspace-repository.ts';

/** Days between an owner's request and the purge; the owner may cancel until then. */
export const DELETION_GRACE_DAYS = 7;

export interface DeletionRequestDeps {
  workspaces: Pick<WorkspaceRepository, 'getWorkspace'>;
  deletions: WorkspaceDeletionLedger;
  clock: Clock;
}

function ownerOnly(tenant: TenantPrincipal) {
  if (tenant.role !== 'owner') {
    throw new ForbiddenError('Only an owner can delete the workspace', { code: 'owner_required' });
  }
}

/**
 * An owner asks for the workspace to be deleted, typing its name to confirm. Nothing is removed now: the purge runs
 * after {@link DELETION_GRACE_DAYS} days, and the request can be cancelled until then.
 */
export async function requestWorkspaceDeletion(
  deps: DeletionRequestDeps,
  tenant: TenantPrincipal,
  confirmName: string,
): Promise<WorkspaceDeletion> {
  ownerOnly(tenant);
  const workspace = await deps.workspaces.getWorkspace(tenant.tenantId);
  if (!workspace || workspace.name !== confirmName) {
    throw new ValidationError('Type the workspace name exactly to confirm', { code: 'confirmation_mismatch' });
  }
  const now = deps.clock.now();
  const deletion: WorkspaceDeletion = {
    tenantId: tenant.tenantId,
    status: 'scheduled',
    requestedAt: now.toISOString(),
    purgeAfter: new Date(now.getTime() + DELETION_GRACE_DAYS * 86_400_000).toISOString(),
    step: PURGE_STEPS[0],
    purgedAt: null,
    removed: { memberships: 0, objects: 0, warehouseRows: 0, items: 0 },
  };
  await deps.deletions.schedule(deletion);
  return deletion;
}

export async function cancelWorkspaceDeletion(
  deps: Pick<DeletionRequestDeps, 'deletions'>,
  tenant: TenantPrincipal,
): Promise<WorkspaceDeletion> {
  ownerOnly(tenant);
  const current = await deps.deletions.get(tenant.tenantId);
  if (current?.status !== 'scheduled') {
    throw new ConflictError('No deletion is scheduled (or the purge has started)', { code: 'not_scheduled' });
  }
  const cancelled: WorkspaceDeletion = { ...current, status: 'cancelled' };
  await deps.deletions.save(cancelled);
  return cancelled;
}

export interface PurgeDeps {
  deletions: WorkspaceDeletionLedger;
  items: TenantItemStore;
  objects: TenantObjectStore;
  warehouse: TenantWarehouseRows;
  /** Clears the identity provider's role groups of former members (Cognito's admin API). */
  directory?: Pick<UserDirectory, 'setRoleGroup'>;
  clock: Clock;
}

/**
 * Purges one workspace whose grace period is over: directory memberships, S3 objects (raw answers and lake files),
 * warehouse rows, then every table item. The step reached is saved after each step, and every step is idempotent,
 * so a purge interrupted anywhere (a crash, a timeout, a dependency down) ends with nothing left when run again.
 * The deletion record that remains is the tombstone: dates and counts, nothing personal.
 */
export async function purgeWorkspace(deps: PurgeDeps, tenantId: TenantId): Promise<WorkspaceDeletion> {
  let deletion = await deps.deletions.get(tenantId);
  if (!deletion || deletion.status === 'cancelled' || deletion.status === 'purged') {
    throw new ConflictError('This workspace is not due for a purge', { code: 'not_due' });
  }
  if (deletion.purgeAfter > deps.clock.now().toISOString()) {
    throw new ConflictError('The grace period has not ended', { code: 'not_due' });
  }
  const advance = async (step: PurgeStep, removed: Partial<WorkspaceDeletion['removed']>) => {
    const next = PURGE_STEPS[PURGE_STEPS.indexOf(step) + 1] ?? 'done';
    const sums = { ...(deletion as WorkspaceDeletion).removed };
    for (const [key, value] of Object.entries(removed)) sums[key as keyof typeof sums] += value ?? 0;
    deletion = { ...(deletion as WorkspaceDeletion), status: 'purging', step: next, removed: sums };
    await deps.deletions.save(deletion);
  };
  if (deletion.status === 'scheduled') {
    deletion = { ...deletion, status: 'purging' };
    await deps.deletions.save(deletion);
  }
  while (deletion.step !== 'done') {
    switch (deletion.step) {
      case 'memberships': {
        let removed = 0;
        for (const userId of await deps.items.memberIds(tenantId)) {
          if (await deps.items.removeDirectoryEntry(userId, tenantId)) removed++;
          await deps.directory?.setRoleGroup(userId, null);
        }
        await advance('memberships', { memberships: removed });
        break;
      }
      case 'objects':
        await advance('objects', { objects: await deps.objects.deleteAll(tenantId) });
        break;
      case 'warehouse':
        await advance('warehouse', { warehouseRows: await deps.warehouse.deleteAll(tenantId) });
        break;
      case 'items':
        await advance('items', { items: await deps.items.deleteAll(tenantId) });
        break;
    }
  }
  deletion = { ...deletion, status: 'purged', purgedAt: deps.clock.now().toISOString() };
  await deps.deletions.save(deletion);
  return deletion;
}

/** The scheduled job: purges every workspace whose grace period is over; one failure does not stop the others. */
export async function purgeDueWorkspaces(deps: PurgeDeps): Promise<{ purged: TenantId[]; failed: TenantId[] }> {
  const due = await deps.deletions.listDue(deps.clock.now().toISOString());
  const purged: TenantId[] = [];
  const failed: TenantId[] = [];
  for (const deletion of due) {
    try {
      await purgeWorkspace(deps, deletion.tenantId);
      purged.push(deletion.tenantId);
    } catch {
      failed.push(deletion.tenantId);
    }
  }
  return { purged, failed };
}
