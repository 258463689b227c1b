import type { Role } from './roles.ts';

/** Opaque tenant id; every stored key of a tenant's data starts with it. */
export type TenantId = string & { readonly __brand: 'TenantId' };
/** The identity provider's stable subject (`sub`) of a user. */
export type UserId = string;

/** A workspace is a tenant: one brand team's isolated space. */
export interface Workspace {
  id: TenantId;
  name: string;
  createdAt: string;
  createdBy: UserId;
  plan: 'trial' | 'team' | 'enterprise';
}

/** A user's membership of a workspace. */
export interface Member {
  tenantId: TenantId;
  userId: UserId;
  email: string;
  role: Role;
  joinedAt: string;
}

/** Tenant ids look like `ws_` + a lower-case ULID: sortable, unguessable enough, and safe in keys and paths. */
export const TENANT_ID_PATTERN = /^ws_[0-9a-hjkmnp-tv-z]{26}$/;

export function isTenantId(value: unknown): value is TenantId {
  return typeof value === 'string' && TENANT_ID_PATTERN.test(value);
}

export function toTenantId(ulid: string): TenantId {
  const id = `ws_${ulid.toLowerCase()}`;
  if (!isTenantId(id)) throw new Error(`Not a valid tenant id: ${id}`);
  return id;
}
