import { useId, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import {
  SENTIMENT_CLASSES,
  type SentimentClass,
  SIGNAL_SOURCE_VALUES,
  type SignalAlert,
  type SignalFeedItem,
} from '../../../../shared/contracts/signals.ts';
import { roleAllows } from '../../../../shared/domain/roles.ts';
import { usePushStatus } from '../../app/live-push.tsx';
import { useSession } from '../../auth/session.tsx';
import { ErrorBanner, QueryState } from '../../components/forms.tsx';
import { EmptyState, PageHeader } from '../../components/Page.tsx';
import { Term } from '../../components/Term.tsx';
import { useCurrentBrand } from '../brands/current-brand.tsx';
import {
  type FeedFilters,
  useAcknowledgeAlert,
  useLiveSignals,
  useSignalAlerts,
  useSignalFeed,
  useSignalSeries,
  useTopPosts,
} from './signals-api.ts';
import { SentimentChart, SOURCE_LABELS, VolumeChart } from './signals-charts.tsx';
import './signals.css';

const PERIODS = [7, 30, 90] as const;
const LANGUAGES = ['en', 'de', 'fr', 'es', 'ja', 'und'] as const;
const LANGUAGE_LABELS: Record<string, string> = {
  en: 'English',
  de: 'German',
  fr: 'French',
  es: 'Spanish',
  ja: 'Japanese',
  und: 'Unknown',
};

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Filters live in the URL, so a view can be shared and survives a reload. Unknown values are ignored. */
function useFilters() {
  const [params, setParams] = useSearchParams();
  const source = params.get('source');
  const sentiment = params.get('sentiment');
  const language = params.get('language');
  const days = Number(params.get('days'));
  const period = (PERIODS as readonly number[]).includes(days) ? days : 30;
  const filters = {
    source: (SIGNAL_SOURCE_VALUES as readonly string[]).includes(source ?? '')
      ? (source as FeedFilters['source'])
      : undefined,
    sentiment: (SENTIMENT_CLASSES as readonly string[]).includes(sentiment ?? '')
      ? (sentiment as SentimentClass)
      : undefined,
    language: (LANGUAGES as readonly string[]).includes(language ?? '') ? (language ?? undefined) : undefined,
    period,
  };
  const set = (name: string, value: string | null) =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        if (value) next.set(name, value);
        else next.delete(name);
        return next;
      },
      { replace: true },
    );
  return { filters, set };
}

