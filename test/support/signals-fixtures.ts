/**
 * `promptpulse.signal.observed` events for tests: single posts with a chosen sentiment toward the brand, and a
 * daily series with a planted swing (the last day: 3× volume and sentiment toward the brand far below normal).
 */
import { makeEvent } from '../../shared/events/envelope.ts';
import { type SignalObservedEvent, signalObservedEventSchema } from '../../shared/events/schemas.ts';

export interface TestSignal {
  tenantId: string;
  brandId: string;
  externalId: string;
  publishedAt: string;
  source?: 'reddit' | 'rss' | 'x' | 'meta' | 'webhook';
  connectorId?: string;
  /** Sentiment toward the brand; null = the post does not mention the brand. */
  sentiment: number | null;
  language?: string | null;
  text?: string;
  followers?: number | null;
}

export function signalEvent(s: TestSignal): SignalObservedEvent {
  const connectorId = s.connectorId ?? `con_test_${s.source ?? 'reddit'}`;
  const mentioned = s.sentiment !== null;
  const score = s.sentiment ?? 0;
  const event = makeEvent({
    type: 'promptpulse.signal.observed' as const,
    tenantId: s.tenantId,
    subject: `brands/${s.brandId}/connectors/${connectorId}/items/${s.externalId}`,
    time: s.publishedAt,
    key: `${connectorId}|${s.externalId}`,
    data: {
      tenantId: s.tenantId,
      brandId: s.brandId,
      connectorId,
      source: s.source ?? 'reddit',
      externalId: s.externalId,
      kind: 'post' as const,
      parentExternalId: null,
      url: `https://example.com/posts/${encodeURIComponent(s.externalId)}`,
      channel: 'r/analytics',
      author: `user_${s.externalId.slice(-4)}`,
      title: null,
      text: s.text ?? `Post ${s.externalId} about the brand (${score >= 0 ? 'happy' : 'unhappy'} customer).`,
      language: s.language === undefined ? 'en' : s.language,
      publishedAt: s.publishedAt,
      observedAt: s.publishedAt,
      reach: { followers: s.followers === undefined ? 100 : s.followers, impressions: null },
      engagement: { score: 3, likes: null, comments: 1, shares: null },
      analyzerVersion: 'test',
      sentiment: {
        score,
        label: score >= 0.05 ? ('positive' as const) : score <= -0.05 ? ('negative' as const) : ('neutral' as const),
      },
      entities: [
        {
          entityId: s.brandId,
          kind: 'brand' as const,
          mentioned,
          mentions: mentioned ? 1 : 0,
          rank: mentioned ? 1 : null,
          sentiment: mentioned ? score : null,
          mentionSentiments: mentioned ? [score] : [],
          ownedCitations: 0,
          positionAdjustedWords: mentioned ? 10 : 0,
          primaryRecommendation: false,
        },
      ],
      citations: [],
    },
  });
  return signalObservedEventSchema.parse(event);
}

const DAY_MS = 86_400_000;

/**
 * A series of `days` days ending with `lastDay`: 22 posts a day with sentiment toward the brand around +0.3, and
 * on the last day 70 posts around −0.6 (a volume spike and a negative sentiment swing). Deterministic.
 */
export function plantedSwingSeries(input: {
  tenantId: string;
  brandId: string;
  lastDay: string;
  days?: number;
  prefix?: string;
  source?: TestSignal['source'];
}): SignalObservedEvent[] {
  const days = input.days ?? 20;
  const last = Date.parse(`${input.lastDay}T00:00:00Z`);
  const events: SignalObservedEvent[] = [];
  for (let d = days - 1; d >= 0; d--) {
    const dayStart = last - d * DAY_MS;
    const swing = d === 0;
    const count = swing ? 70 : 22;
    for (let i = 0; i < count; i++) {
      // A fixed wobble instead of randomness: spread ±0.2 around the day's mean.
      const wobble = (((i * 7) % 11) - 5) / 25;
      const sentiment = Math.max(-1, Math.min(1, (swing ? -0.6 : 0.3) + wobble));
      events.push(
        signalEvent({
          tenantId: input.tenantId,
          brandId: input.brandId,
          ...(input.source ? { source: input.source } : {}),
          externalId: `${input.prefix ?? 't3_'}${new Date(dayStart).toISOString().slice(0, 10)}_${i}`,
          publishedAt: new Date(dayStart + 3_600_000 + i * 60_000).toISOString(),
          sentiment,
          language: i % 5 === 0 ? 'de' : 'en',
          followers: 100 + i * 10,
          text: swing
            ? `Outage again, support is terrible and I want a refund (${i}).`
            : `Nice dashboards, works well for our team (${i}).`,
        }),
      );
    }
  }
  return events;
}
