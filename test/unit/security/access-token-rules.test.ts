import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { JwtAccessTokenVerifier } from '../../../functions/adapters/auth/jwt-access-token-verifier.ts';
import type { AuthConfig } from '../../../functions/config.ts';
import {
  type AccessTokenRuleError,
  checkAccessTokenClaims,
  MAX_ACCESS_TOKEN_LIFETIME_SECONDS,
} from '../../../shared/domain/access-token-rules.ts';
import { badTokens, goodToken } from '../../support/bad-tokens.ts';
import { forgeToken } from '../../support/tokens.ts';

const ISSUER = 'http://localhost:4999/oidc';
const CLIENT = 'promptpulse-web';
let signingKey: JWK;
let verifier: JwtAccessTokenVerifier;

beforeAll(async () => {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  signingKey = { ...(await exportJWK(privateKey)), kid: 'k1', alg: 'RS256' };
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicKey } = signingKey;
  const auth = {
    AUTH_PROVIDER: 'oidc',
    OIDC_ISSUER: ISSUER,
    OIDC_CLIENT_ID: CLIENT,
    OIDC_JWKS_URI: `${ISSUER}/jwks`,
  } as AuthConfig;
  verifier = await JwtAccessTokenVerifier.create(
    auth,
    (async () => new Response(JSON.stringify({ keys: [{ ...publicKey, use: 'sig' }] }))) as unknown as typeof fetch,
  );
});

const ctx = () => ({ signingKey, issuerUrl: ISSUER, clientId: CLIENT, sub: 'u1', tenantId: 'ws_1', idToken: 'x.y.z' });

describe('access-token rules (one place for the API, the WebSocket and the local issuer)', () => {
  it('accepts the control token', async () => {
    await expect(verifier.verify(await goodToken(ctx()))).resolves.toMatchObject({ sub: 'u1' });
  });

  it.each([
    ['no exp (never expires)', 'exp_required'],
    ['no iat', 'iat_required'],
    ['iat in the future', 'iat_in_future'],
    ['lifetime over 24 h', 'lifetime_too_long'],
    ['client_id missing', 'client_id'],
    ['client_id of another app client', 'client_id'],
    ['token_use id', 'token_use_access'],
    ['token_use missing', 'token_use_access'],
  ])('refuses a token with %s (rule %s)', async (label, rule) => {
    const make = badTokens(ctx()).find(([l]) => l === label)?.[1];
    expect(make, label).toBeDefined();
    const error = await verifier.verify(await (make as () => Promise<string>)()).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'UnauthenticatedError', code: 'unauthenticated' });
    expect((error as { details?: { rule?: string } }).details?.rule).toBe(rule);
  });

  it('names the broken rule for each claim defect (pure check)', () => {
    const now = 1_800_000_000;
    const good = { exp: now + 600, iat: now, token_use: 'access', client_id: CLIENT, iss: ISSUER };
    const expected = { clientId: CLIENT, issuer: ISSUER, nowSeconds: now };
    const rule = (payload: Record<string, unknown>) => {
      try {
        checkAccessTokenClaims(payload, expected);
        return 'ok';
      } catch (error) {
        return (error as AccessTokenRuleError).rule;
      }
    };
    expect(rule(good)).toBe('ok');
    expect(rule({ ...good, exp: undefined })).toBe('exp_required');
    expect(rule({ ...good, exp: now - 1 })).toBe('expired');
    expect(rule({ ...good, iat: undefined })).toBe('iat_required');
    expect(rule({ ...good, iat: now + 61 })).toBe('iat_in_future');
    expect(rule({ ...good, iat: now + 59 })).toBe('ok');
    expect(rule({ ...good, exp: now + MAX_ACCESS_TOKEN_LIFETIME_SECONDS + 1 })).toBe('lifetime_too_long');
    expect(rule({ ...good, token_use: 'id' })).toBe('token_use_access');
    expect(rule({ ...good, client_id: 'other' })).toBe('client_id');
    expect(rule({ ...good, iss: 'http://evil' })).toBe('issuer');
  });

  it('a forged token with a far expiry from our own key is still refused past the lifetime cap', async () => {
    const token = await forgeToken({
      signingKey,
      issuer: ISSUER,
      audience: CLIENT,
      sub: 'u1',
      expiresIn: 10 * 365 * 86400,
    });
    await expect(verifier.verify(token)).rejects.toMatchObject({ name: 'UnauthenticatedError' });
  });
});
