import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError, NotFoundError } from '#shared/domain/errors.ts';
import { isRole } from '#shared/domain/roles.ts';
import { isTenantId, type Member, type TenantId, type UserId, type Workspace } from '#shared/domain/workspace.ts';
import type { Membership, WorkspaceRepository } from '#shared/ports/workspace-repository.ts';
import { keys } from './table-keys.ts';

/** WorkspaceRepository over the single DynamoDB table (DynamoDB in AWS, DynamoDB Local locally). */
export class DynamoDbWorkspaceRepository implements WorkspaceRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getWorkspace(tenantId: TenantId): Promise<Workspace | null> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.workspace(tenantId), ConsistentRead: true }),
    );
    if (!Item) return null;
    return {
      id: tenantId,
      name: String(Item.name),
      createdAt: String(Item.createdAt),
      createdBy: String(Item.createdBy),
      plan: Item.plan === 'team' || Item.plan === 'enterprise' ? Item.plan : 'trial',
    };
  }

  async getMember(tenantId: TenantId, userId: UserId): Promise<Member | null> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.member(tenantId, userId), ConsistentRead: true }),
    );
    if (!Item || !isRole(Item.role)) return null;
    return { tenantId, userId, email: String(Item.email ?? ''), role: Item.role, joinedAt: String(Item.joinedAt) };
  }

  async findMembership(userId: UserId): Promise<Membership | null> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.userDirectory(userId), ConsistentRead: true }),
    );
    if (!Item || !isTenantId(Item.tenantId) || !isRole(Item.role)) return null;
    return { tenantId: Item.tenantId, role: Item.role };
  }

  async createWorkspaceWithOwner(workspace: Workspace, owner: Member): Promise<void> {
    const notExists = 'attribute_not_exists(pk)';
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...keys.userDirectory(owner.userId),
                  type: 'UserDirectory',
                  tenantId: workspace.id,
                  role: owner.role,
                },
                ConditionExpression: notExists,
              },
            },
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
                },
                ConditionExpression: notExists,
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...keys.member(workspace.id, owner.userId),
                  type: 'Member',
                  email: owner.email,
                  role: owner.role,
                  joinedAt: owner.joinedAt,
                },
                ConditionExpression: notExists,
              },
            },
          ],
        }),
      );
    } catch (error) {
      const reasons = error instanceof TransactionCanceledException ? (error.CancellationReasons ?? []) : [];
      if (reasons[0]?.Code === 'ConditionalCheckFailed') {
        throw new ConflictError('You already belong to a workspace', { code: 'workspace_exists', cause: error });
      }
      throw error;
    }
  }

  async addMember(member: Member): Promise<void> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
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
              ConditionCheck: {
                TableName: this.tableName,
                Key: keys.workspace(member.tenantId),
                ConditionExpression: 'attribute_exists(pk)',
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
                },
              },
            },
          ],
        }),
      );
    } catch (error) {
      const reasons = error instanceof TransactionCanceledException ? (error.CancellationReasons ?? []) : [];
      if (reasons[0]?.Code === 'ConditionalCheckFailed') {
        throw new ConflictError('That user already belongs to a workspace', {
          code: 'already_member_elsewhere',
          cause: error,
        });
      }
      if (reasons[1]?.Code === 'ConditionalCheckFailed') {
        throw new NotFoundError('Workspace not found', { code: 'workspace_not_found', cause: error });
      }
      throw error;
    }
  }
}
