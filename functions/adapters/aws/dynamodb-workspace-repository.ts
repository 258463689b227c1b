import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { MemberView } from '#shared/contracts/members.ts';
import type { WorkspaceSettings } from '#shared/contracts/workspace-settings.ts';
import { ConflictError, NotFoundError, PreconditionFailedError } from '#shared/domain/errors.ts';
import { isRole, type Role } from '#shared/domain/roles.ts';
import { isTenantId, type Member, type TenantId, type UserId, type Workspace } from '#shared/domain/workspace.ts';
import type { AuditRecord } from '#shared/ports/audit.ts';
import type { Page, PageRequest } from '#shared/ports/pagination.ts';
import type { Membership, WorkspaceRepository } from '#shared/ports/workspace-repository.ts';
import { ensureActiveOwnerCount, ownerCountChange } from './dynamodb-owner-count.ts';
import { auditPut, decodeCursor, encodeCursor, failedConditions } from './dynamodb-support.ts';
import { keys } from './table-keys.ts';

type Item = Record<string, unknown>;

function toMemberView(item: Item): MemberView | null {
  if (!isRole(item.role)) return null;
  return {
    userId: String(item.sk).slice(keys.memberPrefix.length),
    email: String(item.email ?? ''),
    role: item.role,
    joinedAt: String(item.joinedAt),
    status: item.status === 'invited' ? 'invited' : 'active',
    version: typeof item.version === 'number' ? item.version : 1,
  };
}

/**
 * WorkspaceRepository over the single DynamoDB table (DynamoDB in AWS, DynamoDB Local locally).
 *
 * The workspace profile keeps `activeOwnerCount` (owners who have signed in; an invited owner who never accepted
 * cannot run the workspace), changed in the same transaction as any active owner's role, removal or first sign-in,
 * with the condition `activeOwnerCount > 1` on a decrement, so two admins demoting the last two owners at once
 * cannot both succeed and no workspace is left without an active owner. Profiles written before the count existed
 * (they kept `ownerCount`, which counted invited owners too) get it computed from their members once.
 */
