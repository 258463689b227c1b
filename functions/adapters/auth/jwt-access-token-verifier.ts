import { CognitoJwtVerifier, JwtVerifier } from 'aws-jwt-verify';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import { AccessTokenRuleError, checkAccessTokenClaims } from '#shared/domain/access-token-rules.ts';
import { UnauthenticatedError } from '#shared/domain/errors.ts';
import { TENANT_CLAIM } from '#shared/infra/resources.ts';
import type { AccessTokenVerifier, VerifiedAccessToken } from '#shared/ports/access-token-verifier.ts';
import type { AuthConfig } from '../../config.ts';

interface JwtVerifierLike {
  verify(token: string): Promise<JwtPayload>;
}

/**
 * Access-token verification with aws-jwt-verify.
 *
 * Cognito access tokens carry `client_id` and no `aud`; the CognitoJwtVerifier checks both `token_use` and
 * `client_id`. The local OIDC issuer puts the client id in `aud` and serves its JWKS over plain http, which
 * aws-jwt-verify refuses to fetch, so its JWKS is fetched once here and preloaded with `cacheJwks`.
 */
export class JwtAccessTokenVerifier implements AccessTokenVerifier {
  private constructor(private readonly verifier: JwtVerifierLike) {}

  static async create(
    auth: AuthConfig,
    fetchImpl: typeof fetch = fetch,
    nowSeconds: () => number = () => Math.floor(Date.now() / 1000),
  ): Promise<JwtAccessTokenVerifier> {
    if (auth.AUTH_PROVIDER === 'cognito') {
      const region = auth.COGNITO_USER_POOL_ID.split('_')[0];
      const issuer = `https://cognito-idp.${region}.amazonaws.com/${auth.COGNITO_USER_POOL_ID}`;
      const verifier = CognitoJwtVerifier.create({
        userPoolId: auth.COGNITO_USER_POOL_ID,
        tokenUse: 'access',
        clientId: auth.COGNITO_CLIENT_ID,
        // The same claim rules as the local issuer's tokens (shared/domain/access-token-rules.ts).
        customJwtCheck: ({ payload }) =>
          checkAccessTokenClaims(payload, { clientId: auth.COGNITO_CLIENT_ID, issuer, nowSeconds: nowSeconds() }),
      });
      return new JwtAccessTokenVerifier(verifier);
    }
    const verifier = JwtVerifier.create({
      issuer: auth.OIDC_ISSUER,
      audience: auth.OIDC_CLIENT_ID,
      jwksUri: auth.OIDC_JWKS_URI,
      customJwtCheck: ({ payload }) =>
        checkAccessTokenClaims(payload, {
          clientId: auth.OIDC_CLIENT_ID,
          issuer: auth.OIDC_ISSUER,
          nowSeconds: nowSeconds(),
        }),
    });
    const response = await fetchImpl(auth.OIDC_JWKS_URI);
    if (!response.ok) throw new Error(`Could not load JWKS from ${auth.OIDC_JWKS_URI}: HTTP ${response.status}`);
    verifier.cacheJwks((await response.json()) as Parameters<typeof verifier.cacheJwks>[0]);
    return new JwtAccessTokenVerifier(verifier);
  }

  async verify(token: string): Promise<VerifiedAccessToken> {
    let payload: JwtPayload;
    try {
      payload = await this.verifier.verify(token);
    } catch (error) {
      // The library's message says which check failed; it is safe to return (no token contents).
      const reason = error instanceof Error ? error.message : 'invalid token';
      const rule = error instanceof AccessTokenRuleError ? { rule: error.rule } : {};
      throw new UnauthenticatedError('Invalid or expired access token', { cause: error, details: { reason, ...rule } });
    }
    const groups = payload['cognito:groups'];
    const tenant = payload[TENANT_CLAIM];
    const clientId = payload.client_id ?? (Array.isArray(payload.aud) ? payload.aud[0] : payload.aud);
    if (typeof payload.sub !== 'string' || payload.sub.length === 0) {
      throw new UnauthenticatedError('Invalid access token', { details: { reason: 'missing sub' } });
    }
    return {
      sub: payload.sub,
      email: typeof payload.email === 'string' ? payload.email : null,
      tenantId: typeof tenant === 'string' && tenant.length > 0 ? tenant : null,
      groups: Array.isArray(groups) ? groups.filter((g): g is string => typeof g === 'string') : [],
      clientId: typeof clientId === 'string' ? clientId : '',
      issuedAt: typeof payload.iat === 'number' ? payload.iat : 0,
      expiresAt: typeof payload.exp === 'number' ? payload.exp : 0,
      claims: payload as Record<string, unknown>,
    };
  }
}
