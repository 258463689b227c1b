import { ROLE_GROUPS } from '../infra/resources.ts';

/** A member's role inside one workspace. Mirrors the Cognito groups of the same names. */
export type Role = (typeof ROLE_GROUPS)[number];

export const ROLES: readonly Role[] = ROLE_GROUPS;

const RANK: Record<Role, number> = { owner: 4, admin: 3, analyst: 2, viewer: 1 };

/** True when `role` is one of `allowed`. Routes list their allowed roles explicitly rather than by rank. */
export function roleAllows(role: Role, allowed: readonly Role[]): boolean {
  return allowed.includes(role);
}

/** True when `role` is at least as strong as `minimum` (owner > admin > analyst > viewer). */
export function roleAtLeast(role: Role, minimum: Role): boolean {
  return RANK[role] >= RANK[minimum];
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLE_GROUPS as readonly string[]).includes(value);
}
