import type { MetricsResponse } from '../../../../shared/contracts/index.ts';
import type { Slices } from './analytics-params.ts';
import type { BreakdownResult } from './breakdown.tsx';
import { type CsvCell, downloadCsv, toCsv } from './csv.ts';
import { compareMetrics, METRICS } from './metrics-model.ts';
import { previousPeriod } from './period.ts';
import { entities } from './report.tsx';

export const CSV_HEADER = [
  'entity',
  'kind',
  'metric',
  'value',
  'k',
  'n',
  'n_counts',
  'ci95_low',
  'ci95_high',
  'previous_value',
  'previous_n',
  'change',
  'change_ci95_low',
  'change_ci95_high',
  'change_verdict',
  'from',
  'to',
  'previous_from',
  'previous_to',
  'provider',
  'surface',
  'topic',
  'prompt_set_version',
  'share_of_voice_scope',
  'prompts',
  'slice',
] as const;

/** One row per entity × metric, for exactly the numbers on screen (raw values, not rounded). */
export function analyticsCsv(
  current: MetricsResponse,
  previous: MetricsResponse | undefined,
  slices: Slices,
  breakdown: readonly BreakdownResult[] = [],
): string {
  const prev = previous && previous.n > 0 ? previous : undefined;
  const prevPeriod = previousPeriod({ from: current.from, to: current.to });
  const rows: CsvCell[][] = [];
  for (const entity of entities(current)) {
    const before = prev ? entities(prev).find((e) => e.entityId === entity.entityId) : undefined;
    const changes = compareMetrics(before, entity);
    for (const spec of METRICS) {
      const r = spec.read(entity, current.n);
      const b = before && prev ? spec.read(before, prev.n) : null;
      const c = changes[spec.key];
      rows.push([
        entity.name,
        entity.kind,
        spec.key,
        r.value,
        r.k,
        r.n,
        r.nLabel,
        r.ci?.[0],
        r.ci?.[1],
        b?.value,
        b?.n,
        c.delta,
        c.ci?.[0],
        c.ci?.[1],
        c.verdict,
        current.from,
        current.to,
        prevPeriod.from,
        prevPeriod.to,
        slices.provider ?? 'all',
        slices.surface ?? 'all',
        slices.topic ?? 'all',
        slices.promptSetVersion ?? 'all',
        slices.scope,
        slices.branded === 'true' ? 'branded' : slices.branded === 'false' ? 'non-branded' : 'all',
        'overall',
      ]);
    }
  }
  // The brand's row of each provider / surface slice on screen (no period comparison there).
  for (const { slice, data } of breakdown) {
    if (!data || data.n === 0) continue;
    for (const spec of METRICS) {
      const r = spec.read(data.brand, data.n);
      rows.push([
        data.brand.name,
        'brand',
        spec.key,
        r.value,
        r.k,
        r.n,
        r.nLabel,
        r.ci?.[0],
        r.ci?.[1],
        null,
        null,
        null,
        null,
        null,
        null,
        data.from,
        data.to,
        null,
        null,
        slice.query.provider ?? 'all',
        slice.query.surface ?? 'all',
        slices.topic ?? 'all',
        slices.promptSetVersion ?? 'all',
        slices.scope,
        slices.branded === 'true' ? 'branded' : slices.branded === 'false' ? 'non-branded' : 'all',
        `${slice.dimension}=${slice.query[slice.dimension]}`,
      ]);
    }
  }
  return toCsv(CSV_HEADER, rows);
}

export function ExportButton({
  brandName,
  current,
  previous,
  slices,
  breakdown,
}: {
  brandName: string;
  current: MetricsResponse;
  previous: MetricsResponse | undefined;
  slices: Slices;
  breakdown: readonly BreakdownResult[];
}) {
  return (
    <button
      type="button"
      className="button"
      onClick={() => {
        const slug = slugOf(brandName);
        downloadCsv(
          `promptpulse-${slug}-${current.from}-${current.to}.csv`,
          analyticsCsv(current, previous, slices, breakdown),
        );
      }}
    >
      Export CSV
    </button>
  );
}

export function slugOf(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'brand'
  );
}
