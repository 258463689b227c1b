import { type FormEvent, useState } from 'react';
import { Link, useParams } from 'react-router';
import {
  Area,
  CartesianGrid,
  ComposedChart,
  Line,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { ActionDetail, ActionStatus, Evidence } from '../../../../shared/contracts/actions.ts';
import { useMembers } from '../../api/queries.ts';
import { usePermissions } from '../../auth/permissions.ts';
import { ErrorBanner, QueryState, ReadOnlyHint } from '../../components/forms.tsx';
import { PageHeader } from '../../components/Page.tsx';
import { OutcomeBadge, STATUS_LABELS, TYPE_LABELS, UrgencyBadge } from './ActionHubPage.tsx';
import { useAction, useActionSeries, useCommentAction, usePatchAction } from './actions-api.ts';
import './actions.css';
import { Term } from '../../components/Term.tsx';

const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(0)}%`);
const fmt = (label: string, x: number | null) =>
  x === null
    ? '—'
    : /sentiment/i.test(label)
      ? x.toFixed(2)
      : /^(posts|volume)/i.test(label)
        ? String(Math.round(x))
        : pct(x);

/** An excerpt with the tracked names highlighted (offsets are in the full answer; the excerpt starts at excerptStart). */
export function HighlightedExcerpt({ answer }: { answer: Evidence['answers'][number] }) {
  const start = answer.excerptStart;
  const end = start + answer.excerpt.length;
  const spans = answer.highlights.filter((h) => h.start >= start && h.end <= end).sort((a, b) => a.start - b.start);
  const parts: { text: string; kind: 'brand' | 'competitor' | null; key: string }[] = [];
  let at = start;
  for (const h of spans) {
    if (h.start < at) continue;
    parts.push({ text: answer.excerpt.slice(at - start, h.start - start), kind: null, key: `t${at}` });
    parts.push({ text: answer.excerpt.slice(h.start - start, h.end - start), kind: h.kind, key: `h${h.start}` });
    at = h.end;
  }
  parts.push({ text: answer.excerpt.slice(at - start), kind: null, key: `t${at}` });
  return (
    <blockquote className="action-quote">
      {start > 0 ? '… ' : ''}
      {parts.map((p) =>
        p.kind ? (
          <mark key={p.key} className={`action-mark action-mark--${p.kind}`} data-testid="evidence-highlight">
            {p.text}
          </mark>
        ) : (
          <span key={p.key}>{p.text}</span>
        ),
      )}
      {' …'}
    </blockquote>
  );
}

function SeriesChart({ actionId }: { actionId: string }) {
  const series = useActionSeries(actionId);
  const data = (series.data?.points ?? []).map((p) => ({
    day: p.day,
    value: p.value,
    band: p.ci ? [p.ci[0], p.ci[1]] : null,
    n: p.n,
  }));
  const baseline = series.data?.baseline ?? null;
  const label = series.data?.label ?? '';
  return (
    <QueryState query={series} label="the metric">
      <figure className="chart" data-testid="action-series" data-basis={series.data?.basis ?? 'answers'}>
        <figcaption className="chart-caption">
          {label} per day, with its 95% interval
          {baseline ? (
            <span data-testid="action-series-baseline">
              {' '}
              and the baseline ({baseline.label.replace(/\s*\(baseline\)$/, '')}: {fmt(label, baseline.value)})
            </span>
          ) : null}
        </figcaption>
        {data.length === 0 ? (
          <p className="muted">No daily data for this metric yet.</p>
        ) : (
          <ResponsiveContainer width="100%" height={220}>
            <ComposedChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="day" />
              <YAxis />
              <Tooltip />
              <Area dataKey="band" stroke="none" fill="#9db8e8" fillOpacity={0.35} isAnimationActive={false} />
              <Line dataKey="value" stroke="#2456b3" dot isAnimationActive={false} connectNulls />
              {baseline ? (
                <ReferenceLine
                  y={baseline.value}
                  stroke="#b54708"
                  strokeDasharray="6 3"
                  label={{ value: 'baseline', position: 'insideTopRight', fontSize: 11 }}
                  ifOverflow="extendDomain"
                />
              ) : null}
            </ComposedChart>
          </ResponsiveContainer>
        )}
        <table className="visually-hidden">
          <thead>
            <tr>
              <th>Day</th>
              <th>Value</th>
              <th>n</th>
              <th>95% interval</th>
            </tr>
          </thead>
          <tbody>
            {data.map((d) => (
              <tr key={d.day}>
                <td>{d.day}</td>
                <td>{fmt(label, d.value)}</td>
                <td>{d.n}</td>
                <td>
                  {d.band ? `${fmt(label, d.band[0] ?? null)} – ${fmt(label, d.band[1] ?? null)}` : 'not enough posts'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </figure>
    </QueryState>
  );
}

function StatusControls({ action }: { action: ActionDetail }) {
  const patch = usePatchAction(action.id);
  const members = useMembers();
  const [reason, setReason] = useState('');
  const [dismissing, setDismissing] = useState(false);
  const final = action.status === 'done' || action.status === 'dismissed';
  const change = (status: ActionStatus, extra: { dismissReason?: string } = {}) =>
    patch.mutate({ patch: { status, ...extra }, version: action.version });
  const memberList = members.data?.pages.flatMap((p) => p.items) ?? [];
  const submitDismiss = (e: FormEvent) => {
    e.preventDefault();
    change('dismissed', { dismissReason: reason });
  };
  return (
    <section className="panel panel-pad" aria-label="Work on this action">
      <h2 className="panel-title">Status</h2>
      <p>
        <strong data-testid="detail-status">{STATUS_LABELS[action.status]}</strong>
        {action.dismissReason ? ` — ${action.dismissReason}` : ''}
      </p>
      <ErrorBanner error={patch.error} title="The change was not saved" />
      {!final ? (
        <div className="button-row">
          {action.status === 'open' ? (
            <button type="button" className="button" onClick={() => change('in_progress')} disabled={patch.isPending}>
              Start
            </button>
          ) : (
            <button
              type="button"
              className="button button--ghost"
              onClick={() => change('open')}
              disabled={patch.isPending}
            >
              Back to open
            </button>
          )}
          <button
            type="button"
            className="button button--primary"
            onClick={() => change('done')}
            disabled={patch.isPending}
          >
            Mark done
          </button>
          <button type="button" className="button button--ghost" onClick={() => setDismissing(true)}>
            Dismiss…
          </button>
        </div>
      ) : null}
      {dismissing && !final ? (
        <form className="inline-form" onSubmit={submitDismiss}>
          <label className="field">
            <span>Why dismiss it? (required)</span>
            <input value={reason} onChange={(e) => setReason(e.target.value)} minLength={3} maxLength={500} required />
          </label>
          <button type="submit" className="button button--danger" disabled={patch.isPending}>
            Dismiss
          </button>
        </form>
      ) : null}
      <div className="form-grid form-grid--cols">
        <label className="field">
          <span>Owner</span>
          <select
            value={action.owner?.userId ?? ''}
            onChange={(e) => patch.mutate({ patch: { ownerUserId: e.target.value || null }, version: action.version })}
            disabled={patch.isPending}
          >
            <option value="">Unassigned</option>
            {memberList.map((m) => (
              <option key={m.userId} value={m.userId}>
                {m.email} ({m.role})
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Due date</span>
          <input
            type="date"
            value={action.dueDate ?? ''}
            onChange={(e) => patch.mutate({ patch: { dueDate: e.target.value || null }, version: action.version })}
            disabled={patch.isPending}
          />
        </label>
      </div>
    </section>
  );
}

function Comments({ action, canWork }: { action: ActionDetail; canWork: boolean }) {
  const comment = useCommentAction(action.id);
  const [text, setText] = useState('');
  return (
    <section className="panel panel-pad" aria-label="Comments">
      <h2 className="panel-title">Comments</h2>
      {action.comments.length === 0 ? <p className="muted">No comments yet.</p> : null}
      <ul className="rows">
        {action.comments.map((c) => (
          <li key={c.id}>
            <p className="muted small">
              {c.author.email ?? c.author.userId} · {new Date(c.at).toLocaleString()}
            </p>
            <p className="action-comment">{c.text}</p>
          </li>
        ))}
      </ul>
      {canWork ? (
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            comment.mutate(text, { onSuccess: () => setText('') });
          }}
        >
          <label className="field">
            <span>Add a comment</span>
            <textarea value={text} onChange={(e) => setText(e.target.value)} maxLength={2000} required rows={2} />
          </label>
          <button type="submit" className="button" disabled={comment.isPending}>
            Comment
          </button>
          <ErrorBanner error={comment.error} />
        </form>
      ) : null}
    </section>
  );
}

/** One action: why, the evidence (answers with highlighted mentions, prompts, posts, sources, a chart), and its work. */
export function ActionDetailPage() {
  const { actionId = '' } = useParams();
  const action = useAction(actionId);
  const { canRun: canWork, role } = usePermissions();
  const a = action.data;
  return (
    <>
      <PageHeader title={a?.title ?? 'Action'} description={a ? TYPE_LABELS[a.type] : 'Loading'}>
        <Link className="button button--ghost" to="/actions">
          All actions
        </Link>
      </PageHeader>
      <QueryState query={action} label="the action">
        {a ? (
          <div className="action-detail stack">
            <section className="panel panel-pad" aria-label="Why">
              <p className="action-meta">
                <span className="chip" title="Priority score (0-100): impact, confidence and urgency combined">
                  Priority {Math.round(a.priority)} / 100
                </span>{' '}
                <UrgencyBadge urgency={a.urgency} />{' '}
                <span className="muted">
                  {a.confidence.level} confidence (confidence score {a.confidence.score} of 1, n = {a.confidence.n})
                </span>{' '}
                <OutcomeBadge outcome={a.outcome} />
              </p>
              <p data-testid="action-rationale">{a.rationale}</p>
              {a.evidenceLapsed ? (
                <p className="notice" role="note" data-testid="action-evidence-lapsed">
                  <strong>Evidence no longer holds.</strong> {a.evidenceLapsed.reason}
                </p>
              ) : null}
              <p>
                <strong>Expected impact:</strong> {a.expectedImpact.summary}
              </p>
              {a.outcome ? (
                <p data-testid="outcome-explanation">
                  <strong>Outcome:</strong> {a.outcome.explanation}{' '}
                  {a.outcome.delta !== null ? `(change ${a.outcome.delta > 0 ? '+' : ''}${a.outcome.delta})` : ''}
                </p>
              ) : null}
              <table className="table table--compact">
                <caption className="visually-hidden">The numbers behind this action</caption>
                <thead>
                  <tr>
                    <th>Figure</th>
                    <th>Value</th>
                    <th>
                      <Term term="n" />
                    </th>
                    <th>
                      <Term term="95% interval" />
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {a.evidence.figures.map((f) => (
                    <tr key={f.label}>
                      <td>{f.label}</td>
                      <td>{fmt(f.label, f.value)}</td>
                      <td>
                        {f.n} {f.unit ?? 'answers'}
                        {f.days ? ` over ${f.days} days` : ''}
                      </td>
                      <td>
                        {f.ci ? (
                          `${fmt(f.label, f.ci[0])} – ${fmt(f.label, f.ci[1])}`
                        ) : (
                          <span
                            className="muted"
                            title="No 95% interval of its own: too few values, or only its difference from the baseline is tested"
                          >
                            no interval
                          </span>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>

            <SeriesChart actionId={a.id} />

            {a.evidence.answers.length > 0 ? (
              <section className="panel panel-pad" aria-label="Answers">
                <h2 className="panel-title">Answers</h2>
                <ul className="rows">
                  {a.evidence.answers.map((ans) => (
                    <li key={ans.answerId} data-testid="evidence-answer">
                      <p className="muted small">
                        {ans.provider} ·{' '}
                        {a.evidence.prompts.find((p) => p.promptId === ans.promptId)?.text ?? ans.promptId} ·{' '}
                        {ans.answerId.startsWith('run_') && !ans.answerId.startsWith('run_planted') ? (
                          <Link to={`/answers/${encodeURIComponent(ans.answerId)}`}>full answer</Link>
                        ) : null}
                      </p>
                      <HighlightedExcerpt answer={ans} />
                    </li>
                  ))}
                </ul>
              </section>
            ) : null}
            {a.evidence.prompts.length > 0 ? (
              <section className="panel panel-pad" aria-label="Prompts">
                <h2 className="panel-title">Prompts</h2>
                <ul>
                  {a.evidence.prompts.map((p) => (
                    <li key={p.promptId}>{p.text}</li>
                  ))}
                </ul>
              </section>
            ) : null}
            {a.evidence.posts.length > 0 ? (
              <section className="panel panel-pad" aria-label="Posts">
                <h2 className="panel-title">Posts</h2>
                <ul>
                  {a.evidence.posts.map((p) => (
                    <li key={p.url}>
                      <a href={p.url} rel="noopener noreferrer nofollow" target="_blank">
                        {p.title}
                      </a>
                      {p.sentiment !== null ? (
                        <span className="muted"> (sentiment {p.sentiment.toFixed(2)})</span>
                      ) : null}
                    </li>
                  ))}
                </ul>
              </section>
            ) : null}
            {a.evidence.domains.length > 0 ? (
              <section className="panel panel-pad" aria-label="Sources">
                <h2 className="panel-title">Sources</h2>
                <ul>
                  {a.evidence.domains.map((d) => (
                    <li key={d.domain}>
                      {d.domain}{' '}
                      <span className="muted">
                        ({d.class}, {d.answers} answers)
                      </span>
                    </li>
                  ))}
                </ul>
              </section>
            ) : null}

            {canWork ? (
              <StatusControls action={a} />
            ) : (
              <ReadOnlyHint role={role} what="analysts and admins work actions" />
            )}

            <section className="panel panel-pad" aria-label="Sync">
              <h2 className="panel-title">Sync to integrations</h2>
              {a.sync.length === 0 ? (
                <p className="muted">Not sent to any integration yet.</p>
              ) : (
                <table className="table table--compact" data-testid="sync-table">
                  <thead>
                    <tr>
                      <th>Integration</th>
                      <th>Status</th>
                      <th>Last event</th>
                      <th>Attempts</th>
                      <th>When</th>
                    </tr>
                  </thead>
                  <tbody>
                    {a.sync.map((s) => (
                      <tr key={s.integrationId}>
                        <td>{s.integrationName}</td>
                        <td>
                          {s.status}
                          {s.error ? <span className="muted"> — {s.error}</span> : null}
                        </td>
                        <td>{s.lastEventType}</td>
                        <td>{s.attempts}</td>
                        <td>{new Date(s.at).toLocaleString()}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </section>
            <Comments action={a} canWork={canWork} />
          </div>
        ) : null}
      </QueryState>
    </>
  );
}
