/**
 * Prompt-set version boundaries inside the analysed period: where the prompts changed, or where a model was moved to
 * its successor (the migration records a new version with a note), so a step in a trend is read against its cause.
 */
import { usePromptSetVersions } from '../../api/queries.ts';
import { useCurrentBrand } from '../brands/current-brand.tsx';
import type { Period } from './period.ts';

export interface VersionMarker {
  day: string;
  version: number;
  note: string;
}

/** Versions after the first created inside the period (from the first page of versions: the 25 latest). */
export function useVersionMarkers(period: Period): VersionMarker[] {
  const { brand } = useCurrentBrand();
  const versions = usePromptSetVersions(brand?.id);
  const items = versions.data?.pages[0]?.items ?? [];
  return items
    .filter((v) => v.version > 1)
    .map((v) => ({ day: v.createdAt.slice(0, 10), version: v.version, note: v.note }))
    .filter((m) => m.day >= period.from && m.day <= period.to)
    .sort((a, b) => a.day.localeCompare(b.day) || a.version - b.version);
}

export function VersionMarkerList({ markers }: { markers: readonly VersionMarker[] }) {
  if (markers.length === 0) return null;
  return (
    <div className="small" data-testid="version-markers">
      <p className="muted">
        Dashed lines: prompt-set versions started in this period (answers before and after differ):
      </p>
      <ul>
        {markers.map((m) => (
          <li key={m.version}>
            {m.day}: v{m.version}
            {m.note ? ` — ${m.note}` : ''}
          </li>
        ))}
      </ul>
    </div>
  );
}
