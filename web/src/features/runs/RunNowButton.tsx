import type { ReactNode } from 'react';
import { Link, useNavigate } from 'react-router';
import { describeMutationError, isApiError } from '../../api/errors.ts';
import { isTerminalRun, useRuns, useStartRun } from '../../api/queries.ts';
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
    body = (
      <p>
        Only one run per brand at a time. <ActiveRunLink brandId={brandId} />.
      </p>
    );
  } else if (code === 'spend_cap_exceeded') {
    title = 'This run would exceed a spend cap, so nothing was sent to any provider.';
    body = (
      <>
        <p>
          <strong>{message}</strong>
        </p>
        <SpendCapDetails details={details} />
        <p>
          {canManage ? (
            <Link to="/admin/providers">Review the spend caps in Admin → Providers &amp; budgets</Link>
          ) : (
            'An owner or admin can raise the cap in Admin → Providers & budgets.'
          )}
        </p>
      </>
    );
  } else if (code === 'model_retired') {
    title = 'A model in these settings has been retired, so nothing was sent to any provider.';
    body = (
      <p>
        <strong>{message}</strong>{' '}
        {canManage ? (
          <Link to="/admin/providers" onClick={() => selectBrand(brandId)}>
            Move it in Admin → Providers &amp; budgets
          </Link>
        ) : (
          'An owner or admin can move it in Admin → Providers & budgets.'
        )}
      </p>
    );
  } else if (code === 'nothing_to_run') {
    title = `${brandName} has nothing to run yet.`;
    const missing = detailString(details, 'missing');
    const follow = () => selectBrand(brandId);
    const prompts = canEditPrompts ? (
      <Link to="/admin/prompts" onClick={follow}>
        Admin → Prompt sets
      </Link>
    ) : (
      'Admin → Prompt sets'
    );
    const providers = canManage ? (
      <Link to="/admin/providers" onClick={follow}>
        Admin → Providers &amp; budgets
      </Link>
    ) : (
      'Admin → Providers & budgets'
    );
    body = (
      <>
        <p>{message}</p>
        <p>
          {missing === 'prompts' ? (
            <>Add tracked prompts in {prompts}.</>
          ) : missing === 'providers' ? (
            <>Enable at least one AI provider in {providers}.</>
          ) : (
            <>
              A run needs tracked prompts ({prompts}) and at least one enabled provider ({providers}).
            </>
          )}
          {!canManage && missing !== 'prompts' ? ' An owner or admin can change the providers.' : ''}
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

/** Links to the brand's running run when the history shows it, else to the brand's runs. */
function ActiveRunLink({ brandId }: { brandId: string }) {
  const runs = useRuns(brandId);
  const active = runs.data?.pages[0]?.items.find((r) => !isTerminalRun(r));
  return active ? (
    <Link to={`/runs/${encodeURIComponent(active.id)}`}>Open the running run</Link>
  ) : (
    <Link to={`/runs?brand=${encodeURIComponent(brandId)}`}>See its runs</Link>
  );
}

const CAP_LABEL: Record<string, { label: string; unit: 'usd' | 'calls' | 'tokens' }> = {
  callsPerDay: { label: 'Calls per day', unit: 'calls' },
  callsPerMonth: { label: 'Calls per month', unit: 'calls' },
  tokensPerDay: { label: 'Tokens per day', unit: 'tokens' },
  tokensPerMonth: { label: 'Tokens per month', unit: 'tokens' },
  usdPerDay: { label: 'USD per day', unit: 'usd' },
  usdPerMonth: { label: 'USD per month', unit: 'usd' },
};

function amount(unit: 'usd' | 'calls' | 'tokens', value: unknown): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '—';
  if (unit === 'usd') return `$${value.toFixed(value !== 0 && Math.abs(value) < 1 ? 4 : 2)}`;
  return `${new Intl.NumberFormat().format(value)} ${unit}`;
}

/** `details: {cap, limit, used, needed}` of a `spend_cap_exceeded` refusal, in words. */
function SpendCapDetails({ details }: { details: unknown }) {
  if (typeof details !== 'object' || details === null || Array.isArray(details)) return null;
  const d = details as Record<string, unknown>;
  const cap = typeof d['cap'] === 'string' ? d['cap'] : null;
  if (!cap) return null;
  const known = CAP_LABEL[cap] ?? { label: cap, unit: 'calls' as const };
  return (
    <dl className="error-facts" data-testid="spend-cap-details">
      <div>
        <dt>Cap</dt>
        <dd>{known.label}</dd>
      </div>
      <div>
        <dt>Limit</dt>
        <dd>{amount(known.unit, d['limit'])}</dd>
      </div>
      <div>
        <dt>Used so far</dt>
        <dd>{amount(known.unit, d['used'])}</dd>
      </div>
      <div>
        <dt>This run needs about</dt>
        <dd>{amount(known.unit, d['needed'])}</dd>
      </div>
    </dl>
  );
}
