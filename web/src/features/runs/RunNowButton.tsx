import type { ReactNode } from 'react';
import { Link, useNavigate } from 'react-router';
import { describeMutationError, isApiError } from '../../api/errors.ts';
import { useStartRun } from '../../api/queries.ts';
import { usePermissions } from '../../auth/permissions.ts';
import { useCurrentBrand } from '../brands/current-brand.tsx';

/**
 * "Run now" for one brand: starts a manual run and opens its live view. Hidden for roles that may not start
 * runs (viewers). Refusals are explained where the user can act on them: a run already going (link to it), a
 * spend cap that would be exceeded (which cap), nothing to run (links to prompt sets and providers).
 */
export function RunNowButton({
  brandId,
  brandName,
  small = false,
  nameInLabel = false,
}: {
  brandId: string;
  brandName: string;
  small?: boolean;
  /** In lists with several brands the accessible name says which one ("Run now for Acme"). */
  nameInLabel?: boolean;
}) {
  const { canRun } = usePermissions();
  const startRun = useStartRun();
  const navigate = useNavigate();
  if (!canRun) return null;
  return (
    <div className="run-now">
      <button
        type="button"
        className={`button button--primary ${small ? 'button--small' : ''}`}
        aria-label={nameInLabel ? `Run now for ${brandName}` : undefined}
        disabled={startRun.isPending}
        onClick={() =>
          startRun.mutate(brandId, {
            onSuccess: (started) => void navigate(`/runs/${encodeURIComponent(started.runId)}`),
          })
        }
      >
        {startRun.isPending ? 'Starting…' : 'Run now'}
      </button>
      {startRun.error ? (
        <StartRunError error={startRun.error} brandId={brandId} brandName={brandName} onDismiss={startRun.reset} />
      ) : null}
    </div>
  );
}

function StartRunError({
  error,
  brandId,
  brandName,
  onDismiss,
}: {
  error: unknown;
  brandId: string;
  brandName: string;
  onDismiss: () => void;
}) {
  const { canManage, canEditPrompts } = usePermissions();
  const { selectBrand } = useCurrentBrand();
  const code = isApiError(error) ? error.code : null;
  const message = isApiError(error) ? error.message : describeMutationError(error);
  const details = isApiError(error) ? error.details : undefined;
  let title = `${brandName} was not run.`;
  let body: ReactNode = <p>{describeMutationError(error)}</p>;

  if (code === 'run_in_progress') {
    title = `A run of ${brandName} is already in progress.`;
    const runId = detailString(details, 'runId');
    body = (
      <p>
        Only one run per brand at a time.{' '}
        {runId ? (
          <Link to={`/runs/${encodeURIComponent(runId)}`}>Open the running run</Link>
        ) : (
          <Link to={`/runs?brand=${encodeURIComponent(brandId)}`}>See its runs</Link>
        )}
        .
      </p>
    );
  } else if (code === 'spend_cap_exceeded') {
    title = 'This run would exceed a spend cap, so nothing was sent to any provider.';
    body = (
      <>
        <p>
          <strong>{message}</strong>
        </p>
        <DetailsList details={details} />
        <p>
          {canManage ? (
            <Link to="/admin/providers">Review the spend caps in Admin → Providers &amp; budgets</Link>
          ) : (
            'An owner or admin can raise the cap in Admin → Providers & budgets.'
          )}
        </p>
      </>
    );
  } else if (code === 'nothing_to_run') {
    title = `${brandName} has nothing to run yet.`;
    const follow = () => selectBrand(brandId);
    body = (
      <>
        <p>{message}</p>
        <p>
          A run needs tracked prompts and at least one enabled provider:{' '}
          {canEditPrompts ? (
            <Link to="/admin/prompts" onClick={follow}>
              Admin → Prompt sets
            </Link>
          ) : (
            'Admin → Prompt sets'
          )}
          {' · '}
          {canManage ? (
            <Link to="/admin/providers" onClick={follow}>
              Admin → Providers &amp; budgets
            </Link>
          ) : (
            'Admin → Providers & budgets'
          )}
          .
        </p>
      </>
    );
  }

  return (
    <div className="form-error run-now-error" role="alert">
      <p className="form-error-title">{title}</p>
      {body}
      {isApiError(error) && error.status ? (
        <p className="muted small">
          Error code <code>{error.code}</code> (HTTP {error.status})
        </p>
      ) : null}
      <button type="button" className="button button--ghost button--small" onClick={onDismiss}>
        Dismiss
      </button>
    </div>
  );
}

function detailString(details: unknown, key: string): string | null {
  if (typeof details !== 'object' || details === null || Array.isArray(details)) return null;
  const value = (details as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : null;
}

function humanize(key: string): string {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1).toLowerCase();
}

function showValue(key: string, value: unknown): string {
  if (typeof value === 'number' && /usd|cost|spend|cap|limit|amount/i.test(key)) {
    return `$${value.toFixed(value < 1 ? 4 : 2)}`;
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** The error's details (e.g. which cap, its limit, spent so far, this run's estimate) as plain facts. */
function DetailsList({ details }: { details: unknown }) {
  if (details === null || details === undefined) return null;
  if (Array.isArray(details)) {
    const lines = details.map((d) =>
      typeof d === 'object' && d !== null && 'message' in d
        ? String((d as { message: unknown }).message)
        : showValue('', d),
    );
    return (
      <ul className="form-error-list">
        {lines.map((line, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: static list of server messages
          <li key={i}>{line}</li>
        ))}
      </ul>
    );
  }
  if (typeof details !== 'object') return <p>{String(details)}</p>;
  const entries = Object.entries(details as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return null;
  return (
    <dl className="error-facts">
      {entries.map(([key, value]) => (
        <div key={key}>
          <dt>{humanize(key)}</dt>
          <dd>{showValue(key, value)}</dd>
        </div>
      ))}
    </dl>
  );
}
