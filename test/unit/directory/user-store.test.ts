import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateTemporaryPassword } from '../../../local/emulators/cognito-idp.ts';
import { LocalUserExistsError, LocalUserStore, userStatus } from '../../../local/oidc/user-store.ts';

const DAY = 24 * 3600 * 1000;

describe('LocalUserStore (user directory extensions)', () => {
  let dir: string;
  let file: string;
  let clock: Date;
  const now = () => clock;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pp-users-'));
    file = join(dir, 'users.json');
    clock = new Date('2026-01-10T10:00:00Z');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('loads a users.json written before invitations existed, reading the accounts as active with no groups', () => {
    const store = new LocalUserStore(null);
    const legacy = store.ensureUser({ email: 'old@example.com', name: 'Old', password: 'old-password-1' });
    writeFileSync(
      file,
      JSON.stringify([
        { sub: legacy.sub, email: legacy.email, name: 'Old', passwordHash: legacy.passwordHash, enabled: true },
      ]),
    );
    const loaded = new LocalUserStore(file, now);
    const user = loaded.findByEmail('OLD@example.com');
    expect(user).not.toBeNull();
    expect(userStatus(user!)).toBe('active');
    expect(loaded.groupsOf(legacy.sub)).toEqual([]);
    expect(loaded.authenticate('old@example.com', 'old-password-1')?.sub).toBe(legacy.sub);
    // Still active after a sign-in, and a change to the account persists without losing the old fields.
    loaded.addToGroup(legacy.sub, 'viewer');
    const [saved] = JSON.parse(readFileSync(file, 'utf8'));
    expect(saved).toMatchObject({ sub: legacy.sub, email: 'old@example.com', name: 'Old', enabled: true });
    expect(saved.groups).toEqual(['viewer']);
  });

  it('creates an invited account whose temporary password is stored hashed, never in clear', () => {
    const store = new LocalUserStore(file, now);
    const password = generateTemporaryPassword();
    const user = store.createInvitedUser({
      email: ' New.Person@Example.com ',
      temporaryPassword: password,
      expiresAt: new Date(clock.getTime() + 3 * DAY),
    });
    expect(user).toMatchObject({ email: 'new.person@example.com', status: 'invited', enabled: true, groups: [] });
    const raw = readFileSync(file, 'utf8');
    expect(raw).not.toContain(password);
    expect(raw).toContain('scrypt$');
    expect(new LocalUserStore(file, now).findBySub(user.sub)?.status).toBe('invited');
  });

  it('refuses to invite an email that already has an account', () => {
    const store = new LocalUserStore(null, now);
    store.ensureUser({ email: 'taken@example.com', name: 'T', password: 'pw-123456789' });
    expect(() =>
      store.createInvitedUser({ email: 'TAKEN@example.com', temporaryPassword: 'x'.repeat(12), expiresAt: clock }),
    ).toThrowError(LocalUserExistsError);
  });

  it('signs an invited user in with the temporary password and marks the account active (persisted)', () => {
    const store = new LocalUserStore(file, now);
    const user = store.createInvitedUser({
      email: 'invitee@example.com',
      temporaryPassword: 'Temp-Password-1',
      expiresAt: new Date(clock.getTime() + DAY),
    });
    expect(store.authenticate('invitee@example.com', 'wrong-password')).toBeNull();
    expect(store.findBySub(user.sub)?.status).toBe('invited');
    const signedIn = store.authenticate('invitee@example.com', 'Temp-Password-1');
    expect(signedIn?.status).toBe('active');
    const reloaded = new LocalUserStore(file, now).findBySub(user.sub);
    expect(reloaded?.status).toBe('active');
    expect(reloaded?.temporaryPasswordExpiresAt).toBeUndefined();
    // The temporary password simply becomes the password locally (no forced change).
    expect(store.authenticate('invitee@example.com', 'Temp-Password-1')?.sub).toBe(user.sub);
  });

  it('refuses an expired temporary password, and a resent one works again', () => {
    const store = new LocalUserStore(null, now);
    const user = store.createInvitedUser({
      email: 'late@example.com',
      temporaryPassword: 'Temp-Password-1',
      expiresAt: new Date(clock.getTime() + DAY),
    });
    clock = new Date(clock.getTime() + DAY + 1);
    expect(store.authenticate('late@example.com', 'Temp-Password-1')).toBeNull();
    store.resetTemporaryPassword(user.sub, 'Temp-Password-2', new Date(clock.getTime() + DAY));
    expect(store.authenticate('late@example.com', 'Temp-Password-1')).toBeNull();
    expect(store.authenticate('late@example.com', 'Temp-Password-2')?.status).toBe('active');
  });

  it('refuses disabled accounts and lets them back in once enabled', () => {
    const store = new LocalUserStore(null, now);
    const user = store.ensureUser({ email: 'd@example.com', name: 'D', password: 'pw-123456789' });
    store.setEnabled(user.sub, false);
    expect(store.authenticate('d@example.com', 'pw-123456789')).toBeNull();
    store.setEnabled(user.sub, true);
    expect(store.authenticate('d@example.com', 'pw-123456789')?.sub).toBe(user.sub);
  });

  it('keeps groups as a set, sorted, and removing an absent group is a no-op', () => {
    const store = new LocalUserStore(file, now);
    const user = store.ensureUser({ email: 'g@example.com', name: 'G', password: 'pw-123456789' });
    store.addToGroup(user.sub, 'viewer');
    store.addToGroup(user.sub, 'admin');
    store.addToGroup(user.sub, 'viewer');
    expect(store.groupsOf(user.sub)).toEqual(['admin', 'viewer']);
    store.removeFromGroup(user.sub, 'owner');
    store.removeFromGroup(user.sub, 'viewer');
    expect(new LocalUserStore(file, now).groupsOf(user.sub)).toEqual(['admin']);
  });

  it('resolves a Cognito Username by sub or by email, case-insensitively', () => {
    const store = new LocalUserStore(null, now);
    const user = store.ensureUser({ email: 'who@example.com', name: 'W', password: 'pw-123456789' });
    expect(store.findByUsername(user.sub)?.email).toBe('who@example.com');
    expect(store.findByUsername('WHO@Example.com')?.sub).toBe(user.sub);
    expect(store.findByUsername('nobody@example.com')).toBeNull();
    expect(() => store.addToGroup('no-such-sub', 'viewer')).toThrow();
  });

  it('generates temporary passwords that meet the pool policy and differ each time', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const password = generateTemporaryPassword();
      expect(password.length).toBeGreaterThanOrEqual(12);
      expect(password).toMatch(/[A-Z]/);
      expect(password).toMatch(/[a-z]/);
      expect(password).toMatch(/[0-9]/);
      expect(password).toMatch(/[^A-Za-z0-9]/);
      seen.add(password);
    }
    expect(seen.size).toBe(50);
  });
});
