import { hasAuthParams, useAuth } from 'react-oidc-context';
import { Link, Navigate } from 'react-router';
import { CALLBACK_PATH } from '../../auth/oidc.ts';
import { useAuthActions } from '../../auth/session.tsx';
import { LoadingScreen, StatusScreen } from '../../components/StatusScreen.tsx';

/**
 * `/auth/callback`: AuthProvider exchanges the code on load and `onSigninCallback` navigates to where the user
 * started. This page covers the wait, a failed exchange, and a stale visit without code/state.
 */
export function AuthCallbackPage() {
  const auth = useAuth();
  const { startSignIn, pending, error } = useAuthActions();

  if (auth.error) {
    return (
      <StatusScreen
        title="Sign-in did not complete"
        tone="error"
        actions={
          <>
            <button
              type="button"
              className="button button--primary"
              onClick={() => void startSignIn('/')}
              disabled={pending === 'signin'}
            >
              Sign in
            </button>
            <Link className="button button--ghost" to="/" replace>
              Back to start
            </Link>
          </>
        }
      >
        <p>{auth.error.message}</p>
        {error ? (
          <p className="form-error" role="alert">
            {error}
          </p>
        ) : null}
      </StatusScreen>
    );
  }
  // A stale visit (no code/state, e.g. a reload after sign-in) goes to the start. Right after a successful
  // exchange the browser is already on the destination while this page may render once more: leave it be.
  const stale = !auth.isLoading && !hasAuthParams() && window.location.pathname === CALLBACK_PATH;
  if (stale) return <Navigate to="/" replace />;
  return <LoadingScreen label="Completing sign-in…" />;
}
