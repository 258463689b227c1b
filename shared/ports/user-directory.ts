import type { Role } from '../domain/roles.ts';

/** A user account in the identity provider. */
export interface DirectoryUser {
  userId: string;
  email: string;
  enabled: boolean;
}

/** Manages sign-in accounts: the Cognito user pool in AWS, the local issuer's user store locally. */
export interface UserDirectory {
  findByEmail(email: string): Promise<DirectoryUser | null>;
  invite(email: string): Promise<DirectoryUser>;
  setGroup(userId: string, role: Role): Promise<void>;
  disable(userId: string): Promise<void>;
}
