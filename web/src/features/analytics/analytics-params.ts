/** The Analytics page's URL parameters (period, slices, scope, drill-down) and the metrics queries they make. */
import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import type { MetricsQuery } from '../../../../shared/contracts/index.ts';
import type { BreakdownSlice } from './breakdown.tsx';
import { PERIOD_PRESETS, type Period, presetPeriod, todayUtc } from './period.ts';

export const PROVIDERS = [
  { value: 'openai', label: 'OpenAI' },
  { value: 'anthropic', label: 'Anthropic' },
  { value: 'gemini', label: 'Gemini' },
  { value: 'perplexity', label: 'Perplexity' },
] as const;
export const SURFACES = [
  { value: 'api', label: 'API' },
  { value: 'api_web_search', label: 'API with web search' },
] as const;
export type Provider = (typeof PROVIDERS)[number]['value'];
export type Surface = (typeof SURFACES)[number]['value'];
export type Scope = 'non-branded' | 'all';

export interface Slices {
  provider: Provider | undefined;
  surface: Surface | undefined;
  topic: string | undefined;
  promptSetVersion: number | undefined;
  /** Only branded (`true`) or non-branded (`false`) prompts; URL `prompts=branded|non-branded`. */
  branded: 'true' | 'false' | undefined;
  /** Prompt locale (warehouse sections only: the rollups have no locale dimension). */
  locale: string | undefined;
  scope: Scope;
}

/** Period and slices live in the URL (`?days=30`, or `?from=&to=`, plus `provider`, `surface`, …): shareable. */
export function useAnalyticsParams() {
  const [params, setParams] = useSearchParams();
  const days = Number(params.get('days') ?? '30');
  const customFrom = params.get('from');
  const customTo = params.get('to');
  const custom = customFrom !== null && customTo !== null ? { from: customFrom, to: customTo } : null;
  const preset = PERIOD_PRESETS.find((d) => d === days) ?? 30;
  const today = todayUtc();
  // biome-ignore lint/correctness/useExhaustiveDependencies: `today` changes the preset's dates at midnight.
  const period: Period = useMemo(() => custom ?? presetPeriod(preset), [custom?.from, custom?.to, preset, today]);
  const paramsKey = params.toString();
  // biome-ignore lint/correctness/useExhaustiveDependencies: recomputed only when the URL's query changes.
  const slices: Slices = useMemo(() => {
    const provider = PROVIDERS.find((p) => p.value === params.get('provider'))?.value;
    const surface = SURFACES.find((s) => s.value === params.get('surface'))?.value;
    const topic = params.get('topic') ?? undefined;
    const version = Number(params.get('version'));
    const prompts = params.get('prompts');
    const locale = params.get('locale');
    return {
      branded: prompts === 'branded' ? 'true' : prompts === 'non-branded' ? 'false' : undefined,
      locale: locale && /^[a-z]{2,3}-[A-Z]{2}$/.test(locale) ? locale : undefined,
      provider,
      surface,
      topic: topic || undefined,
      promptSetVersion: Number.isInteger(version) && version > 0 ? version : undefined,
      scope: params.get('scope') === 'all' ? 'all' : 'non-branded',
    };
  }, [paramsKey]);
  // The base is the address bar at call time, not this render's params: navigations commit in a transition, and a
  // control used before that render lands must not write an older query back (e.g. undo a period just chosen).
  const update = useCallback(
    (changes: Record<string, string | null>) => {
      const next = new URLSearchParams(typeof window === 'undefined' ? params : window.location.search);
      for (const [key, value] of Object.entries(changes)) {
        if (value === null || value === '') next.delete(key);
        else next.set(key, value);
      }
      setParams(next, { replace: true });
    },
    [params, setParams],
  );
  const drill = params.get('drill');
  const drillFocus = params.get('focus');
  return {
    period,
    preset: custom ? null : preset,
    slices,
    update,
    drill: drill || null,
    drillFocus: drillFocus || null,
  };
}

export function toQuery(period: Period, slices: Slices): MetricsQuery {
  return {
    from: period.from,
    to: period.to,
    ...(slices.provider ? { provider: slices.provider } : {}),
    ...(slices.surface ? { surface: slices.surface } : {}),
    ...(slices.topic ? { topic: slices.topic } : {}),
    ...(slices.promptSetVersion ? { promptSetVersion: slices.promptSetVersion } : {}),
    ...(slices.branded ? { branded: slices.branded } : {}),
    scope: slices.scope,
  };
}

/** Provider and surface slices of the current filters (the varying dimension's own filter is dropped). */
export function breakdownSlicesFor(
  period: Period,
  slices: Slices,
  /** Providers enabled in the brand's run settings (undefined while unknown: none is marked disabled). */
  enabledProviders?: ReadonlySet<string>,
): BreakdownSlice[] {
  return [
    ...PROVIDERS.map(
      (p): BreakdownSlice => ({
        id: `provider-${p.value}`,
        dimension: 'provider',
        label: p.label,
        query: toQuery(period, { ...slices, provider: p.value }),
        ...(enabledProviders && !enabledProviders.has(p.value) ? { disabled: true } : {}),
      }),
    ),
    ...SURFACES.map(
      (sf): BreakdownSlice => ({
        id: `surface-${sf.value}`,
        dimension: 'surface',
        label: sf.label,
        query: toQuery(period, { ...slices, surface: sf.value }),
      }),
    ),
  ];
}

/** Brand and competitor metrics for a period and slice, compared with the previous period of the same length. */
