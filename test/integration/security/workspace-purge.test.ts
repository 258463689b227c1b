import { afterAll, describe, expect, inject, it } from 'vitest';
import { PURGE_STEPS } from '../../../shared/ports/tenant-lifecycle.ts';
import { purgeWorkspace } from '../../../shared/use-cases/workspace-lifecycle.ts';
import { call } from '../../support/api.ts';
import { signInWithPassword } from '../../support/oidc-flow.ts';
import { lifecycleWorld } from '../../support/tenant-lifecycle.ts';

const stack = inject('stack');
const { ledger, populatedWorkspace, leftOf, deps, interruptedIn, close } = lifecycleWorld(stack);
afterAll(close);

describe('workspace deletion: grace period, then a resumable purge that leaves nothing', () => {
  it('refuses a wrong confirmation, refuses to purge before the grace period ends, and can be cancelled', async () => {
    const w = await populatedWorkspace('grace');
    await expect(purgeWorkspace(deps({ clock: { now: () => new Date() } }), w.tenantId)).rejects.toMatchObject({
      code: 'not_due',
    });
    const cancelled = await call(stack.apiUrl, 'DELETE', '/workspaces/current/deletion', { token: w.owner.token });
    expect(cancelled.json.status).toBe('cancelled');
    await expect(purgeWorkspace(deps(), w.tenantId)).rejects.toMatchObject({ code: 'not_due' });
    const wrong = await call(stack.apiUrl, 'POST', '/workspaces/current/deletion', {
      token: w.owner.token,
      body: { confirmName: 'not the name' },
    });
    expect(wrong.status).toBe(400);
    expect((await leftOf(w.tenantId, [w.memberId])).items).toBeGreaterThan(5);
  });

  it('purges DynamoDB items, S3 raw answers and lake files and directory memberships: 0 left, tombstone kept', async () => {
    const w = await populatedWorkspace('full');
    const other = await populatedWorkspace('bystander');
    const before = await leftOf(w.tenantId, [w.memberId]);
    expect(before.items).toBeGreaterThan(5);
    expect(before.objects).toBe(7);
    const otherBefore = await leftOf(other.tenantId, [other.memberId]);

    const tombstone = await purgeWorkspace(deps(), w.tenantId);
    expect(await leftOf(w.tenantId, [w.memberId, w.owner.tenantId])).toEqual({ items: 0, objects: 0, memberships: 0 });
    expect(tombstone).toMatchObject({ status: 'purged', step: 'done', removed: { objects: 7, memberships: 2 } });
    expect(tombstone.removed.items).toBe(before.items);
    // The tombstone keeps ids, dates and counts only: no name, email or user id.
    const text = JSON.stringify(await ledger.get(w.tenantId));
    for (const personal of [w.name, w.ownerAccount.email, w.memberAccount.email, w.memberId]) {
      expect(text).not.toContain(personal);
    }
    // The other workspace is untouched.
    expect(await leftOf(other.tenantId, [other.memberId])).toEqual(otherBefore);
    // Former members can sign in again and have no workspace.
    const again = await signInWithPassword(stack.url, w.ownerAccount.email, w.ownerAccount.password);
    const me = await call(stack.apiUrl, 'GET', '/me', { token: again.access_token });
    expect(me.json.workspace).toBeNull();
  });

  it.each(PURGE_STEPS.filter((s) => s !== 'done'))(
    'a purge interrupted in the %s step resumes and ends with nothing left',
    async (step) => {
      const w = await populatedWorkspace(`cut-${step}`);
      await expect(purgeWorkspace(deps(interruptedIn(step)), w.tenantId)).rejects.toThrow(/interrupted|warehouse down/);
      const midway = await ledger.get(w.tenantId);
      expect(midway).toMatchObject({ status: 'purging', step });
      const done = await purgeWorkspace(deps(), w.tenantId);
      expect(done.status).toBe('purged');
      expect(await leftOf(w.tenantId, [w.memberId])).toEqual({ items: 0, objects: 0, memberships: 0 });
    },
  );
});
