/**
 * Signals: applying `signal.observed` events to the signal aggregates (exactly once per event), judging the touched
 * brand-days for swings right after (alerts deduped per brand/metric/source/day, withdrawn when later data of the
 * same day no longer shows the swing), and the reads behind the Signals API. See docs/signals.md.
 */
import {
  type AlertPost,
  MAX_PUSHED_SIGNALS,
  type SeriesSource,
  type SignalAlert,
  type SignalAlertsPage,
  type SignalAlertsQuery,
  type SignalFeedItem,
  type SignalFeedPage,
  type SignalFeedQuery,
  type SignalSeriesPoint,
  type SignalSeriesQuery,
  type TopPostsQuery,
} from '../contracts/signals.ts';
import { NotFoundError } from '../domain/errors.ts';
import type { TenantPrincipal } from '../domain/principal.ts';
import type { TenantId } from '../domain/workspace.ts';
import { metricAlertEvent } from '../events/metric-alert.ts';
import { parseCanonicalEvent, type SignalObservedEvent } from '../events/schemas.ts';
import type { EventPublisher } from '../ports/event-publisher.ts';
import type { PushNotifier } from '../ports/push.ts';
import type { SignalAlertStore, SignalStore } from '../ports/signals.ts';
import type { Clock } from '../ports/system.ts';
import { metricAlertDataOf, signalAlertId, signalAlertOf } from '../signals/alerts.ts';
import { detectorSeries, seriesPointOf, signalFactOf } from '../signals/rollups.ts';
import {
  DEFAULT_SWING_OPTIONS,
  type DetectOptions,
  dayNumber,
  dayString,
  detectSwings,
} from '../signals/swing-detector.ts';

export interface SignalsLog {
  warn(message: string, details: Record<string, unknown>): void;
  error(message: string, details: Record<string, unknown>): void;
}

export interface SignalAggregationDeps {
  signals: SignalStore;
  alerts: SignalAlertStore;
  clock: Clock;
  /** Publishes `metric.alert` events (absent: alerts are stored and pushed only). */
  publisher?: EventPublisher;
  /** Pushes new signals and alerts to the workspace's browsers (absent: no push). */
  push?: PushNotifier;
  log?: SignalsLog;
  /** Detector settings (docs/signals.md lists the defaults). */
  detector?: DetectOptions['options'];
  /** @default ALERT_WINDOW_DAYS */
  alertWindowDays?: number;
}

export interface SignalAggregationResult {
  /** The first record that could not be applied (the stream redelivers from it). */
  batchItemFailures: { itemIdentifier: string }[];
  applied: number;
  duplicates: number;
  alertsCreated: number;
  alertsWithdrawn: number;
}

/** Cheap pre-check so the records of other types are not parsed a second time by this pass. */
const SIGNAL_TYPE_MARKER = '"promptpulse.signal.observed"';

/**
 * The signal pass of the aggregation consumer over one batch, in order: each `signal.observed` is applied exactly
 * once (a duplicate changes nothing); unusable records are left to the rollup pass, which logs them. A storage
 * failure stops the pass and names that record. Then the applied signals are pushed, and every touched brand-day
 * is judged for swings. Detection or push failures are logged, never retried through the stream: the next
 * signal of the same day judges it again.
 */
