import type { InviteMemberRequest, MemberView } from '../contracts/members.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '../domain/errors.ts';
import { PLAN_LIMITS } from '../domain/plans.ts';
import type { TenantPrincipal } from '../domain/principal.ts';
import type { Role } from '../domain/roles.ts';
import type { PageRequest } from '../ports/pagination.ts';
import type { Clock, IdGenerator } from '../ports/system.ts';
import type { UserDirectory } from '../ports/user-directory.ts';
import type { WorkspaceRepository } from '../ports/workspace-repository.ts';
import { auditEntry } from './audit.ts';

export interface MemberDeps {
  workspaces: WorkspaceRepository;
  directory: UserDirectory;
  clock: Clock;
  ids: IdGenerator;
}

/** Only owners may create, promote to, demote from or remove owners; admins manage everyone else. */
function assertMayManage(actor: TenantPrincipal, ...roles: Role[]) {
  if (roles.includes('owner') && actor.role !== 'owner') {
    throw new ForbiddenError('Only an owner can grant, change or remove the owner role', { code: 'owner_required' });
  }
}

export function listMembers(deps: Pick<MemberDeps, 'workspaces'>, tenant: TenantPrincipal, page: PageRequest) {
  return deps.workspaces.listMembers(tenant.tenantId, page);
}

/**
 * Invites a colleague: creates (or finds) their sign-in account, adds them to this workspace with the role,
 * and mirrors the role into the directory's groups.
 */
export async function inviteMember(
  deps: MemberDeps,
  tenant: TenantPrincipal,
  request: InviteMemberRequest,
): Promise<MemberView> {
  assertMayManage(tenant, request.role);
  const workspace = await deps.workspaces.getWorkspace(tenant.tenantId);
  const maxMembers = PLAN_LIMITS[workspace?.plan ?? 'trial'].maxMembers;
  if ((await deps.workspaces.countMembers(tenant.tenantId)) >= maxMembers) {
    throw new ConflictError(`Your plan allows ${maxMembers} members`, {
      code: 'plan_limit_reached',
      details: { limit: 'maxMembers', value: maxMembers },
    });
  }
  const { user } = await deps.directory.invite(request.email);
  const existing = await deps.workspaces.findMembership(user.userId);
  if (existing?.tenantId === tenant.tenantId) {
    throw new ConflictError(`${request.email} is already a member`, { code: 'already_member' });
  }
  const joinedAt = deps.clock.now().toISOString();
  await deps.workspaces.addMember(
    { tenantId: tenant.tenantId, userId: user.userId, email: user.email, role: request.role, joinedAt },
    auditEntry(deps, tenant, {
      action: 'member.invited',
      target: { type: 'member', id: user.userId },
      summary: `Invited ${user.email} as ${request.role}`,
      changes: [{ field: 'role', before: null, after: request.role }],
    }),
  );
  await deps.directory.setRoleGroup(user.userId, request.role);
  return { userId: user.userId, email: user.email, role: request.role, joinedAt, status: 'invited', version: 1 };
}

export async function changeMemberRole(
  deps: MemberDeps,
  tenant: TenantPrincipal,
  userId: string,
  expectedVersion: number,
  role: Role,
): Promise<MemberView> {
  const current = await deps.workspaces.getMemberView(tenant.tenantId, userId);
  if (!current) throw new NotFoundError('Member not found', { code: 'member_not_found' });
  assertMayManage(tenant, current.role, role);
  const updated = await deps.workspaces.changeRole(
    tenant.tenantId,
    userId,
    role,
    expectedVersion,
    auditEntry(deps, tenant, {
      action: 'member.role_changed',
      target: { type: 'member', id: userId },
      summary: `Changed ${current.email} from ${current.role} to ${role}`,
      changes: [{ field: 'role', before: current.role, after: role }],
    }),
  );
  await deps.directory.setRoleGroup(userId, role);
  return updated;
}

export async function removeMember(deps: MemberDeps, tenant: TenantPrincipal, userId: string): Promise<void> {
  const current = await deps.workspaces.getMemberView(tenant.tenantId, userId);
  if (!current) throw new NotFoundError('Member not found', { code: 'member_not_found' });
  assertMayManage(tenant, current.role);
  await deps.workspaces.removeMember(
    tenant.tenantId,
    userId,
    auditEntry(deps, tenant, {
      action: 'member.removed',
      target: { type: 'member', id: userId },
      summary: `Removed ${current.email} (${current.role})`,
      changes: [{ field: 'role', before: current.role, after: null }],
    }),
  );
  await deps.directory.setRoleGroup(userId, null);
}
