import type { TenantId, UserId } from '#shared/domain/workspace.ts';

/**
 * Key builders for the single table. Tenant data keys always start with the tenant id, so an IAM
 * `dynamodb:LeadingKeys` condition of `<tenantId>#*` confines a role to one tenant.
 *
 * The one exception is the user directory (`USER#<sub>`), which maps a signed-in user to their workspace
 * before any tenant is known; only workspace creation and the token trigger touch it.
 */
export const keys = {
  workspace: (tenantId: TenantId) => ({ pk: `${tenantId}#WORKSPACE`, sk: 'PROFILE' }),
  member: (tenantId: TenantId, userId: UserId) => ({ pk: `${tenantId}#WORKSPACE`, sk: `MEMBER#${userId}` }),
  userDirectory: (userId: UserId) => ({ pk: `USER#${userId}`, sk: 'MEMBERSHIP' }),
} as const;
