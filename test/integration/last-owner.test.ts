import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createDocumentClient } from '../../functions/adapters/aws/clients.ts';
import { DynamoDbWorkspaceRepository } from '../../functions/adapters/aws/dynamodb-workspace-repository.ts';
import { keys } from '../../functions/adapters/aws/table-keys.ts';
import type { Member, TenantId } from '../../shared/domain/workspace.ts';
import type { AuditRecord } from '../../shared/ports/audit.ts';

const stack = inject('stack');
const db = createDocumentClient({ AWS_REGION: 'us-east-1', DYNAMODB_ENDPOINT: stack.dynamodbEndpoint });
const repo = new DynamoDbWorkspaceRepository(db, 'promptpulse-main');
afterAll(() => db.destroy());

let n = 0;
const uid = () => `lastowner-${Date.now().toString(36)}-${++n}`;
const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';
const tenant = () =>
  `ws_${Array.from({ length: 26 }, () => CROCKFORD[Math.floor(Math.random() * 32)]).join('')}` as TenantId;
const audit = (tenantId: TenantId): AuditRecord =>
  ({
    id: `aud_${uid()}`,
    tenantId,
    at: new Date().toISOString(),
    actor: { userId: 'x', email: 'x@example.com' },
    action: 'member.invited',
    target: { type: 'member', id: 'x' },
    summary: 'test',
    changes: [],
  }) as unknown as AuditRecord;
const member = (tenantId: TenantId, userId: string, role: Member['role'] = 'owner'): Member => ({
  tenantId,
  userId,
  email: `${userId}@example.com`,
  role,
  joinedAt: new Date().toISOString(),
});

async function workspaceWithOwnerAndInvitedOwner() {
  const tenantId = tenant();
  const active = uid();
  const invited = uid();
  await repo.createWorkspaceWithOwner(
    { id: tenantId, name: 'Last owner', createdAt: new Date().toISOString(), createdBy: active, plan: 'trial' },
    member(tenantId, active),
  );
  await repo.addMember(member(tenantId, invited), audit(tenantId)); // an invitation: status invited
  return { tenantId, active, invited };
}

describe('a workspace always keeps an active owner (DynamoDB Local)', () => {
  it('an invited owner who never signed in does not count: the only active owner can neither leave nor step down', async () => {
    const { tenantId, active, invited } = await workspaceWithOwnerAndInvitedOwner();
    await expect(repo.removeMember(tenantId, active, audit(tenantId))).rejects.toMatchObject({ code: 'last_owner' });
    await expect(repo.changeRole(tenantId, active, 'admin', 1, audit(tenantId))).rejects.toMatchObject({
      code: 'last_owner',
    });
    // Removing or demoting the invited owner is always fine.
    const demoted = await repo.changeRole(tenantId, invited, 'admin', 1, audit(tenantId));
    expect(demoted.role).toBe('admin');
    expect(await repo.getMember(tenantId, active)).toMatchObject({ role: 'owner' });
  });

  it('once the invited owner signs in, the first may leave; then the second is the last and may not', async () => {
    const { tenantId, active, invited } = await workspaceWithOwnerAndInvitedOwner();
    await repo.markActive(tenantId, invited);
    await repo.markActive(tenantId, invited); // a second sign-in changes nothing
    await repo.removeMember(tenantId, active, audit(tenantId));
    await expect(repo.removeMember(tenantId, invited, audit(tenantId))).rejects.toMatchObject({ code: 'last_owner' });
  });

  it('a profile written before the active count (ownerCount counted the invitation) is counted from its members', async () => {
    const { tenantId, active } = await workspaceWithOwnerAndInvitedOwner();
    const { Item } = await import('@aws-sdk/lib-dynamodb').then(({ GetCommand }) =>
      db.send(new GetCommand({ TableName: 'promptpulse-main', Key: keys.workspace(tenantId) })),
    );
    const { activeOwnerCount: _dropped, ...legacy } = Item ?? {};
    await db.send(new PutCommand({ TableName: 'promptpulse-main', Item: { ...legacy, ownerCount: 2 } }));
    await expect(repo.removeMember(tenantId, active, audit(tenantId))).rejects.toMatchObject({ code: 'last_owner' });
  });

  it('two concurrent self-removals of the last two active owners: exactly one succeeds', async () => {
    const { tenantId, active, invited } = await workspaceWithOwnerAndInvitedOwner();
    await repo.markActive(tenantId, invited);
    const results = await Promise.allSettled([
      repo.removeMember(tenantId, active, audit(tenantId)),
      repo.removeMember(tenantId, invited, audit(tenantId)),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });
});
