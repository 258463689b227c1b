/**
 * Signal rollups: what one `promptpulse.signal.observed` event adds to the per tenant/brand/source/day aggregates
 * (volume, sentiment distribution and mean sentiment toward the brand, languages), the feed item it becomes, and
 * the series the swing detector reads back. Pure; the store (functions/adapters/aws/dynamodb-signal-store.ts)
 * applies a fact exactly once per event id, like the answer rollups.
 */
import {
  SERIES_SOURCE_ALL,
  type SentimentClass,
  type SeriesSource,
  SIGNAL_EXCERPT_CHARS,
  type SignalFeedItem,
  type SignalSeriesPoint,
} from '../contracts/signals.ts';
import type { SignalObservedEvent } from '../events/schemas.ts';
import type { SignalDayPoint } from './swing-detector.ts';

/** Counter name → value (absent = 0). `lang#<code>` per language. */
export type SignalCounters = Record<string, number>;

/** Sentiment beyond ±0.05 is positive/negative, as the analysis engine labels text (shared/domain/connectors-sentiment.ts). */
export const SENTIMENT_CLASS_THRESHOLD = 0.05;

export const sentimentClassOf = (score: number): SentimentClass =>
  score >= SENTIMENT_CLASS_THRESHOLD ? 'positive' : score <= -SENTIMENT_CLASS_THRESHOLD ? 'negative' : 'neutral';

/** Everything the signal aggregates and the feed keep about one observed signal. */
export interface SignalFact {
  eventId: string;
  tenantId: string;
  brandId: string;
  /** UTC date the post was published (stable under re-polls and replays). */
  day: string;
  item: SignalFeedItem;
  /** Sentiment toward the brand; null when the post does not mention it. */
  targetSentiment: number | null;
  counters: SignalCounters;
}

/** Primary language subtag in lower case (`en-GB` → `en`), `und` when unknown or unusable. */
export function languageOf(tag: string | null): string {
  const primary = (tag ?? '').trim().toLowerCase().split(/[-_]/)[0] ?? '';
  return /^[a-z]{2,3}$/.test(primary) ? primary : 'und';
}

/** Reach used to rank posts: impressions, else followers, else the sum of reported interactions. */
export function reachOf(data: SignalObservedEvent['data']): number {
  const { reach, engagement } = data;
  if (reach.impressions !== null) return reach.impressions;
  if (reach.followers !== null) return reach.followers;
  return (engagement.score ?? 0) + (engagement.likes ?? 0) + (engagement.comments ?? 0) + (engagement.shares ?? 0);
}

function excerptOf(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= SIGNAL_EXCERPT_CHARS ? flat : `${flat.slice(0, SIGNAL_EXCERPT_CHARS - 1).trimEnd()}…`;
}

const round9 = (x: number) => Math.round(x * 1e9) / 1e9;

/** The fact of one `signal.observed` event. */
export function signalFactOf(event: SignalObservedEvent): SignalFact {
  const data = event.data;
  const brand = data.entities.find((e) => e.entityId === data.brandId) ?? data.entities.find((e) => e.kind === 'brand');
  const targetSentiment = brand?.mentioned && brand.sentiment !== null ? brand.sentiment : null;
  const score = targetSentiment ?? data.sentiment.score;
  const cls = sentimentClassOf(score);
  const language = languageOf(data.language);
  const counters: SignalCounters = { n: 1, [cls === 'positive' ? 'pos' : cls === 'negative' ? 'neg' : 'neu']: 1 };
  counters[`lang#${language}`] = 1;
  if (brand?.mentioned) counters.m = 1;
  if (targetSentiment !== null) {
    counters.sN = 1;
    counters.s = round9(targetSentiment);
    counters.s2 = round9(targetSentiment * targetSentiment);
  }
  return {
    eventId: event.id,
    tenantId: data.tenantId,
    brandId: data.brandId,
    day: data.publishedAt.slice(0, 10),
    targetSentiment,
    counters,
    item: {
      id: event.id,
      brandId: data.brandId,
      connectorId: data.connectorId,
      source: data.source,
      externalId: data.externalId,
      kind: data.kind,
      url: data.url,
      channel: data.channel,
      author: data.author,
      title: data.title === null ? null : excerptOf(data.title),
      excerpt: excerptOf(data.text),
      language,
      publishedAt: data.publishedAt,
      reach: Math.max(0, reachOf(data)),
      sentiment: { score, class: cls, towardBrand: targetSentiment !== null },
      mentions: data.entities.filter((e) => e.mentioned).map((e) => e.entityId),
    },
  };
}

/** One stored day of counters for a brand and source (`all` = every source together). */
export interface SignalDayRow {
  day: string;
  source: SeriesSource;
  counters: SignalCounters;
}

/** Collection volume: what the workspace's connectors collected from a source on a day, for every brand. */
export interface CollectionRow {
  day: string;
  source: SeriesSource;
  collected: number;
}

/** A stored day row as the API's series point. */
export function seriesPointOf(row: SignalDayRow): SignalSeriesPoint {
  const c = (k: string) => row.counters[k] ?? 0;
  const languages: Record<string, number> = {};
  for (const [k, v] of Object.entries(row.counters)) if (k.startsWith('lang#') && v > 0) languages[k.slice(5)] = v;
  const n = c('sN');
  return {
    day: row.day,
    source: row.source,
    volume: c('n'),
    mentioned: c('m'),
    positive: c('pos'),
    neutral: c('neu'),
    negative: c('neg'),
    sentiment: { n, mean: n > 0 ? Math.max(-1, Math.min(1, c('s') / n)) : null },
    languages,
  };
}

/** The detector's input per source: day rows joined with the source's collection volume. */
export function detectorSeries(rows: readonly SignalDayRow[], collection: readonly CollectionRow[]) {
  const collected = new Map(collection.map((r) => [`${r.source}|${r.day}`, r.collected]));
  const bySource = new Map<SeriesSource, SignalDayPoint[]>();
  // Every (source, day) the workspace collected on appears, even when the brand had nothing that day (volume 0).
  for (const r of collection) {
    const list = bySource.get(r.source) ?? [];
    list.push({ day: r.day, volume: 0, collected: r.collected, sentimentN: 0, sentimentSum: 0, sentimentSumSq: 0 });
    bySource.set(r.source, list);
  }
  const index = new Map<string, SignalDayPoint>();
  for (const [source, list] of bySource) for (const p of list) index.set(`${source}|${p.day}`, p);
  for (const row of rows) {
    const key = `${row.source}|${row.day}`;
    const c = (k: string) => row.counters[k] ?? 0;
    const point: SignalDayPoint = {
      day: row.day,
      volume: c('n'),
      collected: collected.get(key) ?? c('n'),
      sentimentN: c('sN'),
      sentimentSum: c('s'),
      sentimentSumSq: c('s2'),
    };
    const existing = index.get(key);
    if (existing) Object.assign(existing, point);
    else {
      const list = bySource.get(row.source) ?? [];
      list.push(point);
      bySource.set(row.source, list);
    }
  }
  for (const list of bySource.values()) list.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  return bySource;
}

export { SERIES_SOURCE_ALL };
