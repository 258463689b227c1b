import type { Role } from './roles.ts';
import type { TenantId, UserId } from './workspace.ts';

/**
 * Who is calling, as established from a verified access token only (never from a body, path or query).
 * `tenantId` is absent until the user has a workspace and has refreshed their token.
 */
export interface Principal {
  userId: UserId;
  email: string | null;
  tenantId: TenantId | null;
  /** Role claimed by the token's groups; the API re-checks membership in the store for tenant routes. */
  claimedRole: Role | null;
}

/** A principal whose membership of its token's tenant has been confirmed against the store. */
export interface TenantPrincipal extends Principal {
  tenantId: TenantId;
  role: Role;
}