export async function aggregateSignalRecords(
  deps: SignalAggregationDeps,
  records: readonly { sequenceNumber: string; data: string }[],
): Promise<SignalAggregationResult> {
  const result: SignalAggregationResult = {
    batchItemFailures: [],
    applied: 0,
    duplicates: 0,
    alertsCreated: 0,
    alertsWithdrawn: 0,
  };
  const touched = new Map<string, { tenantId: TenantId; brandId: string; days: Set<string> }>();
  const pushed = new Map<TenantId, SignalFeedItem[]>();
  for (const record of records) {
    if (!record.data.includes(SIGNAL_TYPE_MARKER)) continue;
    const parsed = parseCanonicalEvent(record.data);
    if (!parsed.ok || parsed.event.type !== 'promptpulse.signal.observed') continue;
    const fact = signalFactOf(parsed.event as SignalObservedEvent);
    try {
      const outcome = await deps.signals.apply(fact);
      if (outcome === 'duplicate') {
        result.duplicates++;
        continue;
      }
      result.applied++;
    } catch (error) {
      deps.log?.error('Signal aggregate update failed; the batch resumes from this record', {
        sequenceNumber: record.sequenceNumber,
        eventId: fact.eventId,
        error: (error as Error).name,
        message: (error as Error).message,
      });
      result.batchItemFailures.push({ itemIdentifier: record.sequenceNumber });
      break;
    }
    const tenantId = fact.tenantId as TenantId;
    const key = `${tenantId}|${fact.brandId}`;
    const entry = touched.get(key) ?? { tenantId, brandId: fact.brandId, days: new Set<string>() };
    entry.days.add(fact.day);
    touched.set(key, entry);
    const list = pushed.get(tenantId) ?? [];
    list.push(fact.item);
    pushed.set(tenantId, list);
  }
  for (const [tenantId, items] of pushed) {
    const newest = [...items].sort((a, b) => (a.publishedAt < b.publishedAt ? 1 : -1)).slice(0, MAX_PUSHED_SIGNALS);
    await deps.push
      ?.pushToTenant(tenantId, { type: 'signals.observed', items: newest, total: items.length })
      .catch((error: unknown) => deps.log?.warn('Could not push new signals', { error: (error as Error)?.name }));
  }
  for (const entry of touched.values()) {
    const days = daysToJudge(entry.days, deps);
    if (days.size === 0) continue;
    try {
      const outcome = await judgeBrandDays(deps, entry.tenantId, entry.brandId, days);
      result.alertsCreated += outcome.created;
      result.alertsWithdrawn += outcome.withdrawn;
    } catch (error) {
      deps.log?.error('Swing detection failed for a brand; the next signal of the day judges it again', {
        tenantId: entry.tenantId,
        brandId: entry.brandId,
        error: (error as Error).name,
        message: (error as Error).message,
      });
    }
  }
  return result;
}

/** Alerts are raised for the last 14 days (UTC, today included); older swings are history, shown in the charts. */
export const ALERT_WINDOW_DAYS = 14;

/**
 * The days whose judgement a batch may have changed: the touched days themselves and every later day whose
 * trailing baseline contains one of them (up to today), within the alert window. Why the later days: during a
 * backfill, or when one source lags another, a day is first judged against a baseline that is still filling up;
 * judging it again as its baseline fills in withdraws what were only artefacts of arrival order.
 */
export function daysToJudge(
  touched: ReadonlySet<string>,
  deps: Pick<SignalAggregationDeps, 'clock' | 'detector' | 'alertWindowDays'>,
): Set<string> {
  const today = dayNumber(deps.clock.now().toISOString().slice(0, 10));
  const windowDays = deps.detector?.baselineDays ?? DEFAULT_SWING_OPTIONS.baselineDays;
  const earliest = today - (deps.alertWindowDays ?? ALERT_WINDOW_DAYS) + 1;
  const numbers = [...touched].map(dayNumber);
  const first = Math.max(Math.min(...numbers), earliest);
  const last = Math.min(Math.max(...numbers) + windowDays, today);
  const out = new Set<string>();
  for (let d = first; d <= last; d++) out.add(dayString(d));
  return out;
}

/** How many of a day's most negative posts an alert quotes. */
export const ALERT_EVIDENCE_POSTS = 5;

/**
 * Judges the given days of one brand, every source and `all`: reads the day rows and collection volumes of the
 * trailing window, runs the detector on those days only, creates the alerts that are not there yet (publishing
 * `metric.alert` and pushing them) and withdraws open alerts of those days the data no longer supports.
 */