export function SignalsPage() {
  const { brand, isPending: brandsPending } = useCurrentBrand();
  const { filters, set } = useFilters();
  const to = dayOf(Date.now());
  const from = dayOf(Date.now() - (filters.period - 1) * 86_400_000);
  const feed = useSignalFeed({
    brandId: brand?.id,
    source: filters.source,
    sentiment: filters.sentiment,
    language: filters.language,
    from,
    to,
  });
  const series = useSignalSeries(brand?.id, from, to);
  const alerts = useSignalAlerts(brand?.id);
  const live = useLiveSignals();
  const push = usePushStatus();

  const points = series.data?.points ?? [];
  const items = feed.data?.pages.flatMap((p) => p.items) ?? [];
  const noSignalsAtAll =
    series.isSuccess &&
    feed.isSuccess &&
    points.length === 0 &&
    items.length === 0 &&
    !filters.source &&
    !filters.sentiment &&
    !filters.language &&
    (alerts.data?.items.length ?? 0) === 0;

  return (
    <>
      <PageHeader
        title="Signals"
        description="Posts, articles and mentions from the social web and the news, analysed like AI answers: volume and sentiment toward your brand, with alerts when they swing beyond their normal range."
      >
        {push === 'connected' ? (
          <span className="live live--on" title="New signals are pushed to this page as they are ingested">
            <span className="live-dot" aria-hidden="true" /> Live
          </span>
        ) : (
          <span className="live" title="The live channel is not connected; reload to see new signals">
            Not live
          </span>
        )}
      </PageHeader>
      {brandsPending ? (
        <p className="loading-line" role="status">
          <span className="spinner spinner--inline" aria-hidden="true" /> Loading brands…
        </p>
      ) : !brand ? (
        <EmptyState icon="◈" title="No brand yet">
          <p>
            Signals are collected per brand. <Link to="/setup">Set up a brand</Link> first, then connect a source in{' '}
            <Link to="/admin/connectors">Admin › Connectors</Link>.
          </p>
        </EmptyState>
      ) : noSignalsAtAll ? (
        <EmptyState
          icon="◈"
          title="No signals yet"
          upcoming={[
            'Mentions from Reddit, RSS and news feeds, X, Meta and signed webhooks',
            'Volume and sentiment toward your brand per day and source',
            'Alerts when sentiment or volume swings beyond its normal range, with the posts behind them',
          ]}
        >
          <p>
            Nothing has been collected for {brand.name} in the last {filters.period} days. Connect a source in{' '}
            <Link to="/admin/connectors">Admin › Connectors</Link> (Reddit, RSS/news feeds, X, Meta or a signed
            webhook); its posts appear here live as they are ingested.
          </p>
        </EmptyState>
      ) : (
        <>
          <section className="panel panel-pad signals-filters" aria-label="Filters">
            <Select
              label="Source"
              value={filters.source ?? ''}
              onChange={(v) => set('source', v)}
              options={SIGNAL_SOURCE_VALUES.map((s) => [s, SOURCE_LABELS[s] ?? s])}
              all="All sources"
            />
            <Select
              label="Sentiment"
              value={filters.sentiment ?? ''}
              onChange={(v) => set('sentiment', v)}
              options={SENTIMENT_CLASSES.map((s) => [s, s[0]?.toUpperCase() + s.slice(1)])}
              all="Any sentiment"
            />
            <Select
              label="Language"
              value={filters.language ?? ''}
              onChange={(v) => set('language', v)}
              options={LANGUAGES.map((l) => [l, LANGUAGE_LABELS[l] ?? l])}
              all="Any language"
            />
            <Select
              label="Period"
              value={String(filters.period)}
              onChange={(v) => set('days', v === '30' ? null : v)}
              options={PERIODS.map((p) => [String(p), `Last ${p} days`])}
            />
          </section>

          <AlertsPanel alerts={alerts} liveAlerts={live.alerts} />

          <section className="panel panel-pad" aria-labelledby="signals-trend-title">
            <div className="section-head">
              <h2 id="signals-trend-title">Volume and sentiment</h2>
            </div>
            <QueryState query={series} label="the daily series">
              {points.length === 0 ? (
                <p className="muted">No signals for {brand.name} in this period.</p>
              ) : (
                <>
                  <div className="signals-charts">
                    <VolumeChart points={points} from={from} to={to} />
                    <SentimentChart points={points} alerts={alerts.data?.items ?? []} from={from} to={to} />
                  </div>
                  <TopPosts
                    brandId={brand.id}
                    source={filters.source}
                    days={[...new Set(points.filter((p) => p.volume > 0).map((p) => p.day))].sort().reverse()}
                  />
                </>
              )}
            </QueryState>
          </section>

          <section className="panel panel-pad" aria-labelledby="signals-feed-title" data-testid="signals-feed">
            <div className="section-head">
              <h2 id="signals-feed-title">Feed</h2>
              {live.count > 0 ? (
                <span className="chip" data-testid="signals-live-count">
                  {live.count} new since you opened this page
                </span>
              ) : null}
            </div>
            <QueryState query={feed} label="the feed">
              {items.length === 0 ? (
                <p className="muted">No signals match these filters in this period.</p>
              ) : (
                <ol className="signals-feed">
                  {items.map((item) => (
                    <FeedItem key={item.id} item={item} />
                  ))}
                </ol>
              )}
              {feed.hasNextPage ? (
                <button
                  type="button"
                  className="button button--ghost"
                  disabled={feed.isFetchingNextPage}
                  onClick={() => void feed.fetchNextPage()}
                >
                  {feed.isFetchingNextPage ? 'Loading…' : 'Load more'}
                </button>
              ) : null}
            </QueryState>
          </section>
        </>
      )}
    </>
  );
}

