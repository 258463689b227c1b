import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalIssuer } from '../../local/oidc/issuer.ts';
import { LocalUserStore } from '../../local/oidc/user-store.ts';
import { signInWithPassword } from '../support/oidc-flow.ts';
import { record } from './support/ledger.ts';

/**
 * Brute force against the sign-in (report row): its own local issuer on its own port, so the per-account and per-IP
 * locks it provokes do not lock the other resilience files out of the shared stack.
 */
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://localhost:${(server.address() as AddressInfo).port}`;
  const users = new LocalUserStore(null);
  for (let i = 0; i < 5; i++) {
    users.ensureUser({ email: `target-${i}@example.com`, name: `Target ${i}`, password: `right-password-${i}` });
  }
  const issuer = await createLocalIssuer({
    issuer: `${baseUrl}/oidc`,
    clientId: 'promptpulse-web',
    appOrigins: [baseUrl],
    dataDir: null,
    users,
    tenantClaims: async () => ({ claims: {}, groups: [] }),
    throttle: { perAccount: { limit: 5, windowSeconds: 900 }, perIp: { limit: 200, windowSeconds: 900 } },
  });
  server.on('request', (req, res) => {
    if (req.url?.startsWith('/oidc')) issuer.handle(req, res);
    else res.writeHead(404).end();
  });
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const attempt = (email: string, password: string) =>
  signInWithPassword(baseUrl, email, password).then(
    () => 'signed in',
    (error: Error) => error.message,
  );

describe('sign-in brute force (report row)', () => {
  it('after the allowed wrong passwords per account, even the right password is refused until the window ends', async () => {
    let guesses = 0;
    let brokenIn = 0;
    for (let account = 0; account < 5; account++) {
      const email = `target-${account}@example.com`;
      for (let i = 0; i < 20; i++) {
        guesses++;
        if ((await attempt(email, `guess-${i}`)) === 'signed in') brokenIn++;
      }
      guesses++;
      if ((await attempt(email, `right-password-${account}`)) === 'signed in') brokenIn++;
    }
    expect(brokenIn).toBe(0);
    record({
      kind: 'auth',
      name: 'sign-in brute force (20 wrong passwords, then the right one) on 5 accounts',
      count: guesses,
      lost: brokenIn,
      detail: 'per-account lock after 5 failures in 15 minutes; the right password after a lock is refused (429)',
    });
  });
});
