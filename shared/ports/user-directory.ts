import type { Role } from '../domain/roles.ts';

/** A sign-in account in the identity provider (Cognito user pool, or the local issuer's user store). */
export interface DirectoryUser {
  /** The account's stable subject (`sub`), the same value as tokens' `sub` and members' `userId`. */
  userId: string;
  email: string;
  enabled: boolean;
  /** `invited` until the user has signed in and set their own password (Cognito FORCE_CHANGE_PASSWORD). */
  status: 'invited' | 'active';
}

/**
 * Manages sign-in accounts. In AWS the Cognito user pool's admin API; locally the same API (the embedded
 * Cognito emulator over the local issuer's user store), reached through the same adapter.
 */
export interface UserDirectory {
  findByEmail(email: string): Promise<DirectoryUser | null>;
  /**
   * Ensures an account exists for `email`, creating it and sending the invitation (Cognito emails a temporary
   * password) when it does not. Returns the account and whether it was created now.
   */
  invite(email: string): Promise<{ user: DirectoryUser; created: boolean }>;
  /** Mirrors the member's role into the pool's groups (the token's `cognito:groups`); null removes all. */
  setRoleGroup(userId: string, role: Role | null): Promise<void>;
}