/** The day's posts with the largest audience, for a day picked from the days that have signals (latest first). */
function TopPosts({ brandId, source, days }: { brandId: string; source: FeedFilters['source']; days: string[] }) {
  const [picked, setPicked] = useState<string | null>(null);
  const day = picked && days.includes(picked) ? picked : (days[0] ?? null);
  const top = useTopPosts(brandId, day, source);
  if (!day) return null;
  return (
    <div className="signals-top" data-testid="signals-top-posts">
      <div className="section-head">
        <h3>Top posts by reach</h3>
        <Select label="Day" value={day} onChange={(v) => setPicked(v)} options={days.map((d) => [d, d])} />
      </div>
      <QueryState query={top} label="the top posts">
        <ol className="signals-feed signals-feed--compact">
          {(top.data?.items ?? []).map((post) => (
            <FeedItem key={post.id} item={post} />
          ))}
        </ol>
      </QueryState>
    </div>
  );
}

function Select({
  label,
  value,
  onChange,
  options,
  all,
}: {
  label: string;
  value: string;
  onChange: (value: string | null) => void;
  options: [string, string][];
  all?: string;
}) {
  const id = useId();
  return (
    <div className="field signals-filter">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value || null)}>
        {all ? <option value="">{all}</option> : null}
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
}

function SentimentChip({ sentiment }: { sentiment: SignalFeedItem['sentiment'] }) {
  return (
    <span
      className={`chip signals-sentiment signals-sentiment--${sentiment.class}`}
      title={sentiment.towardBrand ? 'Sentiment toward the brand' : 'Sentiment of the post (the brand is not named)'}
    >
      {sentiment.class} {sentiment.score >= 0 ? '+' : ''}
      {sentiment.score.toFixed(2)}
    </span>
  );
}

function FeedItem({
  item,
}: {
  item: Pick<
    SignalFeedItem,
    'id' | 'source' | 'url' | 'author' | 'title' | 'excerpt' | 'publishedAt' | 'reach' | 'sentiment'
  > & { language?: string; channel?: string | null };
}) {
  return (
    <li className="signals-item" data-testid="signal-item">
      <div className="signals-item-meta">
        <span className="chip">{SOURCE_LABELS[item.source] ?? item.source}</span>
        <SentimentChip sentiment={item.sentiment} />
        {item.language ? <span className="muted small">{item.language}</span> : null}
        {item.channel ? <span className="muted small">{item.channel}</span> : null}
        {item.author ? <span className="muted small">by {item.author}</span> : null}
        <time className="muted small" dateTime={item.publishedAt}>
          {new Date(item.publishedAt).toLocaleString()}
        </time>
        <span className="muted small">reach {item.reach.toLocaleString()}</span>
      </div>
      {item.title ? <p className="signals-item-title">{item.title}</p> : null}
      <p className="signals-item-text">{item.excerpt}</p>
      {item.url ? (
        <a href={item.url} target="_blank" rel="noopener noreferrer nofollow" className="small">
          Open the original
        </a>
      ) : null}
    </li>
  );
}

/** Alerts listed before "Show all": the newest days first, so the charts stay in view. */
const ALERTS_SHOWN = 5;

const METRIC_TEXT = {
  'sentiment|down': 'Sentiment toward the brand fell',
  'sentiment|up': 'Sentiment toward the brand rose',
  'volume|up': 'Volume spiked',
  'volume|down': 'Volume dropped',
} as const;

