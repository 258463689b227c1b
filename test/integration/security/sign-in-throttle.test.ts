import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalIssuer } from '../../../local/oidc/issuer.ts';
import { LocalUserStore } from '../../../local/oidc/user-store.ts';
import { signInWithPassword } from '../../support/oidc-flow.ts';

/**
 * Brute force against the local issuer, over real HTTP. Its own issuer on its own port (not the shared stack): the
 * per-IP lock this test provokes must not lock the other test files out.
 */
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://localhost:${(server.address() as AddressInfo).port}`;
  const users = new LocalUserStore(null);
  users.ensureUser({ email: 'victim@example.com', name: 'Victim', password: 'the-right-password' });
  users.ensureUser({ email: 'bystander@example.com', name: 'Bystander', password: 'bystander-password' });
  const issuer = await createLocalIssuer({
    issuer: `${baseUrl}/oidc`,
    clientId: 'promptpulse-web',
    appOrigins: [baseUrl],
    dataDir: null,
    users,
    tenantClaims: async () => ({ claims: {}, groups: [] }),
    throttle: { perAccount: { limit: 5, windowSeconds: 900 }, perIp: { limit: 20, windowSeconds: 900 } },
  });
  server.on('request', (req, res) => {
    if (req.url?.startsWith('/oidc')) issuer.handle(req, res);
    else {
      res.writeHead(404);
      res.end();
    }
  });
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const attempt = (email: string, password: string) =>
  signInWithPassword(baseUrl, email, password).then(
    () => 'signed in',
    (error: Error) => error.message,
  );

describe('local issuer brute-force throttling', () => {
  it('after 5 wrong passwords for an account even the right one is refused (429), then other accounts still work', async () => {
    for (let i = 0; i < 5; i++) expect(await attempt('victim@example.com', `guess-${i}`)).toMatch(/login refused/);
    // The sixth try is throttled before the password is checked: the right password does not get through.
    expect(await attempt('victim@example.com', 'the-right-password')).toMatch(/\(429\)/);
    expect(await attempt('bystander@example.com', 'bystander-password')).toBe('signed in');
  });

  it('100 wrong passwords across many accounts from one IP lock the IP out (per-IP limit)', async () => {
    const outcomes: string[] = [];
    for (let i = 0; i < 100; i++) outcomes.push(await attempt(`nobody-${i}@example.com`, 'guess'));
    expect(outcomes.filter((o) => /\(429\)/.test(o)).length).toBeGreaterThanOrEqual(80);
    expect(await attempt('bystander@example.com', 'bystander-password')).toMatch(/\(429\)/);
  });

  it('a locked-out IP is refused at the token endpoint too, with Retry-After', async () => {
    const start = await fetch(`${baseUrl}/oidc/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=authorization_code&code=guessed&client_id=promptpulse-web&redirect_uri=x&code_verifier=y',
    });
    expect(start.status).toBe(429);
    expect(Number(start.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
