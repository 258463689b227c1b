import { Link, Navigate, useLocation, useSearchParams } from 'react-router';
import {
  ACTION_SORTS,
  ACTION_STATUSES,
  ACTION_TYPES,
  type Action,
  type ActionStatus,
  type ActionType,
} from '../../../../shared/contracts/actions.ts';
import { usePermissions } from '../../auth/permissions.ts';
import { useSession } from '../../auth/session.tsx';
import { ErrorBanner, QueryState } from '../../components/forms.tsx';
import { EmptyState, PageHeader } from '../../components/Page.tsx';
import { useCurrentBrand } from '../brands/current-brand.tsx';
import { RunNowButton } from '../runs/RunNowButton.tsx';
import { type ActionFilters, useActions, useGenerateActions } from './actions-api.ts';
import './actions.css';
import { Term } from '../../components/Term.tsx';

export const TYPE_LABELS: Record<ActionType, string> = {
  content_gap: 'Content gap',
  competitor_gap: 'Competitor gap',
  negative_sentiment: 'Negative sentiment',
  source_opportunity: 'Source opportunity',
  owned_content_citation: 'Owned-content citation',
  data_quality: 'Data quality',
};
export const STATUS_LABELS: Record<ActionStatus, string> = {
  open: 'Open',
  in_progress: 'In progress',
  done: 'Done',
  dismissed: 'Dismissed',
};
const SORT_LABELS = { priority: 'Priority', newest: 'Newest', due: 'Due date' } as const;

export function UrgencyBadge({ urgency }: { urgency: Action['urgency'] }) {
  return <span className={`action-urgency action-urgency--${urgency}`}>{urgency} urgency</span>;
}

export function OutcomeBadge({ outcome }: { outcome: Action['outcome'] }) {
  if (!outcome) return null;
  const label = {
    pending: 'Outcome pending',
    effective: 'Effective',
    not_effective: 'Not effective',
    inconclusive: 'Inconclusive',
  }[outcome.status];
  return (
    <span className={`action-outcome action-outcome--${outcome.status}`} data-testid="action-outcome">
      {label}
    </span>
  );
}

