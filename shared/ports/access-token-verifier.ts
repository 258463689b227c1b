/** Claims of a verified access token, normalised across Cognito and the local issuer. */
export interface VerifiedAccessToken {
  sub: string;
  email: string | null;
  tenantId: string | null;
  groups: string[];
  clientId: string;
  issuedAt: number;
  expiresAt: number;
  /** The raw claims, for the gateway's `requestContext.authorizer.jwt.claims`. */
  claims: Record<string, unknown>;
}

/**
 * Verifies a bearer access token: signature against the issuer's JWKS, issuer, audience/client id, expiry,
 * not-before and `token_use: access`. Rejects with UnauthenticatedError, never with anything else.
 */
export interface AccessTokenVerifier {
  verify(token: string): Promise<VerifiedAccessToken>;
}
