import type { JWK } from 'jose';
import { TENANT_CLAIM } from '../../shared/infra/resources.ts';
import { foreignKey, forgeToken, hs256WithPublicKey, unsignedToken } from './tokens.ts';

export interface BadTokenContext {
  /** The issuer's private signing JWK (test stacks expose it). */
  signingKey: JWK;
  issuerUrl: string;
  clientId: string;
  /** A real member's sub, so that only the defect under test makes the token bad. */
  sub: string;
  tenantId: string;
  /** A real ID token of that user, from the sign-in flow. */
  idToken: string;
}

/**
 * Every way an access token can be wrong, each otherwise identical to a token the API accepts (the control case
 * `goodToken`). Shared by the resilience authentication matrix (HTTP and WebSocket).
 */
export function badTokens(ctx: BadTokenContext): [label: string, make: () => Promise<string>][] {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicKey } = ctx.signingKey;
  const base = { signingKey: ctx.signingKey, issuer: ctx.issuerUrl, audience: ctx.clientId, sub: ctx.sub };
  const claims = { [TENANT_CLAIM]: ctx.tenantId, 'cognito:groups': ['owner'] };
  const farFuture = Math.floor(Date.now() / 1000) + 3600;
  const payload = {
    sub: ctx.sub,
    iss: ctx.issuerUrl,
    aud: ctx.clientId,
    token_use: 'access',
    exp: farFuture,
    ...claims,
  };
  return [
    ['missing', async () => ''],
    ['expired', () => forgeToken({ ...base, claims, expiresIn: -60 })],
    ['not yet valid', () => forgeToken({ ...base, claims, notBefore: 600 })],
    [
      'signed by another key',
      async () => forgeToken({ ...base, claims, signingKey: await foreignKey(ctx.signingKey.kid) }),
    ],
    ['alg none', async () => unsignedToken(payload)],
    ['RS256 re-signed as HS256 with the public key', () => hs256WithPublicKey(publicKey, payload)],
    ['wrong issuer', () => forgeToken({ ...base, claims, issuer: 'http://localhost:1/evil' })],
    ['wrong audience', () => forgeToken({ ...base, claims, audience: 'some-other-client' })],
    [
      'client_id of another app client',
      () => forgeToken({ ...base, claims: { ...claims, client_id: 'some-other-client' } }),
    ],
    ['token_use id', () => forgeToken({ ...base, claims: { ...claims, token_use: 'id' } })],
    ['token_use missing', () => forgeToken({ ...base, claims: { ...claims, token_use: undefined } })],
    ['an ID token instead of an access token', async () => ctx.idToken],
    ['no exp (never expires)', () => forgeToken({ ...base, claims, omitExp: true })],
    ['no iat', () => forgeToken({ ...base, claims, omitIat: true })],
    ['iat in the future', () => forgeToken({ ...base, claims, issuedAtOffset: 600, expiresIn: 1200 })],
    ['lifetime over 24 h', () => forgeToken({ ...base, claims, expiresIn: 25 * 3600 })],
    ['client_id missing', () => forgeToken({ ...base, claims: { ...claims, client_id: undefined } })],
    ['garbage', async () => 'not-a-jwt'],
    ['a truncated signature', async () => (await forgeToken({ ...base, claims })).slice(0, -10)],
  ];
}

/** The control case: the same construction, nothing wrong. */
export function goodToken(ctx: BadTokenContext): Promise<string> {
  return forgeToken({
    signingKey: ctx.signingKey,
    issuer: ctx.issuerUrl,
    audience: ctx.clientId,
    sub: ctx.sub,
    claims: { [TENANT_CLAIM]: ctx.tenantId, 'cognito:groups': ['owner'] },
  });
}