/** The Action Hub: ranked actions of the workspace with filters in the URL; new ones arrive by push. */
export function ActionHubPage() {
  const { brands, brand } = useCurrentBrand();
  const { canManage, canRun, role } = usePermissions();
  const session = useSession();
  const location = useLocation();
  const [params, setParams] = useSearchParams();
  const justFinished = (location.state as { setupComplete?: string } | null)?.setupComplete;
  const filters: ActionFilters = {
    brandId: brand?.id,
    type: (ACTION_TYPES as readonly string[]).includes(params.get('type') ?? '')
      ? (params.get('type') as ActionType)
      : undefined,
    status: (ACTION_STATUSES as readonly string[]).includes(params.get('status') ?? '')
      ? (params.get('status') as ActionStatus)
      : undefined,
    owner: params.get('owner') === 'me' ? session.me.userId : params.get('owner') === 'none' ? 'none' : undefined,
    sort: (ACTION_SORTS as readonly string[]).includes(params.get('sort') ?? '')
      ? (params.get('sort') as ActionFilters['sort'])
      : 'priority',
  };
  const actions = useActions(filters);
  const generate = useGenerateActions();

  // A workspace without any brand starts with the setup wizard (for those who may create brands).
  if (brands && brands.length === 0 && canManage) return <Navigate to="/setup" replace />;

  const setFilter = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  const items = actions.data?.items ?? [];

  return (
    <>
      <PageHeader
        title="Action Hub"
        description="Prioritized, evidence-backed things to do about how AI assistants and the social web describe your brand."
      >
        {brand && canRun ? (
          <button
            type="button"
            className="button button--ghost"
            onClick={() => generate.mutate(brand.id)}
            disabled={generate.isPending}
          >
            {generate.isPending ? 'Checking…' : 'Check for new actions'}
          </button>
        ) : null}
        {brand ? <RunNowButton brandId={brand.id} brandName={brand.name} /> : null}
      </PageHeader>
      {justFinished ? (
        <p className="notice notice--success" role="status">
          <strong>{justFinished}</strong> is set up. <strong>Run now</strong> collects the first answers (or wait for
          the schedule); actions appear here once they are analysed.
        </p>
      ) : null}
      {brands && brands.length === 0 && !canManage ? (
        <p className="notice">No brand has been set up in this workspace yet. An owner or admin can add one.</p>
      ) : null}
      {brand && brand.promptSetVersion === 0 ? (
        <p className="notice">
          <strong>{brand.name}</strong> has no tracked prompts yet. <Link to="/admin/prompts">Add prompts</Link> so runs
          have something to ask.
        </p>
      ) : null}
      <ErrorBanner error={generate.error} title="Could not check for new actions" />
      {generate.data ? (
        <p className="notice" role="status" data-testid="generate-result">
          {generate.data.created} new, {generate.data.updated} refreshed
          {generate.data.insufficientData.length > 0
            ? `; ${generate.data.insufficientData.length} check(s) skipped for too little data`
            : ''}
          .
        </p>
      ) : null}

      <fieldset className="toolbar action-filters">
        <legend className="visually-hidden">Filter actions</legend>
        <label className="field">
          <span>Type</span>
          <select value={filters.type ?? ''} onChange={(e) => setFilter('type', e.target.value)}>
            <option value="">All types</option>
            {ACTION_TYPES.map((t) => (
              <option key={t} value={t}>
                {TYPE_LABELS[t]}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Status</span>
          <select value={filters.status ?? ''} onChange={(e) => setFilter('status', e.target.value)}>
            <option value="">Any status</option>
            {ACTION_STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Owner</span>
          <select value={params.get('owner') ?? ''} onChange={(e) => setFilter('owner', e.target.value)}>
            <option value="">Anyone</option>
            <option value="me">Me</option>
            <option value="none">Unassigned</option>
          </select>
        </label>
        <label className="field">
          <span>Sort</span>
          <select value={filters.sort} onChange={(e) => setFilter('sort', e.target.value)}>
            {ACTION_SORTS.map((s) => (
              <option key={s} value={s}>
                {SORT_LABELS[s]}
              </option>
            ))}
          </select>
        </label>
      </fieldset>

      <QueryState query={actions} label="actions">
        {items.length === 0 ? (
          <EmptyState icon="◎" title="No actions yet">
            <p>
              Actions are raised from analysed AI answers and social signals after each run and daily, only when a
              finding is outside the noise. Too little data raises nothing: run more prompts, samples or providers, or
              wait for more days of history.
            </p>
            {role === 'viewer' ? (
              <p className="muted">Your role can read actions; analysts and admins work them.</p>
            ) : null}
          </EmptyState>
        ) : (
          <ol className="action-list" aria-label="Actions, highest priority first" data-testid="action-list">
            {items.map((action) => (
              <li key={action.id} className={`action-card action-card--${action.status}`} data-testid="action-card">
                <div className="action-priority" title="Priority score (0-100)">
                  <span>{Math.round(action.priority)}</span>
                  <span className="action-priority-label">
                    <Term term="priority" />
                  </span>
                </div>
                <div className="action-main">
                  <p className="action-meta">
                    <span className="chip">{TYPE_LABELS[action.type]}</span> <UrgencyBadge urgency={action.urgency} />{' '}
                    <span className="muted">
                      {action.confidence.level} <Term term="confidence" /> (n = {action.confidence.n})
                    </span>
                  </p>
                  <h2 className="action-title">
                    <Link to={`/actions/${action.id}`}>{action.title}</Link>
                  </h2>
                  <p className="action-rationale">{action.rationale}</p>
                  {action.evidenceLapsed ? (
                    <p className="small warning" role="note" data-testid="action-evidence-lapsed">
                      Evidence no longer holds on the re-scored history.
                    </p>
                  ) : null}
                  <p className="action-meta muted">
                    <span data-testid="action-status">{STATUS_LABELS[action.status]}</span>
                    {action.owner ? ` · ${action.owner.email ?? action.owner.userId}` : ' · unassigned'}
                    {action.dueDate ? ` · due ${action.dueDate}` : ''} <OutcomeBadge outcome={action.outcome} />
                  </p>
                </div>
              </li>
            ))}
          </ol>
        )}
      </QueryState>
    </>
  );
}
