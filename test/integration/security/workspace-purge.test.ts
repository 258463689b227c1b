import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createDocumentClient } from '../../../functions/adapters/aws/clients.ts';
import {
  DynamoDbTenantItems,
  DynamoDbWorkspaceDeletionLedger,
} from '../../../functions/adapters/aws/dynamodb-tenant-lifecycle.ts';
import { DynamoDbWorkspaceRepository } from '../../../functions/adapters/aws/dynamodb-workspace-repository.ts';
import { S3TenantObjects } from '../../../functions/adapters/aws/s3-tenant-objects.ts';
import { localS3Client } from '../../../local/emulators/s3.ts';
import type { TenantId } from '../../../shared/domain/workspace.ts';
import { RESOURCE_NAMES } from '../../../shared/infra/resources.ts';
import { PURGE_STEPS, type TenantWarehouseRows } from '../../../shared/ports/tenant-lifecycle.ts';
import { DELETION_GRACE_DAYS, type PurgeDeps, purgeWorkspace } from '../../../shared/use-cases/workspace-lifecycle.ts';
import { call } from '../../support/api.ts';
import { signInWithPassword } from '../../support/oidc-flow.ts';
import { freshAccount, ownerOfNewWorkspace } from '../../support/sessions.ts';

const stack = inject('stack');
const table = RESOURCE_NAMES.table;
const db = createDocumentClient({ AWS_REGION: 'us-east-1', DYNAMODB_ENDPOINT: stack.dynamodbEndpoint });
const s3 = localS3Client(stack.s3Endpoint);
afterAll(() => {
  db.destroy();
  s3.destroy();
});
const ledger = new DynamoDbWorkspaceDeletionLedger(db, table);
const items = new DynamoDbTenantItems(db, table);
const objects = new S3TenantObjects(s3, RESOURCE_NAMES.lakeBucket);
const workspaces = new DynamoDbWorkspaceRepository(db, table);
const afterGrace = { now: () => new Date(Date.now() + (DELETION_GRACE_DAYS + 1) * 86_400_000) };

/** A workspace with table items (profile, members, brand, audit), an invited member and lake objects. */
async function populatedWorkspace(label: string) {
  const ownerAccount = await freshAccount(stack, `${label}-owner`);
  const name = `Purge ${label} ${Date.now()}`;
  const owner = await ownerOfNewWorkspace(stack.url, stack.apiUrl, ownerAccount.email, ownerAccount.password, name);
  const tenantId = owner.tenantId as TenantId;
  const brand = await call(stack.apiUrl, 'POST', '/brands', {
    token: owner.token,
    body: { name: 'Purgeable', category: 'Product analytics', competitors: [{ name: 'Rival' }] },
  });
  expect(brand.status, JSON.stringify(brand.json)).toBe(201);
  const member = await freshAccount(stack, `${label}-member`);
  const invited = await call(stack.apiUrl, 'POST', '/members', {
    token: owner.token,
    body: { email: member.email, role: 'analyst' },
  });
  expect(invited.status).toBe(201);
  // Raw answers and lake files, more than one delete batch of the interrupted runs.
  for (let i = 0; i < 7; i++) {
    const key =
      i % 2 === 0
        ? `tenants/${tenantId}/raw-answers/brand=${brand.json.id}/run=run_x/item${i}.json`
        : `tenants/${tenantId}/events/type=answer/dt=2026-12-0${i}/part-${i}.json.gz`;
    await s3.send(new PutObjectCommand({ Bucket: RESOURCE_NAMES.lakeBucket, Key: key, Body: `{"i":${i}}` }));
  }
  const requested = await call(stack.apiUrl, 'POST', '/workspaces/current/deletion', {
    token: owner.token,
    body: { confirmName: name },
  });
  expect(requested.status, JSON.stringify(requested.json)).toBe(202);
  return {
    tenantId,
    owner,
    ownerAccount,
    memberId: invited.json.userId as string,
    memberAccount: member,
    name,
  };
}

async function leftOf(tenantId: TenantId, userIds: string[]) {
  const directory = await Promise.all(userIds.map((id) => workspaces.findMembership(id)));
  return {
    items: await items.countAll(tenantId),
    objects: await objects.countAll(tenantId),
    memberships: directory.filter((m) => m?.tenantId === tenantId).length,
  };
}

const warehouseRows: TenantWarehouseRows = { deleteAll: async () => 0 };
const deps = (overrides: Partial<PurgeDeps> = {}): PurgeDeps => ({
  deletions: ledger,
  items,
  objects,
  warehouse: warehouseRows,
  clock: afterGrace,
  ...overrides,
});

/** A document client whose BatchWrite fails after the first one: an interruption in the middle of the items step. */
function failingAfterFirstBatch(real: DynamoDBDocumentClient): DynamoDBDocumentClient {
  let batches = 0;
  return new Proxy(real, {
    get(target, prop, receiver) {
      if (prop !== 'send') return Reflect.get(target, prop, receiver);
      return (command: { constructor: { name: string } }) => {
        if (command.constructor.name === 'BatchWriteCommand' && ++batches > 1) {
          return Promise.reject(new Error('interrupted'));
        }
        return target.send(command as never);
      };
    },
  });
}

/** An S3 client whose DeleteObjects fails after the first batch. */
function s3FailingAfterFirstBatch(real: S3Client): S3Client {
  let batches = 0;
  return new Proxy(real, {
    get(target, prop, receiver) {
      if (prop !== 'send') return Reflect.get(target, prop, receiver);
      return (command: { constructor: { name: string } }) => {
        if (command.constructor.name === 'DeleteObjectsCommand' && ++batches > 1) {
          return Promise.reject(new Error('interrupted'));
        }
        return target.send(command as never);
      };
    },
  });
}

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
      const broken: Partial<PurgeDeps> =
        step === 'memberships'
          ? {
              items: Object.assign(Object.create(items), {
                removeDirectoryEntry: async (userId: string, tenantId: TenantId) => {
                  await items.removeDirectoryEntry(userId, tenantId);
                  throw new Error('interrupted');
                },
              }),
            }
          : step === 'objects'
            ? { objects: new S3TenantObjects(s3FailingAfterFirstBatch(s3), RESOURCE_NAMES.lakeBucket, 2) }
            : step === 'warehouse'
              ? { warehouse: { deleteAll: () => Promise.reject(new Error('warehouse down')) } }
              : { items: new DynamoDbTenantItems(failingAfterFirstBatch(db), table, 3) };
      await expect(purgeWorkspace(deps(broken), w.tenantId)).rejects.toThrow(/interrupted|warehouse down/);
      const midway = await ledger.get(w.tenantId);
      expect(midway).toMatchObject({ status: 'purging', step });
      const done = await purgeWorkspace(deps(), w.tenantId);
      expect(done.status).toBe('purged');
      expect(await leftOf(w.tenantId, [w.memberId])).toEqual({ items: 0, objects: 0, memberships: 0 });
    },
  );
});
