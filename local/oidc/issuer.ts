import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { MAX_ACCESS_TOKEN_LIFETIME_SECONDS } from '#shared/domain/access-token-rules.ts';
import { TENANT_CLAIM } from '#shared/infra/resources.ts';
import type { RateRule } from '#shared/ports/rate-limiter.ts';
import { MemoryRateLimiter } from '../../functions/adapters/memory-rate-limiter.ts';
import type { LocalUser, LocalUserStore } from './user-store.ts';

/** Claims the production pre-token-generation trigger would add for a user. */
export type TenantClaimsResolver = (user: LocalUser) => Promise<{ claims: Record<string, string>; groups: string[] }>;

export interface LocalIssuerOptions {
  /** Public issuer URL including its mount path, e.g. `http://localhost:4000/oidc`. */
  issuer: string;
  clientId: string;
  /** Origins allowed to receive the code (`<origin>/auth/callback`) and to come back after logout. */
  appOrigins: string[];
  /** Where the signing key and cookie secret persist; null keeps them in memory (tokens die on restart). */
  dataDir: string | null;
  users: LocalUserStore;
  tenantClaims: TenantClaimsResolver;
  /** Access/ID token lifetime in seconds. @default 3600 (Cognito's default) */
  accessTokenTtlSeconds?: number;
  /** Brute-force limits (failed attempts per window). @default {@link DEFAULT_SIGN_IN_THROTTLE} */
  throttle?: SignInThrottle;
}

/** Failed attempts allowed per window before further attempts get 429 (Cognito's threat protection does this in AWS). */
export interface SignInThrottle {
  /** Wrong passwords per account (email). */
  perAccount: RateRule;
  /** Wrong passwords and refused token requests per client IP. */
  perIp: RateRule;
}

export const DEFAULT_SIGN_IN_THROTTLE: SignInThrottle = {
  perAccount: { limit: 5, windowSeconds: 15 * 60 },
  perIp: { limit: 50, windowSeconds: 15 * 60 },
};

export interface LocalIssuer {
  /** Serves every path under the issuer's mount path (`/oidc/...`). */
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** The public signing key set, as served at the JWKS endpoint. */
  jwksUri: string;
  /** The private signing key (for tests that must forge or mint tokens). */
  signingKey: JWK;
}

/** Resource indicator of the API; access tokens for it are RS256 JWTs shaped like Cognito's. */
export const API_RESOURCE = 'urn:promptpulse:api';
const OIDC_SCOPES = 'openid email profile offline_access';

