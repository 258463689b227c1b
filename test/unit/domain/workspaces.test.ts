import { describe, expect, it } from 'vitest';
import { CreateWorkspaceRequestSchema } from '../../../shared/contracts/workspaces.ts';
import { roleAllows, roleAtLeast } from '../../../shared/domain/roles.ts';
import { isTenantId, toTenantId } from '../../../shared/domain/workspace.ts';
import { tenantClaimsFor } from '../../../shared/use-cases/token-claims.ts';
import { createWorkspace, describeCaller } from '../../../shared/use-cases/workspaces.ts';
import { InMemoryWorkspaces } from '../../support/in-memory-workspaces.ts';

const deps = (workspaces = new InMemoryWorkspaces()) => ({
  workspaces,
  clock: { now: () => new Date('2026-11-25T10:00:00Z') },
  ids: { next: () => '01JZABCDEFGHJKMNPQRSTVWXYZ' },
});
const principal = { userId: 'u1', email: 'u1@example.com', tenantId: null, claimedRole: null };

describe('workspace use cases', () => {
  it('creates a trial workspace whose creator is its owner', async () => {
    const d = deps();
    const view = await createWorkspace(d, principal, { name: 'Acme' });
    expect(view).toEqual({
      id: 'ws_01jzabcdefghjkmnpqrstvwxyz',
      name: 'Acme',
      plan: 'trial',
      createdAt: '2026-11-25T10:00:00.000Z',
      role: 'owner',
    });
    expect(await describeCaller(d, principal)).toMatchObject({
      workspace: { id: view.id },
      tokenRefreshRequired: true,
    });
  });

  it('issues the tenant claim and role group only for a live membership', async () => {
    const d = deps();
    expect(await tenantClaimsFor(d, { userId: 'u1', email: 'u1@example.com' })).toEqual({
      claims: { email: 'u1@example.com' },
      groups: [],
    });
    const view = await createWorkspace(d, principal, { name: 'Acme' });
    expect(await tenantClaimsFor(d, { userId: 'u1', email: null })).toEqual({
      claims: { 'custom:tenant_id': view.id },
      groups: ['owner'],
    });
    d.workspaces.members.clear();
    expect((await tenantClaimsFor(d, { userId: 'u1', email: null })).groups).toEqual([]);
  });

  it('validates workspace names and refuses unknown keys', () => {
    expect(CreateWorkspaceRequestSchema.safeParse({ name: '  Acme  ' })).toMatchObject({
      success: true,
      data: { name: 'Acme' },
    });
    for (const bad of [
      { name: 'A' },
      { name: 'x'.repeat(81) },
      { name: 'tab\there' },
      { name: 'Acme', tenantId: 'ws_x' },
      {},
    ]) {
      expect(CreateWorkspaceRequestSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('orders roles and recognises tenant ids', () => {
    expect(roleAtLeast('admin', 'analyst')).toBe(true);
    expect(roleAtLeast('viewer', 'analyst')).toBe(false);
    expect(roleAllows('analyst', ['owner', 'admin'])).toBe(false);
    expect(isTenantId(toTenantId('01JZABCDEFGHJKMNPQRSTVWXYZ'))).toBe(true);
    expect(isTenantId('ws_../../etc')).toBe(false);
  });
});