function AlertsPanel({
  alerts,
  liveAlerts,
}: {
  alerts: ReturnType<typeof useSignalAlerts>;
  liveAlerts: SignalAlert[];
}) {
  const { workspace } = useSession();
  const canAcknowledge = roleAllows(workspace.role, ['owner', 'admin', 'analyst']);
  const acknowledge = useAcknowledgeAlert();
  const all = alerts.data?.items ?? [];
  const [showAll, setShowAll] = useState(false);
  const list = showAll ? all : all.slice(0, ALERTS_SHOWN);
  return (
    <section className="panel panel-pad" aria-labelledby="signals-alerts-title" data-testid="signals-alerts">
      <div className="section-head">
        <h2 id="signals-alerts-title">Alerts</h2>
        {liveAlerts.length > 0 ? <span className="chip">{liveAlerts.length} new</span> : null}
      </div>
      <QueryState query={alerts} label="the alerts">
        {all.length === 0 ? (
          <p className="muted">
            No swings: volume and sentiment are within their normal range (judged against the trailing 28 days, once a
            source has 14 days of history).
          </p>
        ) : (
          <ul className="signals-alerts">
            {list.map((alert) => {
              const e = alert.evidence;
              const isSentiment = alert.metric === 'sentiment';
              const fmt = (x: number) => (isSentiment ? x.toFixed(2) : String(Math.round(x)));
              return (
                <li
                  key={alert.id}
                  className={`signals-alert signals-alert--${alert.severity} ${alert.status === 'acknowledged' ? 'signals-alert--acked' : ''}`}
                  data-testid="signal-alert"
                  data-source={alert.source}
                  data-metric={`${alert.metric}-${alert.direction}`}
                >
                  <div className="signals-alert-head">
                    <strong>{METRIC_TEXT[`${alert.metric}|${alert.direction}`]}</strong>
                    <span className="chip">{SOURCE_LABELS[alert.source] ?? alert.source}</span>
                    <span className="muted small">{alert.day}</span>
                    <span className={`chip signals-severity--${alert.severity}`}>{alert.severity}</span>
                    {alert.status === 'acknowledged' ? (
                      <span className="muted small">acknowledged</span>
                    ) : canAcknowledge ? (
                      <button
                        type="button"
                        className="button button--small button--ghost"
                        disabled={acknowledge.isPending}
                        onClick={() => acknowledge.mutate(alert.id)}
                      >
                        Acknowledge
                      </button>
                    ) : null}
                  </div>
                  <p className="small">
                    Observed <strong>{fmt(e.observed.value)}</strong> (n = {e.observed.n}) against a{' '}
                    <Term term="baseline" /> of <strong>{fmt(e.baseline.value)}</strong> over {e.baseline.days} days (n
                    = {e.baseline.n}): a change of {e.change.absolute >= 0 ? '+' : ''}
                    {fmt(e.change.absolute)}
                    {e.change.relative !== null ? ` (${Math.round(e.change.relative * 100)}%)` : ''},{' '}
                    {Math.abs(e.change.z).toFixed(1)} × the normal spread.
                  </p>
                  <details>
                    <summary className="small">Thresholds and collection</summary>
                    <p className="small muted">
                      {Object.entries(e.thresholds)
                        .map(([k, v]) => `${k} ${v}`)
                        .join(' · ')}{' '}
                      · collected {e.collection.observed} (baseline median {e.collection.baseline})
                    </p>
                  </details>
                  {e.topNegativePosts.length > 0 ? (
                    <details>
                      <summary className="small">The {e.topNegativePosts.length} most negative posts that day</summary>
                      <ol className="signals-feed signals-feed--compact">
                        {e.topNegativePosts.map((post) => (
                          <FeedItem key={post.id} item={post} />
                        ))}
                      </ol>
                    </details>
                  ) : null}
                </li>
              );
            })}
          </ul>
        )}
        {all.length > ALERTS_SHOWN ? (
          <button type="button" className="button button--ghost button--small" onClick={() => setShowAll(!showAll)}>
            {showAll ? `Show the latest ${ALERTS_SHOWN}` : `Show all ${all.length} alerts`}
          </button>
        ) : null}
      </QueryState>
      <ErrorBanner error={acknowledge.error} title="Could not acknowledge the alert" />
    </section>
  );
}
