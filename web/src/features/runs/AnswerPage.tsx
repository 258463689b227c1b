import { useState } from 'react';
import { Link, useParams } from 'react-router';
import type { Answer } from '../../../../shared/contracts/index.ts';
import { useAnswer } from '../../api/queries.ts';
import { QueryState } from '../../components/forms.tsx';
import { PageHeader } from '../../components/Page.tsx';
import { extractLinks, SafeMarkdown, safeHref } from './markdown.tsx';
import { formatCost, formatInt, providerLabel, surfaceLabel, TimeCell } from './run-ui.tsx';

/** The raw answer viewer: one stored answer exactly as the provider gave it, rendered safely. */
export function AnswerPage() {
  const { answerId = '' } = useParams();
  const answer = useAnswer(answerId);
  return (
    <>
      <PageHeader
        title="Answer"
        description="One stored answer, as the provider returned it. Answers are untrusted text: links open in a new tab and nothing in them runs."
      >
        {answer.data ? (
          <Link to={`/runs/${encodeURIComponent(answer.data.runId)}`} className="button button--ghost">
            Back to the run
          </Link>
        ) : null}
      </PageHeader>
      <QueryState query={answer} label="the answer">
        {answer.data ? <AnswerView answer={answer.data} /> : null}
      </QueryState>
    </>
  );
}

function AnswerView({ answer }: { answer: Answer }) {
  const [raw, setRaw] = useState(false);
  const links = extractLinks(answer.text);
  return (
    <div className="stack">
      <section className="panel" aria-labelledby="prompt-title">
        <h2 id="prompt-title">Prompt</h2>
        <p className="answer-prompt" data-testid="answer-prompt">
          {answer.promptText}
        </p>
        <dl className="facts">
          <div>
            <dt>Provider</dt>
            <dd data-testid="answer-provider">{providerLabel(answer.provider)}</dd>
          </div>
          <div>
            <dt>Model</dt>
            <dd>
              {answer.model}
              {answer.modelVersion && answer.modelVersion !== answer.model ? (
                <div className="muted small">version {answer.modelVersion}</div>
              ) : null}
            </dd>
          </div>
          <div>
            <dt>Surface</dt>
            <dd>{surfaceLabel(answer.surface)}</dd>
          </div>
          <div>
            <dt>Locale · sample</dt>
            <dd>
              {answer.locale} · #{answer.sampleIndex + 1}
            </dd>
          </div>
          <div>
            <dt>Latency</dt>
            <dd>{formatInt(answer.latencyMs)} ms</dd>
          </div>
          <div>
            <dt>Tokens</dt>
            <dd>
              {formatInt(answer.usage.inputTokens)} in · {formatInt(answer.usage.outputTokens)} out
            </dd>
          </div>
          <div>
            <dt>Cost</dt>
            <dd>{formatCost(answer.costUsd)}</dd>
          </div>
          <div>
            <dt>Received</dt>
            <dd>
              <TimeCell iso={answer.createdAt} />
            </dd>
          </div>
          {answer.providerRequestId ? (
            <div>
              <dt>Provider request id</dt>
              <dd>
                <code className="break">{answer.providerRequestId}</code>
              </dd>
            </div>
          ) : null}
        </dl>
      </section>

      <section className="panel" aria-labelledby="answer-title">
        <div className="section-head">
          <h2 id="answer-title">Answer text{answer.truncated ? ' (cut off)' : ''}</h2>
          <button type="button" className="button button--ghost button--small" onClick={() => setRaw((r) => !r)}>
            {raw ? 'Show formatted' : 'Show raw text'}
          </button>
        </div>
        {answer.truncated ? (
          <p className="small warning" role="note" data-testid="answer-truncated">
            The provider stopped at the output limit ({answer.finishReason ?? 'length'}): brands later in the answer may
            be missing.
          </p>
        ) : null}
        <div data-testid="answer-text" className="answer-text">
          {answer.text.trim() === '' ? (
            <p className="muted">The provider returned an empty answer.</p>
          ) : raw ? (
            <pre className="answer-raw">{answer.text}</pre>
          ) : (
            <SafeMarkdown text={answer.text} />
          )}
        </div>
      </section>

      <section className="panel" aria-labelledby="citations-title">
        <h2 id="citations-title">Citations</h2>
        {answer.citations.length === 0 ? (
          <p className="muted">
            The provider returned no citations
            {answer.surface === 'api' ? ' (plain API answers usually have none)' : ''}.
          </p>
        ) : (
          <ol className="citation-list" aria-label="Citations">
            {answer.citations.map((citation, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a fixed list; the same URL may be cited twice
              <li key={`${index}-${citation.url}`}>
                <UrlLine url={citation.url} title={citation.title} />
              </li>
            ))}
          </ol>
        )}
        {answer.retrievedSources && answer.retrievedSources.length > 0 ? (
          <details className="answer-links" data-testid="answer-retrieved">
            <summary>Retrieved but not cited ({answer.retrievedSources.length})</summary>
            <ul>
              {answer.retrievedSources.map((source) => (
                <li key={source.url}>
                  <UrlLine url={source.url} title={source.title} />
                </li>
              ))}
            </ul>
          </details>
        ) : null}
        {links.length > 0 ? (
          <details className="answer-links">
            <summary>Links in the answer text ({links.length})</summary>
            <ul>
              {links.map((href) => (
                <li key={href}>
                  <UrlLine url={href} />
                </li>
              ))}
            </ul>
          </details>
        ) : null}
      </section>

      <section className="panel" aria-labelledby="analysis-title">
        <h2 id="analysis-title">Analysis</h2>
        <AnalysisSummary answer={answer} />
      </section>
    </div>
  );
}

/** A URL as a safe external link when it is http(s), otherwise as inert text. */
function UrlLine({ url, title }: { url: string; title?: string | undefined }) {
  const href = safeHref(url);
  let host = url;
  try {
    host = new URL(url).host;
  } catch {
    // not a URL: shown as given
  }
  const label = title?.trim() ? title : url;
  return href ? (
    <>
      <a href={href} target="_blank" rel="noopener noreferrer nofollow ugc" title={href}>
        {label}
      </a>{' '}
      <span className="muted small">({host})</span>
    </>
  ) : (
    <span>
      {label} <span className="muted small">(not a web link: {url})</span>
    </span>
  );
}

function AnalysisSummary({ answer }: { answer: Answer }) {
  if (answer.analysisStatus === 'pending') {
    return <p className="muted">Not analysed yet. Mentions, rank and sentiment appear here once it is.</p>;
  }
  if (answer.analysisStatus === 'failed') {
    return <p className="muted">The analysis of this answer failed.</p>;
  }
  if (!answer.analysis) return <p className="muted">No analysis summary was stored for this answer.</p>;
  const a = answer.analysis;
  return (
    <dl className="facts">
      <div>
        <dt>Brand mentioned</dt>
        <dd data-testid="analysis-mentioned">{a.brandMentioned ? 'Yes' : 'No'}</dd>
      </div>
      <div>
        <dt>Brand rank</dt>
        <dd>{a.brandRank === null ? '—' : `#${a.brandRank}`}</dd>
      </div>
      <div>
        <dt>Sentiment</dt>
        <dd>{a.brandSentiment === null ? '—' : a.brandSentiment.toFixed(2)}</dd>
      </div>
      <div>
        <dt>Tracked entities mentioned</dt>
        <dd>{a.mentionedEntityIds.length}</dd>
      </div>
      <div>
        <dt>Cited domains</dt>
        <dd>{a.citedDomains.length === 0 ? '—' : a.citedDomains.join(', ')}</dd>
      </div>
    </dl>
  );
}