async function loadOrCreateSecrets(dataDir: string | null): Promise<{ signingKey: JWK; cookieKey: string }> {
  const file = dataDir ? join(dataDir, 'oidc-secrets.json') : null;
  if (file && existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  const { privateKey } = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 });
  const signingKey = {
    ...(await exportJWK(privateKey)),
    kid: randomBytes(8).toString('hex'),
    alg: 'RS256',
    use: 'sig',
  };
  const secrets = { signingKey, cookieKey: randomBytes(32).toString('base64url') };
  if (file && dataDir) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(secrets), { mode: 0o600 });
  }
  return secrets;
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function loginPage(action: string, error: string | null, email = ''): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in · PromptPulse (local)</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;background:#f4f5f7;display:grid;place-items:center;min-height:100vh;margin:0}
main{background:#fff;padding:2rem 2.5rem;border-radius:12px;box-shadow:0 2px 12px #0001;width:min(360px,90vw)}
h1{font-size:1.3rem;margin:0 0 .25rem}p{color:#555;margin:.25rem 0 1.25rem;font-size:.9rem}
label{display:block;font-size:.85rem;margin:.75rem 0 .25rem}input{width:100%;box-sizing:border-box;padding:.55rem;border:1px solid #bbb;border-radius:6px;font-size:1rem}
button{margin-top:1.25rem;width:100%;padding:.65rem;border:0;border-radius:6px;background:#3b3bd6;color:#fff;font-size:1rem;cursor:pointer}
.error{color:#b00020;background:#fde7ea;padding:.5rem .75rem;border-radius:6px}</style></head>
<body><main><h1>Sign in to PromptPulse</h1><p>Local identity provider (stands in for Amazon Cognito).</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="${escapeHtml(action)}" autocomplete="on">
<label for="email">Email</label><input id="email" name="email" type="email" required autofocus value="${escapeHtml(email)}">
<label for="password">Password</label><input id="password" name="password" type="password" required>
<button type="submit">Sign in</button></form></main></body></html>`;
}

async function readForm(req: IncomingMessage, limitBytes = 16 * 1024): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limitBytes) throw new Error('form too large');
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/**
 * A local OpenID Connect issuer built on `oidc-provider`, standing in for a Cognito user pool: authorization
 * code + PKCE for the SPA, refresh tokens, RP-initiated logout, and RS256 JWT access tokens carrying Cognito's
 * claims (`token_use`, `client_id`, `username`, `cognito:groups`) plus the tenant claim, which it gets from the
 * same code the production pre-token-generation trigger runs.
 */
export async function createLocalIssuer(options: LocalIssuerOptions): Promise<LocalIssuer> {
  const { signingKey, cookieKey } = await loadOrCreateSecrets(options.dataDir);
  const ttl = options.accessTokenTtlSeconds ?? 3600;
  // The issuer obeys the same rules its tokens are checked against (shared/domain/access-token-rules.ts).
  if (!(ttl > 0 && ttl <= MAX_ACCESS_TOKEN_LIFETIME_SECONDS)) {
    throw new Error(`accessTokenTtlSeconds must be between 1 and ${MAX_ACCESS_TOKEN_LIFETIME_SECONDS}`);
  }
  const mountPath = new URL(options.issuer).pathname.replace(/\/$/, '');

  const claimsFor = async (sub: string) => {
    const user = options.users.findBySub(sub);
    if (!user) return null;
    return { user, tenant: await options.tenantClaims(user) };
  };

  const configuration: Configuration = {
    clients: [
      {
        client_id: options.clientId,
        token_endpoint_auth_method: 'none',
        application_type: 'web',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: options.appOrigins.map((origin) => `${origin}/auth/callback`),
        post_logout_redirect_uris: options.appOrigins.map((origin) => `${origin}/`),
      },
    ],
    jwks: { keys: [signingKey as never] },
    cookies: { keys: [cookieKey] },
    scopes: ['openid', 'email', 'profile', 'offline_access'],
    claims: {
      openid: ['sub', 'token_use', 'cognito:username', 'cognito:groups', TENANT_CLAIM],
      email: ['email', 'email_verified'],
      profile: ['name'],
    },
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    ttl: {
      AccessToken: ttl,
      IdToken: ttl,
      AuthorizationCode: 300,
      Interaction: 900,
      Session: 14 * 24 * 3600,
      Grant: 30 * 24 * 3600,
      RefreshToken: 30 * 24 * 3600,
    },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        // Cognito's /logout ends the session without asking; do the same (submit the form with logout=yes).
        logoutSource: async (ctx, form) => {
          ctx.type = 'html';
          ctx.body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Signing out…</title></head><body>
${form}<input type="hidden" form="op.logoutForm" name="logout" value="yes">
<noscript><button type="submit" form="op.logoutForm">Sign out</button></noscript>
<p>Signing out…</p><script>document.getElementById('op.logoutForm').submit();</script></body></html>`;
        },
        postLogoutSuccessSource: async (ctx) => {
          ctx.type = 'html';
          ctx.body =
            '<!doctype html><title>Signed out</title><p>You are signed out. <a href="/">Back to PromptPulse</a></p>';
        },
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => API_RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: 'openid email profile',
          audience: options.clientId,
          accessTokenTTL: ttl,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
    // The SPA is first-party: sign-in alone grants its scopes, as a Cognito app client does.
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const session = ctx.oidc.session;
      const client = ctx.oidc.client;
      if (!session?.accountId || !client) return undefined;
      const existing = session.grantIdFor(client.clientId);
      if (existing) {
        const grant = await ctx.oidc.provider.Grant.find(existing);
        if (grant) return grant;
      }
      const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope(OIDC_SCOPES);
      grant.addResourceScope(API_RESOURCE, 'openid email profile');
      await grant.save();
      session.grantIdFor(client.clientId, grant.jti);
      return grant;
    },
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    findAccount: async (_ctx, sub) => {
      const found = await claimsFor(sub);
      if (!found) return undefined;
      return {
        accountId: sub,
        claims: async () => ({
          sub,
          token_use: 'id',
          'cognito:username': found.user.email,
          'cognito:groups': found.tenant.groups,
          email: found.user.email,
          email_verified: true,
          name: found.user.name,
          ...found.tenant.claims,
        }),
      };
    },
    // Runs at every access-token issue and refresh: the tenant claim follows the user's current membership.
    extraTokenClaims: async (_ctx, token) => {
      const sub = 'accountId' in token ? token.accountId : undefined;
      const found = sub ? await claimsFor(sub) : null;
      if (!found) return {};
      return {
        token_use: 'access',
        client_id: options.clientId,
        username: found.user.email,
        'cognito:groups': found.tenant.groups,
        ...found.tenant.claims,
      };
    },
    interactions: { url: (_ctx, interaction) => `${mountPath}/interaction/${interaction.uid}` },
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = `<!doctype html><title>Sign-in error</title><h1>Sign-in error</h1><p>${escapeHtml(
        String(out.error_description ?? out.error),
      )}</p><p><a href="/">Back to PromptPulse</a></p>`;
    },
  };

  // Brute-force throttling: failures are counted per account and per IP; once either is over its limit, attempts are
  // refused with 429 and Retry-After before the password is even checked, so the right password does not help.
  const throttle = options.throttle ?? DEFAULT_SIGN_IN_THROTTLE;
  const failures = new MemoryRateLimiter();
  const clientIp = (req: IncomingMessage) => req.socket.remoteAddress ?? 'unknown';
  const blockedFor = (req: IncomingMessage, email: string | null) => {
    const now = new Date();
    const checks = [failures.isBlocked(`ip|${clientIp(req)}`, throttle.perIp, now)];
    if (email !== null) checks.push(failures.isBlocked(`account|${email}`, throttle.perAccount, now));
    const refused = checks.filter((c) => !c.allowed);
    return refused.length > 0 ? Math.max(...refused.map((c) => c.retryAfterSeconds)) : 0;
  };
  const recordFailure = (req: IncomingMessage, email: string | null) => {
    const now = new Date();
    failures.hitSync(`ip|${clientIp(req)}`, throttle.perIp, now);
    if (email !== null) failures.hitSync(`account|${email}`, throttle.perAccount, now);
  };

  const provider = new Provider(options.issuer, configuration);
  provider.proxy = false;
  const callback = provider.callback();

  const interactionRoute = /^\/interaction\/([\w-]+)(\/login)?$/;

  const handleInteraction = async (req: IncomingMessage, res: ServerResponse, uid: string, isLogin: boolean) => {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) throw new Error('interaction mismatch');
    const action = `${mountPath}/interaction/${uid}/login`;
    if (!isLogin || req.method !== 'POST') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(loginPage(action, null));
      return;
    }
    const form = await readForm(req);
    const email = form.get('email') ?? '';
    const account = email.trim().toLowerCase();
    const wait = blockedFor(req, account);
    if (wait > 0) {
      res.writeHead(429, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'retry-after': String(wait),
      });
      res.end(
        loginPage(action, `Too many failed sign-in attempts. Try again in ${Math.ceil(wait / 60)} minutes.`, email),
      );
      return;
    }
    const user = options.users.authenticate(email, form.get('password') ?? '');
    if (!user) {
      recordFailure(req, account);
      res.writeHead(401, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(loginPage(action, 'Incorrect email or password.', email));
      return;
    }
    failures.reset(`account|${account}`);
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: user.sub } },
      { mergeWithLastSubmission: false },
    );
  };

  return {
    signingKey,
    jwksUri: `${options.issuer}/jwks`,
    handle(req, res) {
      const originalUrl = req.url ?? '/';
      const innerUrl = originalUrl.slice(mountPath.length) || '/';
      const interaction = innerUrl.split('?')[0]?.match(interactionRoute);
      if (interaction?.[1]) {
        handleInteraction(req, res, interaction[1], Boolean(interaction[2])).catch(() => {
          if (!res.headersSent) {
            res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' });
            res.end(
              '<!doctype html><title>Sign-in expired</title><p>This sign-in attempt has expired. <a href="/">Start again</a>.</p>',
            );
          }
        });
        return;
      }
      if (innerUrl.split('?')[0] === '/token') {
        // The token endpoint: refused grants (guessed codes, refresh tokens) count against the IP.
        const wait = blockedFor(req, null);
        if (wait > 0) {
          res.writeHead(429, {
            'content-type': 'application/json',
            'cache-control': 'no-store',
            'retry-after': String(wait),
          });
          res.end(JSON.stringify({ error: 'slow_down', error_description: 'Too many failed token requests' }));
          return;
        }
        res.once('finish', () => {
          if (res.statusCode === 400 || res.statusCode === 401) recordFailure(req, null);
        });
      }
      // oidc-provider derives its mount path from originalUrl minus url, as under express' app.use('/oidc', ...).
      Object.assign(req, { originalUrl, url: innerUrl });
      callback(req, res);
    },
  };
}
