import { TENANT_CLAIM } from '../infra/resources.ts';
import type { WorkspaceRepository } from '../ports/workspace-repository.ts';

/** The claims PromptPulse adds to a user's access token when it is issued or refreshed. */
export interface TenantTokenClaims {
  claims: Record<string, string>;
  groups: string[];
}

/**
 * Works out the tenant claim and role group for a user at token-issue time, from the user directory.
 * A user without a workspace gets no tenant claim and no group (they may only create a workspace).
 */
export async function tenantClaimsFor(
  deps: { workspaces: WorkspaceRepository },
  user: { userId: string; email: string | null },
): Promise<TenantTokenClaims> {
  const membership = await deps.workspaces.findMembership(user.userId);
  const claims: Record<string, string> = {};
  if (user.email) claims.email = user.email;
  if (!membership) return { claims, groups: [] };
  // The member record is the authority: a directory entry without a live membership grants nothing.
  const member = await deps.workspaces.getMember(membership.tenantId, user.userId);
  if (!member) return { claims, groups: [] };
  claims[TENANT_CLAIM] = membership.tenantId;
  return { claims, groups: [member.role] };
}
