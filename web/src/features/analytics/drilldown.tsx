/**
 * The prompt drill-down: the actual answers behind a prompt row or heat-map cell, newest first, with the brand's
 * and competitors' mentions highlighted (brand and competitor colours differ; the focused entity is outlined),
 * the sentiment toward each, and the citations by class. A modal `<dialog>`: focus moves in, Escape closes it, and
 * the prompt is in the URL (`?drill=<promptId>&focus=<entityId>`) so the view can be shared.
 *
 * Answers are untrusted text: they are rendered as text nodes only; links are shown as text next to their host.
 */
import { useEffect, useId, useRef } from 'react';
import { Link } from 'react-router';
import type { DrilldownAnswer } from '../../../../shared/contracts/drilldown.ts';
import type { WarehouseQuery } from '../../api/client.ts';
import { describeMutationError } from '../../api/errors.ts';
import { analysisProvenance } from '../reanalysis/reanalysis-model.ts';
import { useDrilldown } from './analytics-queries.ts';
import { type CsvCell, downloadCsv, toCsv } from './csv.ts';
import { highlightSegments, sentimentWord } from './highlight.ts';

const PROVIDER_LABEL: Record<string, string> = {
  openai: 'OpenAI',
  anthropic: 'Anthropic',
  gemini: 'Gemini',
  perplexity: 'Perplexity',
};
const CLASS_LABEL = { owned: 'Owned', competitor: 'Competitor', 'third-party': 'Third-party' } as const;

export function DrilldownDialog({
  brandId,
  promptId,
  focusEntityId,
  query,
  onClose,
}: {
  brandId: string;
  promptId: string;
  focusEntityId: string | null;
  query: WarehouseQuery;
  onClose: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const drill = useDrilldown(brandId, promptId, query);
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => element?.close();
  }, []);
  const pages = drill.data?.pages ?? [];
  const first = pages[0];
  const items = pages.flatMap((p) => p.items);
  const focusName = first && focusEntityId ? entityName(items, focusEntityId) : null;
  return (
    <dialog
      ref={dialog}
      className="drilldown"
      aria-labelledby={titleId}
      data-testid="drilldown"
      onClose={onClose}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <header className="drilldown-head">
        <div>
          <p className="muted small">
            Prompt drill-down · {query.from} → {query.to}
          </p>
          <h2 id={titleId}>{first?.promptText ?? 'Answers to this prompt'}</h2>
        </div>
        <div className="button-row">
          {items.length > 0 ? (
            <button
              type="button"
              className="button button--small button--ghost"
              onClick={() =>
                downloadCsv(`promptpulse-answers-${promptId}-${query.from}-${query.to}.csv`, drilldownCsv(items))
              }
            >
              Export answers CSV
            </button>
          ) : null}
          <button type="button" className="button button--small button--ghost" onClick={onClose}>
            Close
          </button>
        </div>
      </header>
      <p className="drilldown-legend small">
        <mark className="hl hl--brand">your brand</mark> <mark className="hl hl--competitor">competitor</mark>
        {focusName ? (
          <>
            {' '}
            · <mark className="hl hl--focus">{focusName}</mark> outlined
          </>
        ) : null}
        {first ? (
          <span className="muted">
            {' '}
            · {first.total} answer{first.total === 1 ? '' : 's'}
            {first.truncated ? ' (only the newest 5,000 can be listed)' : ''}
          </span>
        ) : null}
      </p>
      {drill.error ? (
        <div className="form-error" role="alert">
          <p>Could not load the answers: {describeMutationError(drill.error)}</p>
          <button type="button" className="button button--ghost" onClick={() => void drill.refetch()}>
            Try again
          </button>
        </div>
      ) : drill.isPending ? (
        <p className="loading-line" role="status">
          <span className="spinner spinner--inline" aria-hidden="true" /> Loading answers…
        </p>
      ) : items.length === 0 ? (
        <p className="muted">
          No answers to this prompt in this period with these filters. Widen the period, or{' '}
          <Link to="/runs">run your prompts</Link>.
        </p>
      ) : (
        <ol className="drilldown-list">
          {items.map((answer) => (
            <AnswerCard key={answer.answerId} answer={answer} focusEntityId={focusEntityId} />
          ))}
        </ol>
      )}
      {drill.hasNextPage ? (
        <p>
          <button
            type="button"
            className="button button--small"
            disabled={drill.isFetchingNextPage}
            onClick={() => void drill.fetchNextPage()}
          >
            {drill.isFetchingNextPage ? 'Loading…' : 'Load more answers'}
          </button>
        </p>
      ) : null}
    </dialog>
  );
}

/** One line per loaded answer and tracked entity: what the dialog shows, without the text. */
export function drilldownCsv(items: readonly DrilldownAnswer[]): string {
  return toCsv(
    [
      'answer_id',
      'answered_at',
      'provider',
      'model',
      'surface',
      'locale',
      'entity',
      'kind',
      'mentioned',
      'mentions',
      'rank',
      'sentiment',
      'citations_owned',
      'citations_competitor',
      'citations_third_party',
    ],
    items.flatMap((a) => {
      const cited = (cls: DrilldownAnswer['citations'][number]['class']) =>
        a.citations.filter((c) => c.class === cls).length;
      return a.entities.map((e): CsvCell[] => [
        a.answerId,
        a.answeredAt,
        a.provider,
        a.model,
        a.surface,
        a.locale,
        e.name,
        e.kind,
        e.mentioned,
        e.mentionCount,
        e.rank,
        e.sentiment,
        cited('owned'),
        cited('competitor'),
        cited('third-party'),
      ]);
    }),
  );
}

