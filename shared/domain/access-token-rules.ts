/**
 * The rules an access token must meet, in one place for the API, the WebSocket `$connect` and the local issuer
 * (which refuses to be configured to mint tokens that would break them). The signature, `alg`, `nbf` and the
 * expiry itself are checked by aws-jwt-verify before these run; these are the claim rules it leaves to us or
 * accepts when a claim is absent (a token without `exp` used to pass and never expire). docs/security.md lists each
 * rule with the test that proves it.
 */

/** Longest lifetime (`exp - iat`) accepted. Cognito's access tokens last 5 minutes to 1 day. */
export const MAX_ACCESS_TOKEN_LIFETIME_SECONDS = 24 * 60 * 60;
/** Clock skew tolerated between the issuer and us for `iat`. */
export const ACCESS_TOKEN_CLOCK_SKEW_SECONDS = 60;

export interface AccessTokenExpectations {
  /** The app client the token must be issued to (`client_id`). */
  clientId: string;
  /** The issuer URL the token must name in `iss`. */
  issuer: string;
  nowSeconds: number;
}

export type AccessTokenRule =
  | 'exp_required'
  | 'expired'
  | 'iat_required'
  | 'iat_in_future'
  | 'lifetime_too_long'
  | 'token_use_access'
  | 'client_id'
  | 'issuer';

/** A broken rule: `rule` names it; the message is safe to return (no token contents). */
export class AccessTokenRuleError extends Error {
  override readonly name = 'AccessTokenRuleError';
  constructor(
    readonly rule: AccessTokenRule,
    message: string,
  ) {
    super(message);
  }
}

const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/**
 * Checks the claims of an access token whose signature is already verified.
 * @throws AccessTokenRuleError naming the first rule broken
 */
export function checkAccessTokenClaims(payload: Record<string, unknown>, expected: AccessTokenExpectations): void {
  const fail = (rule: AccessTokenRule, message: string): never => {
    throw new AccessTokenRuleError(rule, message);
  };
  if (!isTime(payload.exp)) fail('exp_required', 'Token has no expiry (exp)');
  const exp = payload.exp as number;
  if (exp <= expected.nowSeconds) fail('expired', 'Token is expired');
  if (!isTime(payload.iat)) fail('iat_required', 'Token has no issue time (iat)');
  const iat = payload.iat as number;
  if (iat > expected.nowSeconds + ACCESS_TOKEN_CLOCK_SKEW_SECONDS)
    fail('iat_in_future', 'Token is issued in the future');
  if (exp - iat > MAX_ACCESS_TOKEN_LIFETIME_SECONDS) {
    fail('lifetime_too_long', `Token lives longer than ${MAX_ACCESS_TOKEN_LIFETIME_SECONDS} seconds`);
  }
  if (payload.token_use !== 'access') fail('token_use_access', 'Not an access token');
  // Cognito access tokens always name their app client in `client_id` (and the local issuer does the same); one
  // minted for another client of the same issuer must not pass on a matching `aud` alone.
  if (payload.client_id !== expected.clientId) fail('client_id', 'Token was issued to another client');
  if (payload.iss !== expected.issuer) fail('issuer', 'Token comes from another issuer');
}
