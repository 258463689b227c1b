import {
  PROVIDER_CATALOG,
  PROVIDERS,
  type ProviderId,
  type RunCounts,
  type RunStatus,
} from '../../../../shared/contracts/index.ts';
import { processedCount } from '../../api/queries.ts';

export const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

export function formatDateTime(iso: string | null): string {
  return iso ? dateTime.format(new Date(iso)) : '—';
}

export function TimeCell({ iso }: { iso: string | null }) {
  if (!iso) return <span className="muted">—</span>;
  return <time dateTime={iso}>{formatDateTime(iso)}</time>;
}

/** Costs are small: cents and fractions of a cent matter. */
export function formatCost(usd: number | null | undefined): string {
  if (usd === null || usd === undefined || !Number.isFinite(usd)) return '—';
  if (usd === 0) return '$0.00';
  if (Math.abs(usd) < 0.01) return `$${usd.toFixed(4)}`;
  return `$${usd.toFixed(2)}`;
}

const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
export function formatInt(n: number): string {
  return integer.format(n);
}

export function formatDuration(fromIso: string | null, toIso: string | null): string {
  if (!fromIso || !toIso) return '—';
  const ms = new Date(toIso).getTime() - new Date(fromIso).getTime();
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${ms} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${s % 60} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function isProviderId(value: string): value is ProviderId {
  return (PROVIDERS as readonly string[]).includes(value);
}

/** `openai` → "OpenAI (ChatGPT)"; keys such as `openai:gpt-4o:api` keep their detail after the label. */
export function providerLabel(key: string): string {
  if (isProviderId(key)) return PROVIDER_CATALOG[key].label;
  const [head, ...rest] = key.split(/[:/#]/);
  if (head && isProviderId(head)) return `${PROVIDER_CATALOG[head].label} · ${rest.join(' · ')}`;
  return key;
}

export function surfaceLabel(surface: 'api' | 'api_web_search'): string {
  return surface === 'api_web_search' ? 'API with web search' : 'Plain API';
}

const STATUS_LABEL: Record<RunStatus | 'pending', string> = {
  queued: 'Queued',
  running: 'Running',
  succeeded: 'Succeeded',
  partial: 'Partial',
  failed: 'Failed',
  cancelled: 'Cancelled',
  pending: 'Pending',
};

/**
 * A status pill. The text content is the machine status (`succeeded`), shown capitalised by CSS, so tests and
 * screen readers read the same word; the title gives the label.
 */
export function StatusBadge({ status, testId }: { status: RunStatus | 'pending' | 'skipped'; testId?: string }) {
  const label = status === 'skipped' ? 'Skipped' : STATUS_LABEL[status];
  return (
    <span className={`run-badge run-badge--${status}`} data-testid={testId} title={label}>
      {status}
    </span>
  );
}

/** Planned vs done, as a stacked bar (succeeded / failed / skipped) with a text equivalent. */
export function ProgressBar({
  counts,
  label,
  testId,
  compact = false,
}: {
  counts: RunCounts;
  /** Accessible name, e.g. "Run progress". */
  label: string;
  testId?: string;
  compact?: boolean;
}) {
  const { planned, succeeded, failed, skipped } = counts;
  const done = processedCount(counts);
  const pct = (n: number) => (planned > 0 ? `${Math.min(100, (n / planned) * 100)}%` : '0%');
  const text = `${done} / ${planned}`;
  return (
    <div className={`progress ${compact ? 'progress--compact' : ''}`}>
      <div
        className="progress-track"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={planned}
        aria-valuenow={done}
        aria-valuetext={`${text} done: ${succeeded} succeeded, ${failed} failed, ${skipped} skipped`}
      >
        <span className="progress-seg progress-seg--succeeded" style={{ width: pct(succeeded) }} />
        <span className="progress-seg progress-seg--failed" style={{ width: pct(failed) }} />
        <span className="progress-seg progress-seg--skipped" style={{ width: pct(skipped) }} />
      </div>
      <span className="progress-text">
        <span data-testid={testId}>{text}</span>
        {compact ? null : (
          <span className="muted small">
            {' '}
            · {succeeded} succeeded · {failed} failed · {skipped} skipped
            {planned > done ? ` · ${planned - done} pending` : ''}
          </span>
        )}
      </span>
      {compact && (failed > 0 || skipped > 0) ? (
        <span className="muted small">
          {failed > 0 ? `${failed} failed` : ''}
          {failed > 0 && skipped > 0 ? ' · ' : ''}
          {skipped > 0 ? `${skipped} skipped` : ''}
        </span>
      ) : null}
    </div>
  );
}
