/** Reporting periods: presets ending today (UTC, as the rollups are keyed) and the previous period of equal length. */

export const PERIOD_PRESETS = [7, 30, 90] as const;
export type PresetDays = (typeof PERIOD_PRESETS)[number];

/** The API accepts periods of at most 366 days between `from` and `to`. */
export const MAX_PERIOD_SPAN_DAYS = 366;

const DAY_MS = 86_400_000;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

export interface Period {
  from: string;
  to: string;
}

export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function parseDate(date: string): number | null {
  if (!DATE_RE.test(date)) return null;
  const ms = Date.parse(`${date}T00:00:00Z`);
  return Number.isNaN(ms) || isoDate(ms) !== date ? null : ms;
}

export function todayUtc(now = Date.now()): string {
  return isoDate(now);
}

/** The last `days` days, today included. */
export function presetPeriod(days: number, now = Date.now()): Period {
  const to = parseDate(todayUtc(now)) ?? now;
  return { from: isoDate(to - (days - 1) * DAY_MS), to: isoDate(to) };
}

/** Number of days in the period, both ends included. */
export function periodDays(period: Period): number {
  const from = parseDate(period.from);
  const to = parseDate(period.to);
  if (from === null || to === null) return 0;
  return Math.round((to - from) / DAY_MS) + 1;
}

/** The period of the same length that ends the day before `period` starts. */
export function previousPeriod(period: Period): Period {
  const from = parseDate(period.from) ?? 0;
  const days = periodDays(period);
  const to = from - DAY_MS;
  return { from: isoDate(to - (days - 1) * DAY_MS), to: isoDate(to) };
}

/** Why a custom period cannot be used, or null when it can. */
export function periodProblem(period: Period): string | null {
  const from = parseDate(period.from);
  const to = parseDate(period.to);
  if (from === null) return 'Choose a valid start date.';
  if (to === null) return 'Choose a valid end date.';
  if (from > to) return 'The start date must not be after the end date.';
  if ((to - from) / DAY_MS > MAX_PERIOD_SPAN_DAYS) return `A period is at most ${MAX_PERIOD_SPAN_DAYS + 1} days.`;
  return null;
}
