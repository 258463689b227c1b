import { hasAuthParams, useAuth } from 'react-oidc-context';
import { Link, Navigate } from 'react-router';
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
  if (!auth.isLoading && !hasAuthParams()) return <Navigate to="/" replace />;
  return <LoadingScreen label="Completing sign-in…" />;
}
