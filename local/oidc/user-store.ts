import { randomUUID, scryptSync, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * A sign-in account of the local issuer (stands in for a Cognito user pool user).
 *
 * The fields after `enabled` were added for the user directory (Cognito admin API emulator). They are optional
 * so that `users.json` files written before them still load: a missing `status` means `active`, missing `groups`
 * means none.
 */
export interface LocalUser {
  sub: string;
  email: string;
  name: string;
  /** scrypt hash of the password; for an invited user, of the temporary password. */
  passwordHash: string;
  enabled: boolean;
  /** `invited` (Cognito FORCE_CHANGE_PASSWORD) until the first sign-in. @default 'active' */
  status?: 'invited' | 'active';
  /** User pool groups the account belongs to (the admin API's view; tokens get groups from the trigger). */
  groups?: string[];
  /** When an invited user's temporary password stops working (ISO 8601); absent for active users. */
  temporaryPasswordExpiresAt?: string;
  /** ISO 8601; absent for accounts created before this field existed. */
  createdAt?: string;
  /** ISO 8601; absent for accounts created before this field existed. */
  updatedAt?: string;
}

/** Thrown by {@link LocalUserStore.createInvitedUser} when the email already has an account. */
export class LocalUserExistsError extends Error {
  override readonly name = 'LocalUserExistsError';
}

function hashPassword(password: string, salt = randomUUID()): string {
  return `scrypt$${salt}$${scryptSync(password, salt, 32).toString('base64url')}`;
}

function passwordMatches(password: string, stored: string): boolean {
  const [scheme, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = scryptSync(password, salt, expected.length);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The account's status, reading a missing field (files from before invitations existed) as `active`. */
export function userStatus(user: LocalUser): 'invited' | 'active' {
  return user.status === 'invited' ? 'invited' : 'active';
}

/**
 * The local issuer's user accounts, kept in a JSON file under the data dir (or in memory when ephemeral).
 * Passwords (temporary ones included) are stored as scrypt hashes, never in clear.
 */
export class LocalUserStore {
  private readonly users = new Map<string, LocalUser>();

  /**
   * @param file JSON file to load from and persist to; null keeps the accounts in memory.
   * @param now Clock, injectable for tests of temporary-password expiry. @default () => new Date()
   */
  constructor(
    private readonly file: string | null,
    private readonly now: () => Date = () => new Date(),
  ) {
    if (file && existsSync(file)) {
      for (const user of JSON.parse(readFileSync(file, 'utf8')) as LocalUser[]) this.users.set(user.sub, user);
    }
  }

  /** Every account, in creation (insertion) order. */
  list(): LocalUser[] {
    return [...this.users.values()];
  }

  findBySub(sub: string): LocalUser | null {
    return this.users.get(sub) ?? null;
  }

  findByEmail(email: string): LocalUser | null {
    const wanted = normalizeEmail(email);
    for (const user of this.users.values()) if (user.email === wanted) return user;
    return null;
  }

  /**
   * Resolves a Cognito admin API `Username`: in a pool whose username attribute is email, that is either the
   * user's `sub` (the generated username) or the email (case-insensitively).
   */
  findByUsername(username: string): LocalUser | null {
    return this.findBySub(username) ?? this.findByEmail(username);
  }

  /**
   * Returns the user when the email/password pair is right and the account is enabled. An invited user signs in
   * with the temporary password (refused once expired) and becomes `active`: unlike Cognito, the local issuer
   * does not force a new password on first sign-in.
   */
  authenticate(email: string, password: string): LocalUser | null {
    const user = this.findByEmail(email);
    if (!user?.enabled) return null;
    if (userStatus(user) === 'invited' && this.temporaryPasswordExpired(user)) return null;
    if (!passwordMatches(password, user.passwordHash)) return null;
    if (userStatus(user) === 'invited') {
      return this.update(user.sub, (u) => {
        u.status = 'active';
        delete u.temporaryPasswordExpiresAt;
      });
    }
    return user;
  }

  /** Creates the user if absent (by email); never overwrites an existing account's password. */
  ensureUser(input: { email: string; name: string; password: string; sub?: string }): LocalUser {
    const existing = this.findByEmail(input.email);
    if (existing) return existing;
    const at = this.now().toISOString();
    const user: LocalUser = {
      sub: input.sub ?? randomUUID(),
      email: normalizeEmail(input.email),
      name: input.name,
      passwordHash: hashPassword(input.password),
      enabled: true,
      status: 'active',
      groups: [],
      createdAt: at,
      updatedAt: at,
    };
    this.users.set(user.sub, user);
    this.persist();
    return user;
  }

  /**
   * Creates an `invited` account whose password is `temporaryPassword` (stored hashed), valid until
   * `expiresAt`, as Cognito's AdminCreateUser does. Throws {@link LocalUserExistsError} when the email is taken.
   */
  createInvitedUser(input: { email: string; name?: string; temporaryPassword: string; expiresAt: Date }): LocalUser {
    if (this.findByEmail(input.email)) throw new LocalUserExistsError(`An account for ${input.email} already exists`);
    const email = normalizeEmail(input.email);
    const at = this.now().toISOString();
    const user: LocalUser = {
      sub: randomUUID(),
      email,
      name: input.name ?? email,
      passwordHash: hashPassword(input.temporaryPassword),
      enabled: true,
      status: 'invited',
      groups: [],
      temporaryPasswordExpiresAt: input.expiresAt.toISOString(),
      createdAt: at,
      updatedAt: at,
    };
    this.users.set(user.sub, user);
    this.persist();
    return user;
  }

  /** Replaces an invited user's temporary password (Cognito's AdminCreateUser with MessageAction RESEND). */
  resetTemporaryPassword(sub: string, temporaryPassword: string, expiresAt: Date): LocalUser {
    return this.update(sub, (u) => {
      u.passwordHash = hashPassword(temporaryPassword);
      u.status = 'invited';
      u.temporaryPasswordExpiresAt = expiresAt.toISOString();
    });
  }

  setEnabled(sub: string, enabled: boolean): LocalUser {
    return this.update(sub, (u) => {
      u.enabled = enabled;
    });
  }

  /** The user's pool groups, sorted by name. */
  groupsOf(sub: string): string[] {
    return [...(this.findBySub(sub)?.groups ?? [])].sort();
  }

  /** Adds the user to `group`; adding twice is a no-op, as in Cognito. */
  addToGroup(sub: string, group: string): LocalUser {
    return this.update(sub, (u) => {
      const groups = new Set(u.groups ?? []);
      groups.add(group);
      u.groups = [...groups].sort();
    });
  }

  /** Removes the user from `group`; removing a group the user is not in is a no-op, as in Cognito. */
  removeFromGroup(sub: string, group: string): LocalUser {
    return this.update(sub, (u) => {
      u.groups = (u.groups ?? []).filter((g) => g !== group);
    });
  }

  private temporaryPasswordExpired(user: LocalUser): boolean {
    if (!user.temporaryPasswordExpiresAt) return false;
    return Date.parse(user.temporaryPasswordExpiresAt) <= this.now().getTime();
  }

  /** Applies `change` to the stored user, stamps `updatedAt` and persists; throws when `sub` is unknown. */
  private update(sub: string, change: (user: LocalUser) => void): LocalUser {
    const user = this.users.get(sub);
    if (!user) throw new Error(`No local user ${sub}`);
    change(user);
    user.updatedAt = this.now().toISOString();
    this.persist();
    return user;
  }

  private persist(): void {
    if (!this.file) return;
    mkdirSync(dirname(this.file), { recursive: true });
    const temp = `${this.file}.tmp`;
    writeFileSync(temp, JSON.stringify([...this.users.values()], null, 2));
    renameSync(temp, this.file);
  }
}
