import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { expect } from 'vitest';
import { createDocumentClient } from '../../functions/adapters/aws/clients.ts';
import {
  DynamoDbTenantItems,
  DynamoDbWorkspaceDeletionLedger,
} from '../../functions/adapters/aws/dynamodb-tenant-lifecycle.ts';
import { DynamoDbWorkspaceRepository } from '../../functions/adapters/aws/dynamodb-workspace-repository.ts';
import { S3TenantObjects } from '../../functions/adapters/aws/s3-tenant-objects.ts';
import { localS3Client } from '../../local/emulators/s3.ts';
import type { TenantId } from '../../shared/domain/workspace.ts';
import { RESOURCE_NAMES } from '../../shared/infra/resources.ts';
import type { PurgeStep, TenantWarehouseRows } from '../../shared/ports/tenant-lifecycle.ts';
import { DELETION_GRACE_DAYS, type PurgeDeps } from '../../shared/use-cases/workspace-lifecycle.ts';
import { call } from './api.ts';
import { freshAccount, ownerOfNewWorkspace } from './sessions.ts';

type Stack = { url: string; apiUrl: string; dynamodbEndpoint: string; s3Endpoint: string; invitationsDir: string };

/** Workspace-lifecycle fixtures over the local stack's emulators (integration and resilience tests). */
export function lifecycleWorld(stack: Stack) {
  const table = RESOURCE_NAMES.table;
  const db = createDocumentClient({ AWS_REGION: 'us-east-1', DYNAMODB_ENDPOINT: stack.dynamodbEndpoint });
  const s3 = localS3Client(stack.s3Endpoint);
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

  /** Deps whose port of `step` does part of its work, then fails: an interruption in the middle of that step. */
  const interruptedIn = (step: PurgeStep): Partial<PurgeDeps> =>
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

  return {
    db,
    s3,
    ledger,
    items,
    objects,
    workspaces,
    populatedWorkspace,
    leftOf,
    deps,
    interruptedIn,
    close() {
      db.destroy();
      s3.destroy();
    },
  };
}
