import type { AlertPost, SentimentClass, SeriesSource, SignalAlert, SignalFeedItem } from '../contracts/signals.ts';
import type { CollectionRow, SignalDayRow, SignalFact } from '../signals/rollups.ts';
import type { Page, PageRequest } from './pagination.ts';

export interface SignalFeedFilter {
  brandId?: string;
  source?: string;
  sentiment?: SentimentClass;
  language?: string;
  /** Inclusive UTC days `YYYY-MM-DD`. */
  from?: string;
  to?: string;
}

/** Signal aggregates, the feed and the top posts (DynamoDB in AWS and locally). */
export interface SignalStore {
  /**
   * Applies a signal exactly once per event id: the marker, the day counters of its source and of `all`, the
   * collection counter, the feed item and the top-post entries commit in ONE transaction, so a redelivered or
   * replayed event is reported `duplicate` and changes nothing.
   */
  apply(fact: SignalFact): Promise<'applied' | 'duplicate'>;
  /** Day rows of a brand for days `from`..`to` inclusive, every source and `all`. */
  readDays(tenantId: string, brandId: string, from: string, to: string): Promise<SignalDayRow[]>;
  /** The workspace's collection volume per source and day (all brands). */
  readCollection(tenantId: string, from: string, to: string): Promise<CollectionRow[]>;
  /** A brand's posts of one day and source, by reach (largest first) or the negative ones (most negative first). */
  topPosts(
    tenantId: string,
    brandId: string,
    source: SeriesSource,
    day: string,
    order: 'reach' | 'negative',
    limit: number,
  ): Promise<AlertPost[]>;
  /**
   * The feed, newest first, filtered. The cursor is opaque; one that is not a cursor of this tenant's feed is
   * refused with a ValidationError (`invalid_cursor`).
   */
  listFeed(tenantId: string, filter: SignalFeedFilter, page: PageRequest): Promise<Page<SignalFeedItem>>;
}

export interface SignalAlertFilter {
  brandId?: string;
  /** Without a status: open and acknowledged. */
  status?: SignalAlert['status'];
  from?: string;
  to?: string;
}

/** Swing alerts, deduped per (brand, metric, direction, source, day) by their deterministic id. */
export interface SignalAlertStore {
  /** Stores the alert unless one with its id exists; `exists` leaves the stored one untouched. */
  create(tenantId: string, alert: SignalAlert): Promise<'created' | 'exists'>;
  get(tenantId: string, alertId: string): Promise<SignalAlert | null>;
  /** Alerts of days `from`..`to` of one brand, any status (what the detector reconciles against). */
  listForDays(tenantId: string, brandId: string, from: string, to: string): Promise<SignalAlert[]>;
  list(tenantId: string, filter: SignalAlertFilter, page: PageRequest): Promise<Page<SignalAlert>>;
  /** Open → acknowledged (idempotent for an acknowledged alert); null when there is no such alert. */
  acknowledge(tenantId: string, alertId: string, by: string, at: string): Promise<SignalAlert | null>;
  /** Open → withdrawn (later data no longer shows the swing); acknowledged alerts are left as they are. */
  withdraw(tenantId: string, alertId: string, at: string): Promise<void>;
}