function entityName(items: readonly DrilldownAnswer[], entityId: string): string | null {
  for (const item of items) {
    const found = item.entities.find((e) => e.entityId === entityId);
    if (found) return found.name;
  }
  return null;
}

function AnswerCard({ answer, focusEntityId }: { answer: DrilldownAnswer; focusEntityId: string | null }) {
  const names = new Map(answer.entities.map((e) => [e.entityId, e.name] as const));
  const segments = highlightSegments(answer.text, answer.mentions);
  const mentioned = answer.entities.filter((e) => e.mentioned);
  return (
    <li className="card drilldown-answer" data-testid="drilldown-answer" data-answer-id={answer.answerId}>
      <p className="drilldown-meta small">
        <strong>{PROVIDER_LABEL[answer.provider] ?? answer.provider}</strong> · {answer.model} ·{' '}
        {answer.surface === 'api_web_search' ? 'API with web search' : 'API'} · {answer.locale} · sample{' '}
        {answer.sampleIndex + 1} · <time dateTime={answer.answeredAt}>{formatTime(answer.answeredAt)}</time> ·{' '}
        <Link to={`/answers/${encodeURIComponent(answer.answerId)}`}>Open answer</Link>
      </p>
      <p className="drilldown-meta small muted" data-testid="drilldown-provenance">
        {analysisProvenance(answer.analyzerVersion, answer.configuredAt)}
      </p>
      {answer.truncated ? (
        <p className="small warning" role="note" data-testid="drilldown-truncated">
          Cut off by the output limit ({answer.finishReason ?? 'length'}): brands later in the answer may be missing.
        </p>
      ) : null}
      {mentioned.length > 0 ? (
        <ul className="chip-list drilldown-entities" aria-label="Mentioned">
          {mentioned.map((e) => (
            <li
              key={e.entityId}
              className={`chip ${e.kind === 'brand' ? 'chip--branded' : ''}`}
              data-testid="drilldown-entity"
            >
              {e.name}: #{e.rank} · {e.mentionCount}× · {e.sentimentLabel ?? sentimentWord(e.sentiment)}
              {e.sentiment !== null ? ` (${e.sentiment.toFixed(2)})` : ''}
              {e.primaryRecommendation ? ' · recommended' : ''}
            </li>
          ))}
        </ul>
      ) : (
        <p className="small muted">
          {answer.refusal ? 'The provider declined to answer.' : 'No tracked brand is mentioned.'}
        </p>
      )}
      <div className="drilldown-text" data-testid="drilldown-text">
        {segments.map((segment) =>
          segment.mention ? (
            <mark
              key={segment.start}
              className={`hl hl--${segment.mention.kind}${segment.mention.entityId === focusEntityId ? ' hl--focus' : ''}`}
              data-testid="mention"
              data-kind={segment.mention.kind}
              data-entity-id={segment.mention.entityId}
              data-start={segment.mention.start}
              title={`${names.get(segment.mention.entityId) ?? segment.mention.entityId} — ${segment.mention.via === 'url' ? 'in a link' : sentimentWord(segment.mention.sentiment)}`}
            >
              {segment.text}
            </mark>
          ) : (
            <span key={segment.start}>{segment.text}</span>
          ),
        )}
      </div>
      {answer.citations.length > 0 ? (
        <details className="drilldown-citations" open>
          <summary>Citations ({answer.citations.length})</summary>
          <ul data-testid="drilldown-citations">
            {answer.citations.map((c) => (
              <li key={c.url}>
                <span className={c.class === 'owned' ? 'chip chip--branded' : 'chip'}>{CLASS_LABEL[c.class]}</span>{' '}
                {safeHref(c.url) ? (
                  <a href={c.url} target="_blank" rel="noopener noreferrer nofollow ugc">
                    {c.title ?? c.url}
                  </a>
                ) : (
                  <span>{c.title ?? c.url}</span>
                )}{' '}
                <span className="muted small">({c.domain})</span>
              </li>
            ))}
          </ul>
        </details>
      ) : (
        <p className="small muted">No citations.</p>
      )}
      {answer.retrievedSources && answer.retrievedSources.length > 0 ? (
        <details className="drilldown-citations">
          <summary>Retrieved, not cited ({answer.retrievedSources.length})</summary>
          <ul data-testid="drilldown-retrieved">
            {answer.retrievedSources.map((source) => (
              <li key={source.url}>
                {safeHref(source.url) ? (
                  <a href={source.url} target="_blank" rel="noopener noreferrer nofollow ugc">
                    {source.title ?? source.url}
                  </a>
                ) : (
                  <span>{source.title ?? source.url}</span>
                )}{' '}
                <span className="muted small">({source.domain})</span>
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </li>
  );
}

/** Only absolute http(s) links become clickable; anything else stays inert text. */
function safeHref(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:';
  } catch {
    return false;
  }
}

function formatTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
