import type { MemberView } from '../../shared/contracts/members.ts';
import type { WorkspaceSettings } from '../../shared/contracts/workspace-settings.ts';
import { ConflictError, NotFoundError, PreconditionFailedError } from '../../shared/domain/errors.ts';
import type { Role } from '../../shared/domain/roles.ts';
import type { Member, TenantId, UserId, Workspace } from '../../shared/domain/workspace.ts';
import type { Membership, WorkspaceRepository } from '../../shared/ports/workspace-repository.ts';

/** A faithful in-memory WorkspaceRepository for unit tests (same conflict rules as the DynamoDB adapter). */
export class InMemoryWorkspaces implements WorkspaceRepository {
  readonly workspaces = new Map<TenantId, Workspace>();
  readonly members = new Map<string, Member>();
  readonly directory = new Map<UserId, Membership>();
  /** `tenant/user` of members invited and not yet signed in (they do not count as owners). */
  readonly invited = new Set<string>();
  private activeOwners(tenantId: TenantId) {
    return [...this.members.entries()].filter(
      ([key, m]) => m.tenantId === tenantId && m.role === 'owner' && !this.invited.has(key),
    ).length;
  }

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
  async addMember(member: Member, audit?: unknown) {
    if (this.directory.has(member.userId)) throw new ConflictError('elsewhere', { code: 'already_member_elsewhere' });
    if (!this.workspaces.has(member.tenantId)) throw new NotFoundError('no workspace', { code: 'workspace_not_found' });
    this.members.set(`${member.tenantId}/${member.userId}`, member);
    if (audit) this.invited.add(`${member.tenantId}/${member.userId}`);
    this.directory.set(member.userId, { tenantId: member.tenantId, role: member.role });
  }

  readonly settings = new Map<TenantId, Pick<WorkspaceSettings, 'spendCaps' | 'version'>>();
  async getSettings(tenantId: TenantId) {
    return this.settings.get(tenantId) ?? null;
  }
  async putSettings(tenantId: TenantId, next: Pick<WorkspaceSettings, 'spendCaps' | 'version'>) {
    if ((this.settings.get(tenantId)?.version ?? 0) !== next.version - 1) throw new PreconditionFailedError('stale');
    this.settings.set(tenantId, next);
  }
  private view(m: Member): MemberView {
    return {
      userId: m.userId,
      email: m.email,
      role: m.role,
      joinedAt: m.joinedAt || '2026-01-01T00:00:00.000Z',
      status: this.invited.has(`${m.tenantId}/${m.userId}`) ? 'invited' : 'active',
      version: 1,
    };
  }
  async listMembers(tenantId: TenantId) {
    return {
      items: [...this.members.values()].filter((m) => m.tenantId === tenantId).map((m) => this.view(m)),
      nextCursor: null,
    };
  }
  async getMemberView(tenantId: TenantId, userId: UserId) {
    const m = this.members.get(`${tenantId}/${userId}`);
    return m ? this.view(m) : null;
  }
  async countMembers(tenantId: TenantId) {
    return (await this.listMembers(tenantId)).items.length;
  }
  async changeRole(tenantId: TenantId, userId: UserId, role: Role) {
    const m = this.members.get(`${tenantId}/${userId}`);
    if (!m) throw new NotFoundError('no member');
    const active = !this.invited.has(`${tenantId}/${userId}`);
    if (active && m.role === 'owner' && role !== 'owner' && this.activeOwners(tenantId) <= 1) {
      throw new ConflictError('last', { code: 'last_owner' });
    }
    m.role = role;
    return this.view(m);
  }
  async removeMember(tenantId: TenantId, userId: UserId) {
    const m = this.members.get(`${tenantId}/${userId}`);
    if (!m) throw new NotFoundError('no member');
    const active = !this.invited.has(`${tenantId}/${userId}`);
    if (active && m.role === 'owner' && this.activeOwners(tenantId) <= 1) {
      throw new ConflictError('last', { code: 'last_owner' });
    }
    this.members.delete(`${tenantId}/${userId}`);
    this.invited.delete(`${tenantId}/${userId}`);
    this.directory.delete(userId);
  }
  async markActive(tenantId: TenantId, userId: UserId) {
    this.invited.delete(`${tenantId}/${userId}`);
  }
}
