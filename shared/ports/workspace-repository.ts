import type { Role } from '../domain/roles.ts';
import type { Member, TenantId, UserId, Workspace } from '../domain/workspace.ts';

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
  addMember(member: Member): Promise<void>;
}
