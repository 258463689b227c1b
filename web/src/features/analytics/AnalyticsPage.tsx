import { useCallback, useEffect, useMemo } from 'react';
import { Link } from 'react-router';
import {
  useBrand,
  useCurrentPromptSet,
  useMetrics,
  useMetricsSlices,
  useRunSettings,
  useRuns,
  useWarehouse,
} from '../../api/queries.ts';
import { QueryState } from '../../components/forms.tsx';
import { EmptyState, PageHeader } from '../../components/Page.tsx';
import { useCurrentBrand } from '../brands/current-brand.tsx';
import { ReanalysisBanner } from '../reanalysis/ReanalysisBanner.tsx';
import { breakdownSlicesFor, toQuery, useAnalyticsParams } from './analytics-params.ts';
import { useMatrix } from './analytics-queries.ts';
import type { BreakdownResult } from './breakdown.tsx';
import { DrilldownDialog } from './drilldown.tsx';
import { ExportButton, slugOf } from './export-csv.tsx';
import { Filters } from './filters.tsx';
import { PromptMatrixSection } from './heatmap.tsx';
import { latestFinish, useSettleAfterRun } from './live-settle.ts';
import { MetricHelp } from './metric-help.tsx';
import { periodDays, periodProblem, previousPeriod } from './period.ts';
import { Report } from './report.tsx';
import { SourcesSection, TopicsSection, TrendSection } from './warehouse.tsx';
import './analytics.css';

// Split along its seams: URL parameters (analytics-params.ts), filters, report, competitor matrix, CSV export and
// metric help live beside this file; the page composes them.
export { analyticsCsv } from './export-csv.tsx';

