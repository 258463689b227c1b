/** Swing findings as stored alerts and `metric.alert` events (pure). */
import type { AlertPost, SeriesSource, SignalAlert } from '../contracts/signals.ts';
import { deterministicUlid, encodeUlid } from '../events/envelope.ts';
import type { MetricAlertData } from '../events/metric-alert.ts';
import type { SwingFinding } from './swing-detector.ts';

const dayStartMs = (day: string) => Date.parse(`${day}T00:00:00.000Z`);

/**
 * The alert id: a ULID whose time is the alert's day and whose randomness derives from (tenant, brand, metric,
 * source, day). The same swing judged again (a replay, a redelivery, a later batch of the same day) gets the
 * same id, which is how alerts are deduped; ids sort by day.
 */
export function signalAlertId(
  tenantId: string,
  brandId: string,
  metric: SwingFinding['metric'],
  source: SeriesSource,
  day: string,
): string {
  return deterministicUlid(dayStartMs(day), `${tenantId}|signal-alert|${brandId}|${metric}|${source}|${day}`);
}

/** Lowest and highest alert ids of days `from`..`to` inclusive. */
export function alertIdRange(from: string, to: string): [string, string] {
  return [
    encodeUlid(dayStartMs(from), new Uint8Array(10)),
    encodeUlid(dayStartMs(to) + 86_400_000 - 1, new Uint8Array(10).fill(0xff)),
  ];
}

export function signalAlertOf(input: {
  tenantId: string;
  brandId: string;
  source: SeriesSource;
  finding: SwingFinding;
  topNegativePosts: AlertPost[];
  now: Date;
}): SignalAlert {
  const { finding: f } = input;
  return {
    id: signalAlertId(input.tenantId, input.brandId, f.metric, input.source, f.day),
    brandId: input.brandId,
    source: input.source,
    metric: f.metric,
    direction: f.direction,
    day: f.day,
    severity: f.severity,
    status: 'open',
    evidence: {
      baseline: f.baseline,
      observed: f.observed,
      change: f.change,
      thresholds: { ...f.thresholds },
      collection: f.collection,
      topNegativePosts: input.topNegativePosts,
    },
    createdAt: input.now.toISOString(),
    acknowledgedAt: null,
    acknowledgedBy: null,
    withdrawnAt: null,
  };
}

export function metricAlertDataOf(tenantId: string, alert: SignalAlert): MetricAlertData {
  const e = alert.evidence;
  return {
    tenantId,
    brandId: alert.brandId,
    alertId: alert.id,
    scope: 'signals',
    metric: alert.metric,
    source: alert.source,
    day: alert.day,
    direction: alert.direction,
    severity: alert.severity,
    observed: e.observed,
    baseline: e.baseline,
    change: e.change,
    thresholds: e.thresholds,
    collection: e.collection,
    topNegativePosts: e.topNegativePosts.slice(0, 5).map((p) => ({
      signalId: p.id,
      url: p.url,
      excerpt: p.excerpt,
      sentiment: p.sentiment.score,
      reach: p.reach,
      publishedAt: p.publishedAt,
    })),
    detectedAt: alert.createdAt,
  };
}
