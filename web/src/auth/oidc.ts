import { UserManager, WebStorageStateStore } from 'oidc-client-ts';
import type { ClientConfig } from '../../../shared/contracts/index.ts';

export const CALLBACK_PATH = '/auth/callback';

/** What we carry through the identity provider round trip in the OIDC `state`. */
export interface SigninState {
  returnTo: string;
}

/**
 * One UserManager per page load, built from `/config.json`. Works against the local issuer and against a
 * Cognito user pool authority alike: both publish discovery; only sign-out differs (see {@link signOut}).
 */
export function createUserManager(config: ClientConfig, origin: string = window.location.origin): UserManager {
  return new UserManager({
    authority: config.auth.authority,
    client_id: config.auth.clientId,
    scope: config.auth.scope,
    response_type: 'code',
    redirect_uri: `${origin}${CALLBACK_PATH}`,
    post_logout_redirect_uri: `${origin}/`,
    // Tokens live for the tab's session only; nothing survives closing the browser tab.
    userStore: new WebStorageStateStore({ store: window.sessionStorage }),
    automaticSilentRenew: true,
    // The API's /me is the source of truth for the profile; skip the extra userinfo round trip.
    loadUserInfo: false,
  });
}

/**
 * Only same-origin paths are accepted as post-sign-in destinations, so a crafted `state` cannot bounce the
 * user to another site; the callback path itself is never a destination.
 */
export function safeReturnTo(state: unknown): string {
  const returnTo =
    typeof state === 'object' && state !== null && 'returnTo' in state
      ? (state as { returnTo: unknown }).returnTo
      : null;
  if (typeof returnTo !== 'string') return '/';
  if (!returnTo.startsWith('/') || returnTo.startsWith('//') || returnTo.startsWith('/\\')) return '/';
  if (returnTo === CALLBACK_PATH || returnTo.startsWith(`${CALLBACK_PATH}?`)) return '/';
  return returnTo;
}

/** Starts the authorization-code + PKCE redirect, remembering where to come back to. */
export function signIn(userManager: UserManager, returnTo: string): Promise<void> {
  const state: SigninState = { returnTo: safeReturnTo({ returnTo }) };
  return userManager.signinRedirect({ state });
}

/**
 * Signs out. With `auth.logoutUrl` (Cognito hosted UI, which has no end_session_endpoint in discovery) the
 * local user is removed first, then the browser goes to the logout URL with `client_id` and `logout_uri`.
 * Otherwise the issuer's end_session_endpoint is used; if the issuer has none, the local sign-out stands.
 */
export async function signOut(userManager: UserManager, config: ClientConfig, origin = window.location.origin) {
  const postLogout = `${origin}/`;
  if (config.auth.logoutUrl) {
    await userManager.removeUser();
    const url = new URL(config.auth.logoutUrl);
    url.searchParams.set('client_id', config.auth.clientId);
    url.searchParams.set('logout_uri', postLogout);
    window.location.assign(url.toString());
    return;
  }
  try {
    await userManager.signoutRedirect({ post_logout_redirect_uri: postLogout });
  } catch {
    await userManager.removeUser();
    window.location.assign(postLogout);
  }
}

/**
 * Access tokens for the API client. `refresh` uses the refresh token (`signinSilent`) and is shared between
 * concurrent callers so a burst of 401s triggers one token request, not one each.
 */
export function createTokenSource(userManager: UserManager) {
  let inFlight: Promise<string | null> | null = null;
  return {
    async current(): Promise<string | null> {
      const user = await userManager.getUser();
      return user && !user.expired ? user.access_token : null;
    },
    refresh(): Promise<string | null> {
      inFlight ??= (async () => {
        try {
          const user = await userManager.getUser();
          if (!user?.refresh_token) return null;
          const renewed = await userManager.signinSilent();
          return renewed?.access_token ?? null;
        } finally {
          inFlight = null;
        }
      })();
      return inFlight;
    },
  };
}
