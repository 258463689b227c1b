import type { TenantId, UserId } from '#shared/domain/workspace.ts';

const pad = (n: number) => String(n).padStart(9, '0');

/**
 * Key builders for the single table. Tenant data keys always start with the tenant id, so an IAM
 * `dynamodb:LeadingKeys` condition of `<tenantId>#*` confines a role to one tenant.
 *
 * The exceptions are the model catalogue (`CATALOGUE#MODELS`, dynamodb-model-catalogue.ts: no tenant data) and the
 * user directory (`USER#<sub>`), which maps a signed-in user to their workspace
 * before any tenant is known; only workspace creation, membership changes and the token trigger touch it.
 */
export const keys = {
  workspace: (tenantId: TenantId) => ({ pk: `${tenantId}#WORKSPACE`, sk: 'PROFILE' }),
  workspaceSettings: (tenantId: TenantId) => ({ pk: `${tenantId}#WORKSPACE`, sk: 'SETTINGS' }),
  /** How long raw answers and posts are kept (its own item: its own version, apart from the spend caps). */
  retentionSettings: (tenantId: TenantId) => ({ pk: `${tenantId}#WORKSPACE`, sk: 'RETENTION' }),
  member: (tenantId: TenantId, userId: UserId) => ({ pk: `${tenantId}#WORKSPACE`, sk: `MEMBER#${userId}` }),
  memberPrefix: 'MEMBER#',
  userDirectory: (userId: UserId) => ({ pk: `USER#${userId}`, sk: 'MEMBERSHIP' }),
  brandPartition: (tenantId: TenantId) => `${tenantId}#BRAND`,
  brand: (tenantId: TenantId, brandId: string) => ({ pk: `${tenantId}#BRAND`, sk: `BRAND#${brandId}` }),
  /** Uniqueness guard for live brand names (case-insensitive). */
  brandName: (tenantId: TenantId, name: string) => ({
    pk: `${tenantId}#BRAND`,
    sk: `NAME#${name.toLocaleLowerCase()}`,
  }),
  brandChildPartition: (tenantId: TenantId, brandId: string) => `${tenantId}#BRAND#${brandId}`,
  promptSetVersion: (tenantId: TenantId, brandId: string, version: number) => ({
    pk: `${tenantId}#BRAND#${brandId}`,
    sk: `PROMPTSET#${pad(version)}`,
  }),
  promptSetPrefix: 'PROMPTSET#',
  runSettings: (tenantId: TenantId, brandId: string) => ({ pk: `${tenantId}#BRAND#${brandId}`, sk: 'RUNSETTINGS' }),
  auditPartition: (tenantId: TenantId) => `${tenantId}#AUDIT`,
  audit: (tenantId: TenantId, at: string, id: string) => ({ pk: `${tenantId}#AUDIT`, sk: `${at}#${id}` }),
  /** An open WebSocket connection; gsi1 finds it (and its tenant) from the connection id alone at `$disconnect`. */
  wsConnectionPartition: (tenantId: TenantId) => `${tenantId}#WSCONN`,
  wsConnection: (tenantId: TenantId, connectionId: string) => ({
    pk: `${tenantId}#WSCONN`,
    sk: `CONN#${connectionId}`,
    gsi1pk: `WSCONN#${connectionId}`,
    gsi1sk: 'CONN',
  }),
  wsConnectionPrefix: 'CONN#',
  wsConnectionById: (connectionId: string) => `WSCONN#${connectionId}`,
} as const;
