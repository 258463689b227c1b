/**
 * The evidence series of an action raised by a social swing (`negative_sentiment|signal|<metric>[ on <source>]`):
 * the social metric the claim is about (mean sentiment toward the brand in the posts of that source, per day, with
 * n and a 95% interval from the signal rollups' sums), and the baseline the swing was measured against. Without this,
 * the chart of such an action plotted AI-answer sentiment, which the claim is not about.
 */
import type { Action, ActionSeries } from '../contracts/actions.ts';
import { SERIES_SOURCE_ALL, type SeriesSource } from '../contracts/signals.ts';
import { meanFromSums } from '../events/rollups.ts';
import type { SignalStore } from '../ports/signals.ts';

const SOCIAL_KEY = /^negative_sentiment\|signal\|(sentiment|volume)(?: on ([a-z0-9_-]+))?$/;

/** The social metric and source an action is about, or null for actions about AI answers. */
export function socialTargetOf(
  action: Pick<Action, 'dedupeKey'>,
): { metric: 'sentiment' | 'volume'; source: string } | null {
  const match = SOCIAL_KEY.exec(action.dedupeKey);
  if (!match) return null;
  return { metric: match[1] as 'sentiment' | 'volume', source: match[2] ?? SERIES_SOURCE_ALL };
}

/** The baseline figure the action's evidence quotes (label ending in "(baseline)"), if any. */
export function baselineOf(action: Pick<Action, 'evidence'>): { value: number; label: string } | null {
  const figure = action.evidence.figures.find((f) => /\(baseline\)$/.test(f.label));
  return figure && figure.value !== null ? { value: figure.value, label: figure.label } : null;
}

export async function socialActionSeries(
  signals: Pick<SignalStore, 'readDays'>,
  action: Pick<Action, 'id' | 'brandId' | 'dedupeKey' | 'evidence' | 'title'>,
  target: { metric: 'sentiment' | 'volume'; source: string },
  from: string,
  to: string,
  tenantId: string,
): Promise<ActionSeries> {
  const rows = (await signals.readDays(tenantId, action.brandId, from, to))
    .filter((row) => row.source === (target.source as SeriesSource))
    .sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  const points = rows.map((row) => {
    const c = (k: string) => row.counters[k] ?? 0;
    if (target.metric === 'volume') return { day: row.day, value: c('n'), n: c('n'), ci: null };
    const mean = meanFromSums(c('sN'), c('s'), c('s2'));
    return { day: row.day, value: mean.value, n: mean.n, ci: mean.ci };
  });
  const where = target.source === SERIES_SOURCE_ALL ? 'social and news' : target.source;
  return {
    actionId: action.id,
    label: target.metric === 'volume' ? `Posts on ${where}` : `Social sentiment on ${where}`,
    points,
    baseline: baselineOf(action),
    basis: 'social',
  };
}
