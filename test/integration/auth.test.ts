import type { JWK } from 'jose';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { JwtAccessTokenVerifier } from '../../functions/adapters/auth/jwt-access-token-verifier.ts';
import { TENANT_CLAIM } from '../../shared/infra/resources.ts';
import { call } from '../support/api.ts';
import { signInWithPassword } from '../support/oidc-flow.ts';
import { foreignKey, forgeToken, hs256WithPublicKey, unsignedToken } from '../support/tokens.ts';

const stack = inject('stack');
const signingKey = stack.signingKey as JWK;
const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicKey } = signingKey;

let realIdToken = '';
let ownerSub = '';
beforeAll(async () => {
  const tokens = await signInWithPassword(stack.url, 'owner@demo.promptpulse.local', 'demo-owner-pass');
  realIdToken = tokens.id_token;
  ownerSub = JSON.parse(Buffer.from(tokens.access_token.split('.')[1]!, 'base64url').toString()).sub;
});

const base = () => ({ signingKey, issuer: stack.issuerUrl, audience: stack.clientId, sub: ownerSub });
const withTenant = { claims: { [TENANT_CLAIM]: stack.demoTenantId, 'cognito:groups': ['owner'] } };

/** Every way a token can be wrong; each must be refused by the gateway's authorizer and by the function. */
const badTokens: [string, () => Promise<string>][] = [
  ['expired', () => forgeToken({ ...base(), ...withTenant, expiresIn: -60 })],
  ['not yet valid', () => forgeToken({ ...base(), ...withTenant, notBefore: 600 })],
  [
    'signed by another key with the same kid',
    async () => forgeToken({ ...base(), ...withTenant, signingKey: await foreignKey(signingKey.kid) }),
  ],
  [
    'alg none',
    async () =>
      unsignedToken({ sub: ownerSub, iss: stack.issuerUrl, aud: stack.clientId, token_use: 'access', exp: 9999999999 }),
  ],
  [
    'RS256 key re-used as an HS256 secret',
    () =>
      hs256WithPublicKey(publicKey, {
        sub: ownerSub,
        iss: stack.issuerUrl,
        aud: stack.clientId,
        token_use: 'access',
        exp: 9999999999,
      }),
  ],
  ['wrong issuer', () => forgeToken({ ...base(), ...withTenant, issuer: 'http://localhost:1/evil' })],
  ['wrong audience', () => forgeToken({ ...base(), ...withTenant, audience: 'some-other-client' })],
  ['token_use id', () => forgeToken({ ...base(), claims: { ...withTenant.claims, token_use: 'id' } })],
  ['a real ID token instead of an access token', async () => realIdToken],
  ['garbage', async () => 'not-a-jwt'],
  ['a truncated signature', async () => (await forgeToken({ ...base(), ...withTenant })).slice(0, -10)],
];

describe('the gateway (JWT authorizer) refuses bad tokens with 401 and a JSON error', () => {
  it('refuses a missing token', async () => {
    const res = await call(stack.apiUrl, 'GET', '/workspaces/current');
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe('unauthenticated');
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
  });

  it.each(badTokens)('refuses a token that is %s', async (_label, make) => {
    const res = await call(stack.apiUrl, 'GET', '/workspaces/current', { token: await make() });
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe('unauthenticated');
  });

  it('accepts a well-formed token signed by the issuer (control case)', async () => {
    const res = await call(stack.apiUrl, 'GET', '/workspaces/current', {
      token: await forgeToken({ ...base(), ...withTenant }),
    });
    expect(res.status).toBe(200);
  });
});

describe("the API function's own verifier (defence in depth behind the authorizer)", () => {
  let verifier: JwtAccessTokenVerifier;
  beforeAll(async () => {
    verifier = await JwtAccessTokenVerifier.create({
      AUTH_PROVIDER: 'oidc',
      OIDC_ISSUER: stack.issuerUrl,
      OIDC_CLIENT_ID: stack.clientId,
      OIDC_JWKS_URI: `${stack.url.replace('localhost', '127.0.0.1')}/oidc/jwks`,
    });
  });

  it.each(badTokens)('throws UnauthenticatedError for a token that is %s', async (_label, make) => {
    await expect(verifier.verify(await make())).rejects.toMatchObject({ name: 'UnauthenticatedError' });
  });

  it('normalises the claims of a good token', async () => {
    const verified = await verifier.verify(await forgeToken({ ...base(), ...withTenant }));
    expect(verified).toMatchObject({
      sub: ownerSub,
      tenantId: stack.demoTenantId,
      groups: ['owner'],
      clientId: stack.clientId,
    });
  });
});

describe('tenant isolation: the tenant comes from the verified token, and membership is re-checked', () => {
  it('refuses a validly signed token naming a tenant the user is not a member of', async () => {
    const outsider = await forgeToken({ ...base(), sub: 'not-a-member-sub', ...withTenant });
    const res = await call(stack.apiUrl, 'GET', '/workspaces/current', { token: outsider });
    expect(res.status).toBe(403);
    expect(res.json.error.code).toBe('not_a_member');
  });

  it('ignores tenant hints in the query string and headers', async () => {
    const newcomer = await signInWithPassword(stack.url, 'viewer@demo.promptpulse.local', 'demo-viewer-pass');
    const res = await call(stack.apiUrl, 'GET', `/workspaces/current?tenantId=ws_01aaaaaaaaaaaaaaaaaaaaaaaa`, {
      token: newcomer.access_token,
      headers: { 'x-tenant-id': 'ws_01aaaaaaaaaaaaaaaaaaaaaaaa' },
    });
    expect(res.status).toBe(200);
    expect(res.json.id).toBe(stack.demoTenantId);
  });
});
