import { useEffect, useRef, useState } from 'react';
import { useAuth } from 'react-oidc-context';
import { useLocation } from 'react-router';
import { describeError, isApiError } from '../api/errors.ts';
import { useMe } from '../api/queries.ts';
import { SessionProvider, useAuthActions, useRefreshSession } from '../auth/session.tsx';
import { LoadingScreen, StatusScreen } from '../components/StatusScreen.tsx';
import { LandingPage } from '../features/landing/LandingPage.tsx';
import { CreateWorkspacePage } from '../features/onboarding/CreateWorkspacePage.tsx';
import { AppShell } from './AppShell.tsx';

type RefreshState = 'idle' | 'refreshing' | 'failed';

/**
 * Decides what a visitor sees: the landing page when signed out, the first-run screen when `/me` has no
 * workspace, otherwise the app shell. Every wait and every failure on the way has its own screen.
 */
export function SessionGate() {
  const auth = useAuth();
  const location = useLocation();
  const subject = auth.isAuthenticated ? auth.user?.profile.sub : undefined;
  const me = useMe(subject);
  const refreshSession = useRefreshSession();
  const { startSignIn, pending, error: actionError } = useAuthActions();
  const [refreshState, setRefreshState] = useState<RefreshState>('idle');
  const refreshAttempted = useRef<string | null>(null);
  const returnTo = `${location.pathname}${location.search}${location.hash}`;

  const needsRefresh = me.data?.tokenRefreshRequired === true;
  useEffect(() => {
    // The store knows a workspace the token does not carry yet: refresh the tokens once, then reload /me.
    if (!needsRefresh || !subject || refreshAttempted.current === subject) return;
    refreshAttempted.current = subject;
    setRefreshState('refreshing');
    refreshSession().then(
      () => setRefreshState('idle'),
      () => setRefreshState('failed'),
    );
  }, [needsRefresh, subject, refreshSession]);

  if (auth.isLoading && !auth.user) {
    return (
      <LoadingScreen
        label={auth.activeNavigator === 'signinRedirect' ? 'Redirecting to sign in…' : 'Checking your session…'}
      />
    );
  }

  if (!auth.isAuthenticated) {
    let notice: string | null = null;
    if (auth.error) notice = `Sign-in did not complete: ${auth.error.message}`;
    else if (auth.user?.expired) notice = 'Your session has expired. Sign in again to continue.';
    return <LandingPage returnTo={returnTo} notice={notice} />;
  }

  const signInAgain = (
    <button
      type="button"
      className="button button--primary"
      onClick={() => void startSignIn(returnTo)}
      disabled={pending === 'signin'}
    >
      Sign in again
    </button>
  );
  const actionErrorNote = actionError ? (
    <p className="form-error" role="alert">
      {actionError}
    </p>
  ) : null;

  if (me.error && (!me.data || (isApiError(me.error) && me.error.isUnauthenticated))) {
    const error = me.error;
    if (isApiError(error) && error.isUnauthenticated) {
      return (
        <StatusScreen title="Your session has ended" tone="error" actions={signInAgain}>
          <p>PromptPulse no longer accepts your sign-in (it may have expired or been revoked).</p>
          {actionErrorNote}
        </StatusScreen>
      );
    }
    const retry = (
      <button
        type="button"
        className="button button--primary"
        onClick={() => void me.refetch()}
        disabled={me.isFetching}
      >
        {me.isFetching ? 'Retrying…' : 'Try again'}
      </button>
    );
    if (isApiError(error) && error.isUnreachable) {
      return (
        <StatusScreen title="Can't reach PromptPulse" tone="error" actions={retry}>
          <p>{describeError(error)}</p>
          <p className="muted">
            If you are running locally, check that <code>npm start</code> is still running.
          </p>
        </StatusScreen>
      );
    }
    return (
      <StatusScreen title="Couldn't load your account" tone="error" actions={retry}>
        <p>{describeError(error)}</p>
        {isApiError(error) ? (
          <p className="muted">
            Error code <code>{error.code}</code>
            {error.status ? ` (HTTP ${error.status})` : ''}
          </p>
        ) : null}
      </StatusScreen>
    );
  }

  if (!me.data) return <LoadingScreen label="Loading your workspace…" />;

  if (needsRefresh) {
    if (refreshState === 'failed' || (refreshAttempted.current === subject && refreshState === 'idle')) {
      return (
        <StatusScreen title="Your sign-in needs refreshing" tone="error" actions={signInAgain}>
          <p>
            Your workspace exists, but your current sign-in does not include it yet and it could not be refreshed
            automatically. Signing in again fixes this.
          </p>
          {actionErrorNote}
        </StatusScreen>
      );
    }
    return <LoadingScreen label="Updating your session…" />;
  }

  if (!me.data.workspace) return <CreateWorkspacePage me={me.data} />;

  return (
    <SessionProvider session={{ me: me.data, workspace: me.data.workspace }}>
      <AppShell />
    </SessionProvider>
  );
}