export function AnalyticsPage() {
  const { brand, isPending: brandsPending } = useCurrentBrand();
  const { period, preset, slices, update, drill, drillFocus } = useAnalyticsParams();
  const problem = periodProblem(period);
  const previous = useMemo(() => previousPeriod(period), [period]);
  // Both periods and the brand (for topic names) are fetched at once: no waterfall.
  // The current period also carries a per-day (or, beyond a month, per-week) series for the cards' trend lines.
  const current = useMetrics(
    brand?.id,
    problem ? null : { ...toQuery(period, slices), granularity: periodDays(period) <= 31 ? 'day' : 'week' },
  );
  const before = useMetrics(brand?.id, problem ? null : toQuery(previous, slices));
  const fullBrand = useBrand(brand?.id);
  // "Where": one slice per provider and per surface, in parallel with the above.
  const runSettings = useRunSettings(brand?.id);
  const enabledProviders = useMemo(
    () =>
      runSettings.data
        ? new Set(runSettings.data.providers.filter((p) => p.enabled).map((p) => p.provider as string))
        : undefined,
    [runSettings.data],
  );
  const breakdownSlices = useMemo(
    () => (problem ? [] : breakdownSlicesFor(period, slices, enabledProviders)),
    [problem, period, slices, enabledProviders],
  );
  const breakdownQueries = useMetricsSlices(
    brand?.id,
    breakdownSlices.map((s) => s.query),
  );
  // A topic or prompt-set version of another brand (after switching brands) is dropped from the URL.
  const topics = fullBrand.data?.topics;
  const latestVersion = fullBrand.data?.promptSetVersion;
  useEffect(() => {
    if (!topics || latestVersion === undefined) return;
    const stale: Record<string, null> = {};
    if (slices.topic && !topics.some((t) => t.id === slices.topic)) stale['topic'] = null;
    if (slices.promptSetVersion && slices.promptSetVersion > latestVersion) stale['version'] = null;
    if (Object.keys(stale).length > 0) update(stale);
  }, [topics, latestVersion, slices.topic, slices.promptSetVersion, update]);
  // Trend, topics and sources from the warehouse (provider and surface slices only), also in parallel.
  const warehouseQuery = useMemo(
    () =>
      problem
        ? null
        : {
            from: period.from,
            to: period.to,
            ...(slices.provider ? { provider: slices.provider } : {}),
            ...(slices.surface ? { surface: slices.surface } : {}),
            ...(slices.topic ? { topic: slices.topic } : {}),
            ...(slices.promptSetVersion ? { promptSetVersion: slices.promptSetVersion } : {}),
            ...(slices.branded ? { branded: slices.branded } : {}),
            ...(slices.locale ? { locale: slices.locale } : {}),
          },
    [problem, period, slices],
  );
  const warehouse = useWarehouse(brand?.id, warehouseQuery);
  const matrix = useMatrix(brand?.id, warehouseQuery);
  const promptSet = useCurrentPromptSet(brand?.id);
  const runs = useRuns(brand?.id ?? null);
  const hasRuns = runs.data ? runs.data.pages.some((p) => p.items.length > 0) : null;
  // Pushed frames keep this list current; the numbers are refetched while the newest run's answers settle.
  useSettleAfterRun(brand?.id, latestFinish(runs.data?.pages.flatMap((p) => p.items) ?? []));
  const locales = useMemo(
    () => [...new Set((promptSet.data?.prompts ?? []).map((p) => p.locale))].sort(),
    [promptSet.data],
  );
  const promptTexts = useMemo(
    () => new Map((promptSet.data?.prompts ?? []).map((p) => [p.id, p.text] as const)),
    [promptSet.data],
  );
  const heatBrand = useMemo(
    () =>
      fullBrand.data
        ? { id: fullBrand.data.id, name: fullBrand.data.name, competitors: fullBrand.data.competitors }
        : null,
    [fullBrand.data],
  );
  const openDrilldown = useCallback(
    (promptId: string, entityId: string | null) => update({ drill: promptId, focus: entityId }),
    [update],
  );
  const topicNames = useMemo(
    () => new Map((fullBrand.data?.topics ?? []).map((t) => [t.id, t.name] as const)),
    [fullBrand.data],
  );
  const slug = slugOf(brand?.name ?? 'brand');
  const breakdown: BreakdownResult[] = breakdownSlices.map((slice, i) => ({
    slice,
    data: breakdownQueries[i]?.data,
    isPending: breakdownQueries[i]?.isPending ?? true,
    error: breakdownQueries[i]?.error ?? null,
  }));

  return (
    <>
      <PageHeader
        title="Analytics"
        description="How visible you are in AI answers, where, versus whom — and whether a change is real or inside the noise."
      >
        {current.data && current.data.n > 0 ? (
          <ExportButton
            brandName={brand?.name ?? 'brand'}
            current={current.data}
            previous={before.data}
            slices={slices}
            breakdown={breakdown}
          />
        ) : null}
      </PageHeader>
      {brandsPending ? (
        <p className="loading-line" role="status">
          <span className="spinner spinner--inline" aria-hidden="true" /> Loading brands…
        </p>
      ) : !brand ? (
        <EmptyState icon="▤" title="No brand yet">
          <p>
            Analytics compares a brand with its competitors. <Link to="/setup">Set up your first brand</Link> to start.
          </p>
        </EmptyState>
      ) : (
        <>
          <ReanalysisBanner brandId={brand.id} />
          <Filters
            period={period}
            preset={preset}
            slices={slices}
            update={update}
            topics={fullBrand.data?.topics ?? []}
            latestVersion={fullBrand.data?.promptSetVersion ?? brand.promptSetVersion}
            locales={locales}
          />
          {slices.locale ? (
            <p className="muted small" role="note">
              The locale filter applies to the trend, the heat map, topics and sources; the headline metrics, the
              competitor matrix and “Where” come from rollups that are not split by locale.
            </p>
          ) : null}
          {problem ? (
            <p className="form-error" role="alert">
              {problem}
            </p>
          ) : (
            <QueryState query={current} label="metrics">
              {current.data ? (
                <Report
                  data={current.data}
                  previous={before.data}
                  previousPeriod={previous}
                  updating={current.isPlaceholderData}
                  sliced={Boolean(
                    slices.provider || slices.surface || slices.topic || slices.promptSetVersion || slices.branded,
                  )}
                  topicName={fullBrand.data?.topics.find((t) => t.id === slices.topic)?.name}
                  breakdown={breakdown}
                  hasRuns={hasRuns}
                />
              ) : null}
            </QueryState>
          )}
          {!problem && current.data && current.data.n > 0 ? (
            <>
              <TrendSection query={warehouse.trends} period={period} slug={slug} />
              {heatBrand ? (
                <PromptMatrixSection
                  query={matrix}
                  brand={heatBrand}
                  promptTexts={promptTexts}
                  period={period}
                  slug={slug}
                  onOpen={openDrilldown}
                  deff={current.data.brand.mentionRate.deff}
                />
              ) : null}
              <TopicsSection
                query={warehouse.topics}
                topicNames={topicNames}
                period={period}
                slug={slug}
                deff={current.data.brand.mentionRate.deff}
              />
              <SourcesSection query={warehouse.sources} period={period} slug={slug} />
            </>
          ) : null}
        </>
      )}
      <MetricHelp />
      {brand && drill && warehouseQuery ? (
        <DrilldownDialog
          key={`${drill}|${drillFocus ?? ''}`}
          brandId={brand.id}
          promptId={drill}
          focusEntityId={drillFocus}
          query={warehouseQuery}
          onClose={() => update({ drill: null, focus: null })}
        />
      ) : null}
    </>
  );
}