export class DynamoDbWorkspaceRepository implements WorkspaceRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private async get(key: { pk: string; sk: string }): Promise<Item | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    return Item;
  }

  async getWorkspace(tenantId: TenantId): Promise<Workspace | null> {
    const item = await this.get(keys.workspace(tenantId));
    if (!item) return null;
    return {
      id: tenantId,
      name: String(item.name),
      createdAt: String(item.createdAt),
      createdBy: String(item.createdBy),
      plan: item.plan === 'team' || item.plan === 'enterprise' ? item.plan : 'trial',
    };
  }

  async getMember(tenantId: TenantId, userId: UserId): Promise<Member | null> {
    const item = await this.get(keys.member(tenantId, userId));
    if (!item || !isRole(item.role)) return null;
    return { tenantId, userId, email: String(item.email ?? ''), role: item.role, joinedAt: String(item.joinedAt) };
  }

  async getMemberView(tenantId: TenantId, userId: UserId): Promise<MemberView | null> {
    const item = await this.get(keys.member(tenantId, userId));
    return item ? toMemberView(item) : null;
  }

  async findMembership(userId: UserId): Promise<Membership | null> {
    const item = await this.get(keys.userDirectory(userId));
    if (!item || !isTenantId(item.tenantId) || !isRole(item.role)) return null;
    return { tenantId: item.tenantId, role: item.role };
  }

  private memberItems(member: Member, status: 'invited' | 'active') {
    return [
      {
        Put: {
          TableName: this.tableName,
          Item: {
            ...keys.userDirectory(member.userId),
            type: 'UserDirectory',
            tenantId: member.tenantId,
            role: member.role,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Put: {
          TableName: this.tableName,
          Item: {
            ...keys.member(member.tenantId, member.userId),
            type: 'Member',
            email: member.email,
            role: member.role,
            joinedAt: member.joinedAt,
            status,
            version: 1,
          },
        },
      },
    ];
  }

  async createWorkspaceWithOwner(workspace: Workspace, owner: Member): Promise<void> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            ...this.memberItems(owner, 'active'),
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...keys.workspace(workspace.id),
                  type: 'Workspace',
                  name: workspace.name,
                  plan: workspace.plan,
                  createdAt: workspace.createdAt,
                  createdBy: workspace.createdBy,
                  activeOwnerCount: 1,
                  brandCount: 0,
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (failedConditions(error).includes(0)) {
        throw new ConflictError('You already belong to a workspace', { code: 'workspace_exists', cause: error });
      }
      throw error;
    }
  }

  async addMember(member: Member, audit?: AuditRecord): Promise<void> {
    const status = audit ? 'invited' : 'active';
    if (status === 'active' && member.role === 'owner')
      await ensureActiveOwnerCount(this.db, this.tableName, member.tenantId);
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            ...this.memberItems(member, status),
            {
              Update: {
                TableName: this.tableName,
                Key: keys.workspace(member.tenantId),
                UpdateExpression: 'ADD activeOwnerCount :delta',
                ConditionExpression: 'attribute_exists(pk)',
                ExpressionAttributeValues: { ':delta': status === 'active' && member.role === 'owner' ? 1 : 0 },
              },
            },
            ...(audit ? [auditPut(this.tableName, member.tenantId, audit)] : []),
          ],
        }),
      );
    } catch (error) {
      const failed = failedConditions(error);
      if (failed.includes(0)) {
        throw new ConflictError('That user already belongs to a workspace', {
          code: 'already_member_elsewhere',
          cause: error,
        });
      }
      if (failed.includes(2))
        throw new NotFoundError('Workspace not found', { code: 'workspace_not_found', cause: error });
      throw error;
    }
  }

  async getSettings(tenantId: TenantId): Promise<Pick<WorkspaceSettings, 'spendCaps' | 'version'> | null> {
    const item = await this.get(keys.workspaceSettings(tenantId));
    if (!item) return null;
    return { spendCaps: item.spendCaps as WorkspaceSettings['spendCaps'], version: Number(item.version) };
  }

  async putSettings(
    tenantId: TenantId,
    settings: Pick<WorkspaceSettings, 'spendCaps' | 'version'>,
    audit: AuditRecord,
  ): Promise<void> {
    const expected = settings.version - 1;
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: { ...keys.workspaceSettings(tenantId), type: 'WorkspaceSettings', ...settings },
                ConditionExpression: expected === 0 ? 'attribute_not_exists(pk)' : 'version = :expected',
                ...(expected === 0 ? {} : { ExpressionAttributeValues: { ':expected': expected } }),
              },
            },
            auditPut(this.tableName, tenantId, audit),
          ],
        }),
      );
    } catch (error) {
      if (failedConditions(error).includes(0)) {
        throw new PreconditionFailedError('The settings were changed by someone else; reload and try again', {
          cause: error,
        });
      }
      throw error;
    }
  }

  async listMembers(tenantId: TenantId, page: PageRequest): Promise<Page<MemberView>> {
    const pk = keys.member(tenantId, '').pk;
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': keys.memberPrefix },
        Limit: page.limit,
        ExclusiveStartKey: decodeCursor(page.cursor, pk),
      }),
    );
    return {
      items: (result.Items ?? []).flatMap((item) => toMemberView(item) ?? []),
      nextCursor: encodeCursor(result.LastEvaluatedKey),
    };
  }

  async countMembers(tenantId: TenantId): Promise<number> {
    const pk = keys.member(tenantId, '').pk;
    let count = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const result = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': pk, ':prefix': keys.memberPrefix },
          Select: 'COUNT',
          ExclusiveStartKey: start,
        }),
      );
      count += result.Count ?? 0;
      start = result.LastEvaluatedKey;
    } while (start);
    return count;
  }

  async changeRole(
    tenantId: TenantId,
    userId: UserId,
    role: Role,
    expectedVersion: number,
    audit: AuditRecord,
  ): Promise<MemberView> {
    const current = await this.getMemberView(tenantId, userId);
    if (!current) throw new NotFoundError('Member not found', { code: 'member_not_found' });
    // Only an active owner counts: promoting or demoting an invited member leaves the count alone.
    const roleDelta = current.role === role ? 0 : current.role === 'owner' ? -1 : role === 'owner' ? 1 : 0;
    const ownerDelta = current.status === 'active' ? roleDelta : 0;
    if (ownerDelta !== 0) await ensureActiveOwnerCount(this.db, this.tableName, tenantId);
    const items: NonNullable<TransactWriteCommandInput['TransactItems']> = [
      {
        Update: {
          TableName: this.tableName,
          Key: keys.member(tenantId, userId),
          UpdateExpression: 'SET #role = :role, version = :next',
          // The status read above decided the count change; a first sign-in in between makes this a stale write.
          ConditionExpression: 'version = :expected AND #status = :status',
          ExpressionAttributeNames: { '#role': 'role', '#status': 'status' },
          ExpressionAttributeValues: {
            ':role': role,
            ':next': expectedVersion + 1,
            ':expected': expectedVersion,
            ':status': current.status,
          },
        },
      },
      {
        Update: {
          TableName: this.tableName,
          Key: keys.userDirectory(userId),
          UpdateExpression: 'SET #role = :role',
          ConditionExpression: 'tenantId = :tenant',
          ExpressionAttributeNames: { '#role': 'role' },
          ExpressionAttributeValues: { ':role': role, ':tenant': tenantId },
        },
      },
      ...(ownerDelta !== 0 ? [ownerCountChange(this.tableName, tenantId, ownerDelta as -1 | 1)] : []),
      auditPut(this.tableName, tenantId, audit),
    ];
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      const failed = failedConditions(error);
      if (failed.includes(0)) {
        throw new PreconditionFailedError('This member was changed by someone else; reload and try again', {
          cause: error,
        });
      }
      if (ownerDelta < 0 && failed.includes(2)) {
        throw new ConflictError('A workspace needs at least one owner', { code: 'last_owner', cause: error });
      }
      throw error;
    }
    return { ...current, role, version: expectedVersion + 1 };
  }

  async removeMember(tenantId: TenantId, userId: UserId, audit: AuditRecord): Promise<void> {
    const current = await this.getMemberView(tenantId, userId);
    if (!current) throw new NotFoundError('Member not found', { code: 'member_not_found' });
    // Removing an invited owner never strands the workspace; removing an active one needs another active owner
    // (this includes an owner removing itself).
    const isOwner = current.role === 'owner' && current.status === 'active';
    if (isOwner) await ensureActiveOwnerCount(this.db, this.tableName, tenantId);
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Delete: {
                TableName: this.tableName,
                Key: keys.member(tenantId, userId),
                ConditionExpression: '#role = :role AND #status = :status',
                ExpressionAttributeNames: { '#role': 'role', '#status': 'status' },
                ExpressionAttributeValues: { ':role': current.role, ':status': current.status },
              },
            },
            {
              Delete: {
                TableName: this.tableName,
                Key: keys.userDirectory(userId),
                ConditionExpression: 'tenantId = :tenant',
                ExpressionAttributeValues: { ':tenant': tenantId },
              },
            },
            ...(isOwner ? [ownerCountChange(this.tableName, tenantId, -1)] : []),
            auditPut(this.tableName, tenantId, audit),
          ],
        }),
      );
    } catch (error) {
      const failed = failedConditions(error);
      if (isOwner && failed.includes(2)) {
        throw new ConflictError('A workspace needs at least one owner', { code: 'last_owner', cause: error });
      }
      if (failed.includes(0)) throw new NotFoundError('Member not found', { code: 'member_not_found', cause: error });
      throw error;
    }
  }

  async markActive(tenantId: TenantId, userId: UserId): Promise<void> {
    const current = await this.getMemberView(tenantId, userId);
    if (current?.status !== 'invited') return;
    const isOwner = current.role === 'owner';
    if (isOwner) await ensureActiveOwnerCount(this.db, this.tableName, tenantId);
    await this.db
      .send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: keys.member(tenantId, userId),
                UpdateExpression: 'SET #status = :active',
                // The role read above decides the count change; a role change in between retries at next sign-in.
                ConditionExpression: '#status = :invited AND #role = :role',
                ExpressionAttributeNames: { '#status': 'status', '#role': 'role' },
                ExpressionAttributeValues: { ':active': 'active', ':invited': 'invited', ':role': current.role },
              },
            },
            ...(isOwner ? [ownerCountChange(this.tableName, tenantId, 1)] : []),
          ],
        }),
      )
      .catch((error: Error) => {
        if (error.name !== 'TransactionCanceledException') throw error;
      });
  }
}
