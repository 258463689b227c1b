import { useAuthActions } from '../../auth/session.tsx';
import { useDocumentTitle } from '../../components/document-title.ts';

/** What a signed-out visitor sees, on any path: what PromptPulse is and a way in. */
export function LandingPage({ returnTo, notice }: { returnTo: string; notice?: string | null }) {
  const { startSignIn, pending, error } = useAuthActions();
  const redirecting = pending === 'signin';
  useDocumentTitle('Sign in · PromptPulse');
  return (
    <main className="landing" aria-busy={redirecting || undefined}>
      <div className="landing-card">
        <p className="brand-mark">
          <span className="brand-dot" aria-hidden="true" /> PromptPulse
        </p>
        <h1>See how AI assistants talk about your brand</h1>
        <p className="landing-lead">
          PromptPulse asks the AI assistants your customers use about your market, listens to the social web, and turns
          what it finds into prioritized, evidence-backed actions.
        </p>
        {notice ? (
          <p className="notice" role="alert">
            {notice}
          </p>
        ) : null}
        <button
          type="button"
          className="button button--primary button--large"
          onClick={() => void startSignIn(returnTo)}
          disabled={redirecting}
        >
          Sign in
        </button>
        <p className="muted" aria-live="polite">
          {redirecting ? 'Taking you to the sign-in page…' : 'You will be taken to your organisation’s sign-in page.'}
        </p>
        {error ? (
          <p className="form-error" role="alert">
            {error}
          </p>
        ) : null}
      </div>
    </main>
  );
}
