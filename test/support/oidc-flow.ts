import { createHash, randomBytes } from 'node:crypto';

/** Tokens returned by the issuer's token endpoint. */
export interface TokenSet {
  access_token: string;
  id_token: string;
  refresh_token?: string;
  expires_in: number;
  token_type: string;
}

class CookieJar {
  private readonly cookies = new Map<string, string>();
  store(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const index = pair?.indexOf('=') ?? -1;
      if (!pair || index < 0) continue;
      this.cookies.set(pair.slice(0, index).trim(), pair.slice(index + 1).trim());
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

const base64url = (buffer: Buffer) => buffer.toString('base64url');

/**
 * Signs a user in against the local issuer over real HTTP, the way the SPA does: authorization code with PKCE,
 * the issuer's own login form, then the token endpoint. Throws with the step that failed.
 */
export async function signInWithPassword(
  baseUrl: string,
  email: string,
  password: string,
  clientId = 'promptpulse-web',
): Promise<TokenSet> {
  const jar = new CookieJar();
  const redirectUri = `${baseUrl}/auth/callback`;
  const verifier = base64url(randomBytes(32));
  const challenge = base64url(createHash('sha256').update(verifier).digest());
  const state = base64url(randomBytes(12));
  const go = async (url: string, init: RequestInit = {}) => {
    const response = await fetch(new URL(url, baseUrl), {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), cookie: jar.header() },
    });
    jar.store(response);
    return response;
  };

  const authorize = new URL('/oidc/auth', baseUrl);
  for (const [k, v] of Object.entries({
    client_id: clientId,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: 'openid email profile offline_access',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state,
    nonce: base64url(randomBytes(12)),
  })) {
    authorize.searchParams.set(k, v);
  }
  let response = await go(authorize.toString());
  const interaction = response.headers.get('location');
  if (!interaction?.includes('/interaction/')) throw new Error(`authorize did not ask for login (${response.status})`);
  response = await go(`${interaction}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, password }).toString(),
  });
  if (response.status === 401) throw new Error(`login refused for ${email}`);
  let location = response.headers.get('location');
  for (let hops = 0; location && !location.startsWith(redirectUri) && hops < 5; hops++) {
    response = await go(location);
    location = response.headers.get('location');
  }
  if (!location?.startsWith(redirectUri)) throw new Error(`no redirect back to the app (${response.status})`);
  const callback = new URL(location);
  if (callback.searchParams.get('state') !== state) throw new Error('state mismatch');
  const code = callback.searchParams.get('code');
  if (!code) throw new Error(`no code: ${callback.searchParams.get('error_description') ?? location}`);

  const token = await fetch(new URL('/oidc/token', baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      client_id: clientId,
      code_verifier: verifier,
    }).toString(),
  });
  if (!token.ok) throw new Error(`token endpoint: ${token.status} ${await token.text()}`);
  return (await token.json()) as TokenSet;
}

/** Uses a refresh token, as the SPA's silent renew does, to get tokens that reflect the current membership. */
export async function refreshTokens(
  baseUrl: string,
  refreshToken: string,
  clientId = 'promptpulse-web',
): Promise<TokenSet> {
  const response = await fetch(new URL('/oidc/token', baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: clientId,
    }).toString(),
  });
  if (!response.ok) throw new Error(`refresh: ${response.status} ${await response.text()}`);
  return (await response.json()) as TokenSet;
}

/** Decodes a JWT payload without verifying it (tests only). */
export function decodeJwt(token: string): Record<string, unknown> {
  const payload = token.split('.')[1];
  if (!payload) throw new Error('not a JWT');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
}