export async function judgeBrandDays(
  deps: SignalAggregationDeps,
  tenantId: TenantId,
  brandId: string,
  days: ReadonlySet<string>,
): Promise<{ created: number; withdrawn: number; alerts: SignalAlert[] }> {
  const sorted = [...days].sort();
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  if (!first || !last) return { created: 0, withdrawn: 0, alerts: [] };
  const windowDays = deps.detector?.baselineDays ?? DEFAULT_SWING_OPTIONS.baselineDays;
  // The CUSUM of a judged day looks back over its span, each span judged against the window before the span.
  const spanDays = deps.detector?.cusum?.days ?? DEFAULT_SWING_OPTIONS.cusum.days;
  const from = dayString(dayNumber(first) - windowDays - (spanDays - 1));
  const [rows, collection, existing] = await Promise.all([
    deps.signals.readDays(tenantId, brandId, from, last),
    deps.signals.readCollection(tenantId, from, last),
    deps.alerts.listForDays(tenantId, brandId, first, last),
  ]);
  const existingById = new Map(existing.map((a) => [a.id, a]));
  const supported = new Set<string>();
  const created: SignalAlert[] = [];
  const now = deps.clock.now();
  for (const [source, points] of detectorSeries(rows, collection)) {
    const findings = detectSwings(points, { days, ...(deps.detector ? { options: deps.detector } : {}) });
    for (const finding of findings) {
      if (finding.suppressed) continue;
      const id = signalAlertId(tenantId, brandId, finding.metric, source, finding.day);
      supported.add(id);
      if (existingById.has(id)) continue;
      const topNegativePosts = await deps.signals.topPosts(
        tenantId,
        brandId,
        source,
        finding.day,
        'negative',
        ALERT_EVIDENCE_POSTS,
      );
      const alert = signalAlertOf({ tenantId, brandId, source, finding, topNegativePosts, now });
      // Published before it is stored: a crash in between republishes the same event id (consumers dedupe), where
      // the other order could store an alert whose event is never published.
      await deps.publisher?.publish([metricAlertEvent(metricAlertDataOf(tenantId, alert))]);
      if ((await deps.alerts.create(tenantId, alert)) === 'created') created.push(alert);
    }
  }
  let withdrawn = 0;
  for (const alert of existing) {
    if (alert.status !== 'open' || !days.has(alert.day) || supported.has(alert.id)) continue;
    await deps.alerts.withdraw(tenantId, alert.id, now.toISOString());
    withdrawn++;
  }
  for (const alert of created) {
    await deps.push
      ?.pushToTenant(tenantId, { type: 'signal.alert', alert })
      .catch((error: unknown) => deps.log?.warn('Could not push an alert', { error: (error as Error)?.name }));
  }
  return { created: created.length, withdrawn, alerts: created };
}

// ---- Reads behind the Signals API -------------------------------------------------------------------------------

export interface SignalReadDeps {
  signals: SignalStore;
  alerts: SignalAlertStore;
  clock: Clock;
}

export async function listSignalFeed(
  deps: Pick<SignalReadDeps, 'signals'>,
  tenant: TenantPrincipal,
  query: SignalFeedQuery,
): Promise<SignalFeedPage> {
  const { limit, cursor, ...filter } = query;
  return deps.signals.listFeed(tenant.tenantId, filter, { limit, ...(cursor ? { cursor } : {}) });
}

/** Daily points of one brand, by day then source (`all` last). */
export async function readSignalSeries(
  deps: Pick<SignalReadDeps, 'signals'>,
  tenant: TenantPrincipal,
  brandId: string,
  query: SignalSeriesQuery,
): Promise<SignalSeriesPoint[]> {
  const rows = await deps.signals.readDays(tenant.tenantId, brandId, query.from, query.to);
  const order = (s: SeriesSource) => (s === 'all' ? 1 : 0);
  return rows
    .filter((r) => !query.source || r.source === query.source)
    .map(seriesPointOf)
    .sort((a, b) =>
      a.day !== b.day
        ? a.day < b.day
          ? -1
          : 1
        : order(a.source) - order(b.source) || a.source.localeCompare(b.source),
    );
}

export async function readTopPosts(
  deps: Pick<SignalReadDeps, 'signals'>,
  tenant: TenantPrincipal,
  brandId: string,
  query: TopPostsQuery,
): Promise<AlertPost[]> {
  return deps.signals.topPosts(tenant.tenantId, brandId, query.source, query.day, query.order, query.limit);
}

export async function listSignalAlerts(
  deps: Pick<SignalReadDeps, 'alerts'>,
  tenant: TenantPrincipal,
  query: SignalAlertsQuery,
): Promise<SignalAlertsPage> {
  const { limit, cursor, ...filter } = query;
  return deps.alerts.list(tenant.tenantId, filter, { limit, ...(cursor ? { cursor } : {}) });
}

/** Marks an open alert acknowledged by the caller; acknowledging again answers with the alert as it is. */
export async function acknowledgeSignalAlert(
  deps: Pick<SignalReadDeps, 'alerts' | 'clock'>,
  tenant: TenantPrincipal,
  alertId: string,
): Promise<SignalAlert> {
  const alert = await deps.alerts.acknowledge(tenant.tenantId, alertId, tenant.userId, deps.clock.now().toISOString());
  if (!alert) throw new NotFoundError('Alert not found', { code: 'alert_not_found' });
  return alert;
}
