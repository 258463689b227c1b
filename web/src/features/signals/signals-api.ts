/**
 * The Signals area's API calls and TanStack Query hooks: typed over shared/contracts/signals.ts, with the same
 * token handling as the app's API client (current token; one refresh on a 401) and its error type.
 */
import { type QueryClient, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import type * as z from 'zod';
import type { PushMessage } from '../../../../shared/contracts/runs.ts';
import {
  type SentimentClass,
  type SeriesSource,
  type SignalAlert,
  SignalAlertSchema,
  SignalAlertsPageSchema,
  type SignalFeedItem,
  SignalFeedPageSchema,
  SignalSeriesResponseSchema,
  TopPostsResponseSchema,
} from '../../../../shared/contracts/signals.ts';
import { useApi } from '../../app/runtime.tsx';

export interface FeedFilters {
  brandId?: string | undefined;
  source?: SeriesSource | undefined;
  sentiment?: SentimentClass | undefined;
  language?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export const signalKeys = {
  all: ['signals'] as const,
  feed: (filters: FeedFilters) => ['signals', 'feed', filters] as const,
  series: (brandId: string, from: string, to: string) => ['signals', 'series', brandId, from, to] as const,
  alerts: (brandId: string | undefined) => ['signals', 'alerts', brandId ?? 'all'] as const,
  topPosts: (brandId: string, day: string, source: string) => ['signals', 'top-posts', brandId, day, source] as const,
  /** Signals pushed since the page opened (not a server query: filled by the WebSocket). */
  live: ['signals-live'] as const,
};

export interface LiveSignals {
  /** Signals pushed since the page was opened. */
  count: number;
  /** The newest pushed signals, newest first (at most 10). */
  latest: SignalFeedItem[];
  /** Alerts pushed since the page was opened. */
  alerts: SignalAlert[];
}

const query = (params: Record<string, string | number | undefined>) => {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') search.set(k, String(v));
  const text = search.toString();
  return text ? `?${text}` : '';
};

/** A typed fetcher over the app's API client (sign-in, refresh, timeout, errors, response parsing). */
function useSignalsFetch() {
  const api = useApi();
  return useCallback(
    <S extends z.ZodType>(method: 'GET' | 'POST', path: string, schema: S, signal?: AbortSignal): Promise<z.infer<S>> =>
      api.request({ method, path: path as `/${string}`, schema, signal }),
    [api],
  );
}

export const FEED_PAGE_SIZE = 25;

/** The feed, page by page (newest first). `source=all` is no filter. */
export function useSignalFeed(filters: FeedFilters) {
  const get = useSignalsFetch();
  return useInfiniteQuery({
    queryKey: signalKeys.feed(filters),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      get(
        'GET',
        `/signals${query({
          brandId: filters.brandId,
          source: filters.source === 'all' ? undefined : filters.source,
          sentiment: filters.sentiment,
          language: filters.language,
          from: filters.from,
          to: filters.to,
          limit: FEED_PAGE_SIZE,
          cursor: pageParam ?? undefined,
        })}`,
        SignalFeedPageSchema,
        signal,
      ),
    getNextPageParam: (last) => last.nextCursor,
    // Pushes refresh the feed at once; this slower refresh is the fallback when a push is lost (reconnect gap,
    // a busy consumer), so the feed never stays stale for long.
    refetchInterval: FALLBACK_REFRESH_MS,
  });
}

export function useSignalSeries(brandId: string | undefined, from: string, to: string) {
  const get = useSignalsFetch();
  return useQuery({
    queryKey: signalKeys.series(brandId ?? '', from, to),
    enabled: Boolean(brandId),
    queryFn: ({ signal }) =>
      get(
        'GET',
        `/brands/${encodeURIComponent(brandId ?? '')}/signals/series${query({ from, to })}`,
        SignalSeriesResponseSchema,
        signal,
      ),
  });
}

/** A day's top posts about the brand by reach (`source` all = every source). */
export function useTopPosts(brandId: string | undefined, day: string | null, source: SeriesSource | undefined) {
  const get = useSignalsFetch();
  const src = source ?? 'all';
  return useQuery({
    queryKey: signalKeys.topPosts(brandId ?? '', day ?? '', src),
    enabled: Boolean(brandId && day),
    queryFn: ({ signal }) =>
      get(
        'GET',
        `/brands/${encodeURIComponent(brandId ?? '')}/signals/top-posts${query({ day: day ?? '', source: src, order: 'reach', limit: 5 })}`,
        TopPostsResponseSchema,
        signal,
      ),
  });
}

export function useSignalAlerts(brandId: string | undefined) {
  const get = useSignalsFetch();
  return useQuery({
    queryKey: signalKeys.alerts(brandId),
    queryFn: ({ signal }) =>
      get('GET', `/signals/alerts${query({ brandId, limit: 50 })}`, SignalAlertsPageSchema, signal),
    refetchInterval: FALLBACK_REFRESH_MS,
  });
}

export function useAcknowledgeAlert() {
  const get = useSignalsFetch();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (alertId: string) =>
      get('POST', `/signals/alerts/${encodeURIComponent(alertId)}/acknowledge`, SignalAlertSchema),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: [...signalKeys.all, 'alerts'] }),
  });
}

export function useLiveSignals(): LiveSignals {
  const queryClient = useQueryClient();
  const live = useQuery({
    queryKey: signalKeys.live,
    queryFn: () => queryClient.getQueryData<LiveSignals>(signalKeys.live) ?? { count: 0, latest: [], alerts: [] },
    staleTime: Number.POSITIVE_INFINITY,
  });
  return live.data ?? { count: 0, latest: [], alerts: [] };
}

/**
 * Folds a pushed Signals message into the caches: the live counters the page shows at once, and a refresh of the
 * feed, series and alerts on screen (the server applies filters, so the pages are refetched rather than patched).
 */
export function applySignalPush(queryClient: QueryClient, message: PushMessage): void {
  if (message.type !== 'signals.observed' && message.type !== 'signal.alert') return;
  const current = queryClient.getQueryData<LiveSignals>(signalKeys.live) ?? { count: 0, latest: [], alerts: [] };
  const next: LiveSignals =
    message.type === 'signals.observed'
      ? {
          ...current,
          count: current.count + message.total,
          latest: [...message.items, ...current.latest]
            .sort((a, b) => (a.publishedAt < b.publishedAt ? 1 : -1))
            .slice(0, 10),
        }
      : { ...current, alerts: [message.alert, ...current.alerts.filter((a) => a.id !== message.alert.id)] };
  queryClient.setQueryData(signalKeys.live, next);
  scheduleRefresh(queryClient);
}

/** Refresh of the feed and alerts without any push (lost pushes, reconnect gaps). */
const FALLBACK_REFRESH_MS = 30_000;

/** While connectors ingest, pushes come several times a second: the pages on screen refresh at most every 2 s. */
const REFRESH_EVERY_MS = 2_000;
let refreshTimer: ReturnType<typeof setTimeout> | null = null;
let lastRefresh = 0;

function scheduleRefresh(queryClient: QueryClient) {
  if (refreshTimer) return;
  const wait = Math.max(0, lastRefresh + REFRESH_EVERY_MS - Date.now());
  refreshTimer = setTimeout(() => {
    refreshTimer = null;
    lastRefresh = Date.now();
    void queryClient.invalidateQueries({ queryKey: signalKeys.all, refetchType: 'active' });
  }, wait);
}
