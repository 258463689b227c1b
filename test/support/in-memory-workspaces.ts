import { ConflictError, NotFoundError } from '../../shared/domain/errors.ts';
import type { Member, TenantId, UserId, Workspace } from '../../shared/domain/workspace.ts';
import type { Membership, WorkspaceRepository } from '../../shared/ports/workspace-repository.ts';

/** A faithful in-memory WorkspaceRepository for unit tests (same conflict rules as the DynamoDB adapter). */
export class InMemoryWorkspaces implements WorkspaceRepository {
  readonly workspaces = new Map<TenantId, Workspace>();
  readonly members = new Map<string, Member>();
  readonly directory = new Map<UserId, Membership>();

  async getWorkspace(tenantId: TenantId) {
    return this.workspaces.get(tenantId) ?? null;
  }
  async getMember(tenantId: TenantId, userId: UserId) {
    return this.members.get(`${tenantId}/${userId}`) ?? null;
  }
  async findMembership(userId: UserId) {
    return this.directory.get(userId) ?? null;
  }
  async createWorkspaceWithOwner(workspace: Workspace, owner: Member) {
    if (this.directory.has(owner.userId)) throw new ConflictError('exists', { code: 'workspace_exists' });
    this.workspaces.set(workspace.id, workspace);
    this.members.set(`${workspace.id}/${owner.userId}`, owner);
    this.directory.set(owner.userId, { tenantId: workspace.id, role: owner.role });
  }
  async addMember(member: Member) {
    if (this.directory.has(member.userId)) throw new ConflictError('elsewhere', { code: 'already_member_elsewhere' });
    if (!this.workspaces.has(member.tenantId)) throw new NotFoundError('no workspace', { code: 'workspace_not_found' });
    this.members.set(`${member.tenantId}/${member.userId}`, member);
    this.directory.set(member.userId, { tenantId: member.tenantId, role: member.role });
  }
}
