import type { Role } from '#shared/domain/roles.ts';
import { toTenantId } from '#shared/domain/workspace.ts';
import type { IdGenerator } from '#shared/ports/system.ts';
import type { WorkspaceRepository } from '#shared/ports/workspace-repository.ts';
import type { LocalUserStore } from './oidc/user-store.ts';

/** Demo accounts of the local issuer. Local only: these passwords never exist in AWS. */
export const DEMO_USERS: { email: string; name: string; password: string; role: Role | null }[] = [
  { email: 'owner@demo.promptpulse.local', name: 'Olivia Owner', password: 'demo-owner-pass', role: 'owner' },
  { email: 'analyst@demo.promptpulse.local', name: 'Andy Analyst', password: 'demo-analyst-pass', role: 'analyst' },
  { email: 'viewer@demo.promptpulse.local', name: 'Vera Viewer', password: 'demo-viewer-pass', role: 'viewer' },
  // No workspace yet: signs in to the first-run "create your workspace" screen.
  { email: 'newcomer@demo.promptpulse.local', name: 'Nico Newcomer', password: 'demo-newcomer-pass', role: null },
];

export const DEMO_WORKSPACE_NAME = 'Acme Demo';

/**
 * Seeds the demo accounts and the demo workspace on first start, through the production repository.
 * Idempotent: an existing account or membership is left as it is.
 */
export async function seedDemoWorkspace(deps: {
  users: LocalUserStore;
  workspaces: WorkspaceRepository;
  ids: IdGenerator;
  now: () => Date;
}): Promise<{ tenantId: string; created: boolean }> {
  const accounts = DEMO_USERS.map((demo) => ({ demo, user: deps.users.ensureUser(demo) }));
  const owner = accounts.find((a) => a.demo.role === 'owner');
  if (!owner) throw new Error('demo owner missing');
  const existing = await deps.workspaces.findMembership(owner.user.sub);
  if (existing) return { tenantId: existing.tenantId, created: false };

  const tenantId = toTenantId(deps.ids.next());
  const joinedAt = deps.now().toISOString();
  await deps.workspaces.createWorkspaceWithOwner(
    { id: tenantId, name: DEMO_WORKSPACE_NAME, createdAt: joinedAt, createdBy: owner.user.sub, plan: 'trial' },
    { tenantId, userId: owner.user.sub, email: owner.user.email, role: 'owner', joinedAt },
  );
  for (const { demo, user } of accounts) {
    if (!demo.role || demo.role === 'owner') continue;
    if (await deps.workspaces.findMembership(user.sub)) continue;
    await deps.workspaces.addMember({ tenantId, userId: user.sub, email: user.email, role: demo.role, joinedAt });
  }
  return { tenantId, created: true };
}
