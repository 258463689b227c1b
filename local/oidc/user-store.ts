import { randomUUID, scryptSync, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** A sign-in account of the local issuer (stands in for a Cognito user pool user). */
export interface LocalUser {
  sub: string;
  email: string;
  name: string;
  passwordHash: string;
  enabled: boolean;
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

/**
 * The local issuer's user accounts, kept in a JSON file under the data dir (or in memory when ephemeral).
 * Passwords are stored as scrypt hashes, never in clear.
 */
export class LocalUserStore {
  private readonly users = new Map<string, LocalUser>();

  constructor(private readonly file: string | null) {
    if (file && existsSync(file)) {
      for (const user of JSON.parse(readFileSync(file, 'utf8')) as LocalUser[]) this.users.set(user.sub, user);
    }
  }

  findBySub(sub: string): LocalUser | null {
    return this.users.get(sub) ?? null;
  }

  findByEmail(email: string): LocalUser | null {
    const wanted = email.trim().toLowerCase();
    for (const user of this.users.values()) if (user.email === wanted) return user;
    return null;
  }

  /** Returns the user when the email/password pair is right and the account is enabled. */
  authenticate(email: string, password: string): LocalUser | null {
    const user = this.findByEmail(email);
    if (!user?.enabled) return null;
    return passwordMatches(password, user.passwordHash) ? user : null;
  }

  /** Creates the user if absent (by email); never overwrites an existing account's password. */
  ensureUser(input: { email: string; name: string; password: string; sub?: string }): LocalUser {
    const existing = this.findByEmail(input.email);
    if (existing) return existing;
    const user: LocalUser = {
      sub: input.sub ?? randomUUID(),
      email: input.email.trim().toLowerCase(),
      name: input.name,
      passwordHash: hashPassword(input.password),
      enabled: true,
    };
    this.users.set(user.sub, user);
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
