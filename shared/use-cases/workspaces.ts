import type { CreateWorkspaceRequest, MeResponse, WorkspaceView } from '../contracts/workspaces.ts';
import { ForbiddenError, NotFoundError } from '../domain/errors.ts';
import type { Principal, TenantPrincipal } from '../domain/principal.ts';
import { type Member, toTenantId, type Workspace } from '../domain/workspace.ts';
import type { Clock, IdGenerator } from '../ports/system.ts';
import type { WorkspaceRepository } from '../ports/workspace-repository.ts';

export interface WorkspaceDeps {
  workspaces: WorkspaceRepository;
  clock: Clock;
  ids: IdGenerator;
}

function toView(workspace: Workspace, member: Pick<Member, 'role'>): WorkspaceView {
  return {
    id: workspace.id,
    name: workspace.name,
    plan: workspace.plan,
    createdAt: workspace.createdAt,
    role: member.role,
  };
}

/**
 * Creates the caller's workspace on first sign-in; the caller becomes its owner.
 * A user belongs to one workspace: a second call is a conflict, whatever the body says.
 */
export async function createWorkspace(
  deps: WorkspaceDeps,
  principal: Principal,
  input: CreateWorkspaceRequest,
): Promise<WorkspaceView> {
  const now = deps.clock.now().toISOString();
  const tenantId = toTenantId(deps.ids.next());
  const workspace: Workspace = {
    id: tenantId,
    name: input.name,
    createdAt: now,
    createdBy: principal.userId,
    plan: 'trial',
  };
  const owner: Member = {
    tenantId,
    userId: principal.userId,
    email: principal.email ?? '',
    role: 'owner',
    joinedAt: now,
  };
  await deps.workspaces.createWorkspaceWithOwner(workspace, owner);
  return toView(workspace, owner);
}

/** The caller's workspace, as named by the verified token. */
export async function getCurrentWorkspace(deps: Pick<WorkspaceDeps, 'workspaces'>, principal: TenantPrincipal) {
  const workspace = await deps.workspaces.getWorkspace(principal.tenantId);
  if (!workspace) throw new NotFoundError('Workspace not found', { code: 'workspace_not_found' });
  return toView(workspace, principal);
}

/**
 * Confirms that the token's tenant claim is backed by a live membership, and takes the role from the store
 * (so a removed member or a changed role takes effect at once, not when the token expires).
 */
export async function authorizeTenantPrincipal(
  deps: Pick<WorkspaceDeps, 'workspaces'>,
  principal: Principal,
): Promise<TenantPrincipal> {
  if (!principal.tenantId) {
    throw new ForbiddenError('Create or join a workspace first', { code: 'workspace_required' });
  }
  const member = await deps.workspaces.getMember(principal.tenantId, principal.userId);
  if (!member) throw new ForbiddenError('You are not a member of this workspace', { code: 'not_a_member' });
  return { ...principal, tenantId: principal.tenantId, role: member.role };
}

/** Who the caller is, and their workspace if they have one. */
export async function describeCaller(
  deps: Pick<WorkspaceDeps, 'workspaces'>,
  principal: Principal,
): Promise<MeResponse> {
  const tokenTenant = principal.tenantId;
  const view = tokenTenant ? await deps.workspaces.getMemberView(tokenTenant, principal.userId) : null;
  const membership =
    tokenTenant && view
      ? { tenantId: tokenTenant, role: view.role }
      : await deps.workspaces.findMembership(principal.userId);
  if (!membership) {
    return { userId: principal.userId, email: principal.email, workspace: null, tokenRefreshRequired: false };
  }
  const workspace = await deps.workspaces.getWorkspace(membership.tenantId);
  // An invited member becomes active the first time they come in with their workspace's token (one write, once).
  if (workspace && view?.status === 'invited') await deps.workspaces.markActive(membership.tenantId, principal.userId);
  return {
    userId: principal.userId,
    email: principal.email,
    workspace: workspace ? toView(workspace, membership) : null,
    tokenRefreshRequired: workspace !== null && principal.tenantId !== membership.tenantId,
  };
}
