import { exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';

export interface ForgeOptions {
  signingKey: JWK;
  issuer: string;
  audience: string;
  sub: string;
  claims?: Record<string, unknown>;
  /** Seconds from now; negative for an expired token. @default 600 */
  expiresIn?: number;
  notBefore?: number;
  alg?: string;
  /** Seconds from now for `iat` (positive: issued in the future). @default 0 */
  issuedAtOffset?: number;
  /** Leave `exp` / `iat` out altogether. */
  omitExp?: boolean;
  omitIat?: boolean;
}

/** Signs a token with a given private JWK (the issuer's own key, to test claim checks in isolation). */
export async function forgeToken(options: ForgeOptions): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const key = await importJWK(options.signingKey, options.alg ?? 'RS256');
  const jwt = new SignJWT({ token_use: 'access', client_id: options.audience, ...options.claims })
    .setProtectedHeader({ alg: options.alg ?? 'RS256', kid: options.signingKey.kid, typ: 'at+jwt' })
    .setIssuer(options.issuer)
    .setAudience(options.audience)
    .setSubject(options.sub);
  if (!options.omitIat) jwt.setIssuedAt(now + (options.issuedAtOffset ?? 0));
  if (!options.omitExp) jwt.setExpirationTime(now + (options.expiresIn ?? 600));
  if (options.notBefore !== undefined) jwt.setNotBefore(now + options.notBefore);
  return jwt.sign(key);
}

/** A fresh RSA key the issuer has never seen, with the issuer's kid (a key-substitution attempt). */
export async function foreignKey(kid: string | undefined): Promise<JWK> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  return { ...(await exportJWK(privateKey)), kid, alg: 'RS256' };
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An unsigned token (`alg: none`). */
export function unsignedToken(payload: Record<string, unknown>): string {
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`;
}

/** The classic confusion attack: HS256 with the issuer's public key as the HMAC secret. */
export async function hs256WithPublicKey(publicJwk: JWK, payload: Record<string, unknown>): Promise<string> {
  const secret = new TextEncoder().encode(JSON.stringify(publicJwk));
  return new SignJWT(payload).setProtectedHeader({ alg: 'HS256', kid: publicJwk.kid }).sign(secret);
}
