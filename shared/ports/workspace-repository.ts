import type { MemberView } from '../contracts/members.ts';
import type { WorkspaceSettings } from '../contracts/workspace-settings.ts';
import type { Role } from '../domain/roles.ts';
import type { Member, TenantId, UserId, Workspace } from '../domain/workspace.ts';
import type { AuditRecord } from './audit.ts';
import type { Page, PageRequest } from './pagination.ts';

/** Where a user belongs: the identity directory entry used to put the tenant claim into tokens. */
export interface Membership {
  tenantId: TenantId;
  role: Role;
}

/** Persistence of workspaces (tenants) and their members. Every read is scoped by tenant id. */
export interface WorkspaceRepository {
  getWorkspace(tenantId: TenantId): Promise<Workspace | null>;
  getMember(tenantId: TenantId, userId: UserId): Promise<Member | null>;
  /** The directory lookup from a user to their workspace; used at sign-in to build the token's tenant claim. */
  findMembership(userId: UserId): Promise<Membership | null>;
  /**
   * Atomically stores the workspace, its first owner and the owner's directory entry.
   * @throws ConflictError with code `workspace_exists` when the user already belongs to a workspace.
   */
  createWorkspaceWithOwner(workspace: Workspace, owner: Member): Promise<void>;
  /**
   * Adds a member to an existing workspace together with their directory entry.
   * @throws ConflictError with code `already_member_elsewhere` when the user belongs to a workspace already.
   */
  addMember(member: Member, audit?: AuditRecord): Promise<void>;

  /** Spend caps as stored (version 0 and null caps when never saved: the caller applies defaults). */
  getSettings(tenantId: TenantId): Promise<Pick<WorkspaceSettings, 'spendCaps' | 'version'> | null>;
  /** @throws PreconditionFailedError when the stored version is not `settings.version - 1`. */
  putSettings(
    tenantId: TenantId,
    settings: Pick<WorkspaceSettings, 'spendCaps' | 'version'>,
    audit: AuditRecord,
  ): Promise<void>;

  listMembers(tenantId: TenantId, page: PageRequest): Promise<Page<MemberView>>;
  getMemberView(tenantId: TenantId, userId: UserId): Promise<MemberView | null>;
  countMembers(tenantId: TenantId): Promise<number>;
  /**
   * Changes a member's role. Demoting an owner is refused when they are the last one.
   * @throws PreconditionFailedError on a stale version; ConflictError `last_owner`.
   */
  changeRole(
    tenantId: TenantId,
    userId: UserId,
    role: Role,
    expectedVersion: number,
    audit: AuditRecord,
  ): Promise<MemberView>;
  /** Removes a member and their directory entry. @throws ConflictError `last_owner`. */
  removeMember(tenantId: TenantId, userId: UserId, audit: AuditRecord): Promise<void>;
  /** Marks an invited member active on their first authenticated request. */
  markActive(tenantId: TenantId, userId: UserId): Promise<void>;
}
