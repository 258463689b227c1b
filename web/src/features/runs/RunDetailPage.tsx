import { useEffect, useRef, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import type { Run, RunItem } from '../../../../shared/contracts/index.ts';
import { isTerminalRun, processedCount, useCancelRun, useRun, useRunItems } from '../../api/queries.ts';
import { type PushStatus, RUN_POLL_MS, runPollInterval, usePushStatus } from '../../app/live-push.tsx';
import { usePermissions } from '../../auth/permissions.ts';
import { useSession } from '../../auth/session.tsx';
import { ErrorBanner, QueryState } from '../../components/forms.tsx';
import { PageHeader } from '../../components/Page.tsx';
import {
  formatCost,
  formatDuration,
  formatInt,
  ProgressBar,
  providerLabel,
  StatusBadge,
  surfaceLabel,
  TimeCell,
} from './run-ui.tsx';

/** At most one refresh of the per-provider counts and the items every 2 s while progress streams in. */
const FOLLOW_THROTTLE_MS = 2_000;

export function RunDetailPage() {
  const { runId = '' } = useParams();
  const push = usePushStatus();
  const run = useRun(runId, { pollMs: (data) => runPollInterval(push, data !== undefined && !isTerminalRun(data)) });
  return (
    <>
      <PageHeader
        title={run.data ? `Run of ${run.data.brandName}` : 'Run'}
        description="Every tracked prompt × provider × sample of this run, with live progress, failures and the stored answers."
      >
        <Link
          to={run.data ? `/runs?brand=${encodeURIComponent(run.data.brandId)}` : '/runs'}
          className="button button--ghost"
        >
          All runs
        </Link>
      </PageHeader>
      <QueryState query={run} label="the run">
        {run.data ? <RunView run={run.data} push={push} refetchRun={() => void run.refetch()} /> : null}
      </QueryState>
    </>
  );
}

function RunView({ run, push, refetchRun }: { run: Run; push: PushStatus; refetchRun: () => void }) {
  const [params, setParams] = useSearchParams();
  // Local state answers the click at once; the URL (`?items=failed`) keeps the filter across reloads.
  const [failedOnly, setFailedOnly] = useState(() => params.get('items') === 'failed');
  const items = useRunItems(run.id, failedOnly ? 'failed' : null);
  const { canRun } = usePermissions();
  const { me } = useSession();
  const cancel = useCancelRun();
  const terminal = isTerminalRun(run);

  // Pushes (or polls) move the run's counts; the per-provider table, errors and items follow, throttled.
  const processed = processedCount(run.counts);
  const providerProcessed = Object.values(run.perProvider).reduce((sum, c) => sum + processedCount(c), 0);
  const followRef = useRef({ refetchItems: () => {}, refetchRun, detailsBehind: false });
  followRef.current = {
    refetchItems: () => void items.refetch(),
    refetchRun,
    detailsBehind: providerProcessed !== processed,
  };
  useThrottledFollow(`${processed}:${run.status}`, terminal, () => {
    const follow = followRef.current;
    follow.refetchItems();
    if (follow.detailsBehind || terminal) follow.refetchRun();
  });

  const itemList = items.data?.pages.flatMap((p) => p.items) ?? [];
  const promptText = new Map(itemList.map((item) => [item.promptId, item.promptText]));
  const groups = groupByPrompt(itemList);
  const providerRows = Object.entries(run.perProvider).sort(([a], [b]) => a.localeCompare(b));

  return (
    <div className="stack">
      <section className="panel run-summary" aria-label="Run summary">
        <div className="run-summary-head">
          <StatusBadge status={run.status} testId="run-status" />
          <LiveIndicator terminal={terminal} push={push} />
          <span className="spacer" />
          {canRun && !terminal && !run.cancelRequested ? (
            <button
              type="button"
              className="button button--danger"
              disabled={cancel.isPending}
              onClick={() => cancel.mutate(run.id)}
            >
              {cancel.isPending ? 'Cancelling…' : 'Cancel run'}
            </button>
          ) : null}
        </div>
        {run.cancelRequested && !terminal ? (
          <p className="notice" role="status">
            Cancellation requested: no further prompts are sent; the run finishes as cancelled once the calls in flight
            return. Answers already collected are kept.
          </p>
        ) : null}
        <ErrorBanner error={cancel.error} title="The run was not cancelled." />
        <ProgressBar counts={run.counts} label="Run progress" testId="run-progress" />
        <dl className="facts run-facts">
          <div>
            <dt>Trigger</dt>
            <dd>
              <span className="capitalize">{run.trigger}</span>
              {run.trigger === 'manual' ? (
                <div className="muted small">
                  by {run.createdBy === me.userId || run.createdBy === me.email ? 'you' : run.createdBy}
                </div>
              ) : null}
            </dd>
          </div>
          <div>
            <dt>Prompt set</dt>
            <dd>
              v{run.promptSetVersion} · {run.samplesPerPrompt} sample{run.samplesPerPrompt === 1 ? '' : 's'} per prompt
            </dd>
          </div>
          <div>
            <dt>Created</dt>
            <dd>
              <TimeCell iso={run.createdAt} />
            </dd>
          </div>
          <div>
            <dt>Started</dt>
            <dd>
              <TimeCell iso={run.startedAt} />
            </dd>
          </div>
          <div>
            <dt>Finished</dt>
            <dd>
              <TimeCell iso={run.finishedAt} />
              {run.finishedAt ? ` (${formatDuration(run.startedAt ?? run.createdAt, run.finishedAt)})` : ''}
            </dd>
          </div>
          <div>
            <dt>Tokens</dt>
            <dd>
              {formatInt(run.usage.inputTokens)} in · {formatInt(run.usage.outputTokens)} out
            </dd>
          </div>
          <div>
            <dt>Cost</dt>
            <dd data-testid="run-cost">{formatCost(run.usage.costUsd)}</dd>
          </div>
        </dl>
      </section>

      <section className="panel panel--flush" aria-labelledby="providers-title">
        <h2 className="panel-title" id="providers-title">
          Per provider
        </h2>
        {providerRows.length === 0 ? (
          <p className="panel-pad muted">No provider has been planned yet.</p>
        ) : (
          <table className="table" aria-label="Providers">
            <thead>
              <tr>
                <th scope="col">Provider</th>
                <th scope="col">Planned</th>
                <th scope="col">Succeeded</th>
                <th scope="col">Failed</th>
                <th scope="col">Skipped</th>
                <th scope="col">Progress</th>
              </tr>
            </thead>
            <tbody>
              {providerRows.map(([key, counts]) => (
                <tr key={key}>
                  <th scope="row">{providerLabel(key)}</th>
                  <td>{counts.planned}</td>
                  <td>{counts.succeeded}</td>
                  <td className={counts.failed > 0 ? 'cell-bad' : undefined}>{counts.failed}</td>
                  <td>{counts.skipped}</td>
                  <td className="cell-progress">
                    <ProgressBar counts={counts} label={`${providerLabel(key)} progress`} compact />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      {quotaNotices(run.errors).map((error) => (
        <p key={error.provider} className="warning" role="alert" data-testid="provider-quota-notice">
          <strong>{providerLabel(error.provider)}: billing or quota exhausted.</strong> {error.message}
        </p>
      ))}

      {run.errors.length > 0 ? (
        <section className="panel panel--flush" aria-labelledby="errors-title">
          <h2 className="panel-title" id="errors-title">
            Recent errors{' '}
            <span className="muted small">({run.errors.length} most recent; every failure is on its item)</span>
          </h2>
          <table className="table table--compact" aria-label="Recent errors">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Provider</th>
                <th scope="col">Prompt</th>
                <th scope="col">Error</th>
              </tr>
            </thead>
            <tbody>
              {run.errors.map((error) => (
                <tr key={`${error.itemId}-${error.at}`}>
                  <td>
                    <TimeCell iso={error.at} />
                  </td>
                  <td>
                    {providerLabel(error.provider)}
                    <div className="muted small">{error.model}</div>
                  </td>
                  <td>{promptText.get(error.promptId) ?? <code>{error.promptId}</code>}</td>
                  <td>
                    <code>{error.error}</code>
                    <div>{error.message}</div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}

      <section className="panel panel--flush" aria-labelledby="items-title">
        <div className="panel-title section-head">
          <h2 id="items-title">Prompts and answers</h2>
          <label className="check-field">
            <input
              type="checkbox"
              checked={failedOnly}
              onChange={(event) => {
                setFailedOnly(event.target.checked);
                const next = new URLSearchParams(params);
                if (event.target.checked) next.set('items', 'failed');
                else next.delete('items');
                setParams(next, { replace: true });
              }}
            />
            Failed only
          </label>
        </div>
        <QueryState query={items} label="the prompts of this run">
          {itemList.length === 0 ? (
            <p className="panel-pad muted">
              {failedOnly
                ? 'No failed items.'
                : terminal
                  ? 'This run has no items.'
                  : 'The run is being planned; its prompts appear here in a moment.'}
            </p>
          ) : (
            <table className="table table--compact run-items" aria-label="Work items">
              <thead>
                <tr>
                  <th scope="col">Provider</th>
                  <th scope="col">Model · surface</th>
                  <th scope="col">Sample</th>
                  <th scope="col">Status</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">Error</th>
                  <th scope="col">Answer</th>
                </tr>
              </thead>
              {groups.map((group) => (
                <tbody key={group.promptId} data-testid="run-prompt">
                  <tr className="group-row">
                    <th scope="rowgroup" colSpan={7}>
                      {group.promptText}
                      <span className="muted small">
                        {' '}
                        · {group.items.filter((i) => i.status === 'succeeded').length}/{group.items.length} answered
                      </span>
                    </th>
                  </tr>
                  {group.items.map((item) => (
                    <tr key={item.itemId} data-testid="run-item" data-status={item.status}>
                      <td>{providerLabel(item.provider)}</td>
                      <td>
                        {item.model}
                        <div className="muted small">
                          {surfaceLabel(item.surface)} · {item.locale}
                        </div>
                      </td>
                      <td>#{item.sampleIndex + 1}</td>
                      <td>
                        <StatusBadge status={item.status} />
                      </td>
                      <td>{item.attempts}</td>
                      <td className={item.status === 'failed' ? 'cell-bad' : item.error ? 'muted' : undefined}>
                        {item.error ? (
                          <>
                            <code>{item.error.name}</code>
                            <div>{item.error.message}</div>
                          </>
                        ) : (
                          <span className="muted">—</span>
                        )}
                      </td>
                      <td>
                        {item.answerId ? (
                          <Link
                            to={`/answers/${encodeURIComponent(item.answerId)}`}
                            aria-label={`View answer (${providerLabel(item.provider)}, ${item.model}, sample ${item.sampleIndex + 1})`}
                          >
                            View answer
                          </Link>
                        ) : (
                          <span className="muted">—</span>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              ))}
            </table>
          )}
          {items.hasNextPage ? (
            <div className="panel-pad">
              <button
                type="button"
                className="button button--ghost"
                onClick={() => void items.fetchNextPage()}
                disabled={items.isFetchingNextPage}
              >
                {items.isFetchingNextPage ? 'Loading…' : 'Load more items'}
              </button>
            </div>
          ) : null}
        </QueryState>
      </section>
    </div>
  );
}

function LiveIndicator({ terminal, push }: { terminal: boolean; push: PushStatus }) {
  if (terminal) return <span className="live live--done">Finished</span>;
  if (push === 'connected') {
    return (
      <span className="live live--on" title="Progress is pushed to this page as it happens">
        <span className="live-dot" aria-hidden="true" /> Live
      </span>
    );
  }
  return (
    <span className="live" title="The live channel is not connected; this page asks for progress instead">
      Refreshing every {RUN_POLL_MS / 1000} s
    </span>
  );
}

interface PromptGroup {
  promptId: string;
  promptText: string;
  items: RunItem[];
}

/** Items grouped per prompt (in the order the API lists them), each group by provider, model and sample. */
function groupByPrompt(items: RunItem[]): PromptGroup[] {
  const groups = new Map<string, PromptGroup>();
  for (const item of items) {
    let group = groups.get(item.promptId);
    if (!group) {
      group = { promptId: item.promptId, promptText: item.promptText, items: [] };
      groups.set(item.promptId, group);
    }
    group.items.push(item);
  }
  for (const group of groups.values()) {
    group.items.sort(
      (a, b) =>
        a.provider.localeCompare(b.provider) ||
        a.model.localeCompare(b.model) ||
        a.surface.localeCompare(b.surface) ||
        a.sampleIndex - b.sampleIndex,
    );
  }
  return [...groups.values()];
}

/**
 * Calls `refresh` when `key` changes (not on mount): at once if the last call is older than the throttle
 * window, otherwise once at its end; immediately when the run has just become terminal.
 */
function useThrottledFollow(key: string, terminal: boolean, refresh: () => void) {
  const refreshRef = useRef(refresh);
  refreshRef.current = refresh;
  const seenKey = useRef(key);
  const last = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => {
    if (seenKey.current === key) return;
    seenKey.current = key;
    const fire = () => {
      timer.current = undefined;
      last.current = Date.now();
      refreshRef.current();
    };
    if (terminal) {
      clearTimeout(timer.current);
      fire();
      return;
    }
    const wait = last.current + FOLLOW_THROTTLE_MS - Date.now();
    if (wait <= 0) fire();
    else timer.current ??= setTimeout(fire, wait);
  }, [key, terminal]);

  useEffect(() => () => clearTimeout(timer.current), []);
}

/**
 * One notice per provider whose billing or quota ran out in this run: the provider is paused for the workspace, so
 * the owner has to act (top up, or wait for the daily reset) before its answers come back.
 */
function quotaNotices<E extends { provider: string; error: string }>(errors: readonly E[]): E[] {
  const seen = new Set<string>();
  return errors.filter((e) => e.error === 'ProviderQuotaError' && !seen.has(e.provider) && seen.add(e.provider));
}
