import { type FormEvent, useId, useRef, useState } from 'react';
import { CreateWorkspaceRequestSchema, type MeResponse } from '../../../../shared/contracts/index.ts';
import { describeError, isApiError } from '../../api/errors.ts';
import { useCreateWorkspace } from '../../api/queries.ts';
import { useAuthActions, useRefreshSession } from '../../auth/session.tsx';
import { useDocumentTitle } from '../../components/document-title.ts';

type Phase = 'form' | 'refreshing' | 'refresh_failed';

/**
 * First run: the signed-in user has no workspace yet. Creating one makes them its owner; the new tenant claim
 * only reaches the access token on the next token issue, so a successful create is followed by a refresh.
 */
export function CreateWorkspacePage({ me }: { me: MeResponse }) {
  const inputId = useId();
  const hintId = useId();
  const errorId = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const [name, setName] = useState('');
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [phase, setPhase] = useState<Phase>('form');
  const create = useCreateWorkspace();
  const refreshSession = useRefreshSession();
  const { startSignIn, startSignOut, pending } = useAuthActions();

  const busy = create.isPending || phase === 'refreshing';

  async function openWorkspace() {
    setPhase('refreshing');
    try {
      await refreshSession();
      // On success /me now has the workspace and the gate replaces this page with the shell.
    } catch {
      setPhase('refresh_failed');
    }
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    const parsed = CreateWorkspaceRequestSchema.safeParse({ name });
    if (!parsed.success) {
      setFieldError(parsed.error.issues[0]?.message ?? 'Enter a valid workspace name.');
      inputRef.current?.focus();
      return;
    }
    setFieldError(null);
    create.mutate(parsed.data, {
      onSuccess: () => void openWorkspace(),
      onError: (error) => {
        // Someone (another tab) already created it: the same refresh picks it up.
        if (isApiError(error) && error.code === 'workspace_exists') void openWorkspace();
      },
    });
  }

  const serverError = create.error && !(isApiError(create.error) && create.error.code === 'workspace_exists');

  useDocumentTitle('Create your workspace · PromptPulse');
  return (
    <div className="onboarding">
      <header className="onboarding-top">
        <p className="brand-mark">
          <span className="brand-dot" aria-hidden="true" /> PromptPulse
        </p>
        <div className="topbar-user">
          {me.email ? <span className="topbar-email">{me.email}</span> : null}
          <button
            type="button"
            className="button button--ghost"
            onClick={() => void startSignOut()}
            disabled={pending === 'signout'}
          >
            Sign out
          </button>
        </div>
      </header>
      <main className="onboarding-main" id="main">
        <section className="onboarding-card" aria-labelledby={`${inputId}-title`}>
          <h1 id={`${inputId}-title`}>Create your workspace</h1>
          <p className="muted">
            A workspace holds your brands, competitors, tracked prompts and everything PromptPulse learns about them.
            You will be its owner and can invite your team later.
          </p>

          {phase === 'refresh_failed' ? (
            <div className="notice" role="alert">
              <p>
                Your workspace was created, but your sign-in could not be refreshed to include it. Sign in again to open
                it.
              </p>
              <button
                type="button"
                className="button button--primary"
                onClick={() => void startSignIn('/actions')}
                disabled={pending === 'signin'}
              >
                Sign in again
              </button>
            </div>
          ) : (
            <form className="form" onSubmit={onSubmit} noValidate aria-busy={busy || undefined}>
              <div className="field">
                <label htmlFor={inputId}>Workspace name</label>
                <input
                  ref={inputRef}
                  id={inputId}
                  name="name"
                  type="text"
                  autoComplete="organization"
                  // biome-ignore lint/a11y/noAutofocus: the only field on a first-run screen
                  autoFocus
                  maxLength={200}
                  value={name}
                  onChange={(event) => {
                    setName(event.target.value);
                    if (fieldError) setFieldError(null);
                  }}
                  disabled={busy}
                  aria-invalid={fieldError ? true : undefined}
                  aria-describedby={fieldError ? `${hintId} ${errorId}` : hintId}
                />
                <p className="field-hint" id={hintId}>
                  Usually your company or brand name, 2–80 characters. You can change it later.
                </p>
                {fieldError ? (
                  <p className="field-error" id={errorId} role="alert">
                    {fieldError}
                  </p>
                ) : null}
              </div>
              {serverError ? (
                <div className="form-error" role="alert">
                  <p>{describeError(create.error)}</p>
                  {isApiError(create.error) && create.error.status ? (
                    <p className="muted">
                      Error code <code>{create.error.code}</code> (HTTP {create.error.status})
                    </p>
                  ) : null}
                </div>
              ) : null}
              <div className="form-actions">
                <button type="submit" className="button button--primary" disabled={busy}>
                  Create workspace
                </button>
                <span className="muted" aria-live="polite">
                  {create.isPending
                    ? 'Creating your workspace…'
                    : phase === 'refreshing'
                      ? 'Opening your workspace…'
                      : ''}
                </span>
              </div>
            </form>
          )}
        </section>
      </main>
    </div>
  );
}
